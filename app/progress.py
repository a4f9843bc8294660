"""Terminal progress bars (tqdm on stderr) for ingest and evaluation, or nothing when output is
for machines."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _tqdm(total: int, unit: str, desc: str):
    from tqdm import tqdm

    # A terminal that reports no size (a bare pty) would make tqdm hide the bar.
    width, height = shutil.get_terminal_size(fallback=(100, 24))
    return tqdm(total=total, unit=unit, file=sys.stderr, desc=desc,
                ncols=min(width or 100, 120), nrows=height or 24)


class _Bar:
    def __init__(self) -> None:
        self._bar = None
        self._chunks = 0

    def start(self, total_files: int) -> None:
        self._bar = _tqdm(total_files, "file", "indexing")

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


@contextmanager
def counting_bar(enabled: bool, unit: str, desc: str) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback drawing a bar (the total is learnt from the first call),
    or doing nothing when disabled."""
    bars = []

    def progress(done: int, total: int) -> None:
        if not enabled:
            return
        if not bars:
            bars.append(_tqdm(total, unit, desc))
        bars[0].update(done - bars[0].n)

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()
