"""The labelled corpus of the answer-quality tests: the five seeds and the 48 SQuAD paragraphs of
tests/data/squad_excerpt.jsonl, one document per paragraph, named `<id with ':' as '_'>.txt`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from langchain_core.embeddings import Embeddings

from common.config import load_settings
from ingest.sync import Indexer
from tests.conftest import ROOT, SEEDS
from vectorstore.index import Index

DATA = ROOT / "tests" / "data"
DOCUMENTS = 53  # 5 seeds + 48 SQuAD paragraphs


def load_jsonl(name: str) -> list[dict]:
    """A JSON-lines file of tests/data, one object per non-empty line."""
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def squad_document_name(paragraph_id: str) -> str:
    return paragraph_id.replace(":", "_") + ".txt"


def write_corpus(folder: Path, seeds: bool = True, squad: bool = True) -> Path:
    """Write the documents into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    if seeds:
        for path in SEEDS.glob("*.txt"):
            shutil.copy(path, folder / path.name)
    if squad:
        for paragraph in load_jsonl("squad_excerpt.jsonl"):
            (folder / squad_document_name(paragraph["id"])).write_text(
                paragraph["context"], encoding="utf-8")
    return folder


def index_corpus(root: Path, embedder: Embeddings) -> tuple[Index, Path]:
    """The documents written to root/corpus and indexed in root/data with `embedder`; every one
    of them, or an error naming what failed."""
    folder = write_corpus(root / "corpus")
    index = Index(load_settings(data_dir=root / "data", embeddings="local"), embedder)
    report = Indexer(index).ingest([folder])
    if report.added != DOCUMENTS:
        raise RuntimeError(f"indexed {report.added} of {DOCUMENTS} documents: {report.failed}")
    return index, folder
