"""The real `footnote` command in a child process: JSON report, bad input, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEEDS, run_cli, run_cli_on_terminal
from tests.helpers.files import make_bad_folder

pytestmark = pytest.mark.integration


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_EMBEDDINGS": "fake", **extra}


def test_ingest_json_report_and_sources(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = run_cli("ingest", str(SEEDS), "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"added", "updated", "skipped", "removed", "failed", "chunks", "restored",
                           "seconds"}
    assert (report["added"], report["failed"]) == (5, [])
    again = json.loads(run_cli("ingest", str(SEEDS), "--json", env=env).stdout)
    assert (again["skipped"], again["chunks"]) == (5, 0)
    sources = json.loads(run_cli("sources", "--json", env=env).stdout)
    assert {s["source"] for s in sources} == {p.name for p in SEEDS.glob("*.txt")}
    assert all(len(s["sha256"]) == 64 and s["chunks"] > 0 and s["title"] for s in sources)
    removed = run_cli("remove", sources[0]["source"], env=env)
    assert removed.returncode == 0
    assert len(json.loads(run_cli("sources", "--json", env=env).stdout)) == 4
    missing = run_cli("remove", "no-such-file.txt", env=env)
    assert missing.returncode == 2 and "footnote sources" in missing.stderr


def test_bad_input_is_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    expected = make_bad_folder(tmp_path / "bad", tmp_path / "elsewhere")
    result = run_cli("ingest", str(tmp_path / "bad"), "--json",
                     env=_env(tmp_path, FOOTNOTE_MAX_FILE_MB="2"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    reasons = {Path(f["path"]).name: f["reason"] for f in report["failed"]}
    for name, outcome in expected.items():
        if outcome == "ok":
            assert name not in reasons
        else:
            assert outcome in reasons[name], (name, reasons.get(name))
    indexed = {s["source"] for s in json.loads(
        run_cli("sources", "--json", env=_env(tmp_path)).stdout)}
    assert indexed == {n for n, o in expected.items() if o == "ok"}
    found = json.loads(run_cli("search", "café était naïve", "--json", "--k", "20",
                               env=_env(tmp_path)).stdout)
    texts = " ".join(p["text"] for p in found)
    assert "Le café était naïve" in texts and "Привет, мир" in texts
    assert "<|endoftext|>" in texts and "outside the ingested folder" not in texts


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    returncode, tty_output = run_cli_on_terminal("ingest", str(SEEDS), env=_env(tmp_path))
    assert returncode == 0
    assert "5/5" in tty_output and "file" in tty_output
    quiet = run_cli("ingest", str(SEEDS), "--json", env=_env(tmp_path, FOOTNOTE_DATA_DIR=str(
        tmp_path / "other")))
    assert quiet.stderr == ""


def test_library_warnings_go_to_the_log_file_not_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    quiet = run_cli("ingest", str(folder), "--json", env=_env(tmp_path))
    assert "not readable" in quiet.stdout or "unreadable" in quiet.stdout  # the file's reason
    assert "EOF marker" not in quiet.stderr + quiet.stdout  # pypdf's own words stay out
    assert "EOF marker not found" in (tmp_path / "data" / "footnote.log").read_text()
    verbose = run_cli("ingest", str(folder), "--json", "--verbose", env=_env(tmp_path))
    assert "EOF marker not found" in verbose.stderr
