"""Prompt texts live here as Markdown files, one per prompt, loaded by name. Keeping them out of
the code lets a reader review exactly what the model is told."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_prompt(name: str) -> str:
    """The text of prompts/NAME.md; a missing prompt is a packaging bug, so it raises."""
    return resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8").strip()
