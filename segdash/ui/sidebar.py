"""The sidebar's filters and the URL: every choice that shapes a view is in the address, so a
copied link opens the same view.

The sidebar's choices live in widget state (so they survive moving between pages) and are
mirrored into the URL's query parameters. A page's own choices (the district, the indicator,
…) go through `url_choice`, which starts from the URL, then from a default, then from the
first option, and writes the choice back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import streamlit as st

from segdash import i18n, queries
from segdash.queries import Filters
from segdash.store import Store
from segdash.ui.data import cached, shared
from segdash.ui.lang import LANG_KEY, lang, period_label, t

T = TypeVar("T")
FILTERS_KEY = "segdash_filters"
_URL_KEYS = {"period": "period", "districts": "district", "areas": "area", "offices": "office"}


def url_values(param: str, options: Sequence[T], convert: Callable[[str], T] = str) -> list[T]:
    """The URL's values of `param` that are among `options`, in order, each once."""
    values: list[T] = []
    for raw in st.query_params.get_all(param):
        try:
            value = convert(raw)
        except ValueError:
            continue
        if value in options and value not in values:
            values.append(value)
    return values


def sidebar_filters(store: Store) -> Filters:
    """Draw the sidebar's filters, keep them in the URL, and return them."""
    periods = cached(queries.periods)
    master = shared(queries.master_data)

    state = st.session_state
    if "f_period" not in state:  # first run of this session: start from the URL
        from_url = url_values(_URL_KEYS["period"], periods)
        state["f_period"] = from_url[0] if from_url else (periods[-1] if periods else None)
        state["f_districts"] = url_values(_URL_KEYS["districts"], master.action_districts)
        state["f_areas"] = url_values(_URL_KEYS["areas"], list(master.area_names), int)
        state["f_offices"] = url_values(_URL_KEYS["offices"], list(master.office_names))
    if state.get("f_period") not in periods:
        state["f_period"] = periods[-1] if periods else None

    with st.sidebar:
        st.header(t("filter.header"))
        st.selectbox(
            t("filter.period"),
            list(reversed(periods)),
            key="f_period",
            format_func=period_label,
            placeholder=t("filter.no_periods"),
        )
        st.multiselect(
            t("filter.districts"),
            master.action_districts,
            key="f_districts",
            format_func=master.district_names.get,
            placeholder=t("filter.all"),
        )
        st.multiselect(
            t("filter.areas"),
            list(master.area_names),
            key="f_areas",
            format_func=master.area_label,
            placeholder=t("filter.all"),
        )
        st.multiselect(
            t("filter.offices"),
            list(master.office_names),
            key="f_offices",
            format_func=master.office_names.get,
            placeholder=t("filter.all"),
        )
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
            i18n.text(lang(), "filter.language"),
            list(i18n.LANGUAGES),
            key=LANG_KEY,
            format_func=i18n.LANGUAGES.get,
        )
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
        set_page_param(key, values)


def current_filters(**changes: Any) -> Filters:
    """The sidebar's filters, with any field replaced (`current_filters(districts=("Ryd",))`)."""
    filters = st.session_state.get(FILTERS_KEY, Filters())
    return replace(filters, **changes) if changes else filters


def set_page_param(key: str, value: str | Sequence[str] | None) -> None:
    """Set (or, when empty, remove) one of the URL's parameters, touching it only on change."""
    values = [] if value is None else [value] if isinstance(value, str) else list(value)
    if st.query_params.get_all(key) == values:
        return
    if values:
        st.query_params[key] = values
    elif key in st.query_params:
        del st.query_params[key]


def url_views(views: Mapping[str, str], *, key: str, param: str) -> tuple[str, Any]:
    """Tabs of which the page makes only the open one (`views`: id → label; switching runs
    the page again), for a page with several views of the same thing: the others cost the
    run and the browser nothing until asked for. The open view starts from the URL's `param`
    (a shared link), else the one this session had open, else the first; it is written back
    to the URL (the first view as no parameter), by id, so a link works in either language.
    Returns the open view's id and its tab, to draw into."""
    state = st.session_state
    ids, labels = list(views), list(views.values())
    # A new widget (the page opened, or the labels in another language) starts from the view
    # asked for; set through its state, not `default`, which would make a new widget each time
    # it changed and so undo the click that changed it.
    if state.get(key) not in labels:
        remembered = state.get(f"{key}__view")
        start = next(iter(url_values(param, ids)), remembered if remembered in ids else ids[0])
        state[key] = views[start]
    tabs = st.tabs(labels, key=key, on_change="rerun")
    shown = next((i for i, tab in zip(ids, tabs, strict=True) if tab.open), ids[0])
    state[f"{key}__view"] = shown
    set_page_param(param, [] if shown == ids[0] else [shown])
    return shown, tabs[ids.index(shown)]


def url_choice(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[T],
    *,
    key: str,
    param: str,
    convert: Callable[[str], T] = str,
    default: Sequence[T] = (),
    follow: Sequence[T] | None = None,
    multi: bool = False,
    **kwargs: Any,
) -> Any:
    """A choice widget (`st.selectbox`, `st.pills`, …) whose choice starts from the URL's
    `param` (a shared link), else `default` (else `follow`), else the first option; and is
    written back to the URL. `follow`: another choice (the sidebar's) that, when it changes,
    becomes this one's too. `multi` for widgets that hold a list."""
    state = st.session_state
    followed = [v for v in (follow or ()) if v in options]
    current = state.get(key)
    valid = current is not None and (
        all(v in options for v in current) if multi else current in options
    )
    if not valid:
        start = (
            url_values(param, options, convert)
            or [d for d in default if d in options]
            or followed
            or list(options[:1])
        )
        state[key] = start if multi else (start[0] if start else None)
    elif follow is not None and followed and state.get(f"{key}__followed") != followed:
        state[key] = followed if multi else followed[0]
    if follow is not None:
        state[f"{key}__followed"] = followed
    value = widget(label, options, key=key, **kwargs)
    chosen = (value or []) if multi else ([] if value is None else [value])
    set_page_param(param, [str(v) for v in chosen])
    return value


def url_text(label: str, *, key: str, param: str, **kwargs: Any) -> str:
    """A text input that starts from the URL's `param` and is written back to it."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param, "")
    value = st.text_input(label, key=key, **kwargs)
    set_page_param(param, value or None)
    return value
