"""Sign-in that holds: the throttle and the database handle outside every Streamlit cache
(any client can ask Streamlit to clear those), bounded and queueing sign-in attempts, and a
signed-in analyst who is signed out when the account goes or the session idles."""

from __future__ import annotations

import threading
import time

import pytest
import streamlit as st
from test_analyst_flow import env, sign_in, start, store_of  # noqa: F401 - env is a fixture

from segdash import auth, i18n, ui, upload_guard
from segdash.store import Store

PASSWORD = "ett-långt-lösenord"


def clear_streamlit_caches() -> None:
    """What Streamlit does when a client sends its `clear_cache` message."""
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_cleared_cache_keeps_the_one_database_handle(tmp_path):
    path = str(tmp_path / "db.duckdb")
    first = ui._open_store(path)
    clear_streamlit_caches()
    assert ui._open_store(path) is first  # one write lock per process, whatever clients send


def test_a_cleared_cache_keeps_the_sign_in_throttle(accounts, slept):
    throttle = ui._throttle()
    for _ in range(3):
        auth.verify("anna", "fel-lösenord-igen", throttle, accounts)
    clear_streamlit_caches()
    assert ui._throttle() is throttle
    slept.clear()
    auth.verify("anna", "fel-lösenord-igen", ui._throttle(), accounts)
    assert slept == [4.0]  # the fourth failure waits, as if nothing had been cleared


@pytest.fixture
def accounts(tmp_path):
    path = tmp_path / "analysts.json"
    auth.add_analyst("anna", PASSWORD, path)
    return path


@pytest.fixture
def slept(monkeypatch):
    delays: list[float] = []
    monkeypatch.setattr("segdash.auth.time.sleep", delays.append)
    monkeypatch.setattr(auth, "_shared", None)  # a fresh process-wide throttle for the test
    monkeypatch.setenv("SEGDASH_SIGNIN_DELAY", "1")
    return delays


def test_the_throttle_forgets_the_oldest_names_first():
    throttle = auth.Throttle(max_keys=1_000)
    for n in range(5_000):
        throttle.failed(f"namn{n}")
    assert len(throttle) == 1_000
    assert throttle.delay_for("namn4999") == 1.0 and throttle.delay_for("namn0") == 0.0


def test_a_long_user_name_is_cut_before_it_is_remembered():
    throttle = auth.Throttle()
    throttle.failed("x" * 5_000_000)
    assert max(map(len, throttle._failures)) <= len("name:") + auth.MAX_NAME_CHARS


def test_guesses_from_one_address_are_slowed_down_whatever_the_name(accounts, slept):
    throttle = auth.Throttle()
    for name in ("anna", "bertil", "cecilia"):
        auth.verify(name, "fel-lösenord-igen", throttle, accounts, address="10.0.0.7")
    assert slept == [0.0, 1.0, 2.0]
    slept.clear()
    auth.verify("david", "fel-lösenord-igen", throttle, accounts, address="10.0.0.8")
    assert slept == [0.0]  # another client is not held up


def test_parallel_guesses_for_one_name_wait_in_turn(accounts):
    """Each attempt waits for the one before it, and then for its own, longer delay."""
    delays: list[float] = []
    throttle = auth.Throttle(sleep=delays.append)
    start_line = threading.Barrier(4)

    def guess() -> None:
        start_line.wait()
        auth.verify("anna", "fel-lösenord-igen", throttle, accounts)

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert delays == [0.0, 1.0, 2.0, 4.0]


def test_at_most_two_password_hashes_at_once():
    throttle = auth.Throttle()
    assert throttle.checks.acquire(blocking=False) and throttle.checks.acquire(blocking=False)
    assert not throttle.checks.acquire(blocking=False)


# --- the session ------------------------------------------------------------------------------


def signed_out(at) -> list[str]:
    """The sign-out notices shown (the demo banner is a warning too)."""
    notices = {i18n.SV["auth.removed"], i18n.SV["auth.idle"]}
    return [w.value for w in at.warning if w.value in notices]


def test_sign_in_fields_have_length_limits(env):  # noqa: F811 - the fixture imported above
    at = start("pages/upload.py")
    assert at.text_input(key="page_sign_in_name").proto.max_chars == auth.MAX_NAME_CHARS
    assert at.text_input(key="page_sign_in_password").proto.max_chars == auth.MAX_PASSWORD_CHARS


def test_a_removed_account_is_signed_out_at_its_next_interaction(env):  # noqa: F811
    at = sign_in(start("pages/upload.py"))
    assert at.title[0].value == "Ladda upp"
    # The account is removed (another one is left, so local sign-in stays on).
    env["analysts"].unlink()
    auth.add_analyst("bertil", PASSWORD, env["analysts"])
    at.run()
    assert not at.exception
    assert signed_out(at) == [i18n.SV["auth.removed"]]
    assert i18n.SV["auth.refused"] in [e.value for e in at.error]
    assert not at.file_uploader


