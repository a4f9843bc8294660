"""Two browser sessions asking and uploading at the same time: each answer cites its own upload,
both chats land in the one local user's list (no accounts: FOOTNOTE_AUTH=none), a reload lists
every chat, and the store stays consistent.

One `streamlit run`, two Chromium sessions driven from two threads (each thread has its own
Playwright and browser: the sync API must not cross threads); a barrier releases both at once, so
their uploads, indexing, questions and saves really overlap on the server. Afterwards the SQLite
files under FOOTNOTE_DATA_DIR are opened and checked directly.

Backends: `fake` embeddings and `extractive` answers. What is tested is sessions running at once
against the shared store, not retrieval quality: the local embedding model would add its
loading and embedding time (a cold start alone is about 15 s, more with two Chromiums on 2 cores)
and a background warm-up racing the first questions, for nothing this test checks. The questions
reuse each document's wording, so keyword search finds the right passage with the hashing
embedder too. The whole test takes about 20 s.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.ui.session import LOCAL_OWNER
from tests.ui.browser import (
    ARTIFACTS,
    BROWSER_TEST,
    CHAT_BOX,
    MESSAGE,
    READY,
    app_env,
    ask,
    chromium,
    last_message,
    new_chat,
    open_app,
    streamlit_server,
)

pytestmark = BROWSER_TEST

SIDEBAR = "[data-testid='stSidebar']"
CHAT_BUTTONS = f"{SIDEBAR} [class*='st-key-chat-'] button"  # chats_panel keys them chat-<id>
DOC_LIST = f"{SIDEBAR} [data-testid='stExpander']:has-text('Indexed documents')"
WAIT_S = 240  # 2 cores, two browsers and a server


@dataclass(frozen=True)
class Plan:
    name: str
    document: str
    text: str
    questions: tuple[str, str]  # first chat, second chat; short enough to be shown whole
    quotes: tuple[str, str]  # what each answer must contain


A = Plan("a", "zorblat-festival.txt",
         "The Zorblat festival\n\nThe Zorblat festival is held in the town of Quillon every "
         "April, when the fishermen paint their boats orange.\n\nThe Zorblat lantern parade is "
         "led by the oldest fisherman of Quillon.",
         ("When is the Zorblat festival held?", "Who leads the Zorblat lantern parade?"),
         ("Quillon every April", "oldest fisherman"))
B = Plan("b", "vantrel-observatory.txt",
         "The Vantrel observatory\n\nThe Vantrel observatory stands on Mount Osk above the "
         "village of Pellaro.\n\nThe Vantrel telescope was ground from a single block of "
         "glass in 1887.",
         ("Where does the Vantrel observatory stand?", "When was the Vantrel telescope ground?"),
         ("Mount Osk", "1887"))


@dataclass
class Seen:
    """What one session saw, collected in its thread and checked in the test's."""

    busy: tuple[float, float] = (0.0, 0.0)  # monotonic start and end of the concurrent part
    answers: list[str] = field(default_factory=list)
    chats_while_busy: list[list[str]] = field(default_factory=list)  # after each answer
    chats: list[str] = field(default_factory=list)  # sidebar chat titles, same session
    documents: str = ""  # the sidebar's document list, after a rerun
    chats_after_reload: list[str] = field(default_factory=list)
    documents_after_reload: str = ""


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("sessions")
    env = app_env(base / "data", embeddings="fake", llm="extractive")
    with streamlit_server(env, base / "streamlit.log") as url:
        yield Server(url, base / "data", base / "streamlit.log")


def upload(page, plan: Plan) -> None:
    page.locator(f"{SIDEBAR} [data-testid='stFileUploader'] input[type='file']").set_input_files(
        [{"name": plan.document, "mimeType": "text/plain", "buffer": plan.text.encode()}])
    page.get_by_role("button", name="Index 1 file").click()
    page.get_by_text(f"{plan.document}: added").wait_for(timeout=WAIT_S * 1000)
    page.wait_for_selector(READY, timeout=WAIT_S * 1000)


def sidebar_chats(page) -> list[str]:
    return [t.strip() for t in page.locator(CHAT_BUTTONS).all_inner_texts()]


def document_list(page) -> str:
    docs = page.locator(DOC_LIST)
    docs.wait_for(timeout=WAIT_S * 1000)
    return docs.inner_text()


