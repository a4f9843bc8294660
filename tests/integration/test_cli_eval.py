"""`footnote eval` and `footnote convert-squad` end to end in child processes, with the real
embedding model and the extractive backend (no model download, no randomness)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, run_cli, run_cli_on_terminal

pytestmark = pytest.mark.integration

GOLD = ROOT / "tests" / "data" / "gold_seeds.jsonl"
SHAPE = {"n", "retrieval", "answers", "citations", "refusal_accuracy", "latency"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path_factory.mktemp("eval") / "data"),
           "FOOTNOTE_EMBEDDINGS": "local", "FOOTNOTE_LLM": "extractive"}
    assert run_cli("ingest", str(SEEDS), env=env).returncode == 0
    return env


def test_eval_json_figures_and_report_folder(seeded: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("eval", str(GOLD), "--json", "--out", str(tmp_path / "r"), env=seeded)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when the output is for machines
    summary = json.loads(result.stdout)
    assert set(summary) >= SHAPE and summary["n"] == 28
    assert set(summary["retrieval"]) == {"recall@1", "recall@5", "recall@20", "mrr"}
    assert set(summary["answers"]) == {"exact_match", "f1", "contains"}
    assert set(summary["citations"]) == {"precision", "recall", "cites_gold_source"}
    assert set(summary["latency"]) == {"p50_ms", "p95_ms"}
    # measured on this gold set (20 answerable, 8 not): see docs/benchmarks.md
    assert summary["retrieval"]["recall@5"] >= 0.9
    assert summary["refusal_accuracy"] == 1.0
    assert summary["answers"]["contains"] >= 0.6
    assert summary["citations"]["precision"] >= 0.9
    assert 0 < summary["latency"]["p50_ms"] <= summary["latency"]["p95_ms"]

    folder = tmp_path / "r"
    assert (folder / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (folder / "report.md").read_text()
    assert "| recall@5 | " in report and "![figures](chart.png)" in report
    assert len((folder / "results.jsonl").read_text().splitlines()) == 28
    assert json.loads((folder / "summary.json").read_text()) == summary
    assert (folder / "questions.jsonl").read_text() == GOLD.read_text()


def test_eval_table_and_progress_on_a_terminal(seeded: dict[str, str], tmp_path: Path) -> None:
    lines = GOLD.read_text().splitlines()[:3]
    qa = tmp_path / "three.jsonl"
    qa.write_text("\n".join(lines) + "\n")
    status, shown = run_cli_on_terminal("eval", str(qa), "--out", str(tmp_path / "r"),
                                        env=seeded)
    assert status == 0
    assert "3/3" in shown and "question" in shown  # the bar, on stderr
    table = run_cli("eval", str(qa), "--out", str(tmp_path / "r2"), env=seeded)
    assert "3 questions (3 answerable" in table.stdout and "recall@5" in table.stdout
    assert f"report: {tmp_path / 'r2' / 'report.md'}" in table.stdout


def test_drafted_questions_are_written_and_evaluated(seeded: dict[str, str],
                                                     tmp_path: Path) -> None:
    result = run_cli("eval", "--make-questions", "6", "--json", "--out", str(tmp_path / "d"),
                     env=seeded)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["n"] == 6
    drafted = [json.loads(line) for line in
               (tmp_path / "d" / "questions.jsonl").read_text().splitlines()]
    seeds = {p.name for p in SEEDS.iterdir()}
    for item in drafted:
        assert item["question"].endswith("?") and len(item["answers"]) == 1
        assert set(item["gold_sources"]) <= seeds
        text = " ".join((SEEDS / item["gold_sources"][0]).read_text().split())
        assert item["answers"][0] in text  # the answer is a span of its gold document
    assert len({(d["gold_sources"][0]) for d in drafted}) >= 3  # spread over documents


def test_bad_question_file_and_bad_arguments(seeded: dict[str, str], tmp_path: Path) -> None:
    qa = tmp_path / "bad.jsonl"
    qa.write_text('{"question": "Fine?", "answers": [], "gold_sources": []}\n{oops\n')
    result = run_cli("eval", str(qa), env=seeded)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{qa}: line 2: not JSON" in result.stderr
    both = run_cli("eval", str(qa), "--make-questions", "3", env=seeded)
    assert both.returncode == 2 and "not both" in both.stderr


def test_convert_squad_then_ingest_and_evaluate(tmp_path: Path) -> None:
    squad = {"data": [
        {"title": "Bridges", "paragraphs": [{
            "context": "The Harbour Bridge opened to traffic in 1932 after eight years of work.",
            "qas": [{"question": "When did the Harbour Bridge open to traffic?",
                     "answers": [{"text": "1932"}]}]}]},
        {"title": "Lanterns", "paragraphs": [{
            "context": "The quartz lantern of Velmora glows blue at dusk every evening.",
            "qas": [{"question": "What colour does the quartz lantern of Velmora glow?",
                     "answers": [{"text": "blue"}]}]}]},
    ]}
    (tmp_path / "squad.json").write_text(json.dumps(squad))
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_EMBEDDINGS": "local",
           "FOOTNOTE_LLM": "extractive"}
    converted = run_cli("convert-squad", str(tmp_path / "squad.json"), str(tmp_path / "sq"),
                        env=env)
    assert converted.returncode == 0, converted.stderr
    assert "2 paragraphs" in converted.stdout
    assert run_cli("ingest", str(tmp_path / "sq" / "corpus"), env=env).returncode == 0
    result = run_cli("eval", str(tmp_path / "sq" / "questions.jsonl"), "--json",
                     "--out", str(tmp_path / "r"), env=env)
    summary = json.loads(result.stdout)
    assert summary["retrieval"]["recall@1"] == 1.0
    assert summary["answers"]["contains"] == 1.0
    assert summary["refusal_accuracy"] is None  # no unanswerable question in the set
