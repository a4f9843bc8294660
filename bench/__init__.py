"""Benchmarks (`make bench`). SQuAD v1.1 dev is read from ../shared/data, never copied here."""

from pathlib import Path

SQUAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad" / "dev-v1.1.json"
