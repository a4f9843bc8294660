"""Accounts (FOOTNOTE_AUTH=password) on SQLite and on a real PostgreSQL: hashed passwords,
signed sessions that end on expiry, removal or a new password, slowed-down failed logins, and
the `footnote users` command."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.accounts import FREE_ATTEMPTS, Accounts, LoginRefused
from common.errors import FootnoteError
from tests.conftest import run_cli
from vectorstore.users import make_user_store

pytestmark = pytest.mark.integration

SECRET = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def open_accounts(make_settings, fresh_database) -> Callable[..., Accounts]:
    """Accounts of one installation; each call opens them again, as another app server would."""
    settings = make_settings(database_url=fresh_database())
    return lambda clock=None, **changes: Accounts(
        make_user_store(settings), settings.model_copy(update=changes), **(
            {"clock": clock} if clock else {}))


def test_sessions_are_shared_and_end_with_a_new_password_or_removal(open_accounts) -> None:
    accounts = open_accounts()
    accounts.add("ana", SECRET, "admin")
    accounts.add("ben", SECRET)
    stored = {u.name: u for u in accounts.users()}
    assert {n: u.role for n, u in stored.items()} == {"ana": "admin", "ben": "user"}
    assert stored["ana"].password_hash.startswith("$argon2id$")
    assert SECRET not in stored["ana"].password_hash
    token = accounts.log_in("ana", SECRET)
    other_server = open_accounts()  # the signing key is shared through the database
    account = other_server.account(token)
    assert account and (account.name, account.is_admin, account.owner) == ("ana", True,
                                                                           "user:ana")
    assert other_server.account(token + "x") is None  # forged
    assert other_server.account(None) is None
    ben = accounts.log_in("ben", SECRET)
    accounts.set_password("ben", "a new password")
    assert accounts.account(ben) is None  # a new password ends the sessions
    assert accounts.account(accounts.log_in("ben", "a new password")).name == "ben"
    accounts.remove("ana")
    assert other_server.account(token) is None
    with pytest.raises(FootnoteError, match="no user 'ana'"):
        accounts.remove("ana")


def test_a_session_expires(open_accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts = open_accounts(session_hours=1.0)
    accounts.add("ana", SECRET)
    token = accounts.log_in("ana", SECRET)
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 3601)
    assert accounts.account(token) is None
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 3500)
    assert accounts.account(token).name == "ana"


def test_failed_logins_slow_the_next_attempts_down(open_accounts) -> None:
    clock = Clock()
    accounts = open_accounts(clock)
    accounts.add("ana", SECRET)
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(LoginRefused, match="Wrong user name or password"):
            accounts.log_in("ana", "guess")
    with pytest.raises(LoginRefused, match="try again in 2 s"):  # even the right password
        accounts.log_in("ana", SECRET)
    clock.now += 2
    with pytest.raises(LoginRefused, match="Wrong"):
        accounts.log_in("ana", "guess again")
    with pytest.raises(LoginRefused, match="try again in 4 s"):  # doubled, on any server
        open_accounts(clock).log_in("ana", SECRET)
    clock.now += 4
    assert accounts.account(accounts.log_in("ana", SECRET)).name == "ana"
    assert accounts.wait_s("ana", clock.now) == 0  # a success clears the count
    for _ in range(FREE_ATTEMPTS):  # an unknown name: the same message, the same slowing
        with pytest.raises(LoginRefused, match="Wrong user name or password"):
            accounts.log_in("nobody", SECRET)
    assert accounts.wait_s("nobody", clock.now) == 2


@pytest.mark.parametrize(("name", "password", "reason"), [
    ("ana bob", SECRET, "cannot be a user name"), ("", SECRET, "cannot be a user name"),
    ("ana", "short", "at least 8 characters")])
def test_bad_names_and_passwords_are_refused(open_accounts, name, password, reason) -> None:
    with pytest.raises(FootnoteError, match=reason):
        open_accounts().add(name, password)


def test_users_command(tmp_path) -> None:
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path / "data"), "FOOTNOTE_AUTH": "password"}
    added = run_cli("users", "add", "ana", "--admin", "--password-stdin", env=env,
                    input_text=f"{SECRET}\n")
    assert added.returncode == 0 and "added ana (admin)" in added.stdout, added.stderr
    again = run_cli("users", "add", "ana", "--password-stdin", env=env, input_text=f"{SECRET}\n")
    assert again.returncode == 2 and "already a user 'ana'" in again.stderr
    short = run_cli("users", "add", "ben", "--password-stdin", env=env, input_text="abc\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    assert "Traceback" not in again.stderr + short.stderr
    listed = run_cli("users", "list", env=env)
    assert listed.stdout.splitlines() == ["ana\tadmin"]
    changed = run_cli("users", "set-password", "ana", "--password-stdin", env=env,
                      input_text="another secret\n")
    assert changed.returncode == 0 and "sessions have ended" in changed.stdout
    assert SECRET not in (tmp_path / "data" / "users.sqlite3").read_bytes().decode("latin-1")
    assert run_cli("users", "remove", "ana", env=env).returncode == 0
    assert run_cli("users", "list", env=env).stdout == ""


def test_serve_beyond_loopback_needs_logins(tmp_path) -> None:
    env = {"FOOTNOTE_DATA_DIR": str(tmp_path / "data")}
    refused = run_cli("serve", "--host", "0.0.0.0", "--port", "1", env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip().startswith("footnote: Refusing to listen on 0.0.0.0")
    assert "FOOTNOTE_AUTH=password" in refused.stderr and len(refused.stderr.splitlines()) == 1
