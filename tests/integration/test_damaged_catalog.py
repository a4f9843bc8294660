"""A damaged catalog file is named in one sentence with the way out, and `footnote ingest
--rebuild` moves it aside (kept) and builds the index again from the documents."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import SEEDS, run_cli

pytestmark = pytest.mark.integration


def _truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 3)


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


@pytest.mark.parametrize("damage", [_truncate, _random_bytes])
def test_a_damaged_catalog_is_named_then_rebuilt(tmp_path: Path, damage) -> None:
    data = tmp_path / "data"
    env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    [catalog] = data.glob("manifest-*.sqlite3")
    run_cli("sources", env=env)  # a clean close: the journal is folded into the file
    damage(catalog)

    for command in (["sources"], ["ask", "--llm", "extractive", "Who attended the parade?"],
                    ["ingest", str(SEEDS)]):
        done = run_cli(*command, env=env)
        assert done.returncode == 2, (command, done.stderr)
        assert str(catalog) in done.stderr and "footnote ingest --rebuild" in done.stderr
        assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr

    rebuilt = run_cli("ingest", "--rebuild", str(SEEDS), "--json", env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["added"] == 5
    [kept] = data.glob("manifest-*.sqlite3.damaged-????????-??????")  # moved aside, kept
    assert kept.stat().st_size > 0 and str(kept) in rebuilt.stderr
    sources = json.loads(run_cli("sources", "--json", env=env).stdout)
    assert len(sources) == 5 and all(s["chunks"] > 0 for s in sources)
    assert "Aliev" in run_cli("ask", "--llm", "extractive", "Who attended the parade in "
                              "Khankendi?", env=env).stdout


def test_a_healthy_catalog_is_never_moved_and_no_rebuild_runs_without_documents(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"FOOTNOTE_DATA_DIR": str(data), "FOOTNOTE_EMBEDDINGS": "fake"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    for command in (["ingest", "--rebuild", str(SEEDS)], ["ingest", "--rebuild"],
                    ["ingest", "--reindex"]):
        refused = run_cli(*command, env=env)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, command
    assert not list(data.glob("*.damaged-*"))
    assert len(json.loads(run_cli("sources", "--json", env=env).stdout)) == 5  # untouched
