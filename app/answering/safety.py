"""Keeping documents as data: neutralise text that imitates our prompt's structure, and spot
sentences that address the model instead of the reader (prompt injection)."""

from __future__ import annotations

import re

from common.text import MARKER

# Our prompt wraps sources in <source n="..."> blocks and cites with [n]; a document must not be
# able to close a block, open a forged one, or carry citation markers of its own.
_SOURCE_TAG = re.compile(r"<\s*(/?)\s*source\b", re.IGNORECASE)

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.]{0,30}\b(instructions?|prompts?|rules|"
    r"guidelines)\b"
    r"|\b(ignore|disregard|forget)\s+(all\s+|everything\s+)?(above|previous|prior|preceding)\b"
    r"|\b(system|developer)\s+(prompt|message|instructions?)\b"
    r"|\byou\s+(are|must)\s+now\b"
    r"|\b(reply|respond|answer|output|say)\s+(only\s+)?(with\s+)?(exactly\s+)?[\"'“]?(?-i:[A-Z]{4,})\b"
    r"|\bnew\s+instructions?\b"
    r"|\bas\s+an?\s+(ai|language\s+model|assistant)\b",
    re.IGNORECASE,
)


def neutralise(text: str) -> str:
    """Source text made safe to place inside our delimiters: look-alike tags and citation
    markers are turned into harmless characters of the same meaning for a reader."""
    text = _SOURCE_TAG.sub(lambda m: f"‹{m.group(1)}source", text)
    return MARKER.sub(lambda m: m.group(0).replace("[", "(").replace("]", ")"), text)


def is_instruction(sentence: str) -> bool:
    """True when a sentence speaks to an AI system rather than to a human reader."""
    return bool(_INJECTION.search(sentence))
