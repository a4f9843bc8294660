"""Chunks are exact slices of the document, within the embedder's limit, and cover all text."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ingest.chunking import Chunker, count_tokens, split_spans
from ingest.documents import Document

pytestmark = pytest.mark.unit

_word = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P")),
                min_size=1, max_size=14)
_sentence = st.lists(_word, min_size=1, max_size=25).map(lambda ws: " ".join(ws) + ".")
_paragraph = st.lists(_sentence, min_size=1, max_size=8).map(" ".join)
_text = st.lists(_paragraph, min_size=1, max_size=8).flatmap(
    lambda ps: st.sampled_from(["\n\n", "\n", " "]).map(lambda sep: sep.join(ps)))


def _doc(text: str) -> Document:
    return Document(source="t.txt", title="t", text=text, sha256="0" * 64)


def _char_budget(text: str) -> int:
    """A stand-in embedder tokenizer that is stricter than tiktoken, to force re-splitting."""
    return len(text) // 3 + 1


@given(text=_text, size=st.integers(20, 120), overlap_share=st.floats(0, 0.4))
def test_spans_are_exact_bounded_and_cover_the_text(text: str, size: int,
                                                    overlap_share: float) -> None:
    limit = 40
    chunker = Chunker(size, int(size * overlap_share), embed_limit=limit,
                      count_embed_tokens=_char_budget)
    chunks = chunker.split(_doc(text))
    covered = set()
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert _char_budget(chunk.text) <= limit
        covered.update(range(chunk.start, chunk.end))
    starts = [c.start for c in chunks]
    assert starts == sorted(set(starts))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


# Found by Hypothesis: an overlap window that began with a white-space piece was stripped to the
# next chunk's start, so (28, 33) was a prefix of (28, 44).
@example(text="0 0 0 0 0. 0 00000ÌØôŌᗐ𛱨𡦨𢢼𤎾 0 0 0 0:0:0ÅÒÒþĒ 0.", size=22, overlap=8)
@given(text=st.text(min_size=1, max_size=300), size=st.integers(4, 60), overlap=st.integers(0, 30))
def test_each_chunk_starts_and_ends_after_the_one_before(text: str, size: int,
                                                          overlap: int) -> None:
    spans = split_spans(text, 0, len(text), size, min(overlap, size - 1), count_tokens)
    for start, end in spans:
        assert text[start:end].strip() == text[start:end] != ""
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(spans, spans[1:], strict=False))
    covered = {i for start, end in spans for i in range(start, end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_chunks_respect_target_size_and_overlap() -> None:
    text = " ".join(f"Sentence number {i} talks about topic {i % 7}." for i in range(300))
    chunks = Chunker(100, 20).split(_doc(text))
    assert len(chunks) > 5
    assert all(count_tokens(c.text) <= 100 for c in chunks)
    assert all(a.end > b.start for a, b in zip(chunks, chunks[1:], strict=False))  # overlap


def test_cuts_fall_on_sentence_boundaries_when_possible() -> None:
    text = " ".join(f"This is sentence {i} of a longer story." for i in range(200))
    chunks = Chunker(60, 0).split(_doc(text))
    assert all(c.text.endswith(".") for c in chunks)


def test_special_token_text_is_plain_text() -> None:
    text = "Before <|endoftext|> after. " * 50
    chunks = Chunker(50, 5).split(_doc(text))
    assert any("<|endoftext|>" in c.text for c in chunks)
    assert count_tokens("<|endoftext|>") > 1  # counted as characters, not as the special token


def test_real_minilm_limit_is_enforced(local_embedder) -> None:
    """Dense numbers and rare words cost MiniLM far more word pieces than cl100k tokens."""
    text = " ".join(f"X{i}q{i * 7919}z" for i in range(600))
    chunker = Chunker(400, 0, local_embedder.max_tokens, local_embedder.count_tokens)
    chunks = chunker.split(_doc(text))
    assert count_tokens(text) > 400  # a tiktoken-only chunker would emit over-long chunks
    assert max(local_embedder.count_tokens(c.text) for c in chunks) <= 254


def test_page_and_heading_are_recorded() -> None:
    text = "Intro\n\nFirst part text here.\n\nPart two\n\nSecond part text here."
    doc = Document(source="a.pdf", title="a", text=text, sha256="0" * 64,
                   page_starts=(0, text.index("Part two")),
                   headings=((0, "Intro"), (text.index("Part two"), "Part two")))
    chunks = Chunker(8, 0).split(doc)
    last = chunks[-1]
    assert last.page == 2 and last.heading == "Part two"
    assert chunks[0].page == 1 and chunks[0].heading == "Intro"


def test_a_chunk_of_a_pdf_never_spans_two_pages() -> None:
    """Two short pages fit in one chunk, yet each page gets its own: a quote's chunk names its
    page (a sentence on page 2 was labelled page 1 when they shared a chunk)."""
    text = "Apples grow in the north orchard.\n\nPears ripen in the south orchard."
    second = text.index("Pears")
    doc = Document(source="a.pdf", title="a", text=text, sha256="0" * 64,
                   page_starts=(0, second))
    chunks = Chunker(400, 40).split(doc)
    assert [(c.text, c.page) for c in chunks] == [
        ("Apples grow in the north orchard.", 1), ("Pears ripen in the south orchard.", 2)]
    assert [(c.start, c.end) for c in Chunker(400, 40).split(_doc(text))] == [(0, len(text))]
