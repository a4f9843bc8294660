"""Connecting a model from the sidebar, against a real OpenAI-compatible HTTP server on
127.0.0.1: one request checks it and lists its models, answers then come from the chosen one;
a rejected key is one clear sentence; the key is never shown again nor written to disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest  # noqa: TID251

from tests.helpers.openai_server import OpenAICompatibleServer
from tests.helpers.prompt import citing

pytestmark = pytest.mark.integration

TONOYAN = "Armenian Defence Minister Davit Tonoyan has tendered his resignation"
KEY = "sk-test-5f1c9a0b7d3e4c21"


@pytest.fixture
def server() -> Iterator[OpenAICompatibleServer]:
    with OpenAICompatibleServer(citing(TONOYAN, f"{TONOYAN}.")) as running:
        yield running


def _connect(at: AppTest, key: str = "", url: str = "") -> AppTest:
    at.text_input(key="fn_connect_key").set_value(key)
    at.text_input(key="fn_connect_url").set_value(url)
    at.button(key="fn_connect").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(elements) -> list[str]:
    """Messages as the reader sees them (the app escapes Markdown in them)."""
    return [str(e.value).replace("\\", "") for e in elements]


def _everything_shown(at: AppTest) -> str:
    parts = [str(getattr(e, "value", "")) for kind in ("markdown", "caption", "success",
                                                          "error", "warning", "text_input")
             for e in at.get(kind)]
    return " ".join(parts)


def test_a_server_is_checked_its_models_listed_and_used(
        new_app: Callable[[], AppTest], server: OpenAICompatibleServer, app_env: Path) -> None:
    at = _connect(new_app(), key=KEY, url=server.base_url)
    assert [r["path"] for r in server.requests] == ["/v1/models"]  # one request
    assert server.requests[0]["authorization"] == f"Bearer {KEY}"
    assert "Connected: 2 models to choose from." in _shown(at.success)
    assert at.selectbox(key="fn_backend").value == "openai"
    models = at.selectbox(key="fn_connected_model")
    assert models.options == ["test-large", "test-small"]
    models.select("test-small").run()
    at.chat_input[0].set_value("Which Armenian defence minister resigned?").run()
    assert not at.exception, [e.value for e in at.exception]
    answer = " ".join(m.value for m in at.chat_message[1].markdown)
    assert "Tonoyan" in answer
    chat = [r for r in server.requests if r["path"].endswith("/chat/completions")]
    assert chat and {r["body"]["model"] for r in chat} == {"test-small"}
    captions = _shown(at.chat_message[1].caption)
    assert any("openai:test-small" in c for c in captions), captions
    assert KEY not in _everything_shown(at)  # never echoed back
    for path in app_env.rglob("*"):  # never written to disk
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_a_rejected_key_is_one_clear_sentence(new_app: Callable[[], AppTest],
                                              server: OpenAICompatibleServer) -> None:
    server.mode = "401"
    at = _connect(new_app(), key=KEY, url=server.base_url)
    assert _shown(at.error) == [
        "Could not connect: the server rejected the API key (HTTP 401)."]
    assert at.text_input(key="fn_connect_key").value == ""
    assert KEY not in _everything_shown(at)
    assert at.selectbox(key="fn_backend").value != "openai"
    unreachable = _connect(new_app(), url="http://127.0.0.1:9/v1")
    [error] = _shown(unreachable.error)
    assert error.startswith("Could not connect: connection failed")
    nothing = _connect(new_app())
    assert _shown(nothing.warning) == ["Enter an OpenAI API key or a server's URL."]
