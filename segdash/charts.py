"""Plotly figure builders: a DataFrame in, a `plotly.graph_objects.Figure` out.

Pure functions: no Streamlit, no database and no UI text of their own. Every string the user
sees (titles, axis titles, status, district and period labels) comes from the caller, so the
pages decide the language. What the builders do fix is the look that must not vary between
pages: Swedish number formatting (`fmt.PLOTLY_SEPARATORS` plus d3 formats in the templates),
one colour and pattern per status from `domain`, and never colour as the only cue (bars
carry a pattern and a text label, lines a dash style and a marker symbol).

Colours, font and background are set on the figure itself rather than left to a template.
Clickable charts carry the raw keys in `customdata` (one per point) and the status code or
district key in each trace's `meta`, so a selection event maps back to data.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from segdash import fmt
from segdash.domain import (
    MISSING_STATUS,
    STATUS_COLOURS,
    STATUS_ORDER,
    STATUS_PATTERNS,
)

# The app's own font (Streamlit's "Source Sans"), so that charts read like the page around them.
FONT_FAMILY = "Source Sans, sans-serif"
FONT_SIZE = 14
TEXT_COLOUR = "#262730"
OUTLINE_COLOUR = "#333333"  # outline of the white "missing" status, and the reference line
GRID_COLOUR = "#E5E5E5"

# Districts in line charts: Okabe-Ito (yellow left out, too pale on white) and a marker
# symbol each, so two lines can be told apart in grey print too. Targets use TARGET_SYMBOL.
DISTRICT_COLOURS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#E69F00",
    "#000000",
)
DISTRICT_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "triangle-up",
    "cross",
    "triangle-down",
    "x",
    "pentagon",
    "hexagon",
)
REFERENCE_COLOUR = OUTLINE_COLOUR
REFERENCE_SYMBOL = "diamond"
TARGET_SYMBOL = "star"
VALUE_BAR_COLOUR = "#0072B2"

# Whether plotly checks every property of a figure as it is built. Checking costs three
# quarters of a figure's build (a page's first run builds a dozen); the builders' figures are
# checked in the tests instead (tests/conftest.py turns this on for every test, and
# test_charts compares each builder's checked and unchecked figure), so the app skips it.
VALIDATE = False
# plotly's "none" template, as the dict a checked figure turns the name into.
_NO_TEMPLATE = pio.templates["none"].to_plotly_json()

BAR_HEIGHT = 48  # pixels per bar in horizontal bar charts
BASE_HEIGHT = 120  # title, legend and axis around them


# --- shared pieces --------------------------------------------------------------------------


def _figure(
    heading: str, *, height: int | None = None, data: Sequence = (), **layout: object
) -> go.Figure:
    """A figure of `data` (traces) with the house layout every builder starts from, and the
    builder's own `layout` keys on top (a dict merged one level deep into the house one, so
    `xaxis=dict(rangemode="tozero")` keeps the house axis). Traces and layout are given whole
    to the constructor: plotly validates them once there, where `add_trace`, `update_layout`
    and `update_xaxes` calls on a figure cost several times as much."""
    axis = dict(automargin=True, gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR)
    house = dict(
        # No template: every colour and font is set here, and validating a template costs
        # more than building the rest of a figure.
        template=_NO_TEMPLATE,
        separators=fmt.PLOTLY_SEPARATORS,
        font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=TEXT_COLOUR),
        paper_bgcolor="white",
        plot_bgcolor="white",
        title=dict(
            text=plain(heading),
            x=0,
            xref="paper",
            xanchor="left",
            y=1,
            yref="container",
            yanchor="top",
            pad=dict(t=12),
            font=dict(size=18),
        ),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"),
        # The legend sits above the plot, under the title; leave room for both.
        margin=dict(l=10, r=20, t=100 if heading else 56, b=10),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        height=height,
        xaxis=axis,
        yaxis=dict(axis),
    )
    for key, value in layout.items():
        merged = house.get(key)
        house[key] = (
            {**merged, **value} if isinstance(merged, dict) and isinstance(value, dict) else value
        )
    return go.Figure(data=list(data), layout=house, _validate=VALIDATE)


def _status_style(status: str, status_labels: Mapping[str, str]) -> dict:
    """Name, colour, pattern and outline of a status, the same in every chart."""
    missing = status == MISSING_STATUS
    pattern = dict(shape=STATUS_PATTERNS[status], fillmode="overlay")
    if missing:
        pattern["fgcolor"] = OUTLINE_COLOUR
    return dict(
        name=status_labels[status],
        legendgroup=status,
        meta=status,
        marker=dict(
            color=STATUS_COLOURS[status],
            pattern=pattern,
            # White is invisible on white: the missing status gets a dark outline, the
            # others a thin white one that separates stacked segments.
            line=dict(color=OUTLINE_COLOUR if missing else "white", width=1.5 if missing else 1),
        ),
    )


def _statuses_present(statuses: pd.Series) -> list[str]:
    present = set(statuses.dropna())
    unknown = sorted(present - set(STATUS_ORDER))
    if unknown:
        raise ValueError(f"unknown status codes {unknown}; expected codes from STATUS_ORDER")
    return [s for s in STATUS_ORDER if s in present]


def _stacked_status_traces(
    counts: pd.DataFrame,
    key_col: str,
    key_labels: Mapping,
    status_labels: Mapping[str, str],
    orientation: str,
) -> tuple[list[str], list[go.Bar], list[int]]:
    """The category labels (keys in frame order), one stacked-bar trace per status present,
    in STATUS_ORDER (every point carries its raw key in `customdata`), and each stack's total."""
    keys = pd.unique(counts[key_col]).tolist()
    statuses = _statuses_present(counts["status"])
    table = (
        counts.pivot_table(index=key_col, columns="status", values="count", aggfunc="sum")
        .reindex(index=keys, columns=statuses)
        .fillna(0)
        .astype(int)
    )
    labels = [_label(key_labels, k) for k in keys]
    value_axis, category_axis = ("x", "y") if orientation == "h" else ("y", "x")
    value_format = f"%{{{value_axis}:,.0f}}"
    traces = []
    for status in statuses:
        values = table[status].tolist()
        traces.append(
            go.Bar(
                **{value_axis: values, category_axis: labels},
                orientation=orientation,
                customdata=keys,
                texttemplate=[value_format if v else "" for v in values],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate=(
                    f"<b>%{{{category_axis}}}</b><br>%{{fullData.name}}: {value_format}"
                    "<extra></extra>"
                ),
                **_status_style(status, status_labels),
            )
        )
    return labels, traces, table.sum(axis=1).tolist()


