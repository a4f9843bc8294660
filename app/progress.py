"""A terminal progress bar for ingest (tqdm on stderr), or nothing when output is for machines."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Bar:
    def __init__(self) -> None:
        self._bar = None
        self._chunks = 0

    def start(self, total_files: int) -> None:
        from tqdm import tqdm

        # A terminal that reports no size (a bare pty) would make tqdm hide the bar.
        width, height = shutil.get_terminal_size(fallback=(100, 24))
        self._bar = tqdm(total=total_files, unit="file", file=sys.stderr, desc="indexing",
                         ncols=min(width or 100, 120), nrows=height or 24)

    def advance(self, files: int, chunks: int) -> None:
        self._chunks += chunks
        if self._bar is not None:
            self._bar.set_postfix(chunks=self._chunks, refresh=False)
            self._bar.update(files)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _NoBar:
    def start(self, total_files: int) -> None:
        pass

    def advance(self, files: int, chunks: int) -> None:
        pass

    def close(self) -> None:
        pass


@contextmanager
def progress_bar(enabled: bool) -> Iterator[_Bar | _NoBar]:
    bar = _Bar() if enabled else _NoBar()
    try:
        yield bar
    finally:
        bar.close()
