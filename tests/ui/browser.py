"""Driving the real app in a real browser: start `streamlit run` on 127.0.0.1, open it in
Debian's Chromium through Playwright, ask questions and time them. Shared by the e2e test and
`python -m tests.ui.measure_browser`. Never runs `playwright install`: the browser is the
system's `/usr/bin/chromium`.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "streamlit_app.py"
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots, git-ignored
# Marks for a module of browser tests: skipped, saying why, where Playwright or chromium is missing.
BROWSER_TEST = [
    pytest.mark.e2e,
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="pip install playwright (never `playwright install`: the tests "
                              "use Debian's /usr/bin/chromium)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} missing: apt-get install -y chromium"),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHAT_BOX = "[data-testid='stChatInput'] textarea"
MESSAGE = "[data-testid='stChatMessage']"

# Records, in the page's own clock, when the reply to the question first shows answer text
# (a streamed draft or the checked answer) and when the checked answer is drawn ("answered by").
# The reply is the message right after the question at position `before` (the count taken while
# the page was idle), so messages left over from an earlier state are never mistaken for it.
_OBSERVER = """(question) => {
  const state = {t0: performance.now(), first: null, done: null};
  window.__fnTiming = state;
  const before = window.__fnMessagesBefore;
  const check = () => {
    const messages = document.querySelectorAll("[data-testid='stChatMessage']");
    if (messages.length < before + 2) return;
    if (!messages[before].innerText.includes(question)) return;
    const reply = messages[before + 1];
    const text = reply.innerText;
    const drafted = reply.querySelectorAll("[data-testid='stMarkdown']").length > 0 &&
      (text.includes("\u258c") || text.includes("answered by"));
    if (state.first === null && drafted) state.first = performance.now();
    if (state.done === null && text.includes("answered by")) {
      state.done = performance.now(); observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(data_dir: Path, embeddings: str, llm: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FOOTNOTE_", "CHROMA_", "OPENAI_"))}
    env.update(FOOTNOTE_DATA_DIR=str(data_dir), FOOTNOTE_EMBEDDINGS=embeddings,
               FOOTNOTE_LLM=llm, ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    return env


@contextmanager
def streamlit_server(env: dict[str, str], log_path: Path, timeout: float = 120,
                     footnote_serve: bool = False) -> Iterator[str]:
    """`streamlit run app/streamlit_app.py` (or `footnote serve`, as a user starts it) on a free
    port; yields its URL once /_stcore/health answers. Started from the repo root so
    .streamlit/config.toml applies."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    if footnote_serve:
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log_path.read_text()}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_app(page, url: str, timeout_s: float = 300) -> float:
    """Load the page and wait until the script finished and the chat box is there; returns the
    seconds it took (for a first start this includes indexing the seeds)."""
    started = time.perf_counter()
    page.goto(url, timeout=timeout_s * 1000)
    page.wait_for_selector(CHAT_BOX, timeout=timeout_s * 1000)
    page.wait_for_selector(READY, timeout=timeout_s * 1000)
    return time.perf_counter() - started


@dataclass(frozen=True)
class Timing:
    first_token_s: float
    answer_s: float


def ask(page, question: str, timeout_s: float = 180) -> Timing:
    """Type a question, press Enter, wait for the checked answer; times measured in the page
    from the key press to the first answer text and to the drawn, checked answer."""
    box = page.locator(CHAT_BOX)
    box.fill(question)
    page.wait_for_selector(READY)
    page.evaluate(f"window.__fnMessagesBefore = {page.locator(MESSAGE).count()}")
    scrolls = page.evaluate("window.__fnScrolls || 0")
    page.evaluate(_OBSERVER, question)
    box.press("Enter")
    try:
        page.wait_for_function("() => window.__fnTiming && window.__fnTiming.done !== null",
                               timeout=timeout_s * 1000)
    except Exception as exc:
        state = page.evaluate("""() => ({
            timing: window.__fnTiming, before: window.__fnMessagesBefore,
            messages: document.querySelectorAll("[data-testid='stChatMessage']").length,
            script: document.querySelector("[data-testid='stApp']")
                .getAttribute("data-test-script-state"),
            box: document.querySelector("[data-testid='stChatInput'] textarea").value,
            last: [...document.querySelectorAll("[data-testid='stChatMessage']")]
                .slice(-2).map(m => m.innerText.slice(0, 300))})""")
        raise AssertionError(f"no answer to {question!r} within {timeout_s} s: {state}") from exc
    page.wait_for_selector(READY, timeout=timeout_s * 1000)
    # The app scrolls the checked answer into view from a frame that may load a moment later:
    # wait for it, or it moves the page under the test's next tap.
    page.wait_for_function(f"() => (window.__fnScrolls || 0) > {scrolls}",
                           timeout=timeout_s * 1000)
    t = page.evaluate("window.__fnTiming")
    return Timing(first_token_s=(t["first"] - t["t0"]) / 1000,
                  answer_s=(t["done"] - t["t0"]) / 1000)


def new_chat(page, timeout_s: float = 60) -> None:
    """Start a new chat and wait until the previous chat's messages are gone."""
    page.get_by_role("button", name="New chat").click()
    page.wait_for_function(
        f"() => document.querySelectorAll(\"{MESSAGE}\").length === 0",
        timeout=timeout_s * 1000)
    page.wait_for_selector(READY, timeout=timeout_s * 1000)


def open_citation(page, marker) -> str:
    """Tap a citation's [n] under an answer, read its preview, open the document from it;
    returns the preview's text."""
    marker.evaluate("e => e.scrollIntoView({block: 'center'})")  # room for the preview below
    marker.click()
    preview = page.locator("[data-testid='stPopoverBody']:visible")
    text = preview.inner_text()
    preview.get_by_role("button", name="Open the document").click()
    page.get_by_role("dialog", name="Source document").wait_for()
    return text


def last_message(page):
    return page.locator(MESSAGE).last


def upload(page, files: dict[str, tuple[str, str | bytes]]) -> None:
    """Upload files (text, or a file's bytes) through the documents panel and wait until each
    is indexed."""
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        [{"name": n, "mimeType": m, "buffer": body.encode() if isinstance(body, str) else body}
         for n, (m, body) in files.items()])
    button = page.get_by_role("button", name=f"Index {len(files)} file")
    button.click()
    for name in files:
        page.get_by_text(f"{name}: added").wait_for(timeout=180_000)
    page.wait_for_selector(READY)