def plain(text: object) -> str:
    """Text from the data as plotly shows it literally: plotly reads `<a href>`, `<b>`, `<br>`
    and friends in every label, so `<`, `>` and `&` become entities."""
    return html.escape(str(text), quote=False)


def _label(labels: Mapping, key, width: int = 38) -> str:
    """The caller's label for a key (the key itself when the mapping has none), shown as plain
    text and wrapped onto lines of about `width` characters so long names don't squeeze the
    plot."""
    return _wrapped(str(labels.get(key, key)), width)


def _wrapped(text: str, width: int) -> str:
    """Plain text on lines of about `width` characters (plotly doesn't wrap)."""
    lines = textwrap.wrap(text, width, break_long_words=False) or [text]
    return "<br>".join(plain(line) for line in lines)


# Room around the plot for the axes, worked out here so that the browser draws a chart once.
# With `automargin` alone, plotly draws, measures the tick labels, widens the margins and draws
# again: a third of the cost of drawing the overview's charts. These estimates err on the wide
# side (an average character of the font is about half as wide as the font is high); automargin
# stays on, so a label that is still too long widens its margin as before.
CHAR_WIDTH = 0.5 * FONT_SIZE  # most small letters and the digits
WIDE_WIDTH = 0.66 * FONT_SIZE  # capitals, m and w
NARROW_WIDTH = 0.3 * FONT_SIZE  # i, l, t, punctuation and the space
_NARROW = frozenset("ijlftrI.,:;'!|()[] -")
DIGIT_WIDTH = 0.55 * FONT_SIZE
LINE_HEIGHT = 1.45 * FONT_SIZE
TICK_GAP = 12  # between the tick labels and the plot, and around an axis title
SLACK = 1.1  # on a measure of text, which cannot know the letters' exact widths
_TAG = re.compile(r"<[^>]*>")


def _label_width(labels: Sequence[str]) -> float:
    """Pixels for the longest line of any of these labels (plotly text: <br>, tags, entities)."""
    lines = (line for label in labels for line in str(label).split("<br>"))
    return max((_text_width(html.unescape(_TAG.sub("", line))) for line in lines), default=0)