def run_session(plan: Plan, url: str, barrier: threading.Barrier) -> Seen:
    """One browser session, start to end, in its own thread with its own browser."""
    from playwright.sync_api import expect

    seen = Seen()
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            open_app(page, url, timeout_s=WAIT_S)
            barrier.wait()  # both pages loaded: from here the two sessions act at once
            started = time.monotonic()
            upload(page, plan)
            for i, question in enumerate(plan.questions):
                if i:
                    new_chat(page)
                ask(page, question, timeout_s=WAIT_S)
                seen.answers.append(last_message(page).inner_text())
                seen.chats_while_busy.append(sidebar_chats(page))
            seen.busy = (started, time.monotonic())
            barrier.wait()  # both done: the other session's upload is indexed by now

            # A rerun in the same session: open the first chat from the sidebar.
            page.locator(CHAT_BUTTONS, has_text=plan.questions[0]).click()
            expect(page.locator(MESSAGE).first).to_contain_text(plan.questions[0],
                                                                timeout=WAIT_S * 1000)
            page.wait_for_selector(READY, timeout=WAIT_S * 1000)
            seen.chats = sidebar_chats(page)
            seen.documents = document_list(page)

            # A reload is a new session of the same local user: every chat is still listed.
            page.reload()
            page.wait_for_selector(CHAT_BOX, timeout=WAIT_S * 1000)
            page.wait_for_selector(READY, timeout=WAIT_S * 1000)
            page.get_by_role("button", name="New chat").wait_for()
            seen.chats_after_reload = sidebar_chats(page)
            seen.documents_after_reload = document_list(page)
            return seen
        except BaseException:
            barrier.abort()  # the other session stops waiting for this one
            raise
        finally:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"sessions-{plan.name}.png"), full_page=True)
            context.close()


def test_two_sessions_at_once_keep_every_chat_of_the_local_user(server: Server) -> None:
    barrier = threading.Barrier(2, timeout=WAIT_S * 2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_session, plan, server.url, barrier) for plan in (A, B)]
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    if errors:  # the session that failed first, not the one it left waiting at the barrier
        raise next((e for e in errors if not isinstance(e, threading.BrokenBarrierError)),
                   errors[0])
    seen = {A: futures[0].result(), B: futures[1].result()}

    # They really overlapped: each started before the other finished.
    assert max(s.busy[0] for s in seen.values()) < min(s.busy[1] for s in seen.values())

    for plan, other in ((A, B), (B, A)):
        s = seen[plan]
        for answer, quote in zip(s.answers, plan.quotes, strict=True):
            assert quote in answer and plan.document in answer  # cites its own upload
            assert other.document not in answer
        for listed, asked in zip(s.chats_while_busy, (plan.questions[:1], plan.questions),
                                 strict=True):
            assert set(asked) <= set(listed) <= set(plan.questions) | set(other.questions)
        every = sorted(A.questions + B.questions)
        assert sorted(s.chats) == every and sorted(s.chats_after_reload) == every
        for documents in (s.documents, s.documents_after_reload):
            assert A.document in documents and B.document in documents  # one shared index

    assert_store_consistent(server.data_dir)
    log = server.log.read_text()
    assert "Traceback" not in log and "database is locked" not in log, log[-3000:]


def _read(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def assert_store_consistent(data_dir: Path) -> None:
    chats_db = data_dir / "chats.sqlite3"  # app/ui/resources.py get_store
    with _read(chats_db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        titles: dict[str, list[str]] = {}
        for owner, title in db.execute("SELECT owner, title FROM chats"):
            titles.setdefault(owner, []).append(title)
        assert {owner: sorted(t) for owner, t in titles.items()} == {
            LOCAL_OWNER: sorted(A.questions + B.questions)}
        orphans = db.execute("SELECT count(*) FROM messages WHERE chat_id NOT IN "
                             "(SELECT id FROM chats)").fetchone()[0]
        assert orphans == 0
        per_chat = db.execute("SELECT c.title, count(m.id) FROM chats c "
                              "LEFT JOIN messages m ON m.chat_id = c.id GROUP BY c.id").fetchall()
        assert sorted(per_chat) == sorted((q, 1) for p in (A, B) for q in p.questions)
    db.close()

    manifests = list(data_dir.glob("manifest-*.sqlite3"))
    assert len(manifests) == 1, manifests
    with _read(manifests[0]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT source FROM files GROUP BY source "
                          "HAVING count(*) > 1").fetchall() == []
        for plan in (A, B):
            rows = db.execute("SELECT path FROM files WHERE source=?", (plan.document,)).fetchall()
            assert [Path(p).parent.resolve() for (p,) in rows] == [(data_dir / "uploads").resolve()]
        unbacked = db.execute("SELECT count(*) FROM files WHERE sha256 NOT IN "
                              "(SELECT sha256 FROM contents)").fetchone()[0]
        assert unbacked == 0
        miscounted = db.execute(
            "SELECT count(*) FROM contents c WHERE c.chunks != "
            "(SELECT count(*) FROM chunks k WHERE k.sha256 = c.sha256)").fetchone()[0]
        assert miscounted == 0
    db.close()
