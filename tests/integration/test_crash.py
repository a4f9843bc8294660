"""SIGKILL in the middle of `footnote ingest`, then a re-run: the store ends exactly as one
clean run leaves it, with no duplicate and no orphan chunk; with the catalog on SQLite and on
PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from common.config import load_settings
from tests.conftest import run_cli
from tests.helpers.index import assert_consistent, snapshot
from vectorstore.index import Index

pytestmark = pytest.mark.integration

WORDS = [
    "river", "harbour", "glacier", "orchard", "council", "budget", "festival", "railway",
    "meadow", "lantern", "copper", "violin", "thunder", "archive", "bakery", "compass",
    "pigeon", "quarry", "saddle", "tunnel",
]


def _corpus(folder: Path, files: int = 160) -> Path:
    rng = random.Random(7)
    folder.mkdir()
    for i in range(files):
        sentences = [" ".join(rng.choices(WORDS, k=12)).capitalize() + "." for _ in range(12)]
        (folder / f"doc{i:03d}.txt").write_text(f"Report {i}\n\n" + " ".join(sentences))
    return folder


def _env(data: Path, database: str | None) -> dict[str, str]:
    return {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "local",
            "FOOTNOTE_EMBED_BATCH": "16", "FOOTNOTE_DATABASE_URL": database or ""}


def _indexed_files(data: Path, database: str | None) -> int:
    """Files the catalog lists so far, read as another process would (0 before it exists)."""
    try:
        if database:
            with psycopg.connect(database, connect_timeout=1) as db:
                return db.execute("SELECT count(*) FROM files").fetchone()[0]
        manifests = list(data.glob("manifest-*.sqlite3"))
        if not manifests:
            return 0
        with sqlite3.connect(manifests[0], timeout=1) as db:
            return db.execute("SELECT count(*) FROM files").fetchone()[0]
    except (sqlite3.Error, psycopg.Error):
        return 0


def test_sigkill_midway_then_rerun_equals_a_clean_run(tmp_path: Path, fresh_database) -> None:
    corpus = _corpus(tmp_path / "docs")
    killed_data, killed_db = tmp_path / "killed", fresh_database()
    clean_data, clean_db = tmp_path / "clean", fresh_database()
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "ingest", str(corpus), "--json"],
                            env={**os.environ, **_env(killed_data, killed_db)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while _indexed_files(killed_data, killed_db) < 32:
        assert proc.poll() is None, "ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _indexed_files(killed_data, killed_db)
    assert 32 <= partial < 160

    rerun = run_cli("ingest", str(corpus), "--json", env=_env(killed_data, killed_db))
    assert rerun.returncode == 0, rerun.stderr
    clean = run_cli("ingest", str(corpus), "--json", env=_env(clean_data, clean_db))
    assert clean.returncode == 0, clean.stderr

    killed_index = Index(load_settings(**_settings(killed_data, killed_db)))
    clean_index = Index(load_settings(**_settings(clean_data, clean_db)))
    assert_consistent(killed_index)
    assert snapshot(killed_index) == snapshot(clean_index)


def _settings(data: Path, database: str | None) -> dict[str, object]:
    return {"data_dir": data, "embeddings": "local", "embed_batch": 16, "database_url": database}
