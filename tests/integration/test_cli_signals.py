"""The `footnote` process and the operating system: the server listens where the settings say,
a stop signal stops it, a reader that stops reading is not an error."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEEDS, _cli_env, run_cli
from tests.helpers.servers import free_port, running

pytestmark = pytest.mark.integration


def test_sigterm_to_serve_stops_the_server(tmp_path: Path) -> None:
    port = free_port()
    env = _cli_env({"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_EMBEDDINGS": "fake"})
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    with running(command, f"{url}/_stcore/health", tmp_path / "serve.log", env=env) as proc:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)  # the server itself, not only a parent, got the signal
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


@pytest.mark.allow_hosts(["127.0.0.1", "127.0.0.2"])
def test_serve_listens_on_the_address_of_the_settings(tmp_path: Path) -> None:
    port = free_port()
    env = _cli_env({"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_EMBEDDINGS": "fake",
                    "FOOTNOTE_SERVE_ADDRESS": "127.0.0.2"})  # another loopback address
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    with running(command, f"http://127.0.0.2:{port}/_stcore/health", tmp_path / "serve.log",
                 env=env), pytest.raises(OSError):  # and there only
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    assert f"http://127.0.0.2:{port}" in (tmp_path / "serve.log").read_text()


def test_output_into_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), "--json", env=env).returncode == 0
    search = subprocess.Popen([sys.executable, "-m", "app.cli", "search", "Karabakh", "--k", "20"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_cli_env(env))
    assert search.stdout is not None and search.stdout.read(10)  # like `| head -c 10`
    search.stdout.close()
    assert search.wait(timeout=60) == 0
    assert search.stderr is not None and search.stderr.read() == b""
