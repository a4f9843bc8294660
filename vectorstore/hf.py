"""Hugging Face libraries as Footnote runs them: from local files only, and silent."""

from __future__ import annotations

import os


def offline_and_quiet() -> None:
    """Never ask a hub (the files are local, and an offline machine would hang or fail), and
    no progress bars or notices on the user's terminal."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