def _text_width(text: str) -> float:
    """Pixels for one line of text in the app's font, by the width of its kinds of letter."""
    wide = sum(1 for c in text if c.isupper() or c in "mwMW")
    narrow = sum(1 for c in text if c in _NARROW)
    return wide * WIDE_WIDTH + narrow * NARROW_WIDTH + (len(text) - wide - narrow) * CHAR_WIDTH


def _label_lines(labels: Sequence[str]) -> int:
    return max((str(label).count("<br>") + 1 for label in labels), default=1)


def _number_width(
    values: Sequence[float | None], decimals: int | None = None, *, from_zero: bool = False
) -> float:
    """Pixels for the widest tick label of a value axis over these values (and zero, for bars):
    the integer part with its thousands spaces, a minus sign, and the decimals (given, or those
    of the step between ticks: plotly puts about six on an axis, a step of 1, 2 or 5 times a
    power of ten)."""
    known = [float(v) for v in values if v is not None and math.isfinite(v)]
    if from_zero:
        known.append(0.0)
    if not known:
        return DIGIT_WIDTH
    low, high = min(known), max(known)
    largest = max(abs(low), abs(high))
    if decimals is None:
        span = (high - low) or max(largest, 1.0) / 10  # a flat line: plotly widens its range
        decimals = min(3, max(0, -math.floor(math.log10(span / 6))))
    digits = len(f"{math.ceil(largest):,}")
    return (digits + (decimals + 1 if decimals else 0) + (low < 0)) * DIGIT_WIDTH


def _title_room(title: str | None) -> float:
    return LINE_HEIGHT + TICK_GAP if title else 0


def _margins_horizontal(labels: Sequence[str], value_title: str | None) -> dict:
    """Category labels on the left, values along the bottom (horizontal bars)."""
    return dict(
        l=round(_label_width(labels) * SLACK + TICK_GAP + 4),
        b=round(LINE_HEIGHT + TICK_GAP + _title_room(value_title)),
    )


def _margins_vertical(
    labels: Sequence[str] | None,
    values: Sequence[float | None],
    value_title: str | None,
    *,
    from_zero: bool = False,
) -> dict:
    """Values on the left, categories (or years) along the bottom."""
    lines = _label_lines(labels) if labels else 1
    width = _number_width(values, from_zero=from_zero)
    return dict(
        l=round(width + TICK_GAP + _title_room(value_title)),
        b=round(lines * LINE_HEIGHT + TICK_GAP),
    )


def _margins_map(
    colourbar_title: str | None, values: Sequence[float], decimals: int, *, legend: bool
) -> dict:
    """The colour bar (a title over its ticks, `thickness` 14) on the right, when there is one
    (`colourbar_title` None: none), and the legend under the map."""
    bar = max(_label_width([colourbar_title]) * SLACK, 14 + _number_width(values, decimals))
    return dict(
        l=0,
        r=round(bar + 2 * TICK_GAP) if colourbar_title is not None else 0,
        b=round(LINE_HEIGHT + TICK_GAP) if legend else 0,
    )


def _category_axis(labels: Sequence[str], **extra) -> dict:
    """A category axis in exactly the given order (numeric-looking labels stay categories)."""
    return dict(type="category", categoryorder="array", categoryarray=list(labels), **extra)


def _unit_suffix(unit: str | None) -> str:
    """What follows a number in hover and text: '12,3 %' or '4,0 per 1 000 inv.'."""
    return f"{fmt.NBSP}{plain(unit)}" if unit else ""


def _number_or_none(values: pd.Series) -> list[float | None]:
    """Floats for plotly, None where the value is missing so it is a gap, never a zero."""
    return [None if pd.isna(v) else float(v) for v in values]


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}; has {list(frame.columns)}")


# --- the builders ---------------------------------------------------------------------------


