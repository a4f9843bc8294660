"""Shared fixtures: isolated settings per test, the real local embedder (loaded once)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from common.config import Settings, load_settings
from tests.helpers.servers import chroma_server, new_database, postgres_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

os.environ["ANONYMIZED_TELEMETRY"] = "False"

# `make test` (and so CI) runs Hypothesis derandomized: the same examples every run, so a test
# never passes or fails by luck. `make fuzz` searches afresh with many more examples; pin what it
# finds with @example.
hypothesis_settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None,
                                     print_blob=True)
hypothesis_settings.register_profile("fuzz", max_examples=20_000, deadline=None,
                                     print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's .env or writes into the working tree."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith(("FOOTNOTE_", "CHROMA_", "OPENAI_")):
            monkeypatch.delenv(key)


@pytest.fixture
def make_settings(tmp_path: Path):
    def make(**overrides: object) -> Settings:
        overrides.setdefault("data_dir", tmp_path / "data")
        overrides.setdefault("embeddings", "fake")
        return load_settings(**overrides)

    return make


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One real PostgreSQL for the whole session; each test takes its own database."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """A fresh PostgreSQL database for this test."""
    return new_database(postgres_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest) -> Callable[[], str | None]:
    """Run the test on each catalog: each call gives a new database for one installation,
    None on SQLite (files under its data folder, the default) or a PostgreSQL URL."""
    if request.param == "sqlite":
        return lambda: None
    server = request.getfixturevalue("postgres_url")
    return lambda: new_database(server)


@pytest.fixture
def chroma_port(tmp_path: Path) -> Iterator[int]:
    """A real `chroma run` server for this test."""
    with chroma_server(tmp_path) as port:
        yield port


@pytest.fixture(scope="session")
def local_embedder():
    from vectorstore.embeddings import LocalMiniLM

    embedder = LocalMiniLM()
    embedder.warm_up()
    return embedder


def _cli_env(env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without the developer's Footnote settings, plus `env`."""
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("FOOTNOTE_", "CHROMA_", "OPENAI_"))}
    return full_env | (env or {})


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 300, input_text: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run the real `footnote` command in a child process (`input_text` on its stdin)."""
    full_env = _cli_env(env)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
        env=full_env, cwd=cwd, timeout=timeout, input=input_text,
    )


def start_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start the real `footnote` command in a child process, without waiting for it."""
    return subprocess.Popen([sys.executable, "-m", "app.cli", *args], env=_cli_env(env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_cli_on_terminal(*args: str, env: dict[str, str] | None = None,
                        timeout: float = 300) -> tuple[int, str]:
    """Run `footnote` with its stderr on a pseudo-terminal (where progress bars are drawn);
    returns the exit status and what the terminal showed."""
    full_env = _cli_env(env)
    primary, secondary = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "app.cli", *args], stdout=subprocess.PIPE,
                          stderr=secondary, env=full_env, timeout=timeout)
    os.close(secondary)
    chunks = []
    while select.select([primary], [], [], 0.5)[0]:
        try:
            data = os.read(primary, 65536)
        except OSError:  # EIO: the child side is closed and everything was read
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    return proc.returncode, b"".join(chunks).decode(errors="replace")
