"""Where library warnings go: a log file in the data folder, not the user's terminal.

Libraries report what the per-file reasons already say in their own words ("EOF marker not
found" for a broken PDF, beside "not a readable PDF"); on the terminal that is noise the user
cannot act on. They are kept in FOOTNOTE_DATA_DIR/footnote.log, and `--verbose` shows them too.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_FILE = "footnote.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def route_library_warnings(data_dir: Path, verbose: bool = False) -> None:
    """Send Python warnings and WARNING-level log records to the log file (and to stderr when
    verbose). A data folder that cannot be written (a read-only, shared index) is not touched:
    they are dropped, or shown on stderr with --verbose."""
    logging.captureWarnings(True)
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in [h for h in root.handlers if getattr(h, "footnote", False)]:
        root.removeHandler(handler)
        handler.close()
    handlers = [_log_file(data_dir)]
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.footnote = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)


def _log_file(data_dir: Path) -> logging.Handler:
    """The log file; where it cannot be written it is not even opened, and records go nowhere
    (a NullHandler, so Python's last-resort handler does not print them on the terminal)."""
    path = data_dir / LOG_FILE
    if _may_write(path):
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            return logging.FileHandler(path, encoding="utf-8")
        except OSError:
            pass
    return logging.NullHandler()


def _may_write(path: Path) -> bool:
    """The file, or else the nearest folder above it that exists, is writable by this user."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return os.access(path, os.W_OK)
