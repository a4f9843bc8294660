"""Starting real servers on 127.0.0.1 for tests, and waiting until they answer."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


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


@contextmanager
def chroma_server(folder: Path) -> Iterator[int]:
    """A `chroma run` server storing into `folder`; yields its port."""
    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chromadb package installs the `chroma` command"
    command = [chroma, "run", "--path", str(folder / "server-data"), "--host", "127.0.0.1",
               "--port", str(port)]
    with running(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", folder / "chroma.log"):
        yield port


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL 15 cluster on a free port (trust authentication, no fsync);
    yields the URL of its `postgres` database. `initdb` refuses to run as root, so as root the
    cluster runs as the `postgres` system user, in a folder it owns."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 is not installed ({PG_BIN}); `make test` installs it, "
                    "or run: apt-get install -y postgresql")
    folder = Path(tempfile.mkdtemp(prefix="footnote-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()

    def pg(*args: object) -> None:
        done = subprocess.run([*as_user, *map(str, args)], capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"{args[0]} failed: {done.stdout}{done.stderr}")

    try:
        pg(PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
           "--locale=C", "--no-sync")
        pg(PG_BIN / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-o",
           f"-p {port} -k {folder} -h 127.0.0.1 -F", "start")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            pg(PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A fresh, empty database on the server; returns its URL."""
    import psycopg

    name = f"footnote_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
