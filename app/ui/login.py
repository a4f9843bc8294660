"""Who is using the app: nobody to ask with FOOTNOTE_AUTH=none (the one local user), else a login
page, a signed session kept in a cookie so a reload or a restart keeps the user signed in until
it expires, and log out.

The cookie is written by a tiny component (Streamlit has no API to set one) with SameSite=Strict
and, over HTTPS, Secure; it holds only the signed token (see `app.accounts`). Every run checks
the token again, so a removed user or a changed password ends a session at the next click.
"""

from __future__ import annotations

import json

import streamlit as st  # noqa: TID251

from app.accounts import Account, Accounts, LoginRefused
from app.safe_text import escape_markdown
from app.ui.resources import get_accounts
from app.ui.script import run_script
from common.config import Settings

COOKIE = "footnote_session"
_TOKEN = "fn_session_token"
_COOKIE_TODO = "fn_cookie_todo"  # the token to write into the cookie, or "" to clear it
_LOGGED_OUT = "fn_logged_out"  # this browser session ignores the cookie it was opened with


def signed_in(settings: Settings) -> Account | None:
    """The signed-in account; None when logins are off. With logins on and nobody signed in,
    draws the login page and stops the run: no page, no sidebar, no upload or remove."""
    if settings.auth == "none":
        return None
    accounts = get_accounts(settings)
    _write_cookie(settings)
    token = st.session_state.get(_TOKEN)
    if token is None and not st.session_state.get(_LOGGED_OUT):
        token = st.context.cookies.get(COOKIE)
    account = accounts.account(token)
    if account is None:
        st.session_state.pop(_TOKEN, None)
        _login_page(accounts)
        st.stop()
    return account


def account_box(account: Account) -> None:
    """Who is signed in, and log out (in the sidebar)."""
    with st.container(horizontal=True, vertical_alignment="center"):
        role = " · admin" if account.is_admin else ""
        st.caption(f":material/person: {escape_markdown(account.name)}{role}")
        st.button("Log out", key="fn_log_out", icon=":material/logout:", type="tertiary",
                  on_click=_log_out)


def _login_page(accounts: Accounts) -> None:
    st.markdown("### :material/format_quote: Footnote")
    with st.form("fn_login"):
        name = st.text_input("User name", key="fn_login_name", autocomplete="username")
        password = st.text_input("Password", type="password", key="fn_login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary")
    if not submitted:
        st.caption("Ask the person who runs this Footnote for an account.")
        return
    try:
        token = accounts.log_in(name.strip(), password)
    except LoginRefused as exc:
        st.error(str(exc), icon=":material/lock:")
        return
    st.session_state[_TOKEN] = token
    st.session_state[_COOKIE_TODO] = token
    st.session_state.pop(_LOGGED_OUT, None)
    st.rerun()


def _log_out() -> None:
    for key in list(st.session_state):  # this session's chats, choices and messages too
        del st.session_state[key]
    st.session_state[_LOGGED_OUT] = True
    st.session_state[_COOKIE_TODO] = ""


def _write_cookie(settings: Settings) -> None:
    """Set or clear the session cookie once, after a login or a log out."""
    todo = st.session_state.pop(_COOKIE_TODO, None)
    if todo is None:
        return
    max_age = int(settings.session_hours * 3600) if todo else 0
    cookie = json.dumps(f"{COOKIE}={todo}; Path=/; SameSite=Strict; Max-Age={max_age}")
    script = ("const app = window.parent; app.document.cookie = "
              f"{cookie} + (app.location.protocol === 'https:' ? '; Secure' : '');")
    with st.sidebar:
        run_script(script)
