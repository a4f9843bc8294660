"""The web chat driven through Streamlit's AppTest: seeding, asking, citations, uploads,
removal, saved chats, feedback, export, errors. Offline: fake embeddings, extractive answers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st  # noqa: TID251
from chromadb.api.shared_system_client import SharedSystemClient
from streamlit.testing.v1 import AppTest  # noqa: TID251

from app.safe_text import plain_label
from app.ui.export import chat_markdown
from app.ui.session import LOCAL_OWNER
from common.config import load_settings
from tests.ui.conftest import APP, TIMEOUT
from vectorstore.chats.sqlite import SQLiteChatStore
from vectorstore.index import Index

pytestmark = pytest.mark.integration

Q_TONOYAN = "Which Armenian defence minister tendered his resignation?"
TONOYAN_QUOTE = "Armenian Defence Minister Davit Tonoyan has tendered his resignation"
NewApp = Callable[[], AppTest]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in at.get(kind)]


def htmls(at: AppTest) -> list[str]:
    return texts(at, "html")


def store_of(data: Path) -> SQLiteChatStore:
    return SQLiteChatStore(data / "chats.sqlite3")


def test_first_start_indexes_the_seeds_and_offers_examples(new_app: NewApp,
                                                           app_env: Path) -> None:
    at = new_app()
    assert at.status[0].label.startswith("5 demo documents indexed")
    assert at.status[0].state == "complete"
    assert len(Index(load_settings()).sources()) == 5
    examples = [b.label for b in at.button if b.key and b.key.startswith("example-")]
    assert len(examples) == 4 and "Khankendi" in examples[0]
    assert Index(load_settings()).seeded  # in the catalog, for every server
    again = new_app()  # a second session: already indexed, nothing to do
    assert not again.status and len(Index(load_settings()).sources()) == 5


def test_answer_streams_with_steps_citations_and_sources(new_app: NewApp) -> None:
    at = ask(new_app(), Q_TONOYAN)
    assistant = at.chat_message[1]
    steps = [m.value for m in assistant.markdown]
    assert "Searching the documents…" in steps and "Writing the answer…" in steps
    assert "Checking every citation against its source…" in steps
    assert assistant.status[0].label.startswith("Answer checked in")
    answer = next(m.value for m in assistant.markdown if "Tonoyan" in m.value)
    # the inline marker links to its source card, its quote previewed on hover
    assert ':blue-badge[[1](#fn-1-1 "“Armenian Defence Minister' in answer
    assert any(c.value.startswith("answered by extractive") for c in assistant.caption)
    assert "**Sources**" in steps
    card = next(h for h in htmls(at) if 'id="fn-1-1"' in h)
    assert f'<mark class="fn-quote">{TONOYAN_QUOTE}' in card
    assert any("001\\_azerbaijan\\-enters\\-aghdam\\.txt" in c.value for c in assistant.caption)
    # [1] under the answer: a tap shows the quote, title and file in place, then opens
    [marker] = assistant.get("popover")
    assert marker.proto.popover.label == "[1]"
    assert TONOYAN_QUOTE in marker.markdown[0].value.replace("\\", "")
    assert "001\\_azerbaijan\\-enters\\-aghdam\\.txt" in marker.caption[0].value
    assert [b.label for b in marker.button] == ["Open the document"]


def test_opening_a_citation_shows_the_whole_document_at_the_quote(new_app: NewApp) -> None:
    at = ask(new_app(), Q_TONOYAN)
    at.button(key="cite-1-1").click().run()
    assert not at.exception
    documents = [h for h in htmls(at) if 'data-testid="fn-document"' in h]
    assert len(documents) == 1
    doc = documents[0]
    assert '<span class="fn-anchor"></span><mark class="fn-quote">' + TONOYAN_QUOTE in doc
    assert doc.count("<mark") == 1
    assert "Nagorno-Karabakh: Azerbaijan enters Aghdam district" in doc  # the document's start
    at.button(key="open-1-1").click().run()  # the card's button opens the same view
    assert len([h for h in htmls(at) if 'data-testid="fn-document"' in h]) == 1


def test_not_found_is_marked_with_the_closest_passages(new_app: NewApp) -> None:
    at = ask(new_app(), "What is the capital of France?")
    assert ":gray-badge[:material/search_off: Not found in the documents]" in [
        m.value for m in at.markdown]
    assert "**Closest passages**" in texts(at, "markdown")
    assert len([h for h in htmls(at) if 'class="fn-passage"' in h]) == 3
    assert not [b for b in at.button if b.key and b.key.startswith("cite-")]


def test_follow_up_is_rewritten_and_shown(new_app: NewApp) -> None:
    at = ask(new_app(), Q_TONOYAN)
    at = ask(at, "Who reported his resignation?")
    step_lines = [m.value for m in at.chat_message[3].markdown]
    assert any("Searching for" in s and "Davit Tonoyan" in s for s in step_lines)
    assert any("searched for" in c.value for c in at.chat_message[3].caption)


def test_example_button_asks_the_question(new_app: NewApp) -> None:
    at = new_app()
    at.button(key="example-1").click().run()
    assert not at.exception
    assert "Tonoyan" in " ".join(m.value for m in at.chat_message[1].markdown)
    assert not [b for b in at.button if b.key and b.key.startswith("example-")]


def test_upload_checks_content_saves_safely_and_indexes(new_app: NewApp, app_env: Path) -> None:
    at = new_app()
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    uploader.upload("../../zorblat.txt",
                    b"The Zorblat festival is held in Quillon every April.", "text/plain")
    uploader.upload("fake.pdf", b"just text pretending", "application/pdf")
    uploader.run()
    at.button(key="fn_index_uploads").click().run()
    assert not at.exception
    successes = [s.value for s in at.success]
    assert any("zorblat\\.txt" in s and "added (saved as zorblat" in s for s in successes)
    assert any("fake\\.pdf" in e.value and "not a PDF" in e.value for e in at.error)
    assert sorted(p.name for p in (app_env / "uploads").iterdir()) == ["zorblat.txt"]
    assert "zorblat.txt" in {s.source for s in Index(load_settings()).sources()}
    assert not at.file_uploader[0].value  # a fresh uploader after indexing
    downloads = at.get("download_button")  # the upload's own bytes, from the catalog
    assert sum(d.proto.id.endswith("-download-zorblat.txt") for d in downloads) == 1
    assert len(downloads) == len(Index(load_settings()).sources())  # the seeds: their files
    at = ask(at, "When is the Zorblat festival held in Quillon?")
    assert any("zorblat\\.txt" in c.value for c in at.chat_message[1].caption)


def test_remove_a_document(new_app: NewApp) -> None:
    at = new_app()
    # the trash icon opens a question; only its Remove button removes
    asked = [m.value for m in at.sidebar.markdown if m.value.startswith("Remove **")]
    shown = "001\\_azerbaijan\\-enters\\-aghdam\\.txt"
    assert len(asked) == 5 and any(shown in a for a in asked), asked
    assert len(Index(load_settings()).sources()) == 5
    at.button(key="remove-001_azerbaijan-enters-aghdam.txt").click().run()
    assert not at.exception
    sources = {s.source for s in Index(load_settings()).sources()}
    assert len(sources) == 4 and "001_azerbaijan-enters-aghdam.txt" not in sources
    assert any("Removed 001" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "remove-001_azerbaijan-enters-aghdam.txt"]


def test_removing_everything_does_not_bring_the_seeds_back(new_app: NewApp) -> None:
    at = new_app()
    for info in Index(load_settings()).sources():
        at.button(key=f"remove-{info.source}").click().run()
    assert Index(load_settings()).is_empty()
    at = new_app()
    assert Index(load_settings()).is_empty() and not at.status
    assert at.chat_input[0].disabled is False
    # no example question to click that could not be answered; a hint instead
    assert not [b for b in at.button if b.key and b.key.startswith("example-")]
    assert any("Nothing is indexed yet" in i.value for i in at.info)
    at.button(key="fn_reseed").click().run()
    assert len(Index(load_settings()).sources()) == 5


def test_another_server_on_the_same_database_does_not_bring_the_seeds_back(
        new_app: NewApp, app_env: Path, database_url: str, chroma_port: int,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:

    for name, value in (("FOOTNOTE_DATABASE_URL", database_url), ("CHROMA_HOST", "127.0.0.1"),
                        ("CHROMA_PORT", str(chroma_port))):
        monkeypatch.setenv(name, value)
    at = new_app()
    for info in Index(load_settings()).sources():
        at.button(key=f"remove-{info.source}").click().run()
    monkeypatch.setenv("FOOTNOTE_DATA_DIR", str(tmp_path / "second-server"))
    st.cache_resource.clear()
    at = new_app()  # its own empty data folder; the catalog says the demo was added once
    assert Index(load_settings()).is_empty() and not at.status
    assert [b for b in at.button if b.key == "fn_reseed"]


def test_chats_are_listed_switched_and_deleted(new_app: NewApp, app_env: Path) -> None:
    at = ask(new_app(), Q_TONOYAN)
    chat_buttons = [b for b in at.button if b.key.startswith("chat-")]
    assert len(chat_buttons) == 1 and chat_buttons[0].label.startswith("Which Armenian")
    at.button(key="fn_new_chat").click().run()
    assert not at.chat_message and len([b for b in at.button if b.key.startswith("example-")])
    at = ask(at, "What did Aliyev say about Shusha?")
    chat_buttons = [b for b in at.button if b.key.startswith("chat-")]
    assert [b.label.split(" ")[0] for b in chat_buttons] == ["What", "Which"]  # newest first
    chat_buttons[1].click().run()
    assert "Tonoyan" in " ".join(m.value for m in at.chat_message[1].markdown)

    # Without accounts there is one local user: a reload (a new session) lists every chat.
    other = new_app()
    assert [b.label.split(" ")[0] for b in other.button if b.key.startswith("chat-")] == \
        ["What", "Which"]
    assert len(store_of(app_env).chats(LOCAL_OWNER)) == 2

    at.button(key="fn_delete_chat").click().run()
    assert len([b for b in at.button if b.key.startswith("chat-")]) == 1
    assert not at.chat_message
    assert any("Chat deleted" in s.value for s in at.success)


def test_a_reload_reopens_the_chat_in_the_address(new_app: NewApp) -> None:
    at = ask(new_app(), Q_TONOYAN)
    chat_id = at.session_state["fn_chat_id"]
    assert at.query_params["chat"] == chat_id
    reloaded = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    reloaded.query_params["chat"] = chat_id
    reloaded.run()
    assert "Tonoyan" in " ".join(m.value for m in reloaded.chat_message[1].markdown)
    reloaded.query_params["chat"] = "not-a-chat"  # deleted, or made up: a new chat instead
    reloaded.session_state["fn_chat_id"] = "not-a-chat"
    reloaded.run()
    assert not reloaded.chat_message and not reloaded.exception


def test_chats_are_renamed_and_found_by_title(new_app: NewApp, app_env: Path) -> None:
    at = ask(new_app(), Q_TONOYAN)
    at.button(key="fn_new_chat").click().run()
    at = ask(at, "What did Aliyev say about Shusha?")
    at.text_input(key=f"fn_title-{at.session_state['fn_chat_id']}").set_value(
        "Shusha, in Aliyev's words").run()
    at.button(key="fn_rename_chat").click().run()
    assert [c.title for c in store_of(app_env).chats(LOCAL_OWNER)][0] == \
        "Shusha, in Aliyev's words"
    at.text_input(key="fn_chat_search").set_value("shusha").run()
    assert [b.label for b in at.button if b.key.startswith("chat-")] == \
        [plain_label("Shusha, in Aliyev's words", 42)]
    at.text_input(key="fn_chat_search").set_value("nothing like it").run()
    assert not [b for b in at.button if b.key.startswith("chat-")]
    assert any("No chat title" in c.value for c in at.caption)


def test_feedback_is_stored_with_the_answer(new_app: NewApp, app_env: Path) -> None:
    at = ask(new_app(), Q_TONOYAN)
    at.feedback[0].set_value(1).run()
    owner, chat_id = LOCAL_OWNER, at.session_state["fn_chat_id"]
    assert store_of(app_env).turns(owner, chat_id)[0].feedback == 1
    at.feedback[0].set_value(0).run()
    assert store_of(app_env).turns(owner, chat_id)[0].feedback == 0
    at.button(key="fn_new_chat").click().run()
    at.button(key=f"chat-{chat_id}").click().run()
    assert at.feedback[0].value == 0  # drawn from the store when the chat is reopened


def test_export_markdown_has_the_citations_and_sources(new_app: NewApp, app_env: Path) -> None:
    at = ask(new_app(), Q_TONOYAN)
    assert at.get("download_button")[0].proto.label == "Export"
    owner, chat_id = LOCAL_OWNER, at.session_state["fn_chat_id"]
    store = store_of(app_env)
    md = chat_markdown(store.chat(owner, chat_id).title, store.turns(owner, chat_id))
    assert "Davit Tonoyan has tendered his resignation" in md and "[1]" in md
    assert "1. **Nagorno-Karabakh: Azerbaijan enters Aghdam district" in md
    assert "001\\_azerbaijan-enters-aghdam.txt" in md and "> “Armenian Defence Minister" in md


def test_strict_off_and_k_are_passed_to_the_answerer(new_app: NewApp) -> None:
    at = new_app()
    at.toggle(key="fn_strict").set_value(False).run()
    at.slider(key="fn_k").set_value(2).run()
    at = ask(at, Q_TONOYAN)
    assert "Tonoyan" in " ".join(m.value for m in at.chat_message[1].markdown)


def test_a_bad_setting_is_one_sentence_not_a_traceback(app_env: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTNOTE_TOP_K", "many")
    at = AppTest.from_file(str(Path(__file__).parents[2] / "app" / "streamlit_app.py"),
                           default_timeout=60)
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "FOOTNOTE_TOP_K" in at.error[0].value
    assert "restart" in at.error[0].value


def test_an_unusable_backend_is_explained_and_the_input_disabled(new_app: NewApp) -> None:
    at = new_app()
    at.selectbox(key="fn_backend").select("openai").run()
    assert not at.exception
    assert any("OPENAI_API_KEY" in e.value and "another backend" in e.value for e in at.error)
    assert at.chat_input[0].disabled


def test_a_lost_vector_store_is_shown_with_the_way_to_repair_it(new_app: NewApp,
                                                                app_env: Path) -> None:
    assert not new_app().warning  # the seeds, indexed on first start: nothing to report
    st.cache_resource.clear()  # a server started again after the folder was lost
    SharedSystemClient.clear_system_cache()  # Chroma's own cache of open stores
    shutil.rmtree(app_env / "chroma")
    warnings = [w.value for w in new_app().warning]
    assert any("holds 0 of the" in w and "footnote ingest" in w for w in warnings), warnings
