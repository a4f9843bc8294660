"""Whether this user may write the index's files. A shared, mounted or another user's data folder
is read-only: everything that reads works, and nothing tries to write (no lock, no repair)."""

from __future__ import annotations

import os
from pathlib import Path

from common.config import Settings
from common.errors import ReadOnlyError


def read_only_path(settings: Settings) -> Path | None:
    """The first file or folder of the index this user cannot write, None when all can be
    written (or do not exist yet). Only what holds the index counts: the data folder does not
    when both stores are servers. `os.access` answers for permissions and for a read-only
    mount alike (EROFS), without writing anything."""
    paths: list[Path] = []
    if settings.database_url is None:
        from vectorstore.catalog import sqlite_name

        paths += [settings.data_dir, settings.data_dir / sqlite_name(settings)]
    if settings.chroma_host is None:
        paths += [settings.data_dir, settings.chroma_dir, settings.chroma_dir / "chroma.sqlite3"]
    return next((p for p in paths if p.exists() and not os.access(p, os.W_OK)), None)


def read_only_error(settings: Settings) -> ReadOnlyError:
    return ReadOnlyError(
        f"The data folder {settings.data_dir} is read-only: sources, search and ask work, but "
        "adding or removing documents or accounts needs a folder you can write (run it as the "
        "folder's owner, or copy the folder and point FOOTNOTE_DATA_DIR at the copy).")


def ensure_writable(settings: Settings) -> None:
    """Refuse before anything is opened for writing."""
    if read_only_path(settings) is not None:
        raise read_only_error(settings)
