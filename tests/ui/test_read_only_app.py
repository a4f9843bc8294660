"""The app on a data folder its user can only read: documents listed, questions answered, no
seeding, no upload or remove controls, one sentence saying why, and nothing written there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, run_cli
from tests.helpers.reader import (
    fingerprint,
    make_read_only,
    run_as_reader,
    shared_folder,
    skip_unless_root,
)

pytestmark = pytest.mark.integration
ENV = {"FOOTNOTE_EMBEDDINGS": "fake", "FOOTNOTE_LLM": "extractive"}


@pytest.fixture
def folder() -> Iterator[Path]:
    skip_unless_root()
    with shared_folder() as shared:
        (shared / "home").mkdir()
        (shared / "home").chmod(0o777)
        yield shared


def _page(folder: Path, data: Path, *questions: str) -> dict:
    before = fingerprint(data)
    result = run_as_reader(["-m", "tests.helpers.read_only_app", *questions],
                           ENV | {"FOOTNOTE_DATA_DIR": str(data)}, folder / "home")
    assert result.returncode == 0, result.stderr
    assert fingerprint(data) == before  # no chat, log, lock or seed written there
    shown = json.loads(result.stdout)
    assert not shown["exception"] and not shown["error"], shown
    return shown


def test_the_app_answers_from_a_read_only_folder(folder: Path) -> None:
    data = folder / "data"
    assert run_cli("ingest", str(SEEDS), env=ENV | {"FOOTNOTE_DATA_DIR": str(data)}
                   ).returncode == 0
    make_read_only(data)
    shown = _page(folder, data, "Which Armenian defence minister tendered his resignation?")
    assert any("Tonoyan" in m for m in shown["markdown"])
    assert f"The data folder {data} is read-only: " in " ".join(shown["caption"])
    assert shown["file_uploader"] == 0
    assert not any(s.startswith("First start") for s in shown["status"])
    assert not any(b.startswith(("Remove", "Index")) for b in shown["buttons"])


def test_an_empty_read_only_folder_is_not_seeded_and_says_so(folder: Path) -> None:
    data, empty = folder / "data", folder / "empty"
    empty.mkdir()
    assert run_cli("ingest", str(empty), env=ENV | {"FOOTNOTE_DATA_DIR": str(data)}
                   ).returncode == 0
    make_read_only(data)
    shown = _page(folder, data)
    assert not shown["status"]  # no "First start: indexing the demo documents"
    assert any(i.startswith(f"The data folder {data} is read-only and holds no documents")
               for i in shown["info"])
