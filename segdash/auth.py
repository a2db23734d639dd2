"""Who may upload: local analyst accounts (argon2 hashes in a file) and the OIDC allow-list.

No Streamlit here: the app's sign-in widgets live in `ui.py`; this module keeps the accounts,
checks passwords, slows down repeated failures and logs them. A password or a hash is never
logged or shown.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from segdash import config

log = logging.getLogger("segdash.auth")

DEFAULT_ANALYSTS_PATH = config.DEFAULT_ANALYSTS_PATH
NAME_PATTERN = re.compile(r"[A-Za-z0-9ÅÄÖåäöÉéÜü._@-]{2,64}")
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class AuthError(Exception):
    """A problem the user can act on; the message is Swedish."""


def analysts_path() -> Path:
    return config.settings().analysts_path


def _load(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AuthError(f"Filen med analytiker ({path}) kan inte läsas: {exc}") from None
    return data.get("analysts", {}) if isinstance(data, dict) else {}


def analyst_names(path: Path | None = None) -> list[str]:
    return sorted(_load(path or analysts_path()))


def local_sign_in_configured(path: Path | None = None) -> bool:
    try:
        return bool(_load(path or analysts_path()))
    except AuthError:
        return False


def add_analyst(name: str, password: str, path: Path | None = None) -> bool:
    """Add or replace an analyst's password. Returns True when the name was new."""
    path = path or analysts_path()
    if not NAME_PATTERN.fullmatch(name):
        raise AuthError(
            "Användarnamnet får bara innehålla bokstäver, siffror och . _ @ -, 2–64 tecken."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    analysts = _load(path)
    is_new = name not in analysts
    analysts[name] = {
        "password_hash": _hasher.hash(password),
        "changed_at": datetime.now().replace(microsecond=0).isoformat(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a crash never leaves half a file; owner-only.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".analysts-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"analysts": analysts}, handle, ensure_ascii=False, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("analyst account %s: %s", "added" if is_new else "password changed", name)
    return is_new


class Throttle:
    """Slows down repeated failed sign-ins: 1, 2, 4 … seconds (at most `cap_seconds`), per
    user name and per client address, whichever has failed more.

    It lives in the process, not in a Streamlit cache, so no client can reset it (Streamlit's
    "clear cache" message empties those). It is bounded: the least recently failed keys are
    forgotten first. Attempts on one key queue behind each other, so parallel guesses wait in
    turn, and at most `parallel_checks` password hashes (64 MiB each) are computed at once.
    """

    def __init__(
        self,
        base_seconds: float = 1.0,
        cap_seconds: float = 30.0,
        max_keys: int = 10_000,
        parallel_checks: int = 2,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.base_seconds = base_seconds
        self.cap_seconds = cap_seconds
        self.max_keys = max_keys
        self._sleep = sleep
        self._failures: OrderedDict[str, int] = OrderedDict()
        self._locks: OrderedDict[str, threading.Lock] = OrderedDict()
        self._lock = threading.Lock()
        self.checks = threading.BoundedSemaphore(parallel_checks)

    @staticmethod
    def keys(name: str, address: str | None) -> list[str]:
        keys = ["name:" + name.strip().casefold()[:MAX_NAME_CHARS]]
        if address:
            keys.append("address:" + address[:64])
        return keys

    def delay_for(self, name: str, address: str | None = None) -> float:
        with self._lock:
            failures = max(self._failures.get(k, 0) for k in self.keys(name, address))
        return (
            0.0 if failures == 0 else min(self.base_seconds * 2 ** (failures - 1), self.cap_seconds)
        )

    def failed(self, name: str, address: str | None = None) -> int:
        """Count a failure; returns how many the name has had in a row."""
        with self._lock:
            for key in self.keys(name, address):
                self._failures[key] = self._failures.pop(key, 0) + 1
            count = self._failures.get(self.keys(name, address)[0], 0)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)
            return count

    def succeeded(self, name: str, address: str | None = None) -> None:
        with self._lock:
            self._failures.pop(self.keys(name, address)[0], None)

    def __len__(self) -> int:
        return len(self._failures)

    def attempt(self, name: str, address: str | None = None) -> threading.Lock:
        """The lock that one attempt on this user name holds from its wait to its answer."""
        key = self.keys(name, address)[0]
        with self._lock:
            lock = self._locks.pop(key, None) or threading.Lock()
            self._locks[key] = lock
            while len(self._locks) > self.max_keys:
                self._locks.popitem(last=False)
        return lock

    def wait(self, name: str, address: str | None = None) -> None:
        (self._sleep or time.sleep)(self.delay_for(name, address))


MAX_NAME_CHARS = 100
MAX_PASSWORD_CHARS = 200


def throttle_from_env() -> Throttle:
    return Throttle(base_seconds=config.settings().signin_delay_seconds)


_shared: Throttle | None = None
_shared_lock = threading.Lock()


def shared_throttle() -> Throttle:
    """The process's one throttle (created on first use, from SEGDASH_SIGNIN_DELAY)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = throttle_from_env()
        return _shared


def verify(
    name: str,
    password: str,
    throttle: Throttle,
    path: Path | None = None,
    address: str | None = None,
) -> bool:
    """Check a local sign-in. Every failure waits longer before answering and is logged."""
    name = name.strip()[:MAX_NAME_CHARS]
    password = password[:MAX_PASSWORD_CHARS]
    with throttle.attempt(name, address):
        throttle.wait(name, address)
        analysts = _load(path or analysts_path())
        record = analysts.get(name)
        ok = False
        with throttle.checks:
            if record is not None:
                try:
                    ok = _hasher.verify(record["password_hash"], password)
                except (VerificationError, InvalidHashError, KeyError):
                    ok = False
            else:
                # The same time as a real check: a wrong name can't be told from a wrong password.
                try:
                    _hasher.verify(_DUMMY_HASH, password)
                except VerificationError:
                    pass
        if ok:
            throttle.succeeded(name, address)
            log.info("analyst signed in: %s", name)
        else:
            count = throttle.failed(name, address)
            log.warning("failed sign-in for user name %r (failure %d in a row)", name[:64], count)
    return ok


_DUMMY_HASH = _hasher.hash("not a password anyone uses")


def is_allowed(user: Mapping, secrets: Mapping) -> bool:
    """Whether an OIDC-signed-in user is an analyst.

    By the identity provider's stable subject (`sub`, or Entra ID's `oid`) listed under
    `[segdash] analyst_subjects`, or by an e-mail address on `[segdash] analysts` that the
    provider says is verified (`email_verified`): an unverified address can be anyone's.
    """
    section = secrets.get("segdash", {}) if hasattr(secrets, "get") else {}
    if not hasattr(section, "get"):
        return False
    subjects = {str(s).strip() for s in section.get("analyst_subjects", []) or []}
    for claim in ("oid", "sub"):
        value = user.get(claim)
        if value and str(value).strip() in subjects:
            return True
    verified = user.get("email_verified")
    if verified is True or str(verified).casefold() == "true":
        return is_allowed_email(user.get("email"), secrets)
    return False


def is_allowed_email(email: str | None, secrets: Mapping) -> bool:
    """Whether an OIDC-signed-in e-mail is on the analysts' allow-list in secrets.

    The list is `[segdash] analysts = ["namn@linkoping.se", …]`; case-insensitive.
    """
    if not email:
        return False
    section = secrets.get("segdash", {}) if hasattr(secrets, "get") else {}
    allowed = section.get("analysts", []) if hasattr(section, "get") else []
    return email.strip().casefold() in {str(a).strip().casefold() for a in allowed}
