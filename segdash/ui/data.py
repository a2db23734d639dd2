"""The app's data: the process's database handle, and cached, typed calls to `queries` and
`charts`.

Pages call the functions themselves, with keyword arguments:

    figures = ui.cached(queries.key_figures, filters=filters)
    ui.chart(ui.figure(charts.status_bars, counts, group_col="group", ...), key="...")

Query results are cached per database revision: an import or a rollback changes the revision,
so every page shows the new data at once. A chart builder is a pure function, and building a
plotly figure costs more than drawing it, so figures are cached too (shared, never changed).
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from segdash.demo import ensure_demo
from segdash.store import Store, StoreError, db_path_from_env
from segdash.ui.lang import lang, t

log = logging.getLogger("segdash.ui")

P = ParamSpec("P")
R = TypeVar("R")

# One handle per database file and process, held here rather than in a Streamlit cache: any
# client can ask Streamlit to clear its caches, and a second handle would bring a second write
# lock (two writers at once).
_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()

REVISION_KEY = "segdash_revision"


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


_settled: set[tuple[str, int]] = set()
_settled_lock = threading.Lock()


def settle_memory() -> None:
    """At the end of a run, once per process and data revision: collect garbage, then move
    everything still alive (the imported modules, the caches just filled) out of the garbage
    collector's sight (`gc.freeze`). Python's full collections otherwise walk every one of
    those objects again and again, 0.1-0.2 s each in the middle of someone's page, once the
    caches hold a large file's areas. Objects frozen stay freed by reference counting."""
    key = (db_path_from_env(), _revision())
    with _settled_lock:
        if key in _settled:
            return
        _settled.add(key)
    gc.collect()
    gc.freeze()


def _busy(exc: StoreError) -> None:
    log.error("the page waited in vain for the database: %s", exc)
    st.warning(t("error.db_busy"), icon=":material/hourglass_top:")
    st.stop()


def refresh_revision() -> tuple[int, int]:
    """Read the data's revisions (`Store.revisions`) once per script run (and again after a
    write)."""
    try:
        revisions = get_store().revisions()
    except StoreError as exc:
        _busy(exc)
        raise
    st.session_state[REVISION_KEY] = revisions
    return revisions


def _revisions() -> tuple[int, int]:
    return st.session_state.get(REVISION_KEY) or refresh_revision()


def _revision() -> int:
    return _revisions()[0]


def _name(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _run_query(
    name: str,
    db_path: str,
    revision: int,
    args: tuple,
    kwargs: tuple,
    _query: Callable,
    _store: Store,
):
    return _query(_store, *args, **dict(kwargs))


# The same call under two caches: a copy of the result for every caller, or one shared object.
# The key is the query's name, the database file and its revision, and the arguments.
_cached = st.cache_data(max_entries=1024, show_spinner=False)(_run_query)
_shared = st.cache_resource(max_entries=64, show_spinner=False)(_run_query)


def _through(cache: Callable, label: str, query: Callable, args: tuple, kwargs: dict):
    if not query.__module__.startswith("segdash.queries"):
        raise TypeError(f"ui.{label} is for segdash.queries, not {_name(query)}")
    store = get_store()
    key = tuple(sorted(kwargs.items()))
    try:
        return cache(_name(query), store.path, _revision(), args, key, query, store)
    except StoreError as exc:  # another process kept the file past the wait (segdash.store)
        _busy(exc)
        raise  # unreachable: st.stop() ends the script run


def cached(query: Callable[Concatenate[Store, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """`query(store, *args, **kwargs)` for a function of `segdash.queries`, cached until the
    data changes. Keyword arguments at the call site, please: they say what each value is."""
    return _through(_cached, "cached", query, args, kwargs)


def shared(query: Callable[Concatenate[Store, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """`cached`, for a large result that pages only read (master data, the boundaries): kept
    once per process and data revision and handed out as it is, where `cached` gives every
    call its own copy (unpickling a national file's areas or boundaries on every run). Never
    change what it returns."""
    return _through(_shared, "shared", query, args, kwargs)


@st.cache_resource(max_entries=256, show_spinner=False)
def _cached_figure(name: str, frame: pd.DataFrame, options: tuple, _builder: Callable):
    return _builder(frame, **dict(options))


@st.cache_resource(max_entries=512, show_spinner=False)
def _keyed_figure(
    name: str,
    key: tuple,
    db_path: str,
    revision: int,
    language: str,
    _frame: pd.DataFrame,
    _options: tuple,
    _builder: Callable,
):
    return _builder(_frame, **dict(_options))


def figure(
    builder: Callable[..., R], frame: pd.DataFrame, /, *, key: tuple | None = None, **options
) -> R:
    """`builder(frame, **options)` for a function of `segdash.charts`, cached.

    Without `key` the cache is keyed on the frame and options themselves. With `key` (what the
    frame was asked for, e.g. the query's arguments) it is keyed on that, the database, its data
    revision and the language, which is cheaper when a page draws many charts.
    """
    if not builder.__module__.startswith("segdash.charts"):
        raise TypeError(f"ui.figure is for segdash.charts, not {_name(builder)}")
    options_key = tuple(sorted(options.items()))
    if key is None:
        return _cached_figure(_name(builder), frame, options_key, builder)
    return _keyed_figure(
        _name(builder), key, db_path_from_env(), _revision(), lang(), frame, options_key, builder
    )


@st.cache_resource(max_entries=512, show_spinner=False)
def _view(
    name: str,
    key: tuple,
    db_path: str,
    revision: tuple[str, int],
    language: str,
    _build: Callable,
    _kwargs: dict,
):
    return _build(**_kwargs)


def view(build: Callable[..., R], /, *, key: tuple, values_only: bool = False, **inputs) -> R:
    """`build(**inputs)`: what a page makes of its query results to show them (labels,
    reshaped and formatted tables, the figures), made once per `key`, database, data revision
    and language, and shared. A rerun with the same choices then only draws what it was given.

    `key` must name every choice the result depends on (the inputs are not hashed: they are
    used only when the result is made); `build` may ask `cached`, `shared` and `figure`
    itself. Like `shared`, never change what it returns, and never put anything about the
    user (who is signed in, what they may do) into it.

    `values_only`: the build reads nothing of actions, their statuses or reporting rounds
    (indicator values and the master data), so it is kept while follow-ups are imported or
    rolled back (`Store.revisions`): after an office's upload the open pages' next runs do
    not all make their indicator charts again at once."""
    # a page's own functions live in a module named "__main__": the file tells pages apart
    name = f"{build.__code__.co_filename}:{build.__qualname__}"
    revision = ("values", _revisions()[1]) if values_only else ("all", _revision())
    return _view(name, key, db_path_from_env(), revision, lang(), build, inputs)
