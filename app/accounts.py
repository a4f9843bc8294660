"""Logins for FOOTNOTE_AUTH=password: accounts, checked passwords, signed sessions.

- Passwords are hashed with Argon2id (argon2-cffi's defaults); the clear text is never stored,
  logged or put in a message.
- A session is a token signed with FOOTNOTE_SECRET_KEY (or a random key kept in the database, so
  every app server on it accepts it) that expires after FOOTNOTE_SESSION_HOURS. It carries a
  stamp of the password hash: setting a new password ends every session of that user, and so
  does removing the user.
- Failed logins under one name slow the next attempt down: after 3 in a row, the next waits 2 s,
  then 4, 8, ... up to 5 minutes, counted in the database across app servers. An unknown name
  costs the same hashing time and the same wait as a known one, and gets the same message.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from common.config import Settings
from common.errors import FootnoteError
from vectorstore.users import Role, User, UserStore

FREE_ATTEMPTS = 3
MAX_WAIT_S = 300.0
MIN_PASSWORD = 8
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_hasher = PasswordHasher()


class LoginRefused(FootnoteError):
    """Wrong name or password, or too many attempts; the message says which and what to do."""


@dataclass(frozen=True)
class Account:
    """Who is signed in, as the app needs it."""

    name: str
    role: Role

    @property
    def owner(self) -> str:
        """The chats' owner id: never the same as the one local user of FOOTNOTE_AUTH=none."""
        return f"user:{self.name}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Accounts:
    def __init__(self, store: UserStore, settings: Settings,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock
        self.max_age = int(settings.session_hours * 3600)
        key = settings.secret_key.get_secret_value() if settings.secret_key \
            else store.signing_key()
        self._signer = URLSafeTimedSerializer(key, salt="footnote-session")

    def add(self, name: str, password: str, role: Role = "user") -> None:
        if not _NAME.fullmatch(name):
            raise FootnoteError(f"{name!r} cannot be a user name: use 1 to 64 letters, digits "
                                "and . _ @ -, starting with a letter or digit.")
        if not self.store.add(name, _hash(password), role):
            raise FootnoteError(f"There is already a user {name!r}; use set-password to change "
                                "their password.")

    def remove(self, name: str) -> None:
        if not self.store.remove(name):
            raise FootnoteError(f"There is no user {name!r}.")

    def set_password(self, name: str, password: str) -> None:
        if not self.store.set_password_hash(name, _hash(password)):
            raise FootnoteError(f"There is no user {name!r}.")

    def users(self) -> list[User]:
        return self.store.users()

    def log_in(self, name: str, password: str) -> str:
        """A session token, or LoginRefused."""
        now = self.clock()
        wait = self.wait_s(name, now)
        if wait > 0:
            raise LoginRefused(f"Too many failed attempts; try again in {wait:.0f} s.")
        user = self.store.user(name)
        try:
            _hasher.verify(user.password_hash if user else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            user = None
        if user is None:
            self.store.record_failure(name, now)
            raise LoginRefused("Wrong user name or password.")
        self.store.clear_failures(name)
        return self._signer.dumps({"u": user.name, "s": _stamp(user)})

    def wait_s(self, name: str, now: float) -> float:
        """Seconds before the next attempt under this name may be checked."""
        count, last = self.store.failures(name)
        if count < FREE_ATTEMPTS:
            return 0.0
        return max(0.0, last + min(2.0 ** (count - FREE_ATTEMPTS + 1), MAX_WAIT_S) - now)

    def account(self, token: str | None) -> Account | None:
        """The signed-in account of a session token; None when it is missing, forged, expired,
        or its user was removed or given a new password since."""
        if not token:
            return None
        try:
            data = self._signer.loads(token, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        user = self.store.user(str(data.get("u", "")))
        if user is None or data.get("s") != _stamp(user):
            return None
        return Account(user.name, user.role)


@cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown: the same work as for a known one. Made on
    first use, not at import (hashing takes a tenth of a second)."""
    return _hasher.hash("an unknown name takes as long as a known one")


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise FootnoteError(f"A password needs at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def _stamp(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