def status_bars(
    counts: pd.DataFrame,
    *,
    group_col: str,
    status_labels: Mapping[str, str],
    title: str,
    value_title: str,
    group_labels: Mapping | None = None,
) -> go.Figure:
    """Horizontal stacked bars: how many actions per status, one bar per group.

    `counts` has columns `[group_col, "status", "count"]`; groups keep the order in which the
    frame first lists them, the first on top. A click selects one bar; its points carry the
    raw group key in `customdata`.
    """
    _require(counts, [group_col, "status", "count"])
    labels, traces, _ = _stacked_status_traces(
        counts, group_col, group_labels or {}, status_labels, "h"
    )
    return _figure(
        title,
        height=BASE_HEIGHT + BAR_HEIGHT * len(labels),
        data=traces,
        barmode="stack",
        clickmode="event+select",
        dragmode=False,
        margin=_margins_horizontal(labels, value_title),
        uniformtext=dict(minsize=10, mode="hide"),
        xaxis=dict(title=dict(text=value_title), rangemode="tozero"),
        yaxis=_category_axis(labels, autorange="reversed"),
    )


def status_over_time(
    counts: pd.DataFrame,
    *,
    status_labels: Mapping[str, str],
    period_labels: Mapping[str, str],
    title: str,
    value_title: str,
) -> go.Figure:
    """Vertical stacked bars: actions per status in each follow-up period, oldest first.

    `counts` has columns `["period", "status", "count"]` with the periods in chronological
    order as listed. Points carry the period key in `customdata`.
    """
    _require(counts, ["period", "status", "count"])
    labels, traces, totals = _stacked_status_traces(
        counts, "period", period_labels, status_labels, "v"
    )
    return _figure(
        title,
        height=420,
        data=traces,
        barmode="stack",
        margin=_margins_vertical(labels, totals, value_title, from_zero=True),
        uniformtext=dict(minsize=10, mode="hide"),
        xaxis=_category_axis(labels),
        yaxis=dict(title=dict(text=value_title), rangemode="tozero"),
    )


def indicator_lines(
    values: pd.DataFrame,
    *,
    title: str,
    unit: str | None,
    district_labels: Mapping[str, str],
    reference: str | None = "Linköping",
    target_label: str = "Mål",
    decimals: int = 1,
) -> go.Figure:
    """An indicator over the years: one line per district, the reference dashed, targets as stars.

    `values` has columns `["district", "year", "value", "target"]`. A missing value (NaN, or
    a year the district lacks) is a gap in the line, never a zero.
    """
    _require(values, ["district", "year", "value", "target"])
    if values.duplicated(["district", "year"]).any():
        raise ValueError("values must hold one row per district and year (pick one sex first)")
    # One grid of district x year for the values and one for the targets, filled in one
    # step each (a chart per indicator, a dozen on a page: no per-district frame filtering).
    known = values[values["year"].notna()]
    districts = pd.unique(values["district"])
    district_no = pd.Index(districts).get_indexer(known["district"])
    year_of = known["year"].to_numpy(dtype=float).astype(int)
    years = sorted(set(year_of.tolist()))
    column = np.searchsorted(years, year_of)
    grids = {}
    for name in ("value", "target"):
        grid = np.full((len(districts), len(years)), np.nan)
        grid[district_no, column] = known[name].to_numpy(dtype=float, na_value=np.nan)
        grids[name] = grid
    suffix = _unit_suffix(unit)
    hover = f"<b>%{{fullData.name}}</b><br>%{{x:d}}: %{{y:,.{decimals}f}}{suffix}<extra></extra>"
    lines, targets = [], []
    others = 0
    for row, district in enumerate(districts):
        label = _label(district_labels, district)
        if district == reference:
            colour, symbol, line = REFERENCE_COLOUR, REFERENCE_SYMBOL, dict(dash="dash", width=4)
        else:
            colour = DISTRICT_COLOURS[others % len(DISTRICT_COLOURS)]
            symbol = DISTRICT_SYMBOLS[others % len(DISTRICT_SYMBOLS)]
            line = dict(dash="solid", width=2)
            others += 1
        common = dict(legendgroup=district, meta=district, hovertemplate=hover)
        lines.append(
            dict(  # a plain dict: plotly checks it once, in the figure
                type="scatter",
                x=years,
                y=_number_or_none(grids["value"][row]),
                name=label,
                mode="lines+markers",
                connectgaps=False,
                line=dict(color=colour, **line),
                marker=dict(color=colour, symbol=symbol, size=9),
                **common,
            )
        )
        target_row = grids["target"][row]
        with_target = [i for i, v in enumerate(target_row.tolist()) if v == v]
        if with_target:
            targets.append(
                dict(
                    type="scatter",
                    x=[years[i] for i in with_target],
                    y=[float(target_row[i]) for i in with_target],
                    name=f"{plain(target_label)} {label}",
                    mode="markers",
                    marker=dict(
                        color=colour,
                        symbol=TARGET_SYMBOL,
                        size=14,
                        line=dict(color=OUTLINE_COLOUR, width=1),
                    ),
                    **common,
                )
            )
    xaxis = dict(tickformat="d")
    if years and years[-1] - years[0] < 12:
        xaxis.update(dtick=1, tick0=years[0])
    values_shown = [*grids["value"].ravel().tolist(), *grids["target"].ravel().tolist()]
    return _figure(
        title,
        height=440,
        data=lines + targets,
        margin=_margins_vertical(None, values_shown, unit),
        xaxis=xaxis,
        yaxis=dict(title=dict(text=plain(unit or ""))),
        hovermode="closest",
    )


