"""First start: an empty index gets the demo articles in `seeds/`, with visible progress.

A marker file in the data folder remembers that seeding happened, so a reader who removes every
document later gets an empty index (and a button to bring the demo back), not the seeds again
behind their back on the next page load.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st  # noqa: TID251

from app.ui.progress import BarProgress
from ingest.sync import Indexer
from vectorstore.index import Index

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
MARKER = "ui-seeded"


def ensure_seeded(index: Index) -> None:
    marker = index.settings.data_dir / MARKER
    if not index.is_empty():
        if not marker.exists():
            _mark_seeded(index)
        return
    if marker.exists() or not SEEDS.is_dir():
        return
    index_seeds(index, "First start: indexing the demo documents…")


def index_seeds(index: Index, label: str) -> None:
    with st.status(label, expanded=True) as status:
        bar = st.empty().progress(0.0, text="Loading the embedding model…")
        report = Indexer(index).ingest([SEEDS], progress=BarProgress(bar, "documents"))
        _mark_seeded(index)
        ready = len(index.sources())
        status.update(label=f"{ready} demo documents indexed ({report.chunks} passages, "
                            f"{report.seconds:.0f} s)", state="complete", expanded=False)


def _mark_seeded(index: Index) -> None:
    """With the catalog in PostgreSQL and a Chroma server, nothing else creates the data folder."""
    index.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (index.settings.data_dir / MARKER).touch()
