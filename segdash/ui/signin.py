"""Analysts: sign-in (local accounts or the municipality's OIDC), the guard on the analyst
pages, and which sessions may store uploads. Who is signed in is checked on every run, so at
every write: an account removed from the accounts file, or a session idle past the limit, is
signed out at its next interaction."""

from __future__ import annotations

import logging
import time

import streamlit as st

from segdash import auth, config, upload_guard
from segdash.reporting.mail import SmtpSettings
from segdash.ui.lang import t
from segdash.ui.widgets import md

log = logging.getLogger("segdash.ui")

ANALYST_KEY = "segdash_analyst"


def _throttle() -> auth.Throttle:
    return auth.shared_throttle()  # the process's own: not in a cache a client can clear


LAST_SEEN_KEY = "segdash_last_seen"


def _client_address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001 - not in a browser session (tests, bare mode)
        return None


def auth_mode() -> str:
    """'oidc' when [auth] is in secrets, 'local' when analyst accounts exist, else 'none';
    'broken' when a secrets file exists but cannot be read: then nobody signs in (a typo must
    not quietly fall back to local passwords)."""
    try:
        if "auth" in st.secrets:
            return "oidc"
    except Exception as exc:  # noqa: BLE001 - Streamlit raises one type for both cases
        if "pars" in str(exc).casefold():  # "Error parsing secrets file …"
            log.error("sign-in is off: the secrets file cannot be read: %s", exc)
            return "broken"
    return "local" if auth.local_sign_in_configured() else "none"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001
        return {}


def current_analyst() -> str | None:
    """The signed-in analyst's identity (user name or e-mail), or None for a viewer."""
    mode = auth_mode()
    if mode == "oidc":
        if st.user.is_logged_in and auth.is_allowed(st.user.to_dict(), _secrets()):
            return str(st.user.get("email"))
        return None
    if mode == "local":
        name = st.session_state.get(ANALYST_KEY)
        if name is None:
            return None
        # Checked on every run (and so at every write): an account removed from the file, or
        # a session idle past the limit, is signed out at its next interaction.
        now = time.time()
        idle = now - st.session_state.get(LAST_SEEN_KEY, now)
        removed = name not in auth.analyst_names()
        if removed or idle > config.settings().idle_seconds:
            reason = "auth.removed" if removed else "auth.idle"
            st.session_state.pop(ANALYST_KEY, None)
            st.session_state.pop(LAST_SEEN_KEY, None)
            st.session_state["segdash_signed_out"] = reason
            return None
        st.session_state[LAST_SEEN_KEY] = now
        return name
    return None


def _local_sign_in_form(key: str) -> None:
    with st.form(key=key, clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(t("auth.name"), key=f"{key}_name", max_chars=auth.MAX_NAME_CHARS)
        password = st.text_input(
            t("auth.password"),
            type="password",
            key=f"{key}_password",
            max_chars=auth.MAX_PASSWORD_CHARS,
        )
        if st.form_submit_button(t("auth.sign_in"), type="primary"):
            if auth.verify(name, password, _throttle(), address=_client_address()):
                st.session_state[ANALYST_KEY] = name.strip()
                st.session_state[LAST_SEEN_KEY] = time.time()
                st.rerun()
            else:
                st.error(t("auth.wrong"), icon=":material/lock:")


def sign_in_box() -> None:
    """The sidebar's sign-in or sign-out, by how sign-in is configured."""
    mode = auth_mode()
    if mode == "none":
        return
    if mode == "broken":
        st.sidebar.error(t("auth.broken"), icon=":material/lock:")
        return
    with st.sidebar:
        st.header(t("auth.header"))
        who = current_analyst()
        if mode == "oidc":
            if st.user.is_logged_in:
                st.caption(t("auth.signed_in_as", name=st.user.get("email") or ""))
                if who is None:
                    st.caption(t("auth.not_on_list"))
                st.button(t("auth.sign_out"), on_click=st.logout, key="oidc_logout")
            else:
                st.button(t("auth.sign_in_oidc"), on_click=st.login, key="oidc_login")
            return
        if who:
            st.caption(t("auth.signed_in_as", name=who))
            if st.button(t("auth.sign_out"), key="local_logout"):
                del st.session_state[ANALYST_KEY]
                st.rerun()
        else:
            if reason := st.session_state.pop("segdash_signed_out", None):
                st.warning(t(reason), icon=":material/logout:")
            with st.expander(t("auth.sign_in")):
                _local_sign_in_form("sidebar_sign_in")


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def sync_upload_permission(who: str | None) -> None:
    """Let this session store uploads only while an analyst (`who`, from current_analyst in
    this run) is signed in (see upload_guard)."""
    session_id = _session_id()
    if session_id is None:
        return
    if who:
        upload_guard.permit(session_id, who, local=auth_mode() == "local")
    else:
        upload_guard.revoke(session_id)


def require_analyst() -> str:
    """Stop the page with a refusal unless an analyst is signed in; returns who it is."""
    who = current_analyst()
    if who:
        return who
    st.error(t("auth.refused"), icon=":material/block:")
    mode = auth_mode()
    if mode == "broken":
        st.error(t("auth.broken"), icon=":material/lock:")
    elif mode == "none":
        st.info(t("auth.not_configured"), icon=":material/info:")
    elif mode == "local":
        _local_sign_in_form("page_sign_in")
    else:
        st.button(t("auth.sign_in_oidc"), on_click=st.login, key="page_oidc_login")
    st.stop()
    raise AssertionError("unreachable")


def settings_warnings(who: str | None) -> None:
    """Bad values in the settings (each replaced by its default) are told to analysts (`who`);
    viewers need not know how the service is configured."""
    problems = config.settings().problems
    if problems and who:
        for problem in problems:
            # The value as set is quoted in the message: shown as text, never as markdown.
            st.sidebar.warning(md(problem), icon=":material/settings:")


def smtp_settings() -> tuple[SmtpSettings | None, str | None]:
    """The reminders' mail server from the secrets' [segdash.smtp] table: (settings, None), or
    (None, None) when none is set up, or (None, what is wrong with it)."""
    table = _secrets().get("segdash", {})
    try:
        return SmtpSettings.from_mapping(
            table.get("smtp") if isinstance(table, dict) else None
        ), None
    except ValueError as exc:
        return None, str(exc)
