"""Where library warnings go: a log file in the data folder, not the user's terminal.

Libraries report what the per-file reasons already say in their own words ("EOF marker not
found" for a broken PDF, beside "not a readable PDF"); on the terminal that is noise the user
cannot act on. They are kept in FOOTNOTE_DATA_DIR/footnote.log, and `--verbose` shows them too.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LOG_FILE = "footnote.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def route_library_warnings(data_dir: Path, verbose: bool = False) -> None:
    """Send Python warnings and WARNING-level log records to the log file (and to stderr when
    verbose). A data folder that cannot be written (a read-only, shared index) keeps them quiet."""
    logging.captureWarnings(True)
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in [h for h in root.handlers if getattr(h, "footnote", False)]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = []
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(data_dir / LOG_FILE, encoding="utf-8"))
    except OSError:
        handlers.append(logging.NullHandler())  # no lastResort printing to the terminal
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.footnote = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
