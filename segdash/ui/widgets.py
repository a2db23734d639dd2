"""Display pieces every page uses: escaped text, tables with downloads, charts with their table
and a text alternative, and the pages' empty states."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from segdash import charts, exports, fmt, queries
from segdash.queries import Filters
from segdash.store import Store
from segdash.ui.data import cached
from segdash.ui.lang import lang, t


def require_follow_up(filters: Filters) -> None:
    """The empty states of the pages about actions: say what is missing and stop the page."""
    if not cached(queries.plan_years):
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
    if cached(queries.shows_demo_data):
        st.warning(t("app.demo_banner"), icon=":material/info:")


# The shown form of a frame, kept while the frame lives: a frame a page keeps from run to run
# (`ui.view`, `ui.shared`) is formatted once, not on every rerun. Frames shown are never
# changed afterwards.
_shown_tables: dict[int, tuple[weakref.ref, tuple, pa.Table]] = {}


def _forget(ref: weakref.ref, ident: int) -> None:
    entry = _shown_tables.get(ident)
    if entry is not None and entry[0] is ref:
        _shown_tables.pop(ident, None)


def _shown(
    frame: pd.DataFrame, columns: dict[str, str], decimals: dict[str, int], language: str
) -> pa.Table:
    signature = (tuple(columns.items()), tuple(decimals.items()), language)
    entry = _shown_tables.get(id(frame))
    if entry is not None and entry[0]() is frame and entry[1] == signature:
        return entry[2]
    # One constructor over plain arrays: a page draws a dozen small tables per run, and
    # pandas' select, copy, where and rename cost more than the data in them.
    shown = {}
    for column, header in columns.items():
        values = frame[column]
        if column in decimals:
            # object, not pandas' str dtype, which checks every one of the texts
            cells = np.array(fmt.numbers(values, decimals[column], language), dtype=object)
        elif pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(
            values.dtype
        ):
            # An empty text cell is empty on screen (Streamlit would write a grey "None").
            cells = values.to_numpy(dtype=object, na_value=None)
            missing = pd.isna(cells)
            if missing.any():
                cells = cells.copy()
                cells[missing] = ""
        else:
            cells = values.to_numpy()
        shown[header] = cells
    # As Arrow, which is what st.dataframe sends: converted once, not on every draw.
    result = pa.Table.from_pandas(
        pd.DataFrame(shown, index=pd.RangeIndex(len(frame)), copy=False), preserve_index=False
    )
    ident = id(frame)
    _shown_tables[ident] = (weakref.ref(frame, lambda ref: _forget(ref, ident)), signature, result)
    return result


def table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    decimals: dict[str, int] | None = None,
    key: str | None = None,
    height: int | str = "auto",
    **kwargs,
):
    """A read-only table: chosen columns under translated headers, numbers the Swedish way,
    with Excel and CSV downloads of the same rows (named after `key`).

    Numbers are shown as formatted text (decimal comma, space between thousands): Streamlit's
    own number formats follow the browser's locale, not the app's language. The downloads keep
    them as numbers. Text is shown as text, never as HTML.
    """
    shown = _shown(frame, columns, decimals or {}, lang())
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        height=height,
        **kwargs,
    )
    if key is not None:
        downloads(frame, key, columns)
    return event


def downloads(frame: pd.DataFrame, name: str, columns: dict[str, str] | None = None) -> None:
    """Two small buttons: the frame (its `columns` under their headers, when given) as xlsx and
    as CSV, made only when clicked."""

    def rows() -> pd.DataFrame:
        return frame if columns is None else frame[list(columns)].rename(columns=columns)

    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        t("export.xlsx"),
        data=lambda: exports.frame_to_xlsx(rows(), name[:31]),
        file_name=f"{name}.xlsx",
        key=f"{name}_xlsx",
        on_click="ignore",
        help=t("export.help"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        type="tertiary",
    )
    right.download_button(
        t("export.csv"),
        data=lambda: exports.frame_to_csv(rows()),
        file_name=f"{name}.csv",
        key=f"{name}_csv",
        on_click="ignore",
        help=t("export.help"),
        mime="text/csv",
        icon=":material/download:",
        type="tertiary",
    )


class _Drawn(go.Figure):
    """A figure handed to `st.plotly_chart` as the dict it was turned into once.

    `st.plotly_chart` calls `Figure.to_dict()`, which deep-copies all of the figure's data, on
    every draw; for a map that is every boundary's coordinates on every rerun. The figures here
    are built once and shared, never changed (`ui.figure`), so their dict is made once too and
    kept on the figure. Only `to_dict` is ever called on this object."""

    def __init__(self, spec: dict) -> None:  # noqa: D107 - no plotly validation: already valid
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict:  # type: ignore[override]
        return self._spec


def _drawable(figure: go.Figure) -> go.Figure:
    spec = getattr(figure, "_segdash_spec", None)
    if spec is None:
        spec = charts.figure_spec(figure)
        figure._segdash_spec = spec
    return _Drawn(spec)


def chart(figure, key: str, *, alt: str, **kwargs):
    """A plotly chart at full width, with the toolbar trimmed, and `alt`: one sentence that
    says what the chart shows, for screen readers (the table under it has the figures)."""
    return st.plotly_chart(
        _drawable(figure),
        key=key,
        width="stretch",
        theme=None,
        alt=alt,
        config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
        **kwargs,
    )


def wide_table(
    frame: pd.DataFrame,
    index: str,
    columns: str,
    values: str,
    column_order: Sequence[str] | None = None,
    fill_value: float | None = None,
) -> pd.DataFrame:
    """A long frame as a table a reader can scan: one row per `index`, one column per value of
    `columns` (in `column_order` when given, else as they come); `fill_value` where a pair has
    no row (0 for counts; empty for measured values)."""
    keys = frame[[index, columns]]
    if keys.duplicated().any():
        wide = frame.pivot_table(
            index=index, columns=columns, values=values, sort=False, fill_value=fill_value
        )
    else:  # one row per pair, the usual case: a plain reshape, several times faster
        wide = frame.set_index([index, columns])[values].unstack(columns)
        wide = wide.reindex(index=pd.unique(frame[index]), columns=pd.unique(frame[columns]))
        wide = wide.dropna(how="all").dropna(axis=1, how="all")  # as pivot_table does
        if fill_value is not None:
            wide = wide.fillna(fill_value)
    if column_order is not None:
        wide = wide.reindex(columns=[c for c in column_order if c in wide.columns])
    return wide.reset_index()


def fold(label: str, *, key: str):
    """A folded section whose content the page makes only while it is open (`.open`): opening
    or closing it runs the page again, and it stays as it was left for the session. For what
    costs a run or the browser something and is not the first thing a reader looks for."""
    return st.expander(label, key=key, on_change="rerun")


def chart_with_table(
    figure,
    *,
    key: str,
    alt: str,
    table_frame: pd.DataFrame | Callable[[], pd.DataFrame],
    columns: dict[str, str] | Callable[[pd.DataFrame], dict[str, str]],
    decimals: dict[str, int] | None = None,
    table_key: str | None = None,
    **chart_options,
):
    """The chart, and under it, folded, the same figures as a table (with downloads).

    The table is made only while its fold is open (opening it runs the page again): folded, it
    costs a page run nothing, and the browser loads no table code for it. A page has several,
    each a table with two download buttons. The fold stays open for the session. A table the
    page would have to make for it (`table_frame` a function, and `columns` one of the frame)
    is made only then too."""
    event = chart(figure, key=key, alt=alt, **chart_options)
    folded = fold(t("overview.table_alt"), key=f"{key}_table_open")
    if folded.open:
        frame = table_frame() if callable(table_frame) else table_frame
        headers = columns(frame) if callable(columns) else columns
        with folded:
            table(frame, headers, decimals, key=table_key or f"{key}_table")
    return event