def status_timeline(
    history: pd.DataFrame,
    *,
    status_labels: Mapping[str, str],
    period_labels: Mapping[str, str],
    title: str,
    progress_title: str,
) -> go.Figure:
    """One action over the follow-ups: a bar of progress (0–100) per period, styled by status.

    `history` has columns `["period", "status", "progress"]` in chronological order. Missing
    progress draws a zero-height bar that still shows the status label. One trace per status,
    so the legend lists each status once.
    """
    _require(history, ["period", "status", "progress"])
    periods = pd.unique(history["period"]).tolist()
    labels = [_label(period_labels, p) for p in periods]
    number = f"{progress_title}: %{{y:,.1~f}}"
    traces = []
    for status in _statuses_present(history["status"]):
        rows = history[history["status"] == status]
        missing = rows["progress"].isna().tolist()
        style = _status_style(status, status_labels)
        traces.append(
            go.Bar(
                x=[_label(period_labels, p) for p in rows["period"]],
                y=rows["progress"].fillna(0).astype(float).tolist(),
                customdata=rows["period"].tolist(),
                text=[style["name"]] * len(rows),
                textposition="auto",
                cliponaxis=False,
                hovertemplate=[
                    f"<b>%{{x}}</b><br>%{{text}}{'' if m else '<br>' + number}<extra></extra>"
                    for m in missing
                ],
                **style,
            )
        )
    return _figure(
        title,
        height=400,
        data=traces,
        barmode="overlay",  # one bar per period, whichever status trace holds it
        margin=_margins_vertical(labels, [0, 100], progress_title),
        xaxis=_category_axis(labels),
        yaxis=dict(title=dict(text=progress_title), range=[0, 100]),
    )


def latest_vs_target(
    frame: pd.DataFrame,
    *,
    title: str,
    unit: str | None,
    district_labels: Mapping[str, str],
    value_label: str,
    target_label: str,
    decimals: int = 1,
) -> go.Figure:
    """The latest value per district as horizontal bars, with a mark at the target if any.

    `frame` has columns `["district", "value", "target"]`; districts keep the frame's order,
    the first on top.
    """
    _require(frame, ["district", "value", "target"])
    districts = frame["district"].tolist()
    labels = [_label(district_labels, d) for d in districts]
    number = f"%{{x:,.{decimals}f}}{_unit_suffix(unit)}"
    traces = [
        go.Bar(
            x=_number_or_none(frame["value"]),
            y=labels,
            orientation="h",
            name=value_label,
            customdata=districts,
            marker=dict(color=VALUE_BAR_COLOUR),
            texttemplate=number,
            textposition="auto",
            cliponaxis=False,
            hovertemplate=f"<b>%{{y}}</b><br>%{{fullData.name}}: {number}<extra></extra>",
        )
    ]
    has_target = frame["target"].notna()
    if has_target.any():
        targets = frame[has_target]
        traces.append(
            go.Scatter(
                x=targets["target"].astype(float).tolist(),
                y=[_label(district_labels, d) for d in targets["district"]],
                mode="markers",
                name=target_label,
                customdata=targets["district"].tolist(),
                marker=dict(
                    color="black", symbol="line-ns-open", size=14, line=dict(color="black", width=3)
                ),
                hovertemplate=f"<b>%{{y}}</b><br>%{{fullData.name}}: {number}<extra></extra>",
            )
        )
    return _figure(
        title,
        height=BASE_HEIGHT + BAR_HEIGHT * len(labels),
        data=traces,
        margin=_margins_horizontal(labels, unit),
        xaxis=dict(title=dict(text=plain(unit or "")), rangemode="tozero"),
        yaxis=_category_axis(labels, autorange="reversed"),
    )


