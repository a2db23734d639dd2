"""Shared Streamlit pieces: the database handle, cached queries, the sidebar and its URL state.

The sidebar's choices live in widget state (so they survive moving between pages) and are
mirrored into the URL's query parameters (so a copied link opens the same view). Query results
are cached per database revision: an import or a rollback changes the revision, so every page
shows the new data at once.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from segdash import auth, charts, config, exports, fmt, i18n, queries, upload_guard
from segdash.queries import Filters
from segdash.seed import ensure_demo
from segdash.store import Store, StoreError, db_path_from_env

log = logging.getLogger(__name__)

LANG_KEY = "lang"
FILTERS_KEY = "segdash_filters"
_URL_KEYS = {"period": "period", "districts": "district", "areas": "area", "offices": "office"}


# --- the database ------------------------------------------------------------------------


# One handle per database file and process, held here rather than in a Streamlit cache: any
# client can ask Streamlit to clear its caches, and a second handle would bring a second write
# lock (two writers at once).
_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def _open_store(path: str) -> Store:
    with _stores_lock:
        store = _stores.get(path)
        if store is None:
            store = Store(path)
            ensure_demo(store)
            _stores[path] = store
        return store


def get_store() -> Store:
    """The process's database handle; stops the page with a clear message if it can't open."""
    path = db_path_from_env()
    try:
        if path in _stores:  # the common case: no spinner, just the handle
            return _stores[path]
        with st.spinner("Öppnar databasen …"):
            return _open_store(path)
    except StoreError as exc:
        # The details (the file's path, another process's id) are for the operator's log, not
        # for every visitor.
        log.error("the database could not be opened: %s", exc)
        st.error(t("error.db_unavailable"), icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


REVISION_KEY = "segdash_revision"


@st.cache_data(max_entries=1024, show_spinner=False)
def _cached(name: str, db_path: str, revision: int, args: tuple, _store: Store):
    return getattr(queries, name)(_store, *args)


def refresh_revision() -> int:
    """Read the data's revision once per script run (and again after a write)."""
    revision = get_store().revision()
    st.session_state[REVISION_KEY] = revision
    return revision


def query(name: str, *args):
    """queries.<name>(store, *args), cached until the data changes."""
    store = get_store()
    revision = st.session_state.get(REVISION_KEY)
    if revision is None:
        revision = refresh_revision()
    return _cached(name, store.path, revision, args, store)


@st.cache_resource(max_entries=256, show_spinner=False)
def _cached_figure(builder: str, frame: pd.DataFrame, options: tuple):
    return getattr(charts, builder)(frame, **dict(options))


@st.cache_resource(max_entries=512, show_spinner=False)
def _keyed_figure(builder: str, key: tuple, revision: int, language: str,
                  _frame: pd.DataFrame, _options: tuple):  # fmt: skip
    return getattr(charts, builder)(_frame, **dict(_options))


def figure(builder: str, frame: pd.DataFrame, *, key: tuple | None = None, **options):
    """charts.<builder>(frame, **options), cached: a chart builder is a pure function, and
    building a plotly figure costs more than drawing it. The figure is shared, never changed.

    Without `key` the cache is keyed on the frame and options themselves. With `key` (what
    the frame was asked for, e.g. the query's arguments) it is keyed on that, the data's
    revision and the language, which is cheaper when a page draws many charts.
    """
    if key is None:
        return _cached_figure(builder, frame, tuple(sorted(options.items())))
    revision = st.session_state.get(REVISION_KEY) or refresh_revision()
    return _keyed_figure(builder, key, revision, lang(), frame, tuple(sorted(options.items())))


# --- language ------------------------------------------------------------------------------


def lang() -> str:
    chosen = st.session_state.get(LANG_KEY) or st.query_params.get(LANG_KEY)
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    return i18n.text(lang(), key, **values)


def period_label(period: str | None) -> str:
    return i18n.period_label(lang(), period) if period else t("filter.no_periods")


def status_labels() -> dict[str, str]:
    return i18n.status_labels(lang())


# --- the sidebar ---------------------------------------------------------------------------


