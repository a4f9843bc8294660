"""The ONNX model is made from the installed weights and gives PyTorch's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from common.errors import ConfigError
from tests.helpers.corpus import load_jsonl
from vectorstore.embeddings import LocalMiniLM
from vectorstore.onnx_model import MIN_COSINE

pytestmark = pytest.mark.integration


def test_onnx_vectors_are_pytorch_s_on_short_long_and_odd_texts(local_embedder) -> None:
    paragraphs = [p["context"] for p in load_jsonl("squad_excerpt.jsonl")]
    texts = ["Shusha", "Who attended the parade in Khankendi?", *paragraphs,
             " ".join(paragraphs[:3])]  # past the 256-word-piece limit: truncated alike
    onnx = np.array(local_embedder.embed_documents(texts))
    torch = np.array(LocalMiniLM("torch").embed_documents(texts))
    assert (onnx * torch).sum(axis=1).min() >= MIN_COSINE
    assert local_embedder.min_cosine >= MIN_COSINE  # what the check at export time found


def test_an_unwritable_cache_folder_is_named_with_the_way_out(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match=f"{blocker}.*FOOTNOTE_EMBEDDING_RUNTIME=torch"):
        LocalMiniLM("onnx", blocker / "cache").warm_up()
