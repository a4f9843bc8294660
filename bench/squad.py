"""SQuAD v1.1 dev, read from ../shared/data (never copied into the repository)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad" / "dev-v1.1.json"


@dataclass(frozen=True)
class Paragraph:
    name: str  # file name: article and paragraph number
    title: str
    context: str
    questions: list[dict]


def load_paragraphs(path: Path = DEFAULT_PATH) -> list[Paragraph]:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [
        Paragraph(f"{a:02d}-{p:03d}.txt", article["title"], para["context"], para["qas"])
        for a, article in enumerate(data)
        for p, para in enumerate(article["paragraphs"])
    ]


def write_corpus(paragraphs: list[Paragraph], folder: Path) -> Path:
    """One text file per paragraph."""
    folder.mkdir(parents=True, exist_ok=True)
    for paragraph in paragraphs:
        (folder / paragraph.name).write_text(paragraph.context + "\n", encoding="utf-8")
    return folder
