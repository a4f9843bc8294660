"""Fixtures for the web chat tests: an isolated, offline app environment for AppTest.

`FOOTNOTE_EMBEDDINGS=fake` (a deterministic hashing embedder) and `FOOTNOTE_LLM=extractive` keep
AppTest runs fast and offline; questions reuse document wording so lexical matching finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st  # noqa: TID251
from streamlit.testing.v1 import AppTest  # noqa: TID251

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "streamlit_app.py"
TIMEOUT = 180  # generous: 2 cores, and a benchmark may be running alongside


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: a real browser against a running server")


@pytest.fixture
def app_env(_isolated: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fresh data folder and offline backends; no cached index or model leaks between tests."""
    data = tmp_path / "data"
    monkeypatch.setenv("FOOTNOTE_DATA_DIR", str(data))
    monkeypatch.setenv("FOOTNOTE_EMBEDDINGS", "fake")
    monkeypatch.setenv("FOOTNOTE_LLM", "extractive")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    st.cache_resource.clear()
    yield data
    st.cache_resource.clear()


@pytest.fixture
def new_app(app_env: Path) -> Callable[[], AppTest]:
    """A new browser session on the same server state (each AppTest has its own session)."""

    def make() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make
