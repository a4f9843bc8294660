"""Bytes to text for plain-text formats, refusing binary files instead of indexing garbage."""

from __future__ import annotations

import codecs
import re

from common.errors import IngestError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def decode_text(data: bytes) -> str:
    """Decode UTF-8/16/32 (with or without BOM) or cp1252; raise IngestError on binary data."""
    if not data.strip():
        raise IngestError("the file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="replace"))
    if b"\x00" in data:
        return _checked(_decode_bomless_utf16(data))
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("cp1252"))
    except UnicodeDecodeError:
        raise IngestError("the file is not text (binary content)") from None


def _decode_bomless_utf16(data: bytes) -> str:
    """UTF-16 without a BOM puts NULs in every other byte; anything else with NULs is binary."""
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return data.decode("utf-16-le", errors="replace")
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return data.decode("utf-16-be", errors="replace")
    raise IngestError("the file is not text (binary content)")


def _checked(text: str) -> str:
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * max(len(text), 1):
        raise IngestError("the file is not text (binary content)")
    if not text.strip():
        raise IngestError("the file is empty")
    return text