def _from_url(key: str, options: Sequence, convert: Callable = str) -> list:
    values = []
    for raw in st.query_params.get_all(_URL_KEYS[key]):
        try:
            value = convert(raw)
        except ValueError:
            continue
        if value in options and value not in values:
            values.append(value)
    return values


def sidebar_filters(store: Store) -> Filters:
    """Draw the sidebar's filters, keep them in the URL, and return them."""
    periods = query("periods")
    master = query("master_data")
    areas = dict(zip(master["areas"]["area_no"].astype(int), master["areas"]["name"], strict=True))
    offices = dict(zip(master["offices"]["code"], master["offices"]["name"], strict=True))
    districts = dict(zip(master["districts"]["code"], master["districts"]["name"], strict=True))

    state = st.session_state
    if "f_period" not in state:  # first run of this session: start from the URL
        from_url = _from_url("period", periods)
        state["f_period"] = from_url[0] if from_url else (periods[-1] if periods else None)
        state["f_districts"] = _from_url("districts", list(districts))
        state["f_areas"] = _from_url("areas", list(areas), int)
        state["f_offices"] = _from_url("offices", list(offices))
    if state.get("f_period") not in periods:
        state["f_period"] = periods[-1] if periods else None

    with st.sidebar:
        st.header(t("filter.header"))
        st.selectbox(
            t("filter.period"), list(reversed(periods)), key="f_period",
            format_func=period_label, placeholder=t("filter.no_periods"),
        )  # fmt: skip
        st.multiselect(t("filter.districts"), list(districts), key="f_districts",
                       format_func=districts.get, placeholder=t("filter.all"))  # fmt: skip
        st.multiselect(t("filter.areas"), list(areas), key="f_areas",
                       format_func=lambda n: f"{n}. {areas[n]}", placeholder=t("filter.all"))  # fmt: skip
        st.multiselect(t("filter.offices"), list(offices), key="f_offices",
                       format_func=offices.get, placeholder=t("filter.all"))  # fmt: skip
        st.caption(t("filter.share_hint"))

    filters = Filters(
        period=state["f_period"],
        districts=tuple(state["f_districts"]),
        areas=tuple(int(a) for a in state["f_areas"]),
        offices=tuple(state["f_offices"]),
    )
    state[FILTERS_KEY] = filters
    return filters


def language_switch() -> None:
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = lang()
    with st.sidebar:
        st.segmented_control(
            i18n.text(lang(), "filter.language"), list(i18n.LANGUAGES), key=LANG_KEY,
            format_func=i18n.LANGUAGES.get,
        )  # fmt: skip
    if st.session_state.get(LANG_KEY) is None:  # a click on the chosen one deselects it
        st.session_state[LANG_KEY] = i18n.DEFAULT_LANGUAGE


def sync_url() -> None:
    """Mirror the sidebar's choices into the URL. Call after st.navigation: writing query
    parameters before the page is known makes Streamlit report the page as not found."""
    filters = current_filters()
    wanted = {
        "period": [filters.period] if filters.period else [],
        "district": list(filters.districts),
        "area": [str(a) for a in filters.areas],
        "office": list(filters.offices),
        LANG_KEY: [lang()] if lang() != i18n.DEFAULT_LANGUAGE else [],
    }
    for key, values in wanted.items():
        if st.query_params.get_all(key) != values:
            if values:
                st.query_params[key] = values
            elif key in st.query_params:
                del st.query_params[key]


def current_filters() -> Filters:
    return st.session_state.get(FILTERS_KEY, Filters())


def page_param(key: str) -> str | None:
    """A page's own URL parameter (e.g. the chosen district), for shareable links."""
    return st.query_params.get(key)


def set_page_param(key: str, value: str | None) -> None:
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


# --- shared display pieces -----------------------------------------------------------------


def require_follow_up(filters: Filters) -> None:
    """The empty states of the pages about actions: say what is missing and stop the page."""
    if not query("plan_years"):
        st.info(t("empty.no_plan"), icon=":material/upload_file:")
        st.stop()
    if filters.period is None:
        st.info(t("empty.no_followup"), icon=":material/upload_file:")
        st.stop()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# Markdown also turns bare addresses into links ("www.x.se", "https://…", "namn@x.se"): an
