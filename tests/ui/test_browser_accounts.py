"""Logins in a real browser (FOOTNOTE_AUTH=password): `footnote serve` on 0.0.0.0 with accounts
made by `footnote users add`; nothing but the login page before a login, also for direct
requests; two accounts in two browser contexts see only their own chats; a user who is not an
admin can neither upload nor remove; a reload keeps the login, log out ends it. Screenshots in
tests/artifacts/."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import run_cli
from tests.ui.browser import (
    ARTIFACTS,
    BROWSER_TEST,
    CHAT_BOX,
    MESSAGE,
    READY,
    app_env,
    ask,
    chromium,
    open_app,
    streamlit_server,
)

pytestmark = BROWSER_TEST

PASSWORD = "orchard ladder 42"
UPLOADER = "[data-testid='stFileUploader']"
TRASH = ("[data-testid='stExpander']:has-text('Indexed documents') "  # remove, in the list
         "[data-testid='stPopover']")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    base = tmp_path_factory.mktemp("accounts")
    env = app_env(base / "data", embeddings="local", llm="extractive") | {
        "FOOTNOTE_AUTH": "password", "FOOTNOTE_SERVE_ADDRESS": "0.0.0.0"}
    for name, role in (("ana", ["--admin"]), ("ben", [])):
        added = run_cli("users", "add", name, *role, "--password-stdin", env=env,
                        input_text=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
    with streamlit_server(env, base / "streamlit.log", footnote_serve=True) as url:
        yield url, env


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with chromium() as b:
        yield b


def log_in(page, url: str, name: str, password: str = PASSWORD, expect_ok: bool = True):
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if expect_ok:
        page.wait_for_selector(CHAT_BOX, timeout=400_000)  # the first login indexes the seeds
        page.wait_for_selector(READY, timeout=400_000)


def sources(env: dict[str, str]) -> list[str]:
    listed = run_cli("sources", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    return sorted(s["source"] for s in json.loads(listed.stdout))


def test_nothing_but_the_login_page_before_a_login(server, browser) -> None:
    url, env = server
    context = browser.new_context()
    page = context.new_page()
    for path in ("", "/evaluate"):
        page.goto(url + path)
        page.get_by_role("button", name="Log in").wait_for(timeout=60_000)
        page.wait_for_selector(READY)
        assert page.locator(f"{CHAT_BOX}, {UPLOADER}, {MESSAGE}").count() == 0
        assert "Evaluate" not in page.locator("[data-testid='stApp']").inner_text()
    log_in(page, url, "ana", "not the password", expect_ok=False)
    expect(page.get_by_text("Wrong user name or password.")).to_be_visible()
    assert page.locator(CHAT_BOX).count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "login.png"))
    context.close()
    # A direct upload request without a session of the app is refused, and nothing is indexed.
    before = sources(env)
    request = urllib.request.Request(f"{url}/_stcore/upload_file/some-session/some-file",
                                     data=b"The secret plan.", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert 400 <= refused.value.code < 500
    assert sources(env) == before


def test_two_accounts_see_only_their_own_chats_and_only_admins_manage(server, browser) -> None:
    url, _ = server
    ana_context, ben_context = browser.new_context(), browser.new_context()
    ana, ben = ana_context.new_page(), ben_context.new_page()
    log_in(ana, url, "ana")
    assert ana.locator(UPLOADER).count() == 1
    assert ana.get_by_role("button", name="Remove").count() == 0  # behind a confirmation
    assert ana.locator(TRASH).count() > 0
    ask(ana, "Which Armenian defence minister tendered his resignation?", timeout_s=240)

    log_in(ben, url, "ben")
    assert ben.get_by_text("Only an admin can add or remove documents.").is_visible()
    assert ben.locator(UPLOADER).count() == 0
    assert ben.locator(TRASH).count() == 0  # no remove
    sidebar = ben.locator("[data-testid='stSidebar']")
    assert "Armenian defence minister" not in sidebar.inner_text()  # not ana's chat
    ask(ben, "Who took control of Shusha?", timeout_s=240)
    expect(sidebar.get_by_role("button", name="Who took control of Shusha?")).to_be_visible()

    ben.reload()  # the login stays (signed cookie), and so does the chat
    open_app(ben, ben.url)
    expect(sidebar.get_by_role("button", name="Who took control of Shusha?")).to_be_visible()
    ana.reload()
    open_app(ana, ana.url)
    ana_sidebar = ana.locator("[data-testid='stSidebar']")
    expect(ana_sidebar.get_by_text("Which Armenian defence minister")).to_be_visible()
    assert "Shusha" not in ana_sidebar.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ben.screenshot(path=str(ARTIFACTS / "accounts-user.png"), full_page=True)
    ana.screenshot(path=str(ARTIFACTS / "accounts-admin.png"), full_page=True)

    ben.get_by_role("button", name="Log out").click()
    ben.get_by_role("button", name="Log in").wait_for()
    ben.reload()  # the cookie is gone too
    ben.get_by_role("button", name="Log in").wait_for(timeout=60_000)
    ben.wait_for_selector(READY)
    assert ben.locator(CHAT_BOX).count() == 0
    ana_context.close()
    ben_context.close()



def test_a_login_and_its_chats_outlive_a_server_restart(browser, tmp_path) -> None:
    env = app_env(tmp_path / "data", embeddings="local", llm="extractive") | {
        "FOOTNOTE_AUTH": "password"}
    assert run_cli("users", "add", "cai", "--password-stdin", env=env,
                   input_text=PASSWORD + "\n").returncode == 0
    context = browser.new_context()
    page = context.new_page()
    with streamlit_server(env, tmp_path / "first.log", footnote_serve=True) as url:
        log_in(page, url, "cai")
        ask(page, "Who took control of Shusha?", timeout_s=240)
    with streamlit_server(env, tmp_path / "second.log", footnote_serve=True) as url:
        open_app(page, url, timeout_s=300)  # no login page: the signed cookie still holds
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar.get_by_role("button", name="Who took control of Shusha?")).to_be_visible()
        assert sidebar.get_by_text("cai").is_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "after-restart.png"), full_page=True)
    context.close()