def test_an_idle_session_is_signed_out(env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SEGDASH_IDLE_MINUTES", "30")
    at = sign_in(start("pages/upload.py"))
    at.session_state[ui.LAST_SEEN_KEY] = time.time() - 31 * 60
    at.run()
    assert signed_out(at) == [i18n.SV["auth.idle"]]
    assert not at.file_uploader
    # Within the limit nothing happens.
    at = sign_in(start("pages/upload.py"))
    at.session_state[ui.LAST_SEEN_KEY] = time.time() - 29 * 60
    at.run()
    assert at.file_uploader and not signed_out(at)


def test_a_rollback_confirmed_after_the_account_went_changes_nothing(env):  # noqa: F811
    at = sign_in(start("pages/history.py"))
    store = store_of(env)
    batch = int(store.batches()["batch_id"].iloc[0])
    before = store.batches().set_index("batch_id").loc[batch, "state"]
    next(b for b in at.button if b.label == f"Återkalla import {batch}").click().run()
    env["analysts"].write_text("{}", encoding="utf-8")
    yes = [b for b in at.button if b.label == "Ja, fortsätt"]
    if yes:
        yes[0].click().run()
    assert store.batches().set_index("batch_id").loc[batch, "state"] == before == "active"
    assert isinstance(store, Store)


# --- sign-in with the municipality's identity provider (OIDC) ---------------------------------

ALLOW = {"segdash": {"analysts": ["anna@linkoping.se"], "analyst_subjects": ["oid-123"]}}


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ({"email": "anna@linkoping.se", "email_verified": True}, True),
        ({"email": "ANNA@linkoping.se", "email_verified": "true"}, True),
        ({"email": "anna@linkoping.se", "email_verified": False}, False),
        ({"email": "anna@linkoping.se"}, False),  # the address alone proves nothing
        ({"email": "bertil@linkoping.se", "email_verified": True}, False),
        ({"oid": "oid-123", "email": "vem som helst@example.org"}, True),  # Entra ID's object id
        ({"sub": "oid-123"}, True),
        ({"sub": "oid-999", "email": "anna@linkoping.se"}, False),
    ],
)
def test_an_analyst_is_a_verified_address_or_a_listed_subject(user, allowed):
    assert auth.is_allowed(user, ALLOW) is allowed


class _Secrets:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def __contains__(self, key: str) -> bool:
        raise self.error


def test_a_secrets_file_that_cannot_be_read_turns_sign_in_off(monkeypatch, caplog):
    from streamlit.errors import StreamlitSecretNotFoundError

    broken = StreamlitSecretNotFoundError(
        "Error parsing secrets file at .streamlit/secrets.toml: Expected ']' (line 1)"
    )
    monkeypatch.setattr(ui.st, "secrets", _Secrets(broken))
    with caplog.at_level("ERROR", logger="segdash.ui"):
        assert ui.auth_mode() == "broken"
    assert "the secrets file cannot be read" in caplog.text
    monkeypatch.setattr(
        ui.st,
        "secrets",
        _Secrets(
            StreamlitSecretNotFoundError("No secrets found. Valid paths for a secrets.toml file …")
        ),
    )
    assert ui.auth_mode() in ("local", "none")  # no file at all: local accounts, if any


def test_with_broken_secrets_no_one_signs_in_and_the_page_says_why(env, monkeypatch):  # noqa: F811
    monkeypatch.setattr("segdash.ui.signin.auth_mode", lambda: "broken")
    at = start("pages/upload.py")
    assert i18n.SV["auth.broken"] in [e.value for e in at.error]
    assert not [w for w in at.text_input if w.key == "page_sign_in_password"]
    assert not at.file_uploader


def test_the_identity_provider_library_is_installed():
    """st.login needs Authlib; without it the sign-in button showed a traceback."""
    import importlib.util

    assert importlib.util.find_spec("authlib") is not None


# --- who may store an upload (segdash.upload_guard; the real endpoint: e2e/test_upload_guard) --


def test_only_a_permitted_session_may_store_an_upload(env):  # noqa: F811
    assert not upload_guard.permitted("viewer-session")
    upload_guard.permit("analyst-session", "anna", local=True)
    try:
        assert upload_guard.permitted("analyst-session")
        assert not upload_guard.permitted("viewer-session")
        upload_guard.revoke("analyst-session")  # signed out: the app's next run revokes
        assert not upload_guard.permitted("analyst-session")
    finally:
        upload_guard.revoke("analyst-session")


def test_an_upload_after_the_idle_limit_is_refused_before_any_rerun(env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SEGDASH_IDLE_MINUTES", "30")
    upload_guard.permit("analyst-session", "anna", local=True)
    try:
        now = time.monotonic()
        assert upload_guard.permitted("analyst-session", now=now + 29 * 60)
        assert not upload_guard.permitted("analyst-session", now=now + 31 * 60)
        assert not upload_guard.permitted("analyst-session")  # and it stays refused
    finally:
        upload_guard.revoke("analyst-session")


def test_an_upload_after_the_account_went_is_refused_before_any_rerun(env):  # noqa: F811
    upload_guard.permit("analyst-session", "anna", local=True)
    try:
        env["analysts"].unlink()
        auth.add_analyst("bertil", PASSWORD, env["analysts"])
        assert not upload_guard.permitted("analyst-session")
    finally:
        upload_guard.revoke("analyst-session")


def test_signing_in_and_out_in_the_app_permits_and_revokes_the_session(env, monkeypatch):  # noqa: F811
    seen: list[tuple[str, str | None]] = []
    monkeypatch.setattr(upload_guard, "permit", lambda s, who, local: seen.append(("permit", who)))
    monkeypatch.setattr(upload_guard, "revoke", lambda s: seen.append(("revoke", None)))
    at = start("pages/upload.py")
    assert seen[-1] == ("revoke", None)
    at = sign_in(at)
    assert seen[-1] == ("permit", "anna")
    at.sidebar.button(key="local_logout").click().run()
    assert seen[-1] == ("revoke", None)
