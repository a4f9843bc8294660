"""Starting real servers on 127.0.0.1 for tests, and waiting until they answer."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(command: list[str], ready_url: str, log_path: Path, timeout: float = 120,
            env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Run `command` until the block ends; fail the test if `ready_url` never answers."""
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(ready_url, timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"{command[0]} did not start: {log_path.read_text()}")
                    time.sleep(0.3)
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=30)
