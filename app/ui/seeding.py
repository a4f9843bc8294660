"""First start: an empty index gets the demo articles in `seeds/`, with visible progress.

The catalog remembers that seeding happened (so every app server sharing it knows), and a reader
who removes every document later gets an empty index (and a button to bring the demo back), not
the seeds again behind their back on the next page load or from another server. The marker file
that data folders held before is still honoured. A read-only data folder is never seeded.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st  # noqa: TID251

from app.ui.progress import BarProgress
from ingest.sync import Indexer
from vectorstore.index import Index

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
OLD_MARKER = "ui-seeded"  # a file in the data folder, before the catalog kept it


def ensure_seeded(index: Index) -> None:
    if index.read_only:  # nothing can be written: the index is shown as it is
        if index.is_empty():
            st.info(f"The data folder {index.settings.data_dir} is read-only and holds no "
                    "documents, so the demo documents are not indexed here; index documents "
                    "as a user who can write it.", icon=":material/lock:")
        return
    if not index.is_empty() or (index.settings.data_dir / OLD_MARKER).exists():
        if not index.seeded:
            index.mark_seeded()
        return
    if index.seeded or not SEEDS.is_dir():
        return
    index_seeds(index, "First start: indexing the demo documents…")


def index_seeds(index: Index, label: str) -> None:
    with st.status(label, expanded=True) as status:
        bar = st.empty().progress(0.0, text="Loading the embedding model…")
        report = Indexer(index).ingest([SEEDS], progress=BarProgress(bar, "documents"))
        index.mark_seeded()
        ready = len(index.sources())
        status.update(label=f"{ready} demo documents indexed ({report.chunks} passages, "
                            f"{report.seconds:.0f} s)", state="complete", expanded=False)