# --- the district map ------------------------------------------------------------------------

# A sequential scale that colour-blind readers see as one ramp (cividis), turned so that the
# better end is always the dark blue one, whichever direction is better for the indicator.
MAP_COLOURS = "cividis"
NO_VALUE_COLOUR = "#D9D9D9"
FOCUS_OUTLINE_COLOUR = "#000000"
AREA_EDGE_COLOUR = "#FFFFFF"
MAP_HEIGHT = 520


def _rings(geometry: Mapping) -> list[list[list[float]]]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def _attach_geojson(fig: go.Figure, geojson: Mapping) -> None:
    """Keep the boundaries beside the figure rather than in its map traces: plotly validates
    and deep-copies a trace's `geojson` when the trace is made and again on every `to_dict`,
    which for a map is every area's coordinates each time. `figure_spec` puts the one shared
    FeatureCollection into the figure's dict, by reference."""
    fig._segdash_geojson = geojson


def figure_spec(fig: go.Figure) -> dict:
    """The figure as plotly's dict, ready to draw or render: a map's traces get their
    boundaries (see `_attach_geojson`)."""
    spec = fig.to_dict()
    geojson = getattr(fig, "_segdash_geojson", None)
    if geojson is not None:
        for trace in spec["data"]:
            if trace.get("type") == "choroplethmap":
                trace["geojson"] = geojson
    return spec