# invisible word joiner inside the word keeps them text.
_AUTOLINK = re.compile(r"(?i)(?<![\w])(h)(ttps?)|(?<![\w])(w)(ww)|(f)(tp)|(m)(ailto)|(@)")
_WORD_JOINER = "\u2060"


def _break_autolink(match: re.Match) -> str:
    groups = [g for g in match.groups() if g is not None]
    if groups == ["@"]:
        return _WORD_JOINER + "@"
    return groups[0] + _WORD_JOINER + groups[1]


def md(text: object) -> str:
    """Text from the data (titles, names) made safe to put inside markdown: shown literally,
    never as a link, emphasis, heading, image or HTML, and no bare address becomes a link."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
    return _AUTOLINK.sub(_break_autolink, escaped)


def tm(key: str, **values: object) -> str:
    """A translated text for a markdown element, every interpolated value from the data shown
    literally (see `md`)."""
    return t(key, **{name: md(value) for name, value in values.items()})


def demo_banner(store: Store) -> None:
    if query("shows_demo_data"):
        st.warning(t("app.demo_banner"), icon=":material/info:")


def status_text(code: object) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return t("status.new")
    return status_labels().get(str(code), str(code))


def table(frame: pd.DataFrame, columns: dict[str, str], decimals: dict[str, int] | None = None,
          key: str | None = None, height: int | str = "auto", **kwargs):  # fmt: skip
    """A read-only table: chosen columns under translated headers, numbers the Swedish way,
    with Excel and CSV downloads of the same rows (named after `key`).

    Numbers are shown as formatted text (decimal comma, space between thousands): Streamlit's
    own number formats follow the browser's locale, not the app's language. The downloads keep
    them as numbers. Text is shown as text, never as HTML.
    """
    raw = frame[list(columns)].rename(columns=columns)
    shown = frame[list(columns)].copy()
    language = lang()
    for column, places in (decimals or {}).items():
        if column in shown:
            shown[column] = fmt.numbers(shown[column], places, language)
    shown = shown.rename(columns=columns)
    event = st.dataframe(shown, hide_index=True, width="stretch", key=key, height=height, **kwargs)
    if key is not None:
        downloads(raw, key)
    return event


def downloads(frame: pd.DataFrame, name: str) -> None:
    """Two small buttons: the frame as xlsx and as CSV, made only when clicked."""
    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        t("export.xlsx"), data=lambda: exports.frame_to_xlsx(frame, name[:31]),
        file_name=f"{name}.xlsx", key=f"{name}_xlsx", on_click="ignore", help=t("export.help"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", type="tertiary",
    )  # fmt: skip
    right.download_button(
        t("export.csv"), data=lambda: exports.frame_to_csv(frame), file_name=f"{name}.csv",
        key=f"{name}_csv", on_click="ignore", help=t("export.help"), mime="text/csv",
        icon=":material/download:", type="tertiary",
    )  # fmt: skip


def chart(figure, key: str, **kwargs):
    """A plotly chart at full width, with the toolbar trimmed."""
    return st.plotly_chart(
        figure, key=key, width="stretch", theme=None,
        config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
        **kwargs,
    )  # fmt: skip


def period_labels(periods: Sequence[str]) -> dict[str, str]:
    return {p: period_label(p) for p in periods}



# --- analysts: sign-in and the guard on the analyst pages ----------------------------------

ANALYST_KEY = "segdash_analyst"


def _throttle() -> auth.Throttle:
    return auth.shared_throttle()  # the process's own: not in a cache a client can clear


LAST_SEEN_KEY = "segdash_last_seen"


def idle_limit_seconds() -> float:
    return config.idle_limit_seconds()


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
        if removed or idle > idle_limit_seconds():
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
        password = st.text_input(t("auth.password"), type="password", key=f"{key}_password",
                                 max_chars=auth.MAX_PASSWORD_CHARS)  # fmt: skip
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


def sync_upload_permission() -> None:
    """Let this session store uploads only while an analyst is signed in (see upload_guard)."""
    session_id = _session_id()
    if session_id is None:
        return
    who = current_analyst()
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
