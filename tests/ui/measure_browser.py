"""Measure the web chat in a real browser (not a test): cold start, warm start, and per question
the time from pressing Enter to the first streamed token and to the checked answer.

    python -m tests.ui.measure_browser [--llm local|extractive|auto] [--embeddings local|fake]

Defaults are the offline default: the local embedding model and the local GGUF model when
llama-cpp-python and the model file are installed (else extractive). Cold start = launching
`streamlit run` on an empty data folder until the page is ready (chat box drawn, script idle),
which includes indexing the seeds; warm start = the same with the index already built. Each timed
question is asked in a new chat (no follow-up rewriting); the first question after a start may still
wait for the models' background loading and is reported apart (`--pause` sets how long after the
page was ready it is asked).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from tests.ui.browser import app_env, ask, chromium, new_chat, open_app, streamlit_server

QUESTIONS = [
    "Which Armenian defence minister tendered his resignation?",
    "Who attended the military parade in Khankendi?",
    "What did Aliyev say about Shusha?",
    "Where did Azerbaijani officials meet Armenian residents of Karabakh?",
    "When did Azerbaijani troops enter the Aghdam district?",
]
WARM_UP = "What happened in Nagorno-Karabakh?"


def default_llm() -> str:
    from app.answering.backends.local import local_available
    from common.config import load_settings

    return "local" if local_available(load_settings()) else "extractive"


def start_and_load(env: dict[str, str], log: Path, browser) -> tuple[float, float, object]:
    """Seconds from launching the server to its health check, and to a ready page."""
    launched = time.perf_counter()
    server = streamlit_server(env, log, timeout=300)
    url = server.__enter__()
    healthy = time.perf_counter() - launched
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    open_app(page, url, timeout_s=600)
    ready = time.perf_counter() - launched
    page._fn_server = server  # closed by the caller
    return healthy, ready, page


def status_of(page) -> str:
    """The answer's status and the backend whose answer is shown ("rescued" when the model's
    draft failed the citation check and the source sentences replaced it)."""
    text = page.locator("[data-testid='stChatMessage']").last.inner_text()
    status = ("not_found" if "Not found in the documents" in text
              else "partial" if "Partial answer" in text else "answered")
    match = re.search(r"answered by (\S+)", text)
    by = match.group(1).split(":")[0] if match else "?"
    if "was not supported by the sources" in text:
        by += ", rescued"
    return f"{status} ({by})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llm", default=None, help="default: local when installed")
    parser.add_argument("--embeddings", default="local")
    parser.add_argument("--pause", type=float, default=10.0,
                        help="seconds between the warm page being ready and the first question "
                             "(a reader typing; the models load in the background meanwhile)")
    args = parser.parse_args()
    llm = args.llm or default_llm()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        env = app_env(Path(tmp) / "data", args.embeddings, llm)
        healthy, cold, page = start_and_load(env, Path(tmp) / "cold.log", browser)
        rows += [("cold start: server answering", f"{healthy:.1f} s"),
                 ("cold start: page ready (incl. indexing seeds)", f"{cold:.1f} s")]
        page.close()
        page._fn_server.__exit__(None, None, None)

        healthy, warm, page = start_and_load(env, Path(tmp) / "warm.log", browser)
        rows += [("warm start: server answering", f"{healthy:.1f} s"),
                 ("warm start: page ready (index built)", f"{warm:.1f} s")]
        page.wait_for_timeout(args.pause * 1000)
        first = ask(page, WARM_UP, timeout_s=600)
        rows.append((f"first question, asked {args.pause:g} s after the warm page was ready: "
                     "first token / answer",
                     f"{first.first_token_s:.2f} s / {first.answer_s:.2f} s"))
        timings, statuses = [], []
        for question in QUESTIONS:
            new_chat(page)
            timings.append(ask(page, question, timeout_s=600))
            statuses.append(status_of(page))
            print(f"  {timings[-1].first_token_s:6.2f} s {timings[-1].answer_s:6.2f} s "
                  f"{statuses[-1]:28} {question}", flush=True)
        page.close()
        page._fn_server.__exit__(None, None, None)

    firsts = [t.first_token_s for t in timings]
    totals = [t.answer_s for t in timings]
    rows += [(f"Enter → first token, p50 of {len(timings)} (min–max)",
              f"{statistics.median(firsts):.2f} s ({min(firsts):.2f}–{max(firsts):.2f})"),
             (f"Enter → checked answer, p50 of {len(timings)} (min–max)",
              f"{statistics.median(totals):.2f} s ({min(totals):.2f}–{max(totals):.2f})"),
             ("answers (status, backend shown)", "; ".join(statuses))]
    print(f"\nbackends: FOOTNOTE_EMBEDDINGS={args.embeddings} FOOTNOTE_LLM={llm}, "
          "Chromium headless, 127.0.0.1\n")
    print("| measure | figure |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