def map_view(geojson: Mapping, width_px: int = 480, height_px: int = MAP_HEIGHT) -> dict:
    """Centre and zoom that show every feature (web mercator, a margin of about 5 %)."""
    lons = [p[0] for f in geojson["features"] for ring in _rings(f["geometry"]) for p in ring]
    lats = [p[1] for f in geojson["features"] for ring in _rings(f["geometry"]) for p in ring]
    if not lons:
        return dict(center=dict(lon=15.62, lat=58.41), zoom=9)

    def mercator(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    lon_span = max(east - west, 1e-4) * 1.1
    y_span = max(mercator(north) - mercator(south), 1e-6) * 1.1
    # MapLibre draws the world 512 pixels wide at zoom 0
    zoom_x = math.log2(width_px * 360 / (512 * lon_span))
    zoom_y = math.log2(height_px * 2 * math.pi / (512 * y_span))
    centre_y = (mercator(north) + mercator(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return dict(
        center=dict(lon=(west + east) / 2, lat=centre_lat), zoom=round(min(zoom_x, zoom_y), 2)
    )


def district_map(
    frame: pd.DataFrame,
    *,
    geojson: Mapping,
    title: str,
    unit: str | None,
    higher_is_better: bool | None,
    value_label: str,
    no_value_label: str,
    focus_label: str,
    better_label: str,
    decimals: int = 1,
    lang: str = "sv",
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """A choropleth of one indicator over every area that has a boundary, drawn from the
    GeoJSON alone: no map tiles, no request to any other host (`map_style="white-bg"`, and no
    text on the map, whose font glyphs MapLibre would fetch from a server).

    `frame` has columns `["code", "name", "value", "is_focus"]`, one row per area of
    `geojson` (a FeatureCollection whose features' `id` is the area's code). Areas without a
    value are grey and say so in the legend; the focus areas are outlined and named in the
    legend and the hover.
    """
    _require(frame, ["code", "name", "value", "is_focus"])
    traces = []
    has_value = frame["value"].notna()
    valued, missing = frame[has_value], frame[~has_value]
    # Dark blue at the better end: cividis runs dark blue (low) to yellow (high).
    reverse = higher_is_better is True
    label, suffix = plain(value_label), _unit_suffix(unit)
    texts = [
        f"<b>{plain(name)}</b><br>{label}: {number}{suffix}"
        for name, number in zip(
            valued["name"], fmt.numbers(valued["value"], decimals, lang), strict=True
        )
    ]
    colourbar_title = plain(unit or "")
    if higher_is_better is not None:
        colourbar_title += f"<br><sub>{plain(better_label)}</sub>"
    if len(valued):
        traces.append(
            go.Choroplethmap(
                featureidkey="id",
                locations=valued["code"].tolist(),
                z=valued["value"].astype(float).tolist(),
                customdata=valued["code"].tolist(),
                text=texts,
                hovertemplate="%{text}<extra></extra>",
                colorscale=MAP_COLOURS,
                reversescale=reverse,
                marker=dict(line=dict(color=AREA_EDGE_COLOUR, width=0.8), opacity=0.9),
                # a click selects an area (the page reacts); the others keep their colour
                selected=dict(marker=dict(opacity=1.0)),
                unselected=dict(marker=dict(opacity=0.9)),
                colorbar=dict(
                    title=dict(text=colourbar_title),
                    separatethousands=True,
                    tickformat=f",.{decimals}f",
                    thickness=14,
                    len=0.8,
                ),
                name=plain(value_label),
                showlegend=False,
            )
        )
    if len(missing):
        traces.append(
            go.Choroplethmap(
                featureidkey="id",
                locations=missing["code"].tolist(),
                z=[0] * len(missing),
                customdata=missing["code"].tolist(),
                text=[f"<b>{plain(n)}</b><br>{plain(no_value_label)}" for n in missing["name"]],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, NO_VALUE_COLOUR], [1, NO_VALUE_COLOUR]],
                showscale=False,
                marker=dict(line=dict(color=AREA_EDGE_COLOUR, width=0.8), opacity=0.9),
                selected=dict(marker=dict(opacity=1.0)),
                unselected=dict(marker=dict(opacity=0.9)),
                name=plain(no_value_label),
                showlegend=True,
            )
        )
    by_code = {f["id"]: f["geometry"] for f in geojson["features"]}
    lons: list[float | None] = []
    lats: list[float | None] = []
    for code in frame.loc[frame["is_focus"].astype(bool), "code"]:
        for ring in _rings(by_code[code]) if code in by_code else []:
            lons += [p[0] for p in ring] + [None]
            lats += [p[1] for p in ring] + [None]
    if lons:
        traces.append(
            go.Scattermap(
                lon=lons,
                lat=lats,
                mode="lines",
                line=dict(color=FOCUS_OUTLINE_COLOUR, width=3),
                name=plain(focus_label),
                hoverinfo="skip",
                showlegend=True,
            )
        )
    fig = _figure(
        title,
        height=height,
        data=traces,
        title=dict(text=_wrapped(title, 45)),  # a phone's map is narrow
        # the map's own share of the figure: the colour bar, title and legend take the rest
        map=dict(style="white-bg", **map_view(geojson, width_px=420, height_px=height - 100)),
        margin=dict(
            t=60 if title else 10,
            **_margins_map(
                colourbar_title if len(valued) else None,
                valued["value"].tolist(),
                decimals,
                legend=bool(len(missing) or lons),
            ),
        ),
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="top"),
        clickmode="event+select",
    )
    _attach_geojson(fig, geojson)
    return fig


def locator_map(
    frame: pd.DataFrame,
    *,
    geojson: Mapping,
    title: str,
    focus_label: str,
    other_label: str,
    height: int = 360,
) -> go.Figure:
    """Where the focus districts are: they in one colour, outlined, every other area light.

    `frame` has columns `["code", "name", "is_focus"]`, one row per feature of `geojson`.
    """
    _require(frame, ["code", "name", "is_focus"])
    traces = []
    for is_focus, label, colour in (
        (False, other_label, "#EEEEEE"),
        (True, focus_label, DISTRICT_COLOURS[0]),
    ):
        part = frame[frame["is_focus"].astype(bool) == is_focus]
        if part.empty:
            continue
        traces.append(
            go.Choroplethmap(
                featureidkey="id",
                locations=part["code"].tolist(),
                z=[1] * len(part),
                customdata=part["code"].tolist(),
                text=[f"<b>{plain(n)}</b>" for n in part["name"]],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                marker=dict(
                    line=dict(
                        color=FOCUS_OUTLINE_COLOUR if is_focus else "#BBBBBB",
                        width=2 if is_focus else 0.6,
                    )
                ),
                name=plain(label),
                showlegend=True,
            )
        )
    fig = _figure(
        title,
        height=height,
        data=traces,
        map=dict(style="white-bg", **map_view(geojson, width_px=420, height_px=height - 90)),
        margin=dict(l=0, r=0, t=50 if title else 10, b=0),
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="top"),
    )
    _attach_geojson(fig, geojson)
    return fig
