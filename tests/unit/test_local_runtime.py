"""Which runtime runs the local model (FOOTNOTE_LOCAL_RUNTIME): llama-cpp-python when it is
installed, else transformers; the one named when set; a clear error when none is installed."""

from __future__ import annotations

import pytest

from app.answering.backends import local
from app.answering.backends.factory import resolve_choice
from common.errors import ConfigError

pytestmark = pytest.mark.unit


def _installed(monkeypatch: pytest.MonkeyPatch, *runtimes: str) -> None:
    monkeypatch.setattr(local, "runtime_installed", lambda runtime: runtime in runtimes)


@pytest.mark.parametrize(("setting", "installed", "runs"), [
    ("auto", ("llama-cpp", "transformers"), "llama-cpp"),
    ("auto", ("transformers",), "transformers"),
    ("auto", ("llama-cpp",), "llama-cpp"),
    ("transformers", ("llama-cpp", "transformers"), "transformers"),
    ("llama-cpp", ("llama-cpp", "transformers"), "llama-cpp"),
    ("llama-cpp", ("transformers",), None),
    ("auto", (), None),
])
def test_the_runtime_chosen(monkeypatch, make_settings, setting, installed, runs) -> None:
    _installed(monkeypatch, *installed)
    settings = make_settings(local_runtime=setting)
    assert local.local_runtime(settings) == runs
    assert local.local_available(settings) == (runs is not None)


@pytest.mark.parametrize(("installed", "backend", "suffix"), [
    (("llama-cpp", "transformers"), local.LlamaCppBackend, ""),
    (("transformers",), local.TransformersBackend, " (transformers)"),
])
def test_the_backend_says_which_runtime_runs(monkeypatch, make_settings, installed, backend,
                                             suffix) -> None:
    _installed(monkeypatch, *installed)
    built = local.local_backend(make_settings())  # nothing is loaded before the first answer
    assert type(built) is backend
    assert built.name == f"local:SmolLM2-135M-Instruct.Q4_1{suffix}"


def test_the_environment_variable_picks_the_runtime(monkeypatch, make_settings) -> None:
    _installed(monkeypatch, "llama-cpp", "transformers")
    monkeypatch.setenv("FOOTNOTE_LOCAL_RUNTIME", "transformers")
    assert type(local.local_backend(make_settings())) is local.TransformersBackend


@pytest.mark.parametrize(("setting", "says"), [
    ("auto", "transformers and gguf (pip install -e .) or llama-cpp-python"),
    ("llama-cpp", "llama-cpp-python (pip install -e '.[local]')"),
    ("transformers", "transformers and gguf (pip install -e .)."),
])
def test_no_runtime_installed(monkeypatch, make_settings, setting, says) -> None:
    _installed(monkeypatch)
    settings = make_settings(local_runtime=setting)
    with pytest.raises(ConfigError, match="FOOTNOTE_LLM=local needs") as raised:
        local.local_backend(settings)
    assert says in str(raised.value)
    assert resolve_choice(settings, "auto") == "extractive"  # auto then answers without a model


def test_an_unknown_runtime_is_refused(make_settings) -> None:
    with pytest.raises(ConfigError):
        make_settings(local_runtime="onnx")


def test_both_runtimes_are_known_to_the_import_check() -> None:
    assert local.runtime_installed("transformers")  # installed with Footnote
    assert list(local.RUNTIME_MODULES) == ["llama-cpp", "transformers"]  # auto's preference
