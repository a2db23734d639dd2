"""The figure builders in segdash.charts, on small frames built in each test.

Labels in these tests are deliberately not the app's own (e.g. "Done (test)", "Area three"),
so a label that shows up in a figure can only have come from the mapping the test passed.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from segdash import charts, fmt
from segdash.domain import (
    MISSING_STATUS,
    STATUS_COLOURS,
    STATUS_ORDER,
    STATUS_PATTERNS,
)

NAN = float("nan")
STATUS_LABELS = {code: f"{code.replace('_', ' ').title()} (test)" for code in STATUS_ORDER}
GROUP_LABELS = {3: "Area three", 1: "Area one"}  # 5 left out on purpose
PERIOD_LABELS = {"2021": "Whole year 2021", "2022-T1": "Third one 2022", "2022": "Whole year 2022"}
DISTRICT_LABELS = {"Berga": "B-town", "Ryd": "R-town", "Linköping": "All of L"}


def counts_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area", "status", "count"])


# Groups listed 3, 1, 5 (not sorted); area 1 has no on_track row; one zero count; unordered
# statuses; a group (5) without a label mapping.
AREA_COUNTS = counts_frame(
    [
        (3, "done", 4),
        (3, "on_track", 2),
        (3, MISSING_STATUS, 1),
        (1, "done", 0),
        (1, MISSING_STATUS, 3),
        (5, "on_track", 1234),
    ]
)


def area_bars(counts: pd.DataFrame = AREA_COUNTS, **kwargs):
    args = dict(
        group_col="area",
        status_labels=STATUS_LABELS,
        title="Status by area",
        value_title="Number of actions",
        group_labels=GROUP_LABELS,
    )
    return charts.status_bars(counts, **(args | kwargs))


def by_name(fig) -> dict:
    return {trace.name: trace for trace in fig.data}


def is_gap(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- status_bars ----------------------------------------------------------------------------


def test_status_bars_one_trace_per_present_status_in_status_order():
    fig = area_bars()
    assert [t.name for t in fig.data] == [
        "On Track (test)",
        "Done (test)",
        "Missing (test)",
    ]
    assert [t.meta for t in fig.data] == ["on_track", "done", MISSING_STATUS]
    assert {t.type for t in fig.data} == {"bar"}
    assert {t.orientation for t in fig.data} == {"h"}
    assert fig.layout.barmode == "stack"


def test_status_bars_counts_fill_missing_combinations_with_zero():
    traces = by_name(area_bars())
    assert list(traces["On Track (test)"].x) == [2, 0, 1234]
    assert list(traces["Done (test)"].x) == [4, 0, 0]
    assert list(traces["Missing (test)"].x) == [1, 3, 0]


def test_status_bars_text_shows_counts_in_swedish_format_and_blanks_zeros():
    traces = by_name(area_bars())
    assert list(traces["On Track (test)"].texttemplate) == ["%{x:,.0f}", "", "%{x:,.0f}"]
    assert list(traces["Done (test)"].texttemplate) == ["%{x:,.0f}", "", ""]
    assert traces["Done (test)"].textposition == "inside"


def test_status_bars_groups_labelled_from_mapping_and_keys_in_customdata():
    fig = area_bars()
    for trace in fig.data:
        assert list(trace.y) == ["Area three", "Area one", "5"]
        assert list(trace.customdata) == [3, 1, 5]


def test_status_bars_first_group_on_top_and_height_grows_with_groups():
    fig = area_bars()
    assert fig.layout.yaxis.type == "category"
    assert list(fig.layout.yaxis.categoryarray) == ["Area three", "Area one", "5"]
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.height == charts.BASE_HEIGHT + charts.BAR_HEIGHT * 3
    assert (
        area_bars(AREA_COUNTS[AREA_COUNTS["area"] == 3]).layout.height
        == charts.BASE_HEIGHT + charts.BAR_HEIGHT
    )


def test_status_bars_click_selects_and_titles_come_from_caller():
    fig = area_bars()
    assert fig.layout.clickmode == "event+select"
    assert fig.layout.dragmode is False
    assert fig.layout.title.text == "Status by area"
    assert fig.layout.xaxis.title.text == "Number of actions"


def test_status_bars_without_group_labels_show_the_keys():
    fig = area_bars(group_labels=None)
    assert list(fig.data[0].y) == ["3", "1", "5"]


def test_status_bars_reject_an_unknown_status():
    with pytest.raises(ValueError, match="unknown status"):
        area_bars(counts_frame([(1, "halfway", 2)]))


@pytest.mark.parametrize("status", STATUS_ORDER)
def test_every_status_has_its_fixed_colour_and_pattern(status):
    (trace,) = area_bars(counts_frame([(1, status, 2)])).data
    assert trace.name == STATUS_LABELS[status]
    assert trace.marker.color == STATUS_COLOURS[status]
    assert trace.marker.pattern.shape == STATUS_PATTERNS[status]
    assert trace.marker.pattern.fillmode == "overlay"


def test_missing_status_is_white_with_a_dark_outline():
    (trace,) = area_bars(counts_frame([(1, MISSING_STATUS, 2)])).data
    assert trace.marker.color == "#FFFFFF"
    assert trace.marker.line.color == charts.OUTLINE_COLOUR
    assert trace.marker.line.width > 0
    assert trace.marker.pattern.fgcolor == charts.OUTLINE_COLOUR


# --- status_over_time -----------------------------------------------------------------------

PERIOD_COUNTS = pd.DataFrame(
    [
        ("2021", "on_track", 5),
        ("2021", "at_risk", 1),
        ("2022-T1", "done", 2),
        ("2022-T1", "on_track", 3),
        ("2022", "done", 6),
        ("2022", "at_risk", 0),
    ],
    columns=["period", "status", "count"],
)


def over_time(counts: pd.DataFrame = PERIOD_COUNTS):
    return charts.status_over_time(
        counts,
        status_labels=STATUS_LABELS,
        period_labels=PERIOD_LABELS,
        title="Over time",
        value_title="Actions",
    )


def test_status_over_time_stacks_statuses_per_period_in_given_order():
    fig = over_time()
    assert [t.name for t in fig.data] == ["On Track (test)", "At Risk (test)", "Done (test)"]
    assert {t.orientation for t in fig.data} == {"v"}
    expected_x = ["Whole year 2021", "Third one 2022", "Whole year 2022"]
    assert fig.layout.xaxis.type == "category"
    assert list(fig.layout.xaxis.categoryarray) == expected_x
    traces = by_name(fig)
    assert list(traces["On Track (test)"].x) == expected_x
    assert list(traces["On Track (test)"].y) == [5, 3, 0]
    assert list(traces["At Risk (test)"].y) == [1, 0, 0]
    assert list(traces["Done (test)"].y) == [0, 2, 6]
    assert list(traces["Done (test)"].customdata) == ["2021", "2022-T1", "2022"]
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.title.text == "Actions"


def test_status_over_time_styles_and_labels_like_status_bars():
    traces = by_name(over_time())
    at_risk = traces["At Risk (test)"]
    assert at_risk.marker.color == STATUS_COLOURS["at_risk"]
    assert at_risk.marker.pattern.shape == STATUS_PATTERNS["at_risk"]
    assert list(at_risk.texttemplate) == ["%{y:,.0f}", "", ""]


# --- indicator_lines ------------------------------------------------------------------------

# Berga lacks 2021 entirely and has NaN in 2022; only Berga and Linköping have targets.
INDICATOR_VALUES = pd.DataFrame(
    [
        ("Berga", 2020, 30.5, NAN),
        ("Berga", 2022, NAN, 20.0),
        ("Berga", 2023, 27.0, 20.0),
        ("Ryd", 2020, 22.0, NAN),
        ("Ryd", 2021, 21.0, NAN),
        ("Ryd", 2022, 20.0, NAN),
        ("Ryd", 2023, 19.5, NAN),
        ("Linköping", 2020, 10.0, NAN),
        ("Linköping", 2021, 9.5, NAN),
        ("Linköping", 2022, 9.0, NAN),
        ("Linköping", 2023, 8.8, 8.0),
    ],
    columns=["district", "year", "value", "target"],
)


def lines(values: pd.DataFrame = INDICATOR_VALUES, **kwargs):
    args = dict(
        title="Unemployment",
        unit="%",
        district_labels=DISTRICT_LABELS,
        target_label="Goal",
        decimals=2,
    )
    return charts.indicator_lines(values, **(args | kwargs))


def test_indicator_lines_one_line_per_district_then_targets_where_present():
    fig = lines()
    assert [t.name for t in fig.data] == [
        "B-town",
        "R-town",
        "All of L",
        "Goal B-town",
        "Goal All of L",
    ]
    assert [t.mode for t in fig.data] == ["lines+markers"] * 3 + ["markers"] * 2
    assert [t.meta for t in fig.data] == ["Berga", "Ryd", "Linköping", "Berga", "Linköping"]


def test_indicator_lines_missing_values_are_gaps_not_zeros():
    berga = by_name(lines())["B-town"]
    assert list(berga.x) == [2020, 2021, 2022, 2023]
    y = list(berga.y)
    assert y[0] == 30.5 and y[3] == 27.0
    assert is_gap(y[1]) and is_gap(y[2])
    assert berga.connectgaps is False


def test_indicator_lines_reference_is_dashed_dark_and_thicker():
    traces = by_name(lines())
    reference, ryd = traces["All of L"], traces["R-town"]
    assert reference.line.dash == "dash"
    assert reference.line.color == charts.REFERENCE_COLOUR
    assert reference.line.width > ryd.line.width
    assert ryd.line.dash == "solid"
    assert by_name(lines(reference=None))["All of L"].line.dash == "solid"


def test_indicator_lines_districts_differ_in_colour_and_symbol():
    traces = by_name(lines())
    berga, ryd = traces["B-town"], traces["R-town"]
    assert (berga.line.color, ryd.line.color) == charts.DISTRICT_COLOURS[:2]
    assert (berga.marker.symbol, ryd.marker.symbol) == charts.DISTRICT_SYMBOLS[:2]
    assert traces["All of L"].marker.symbol not in (berga.marker.symbol, ryd.marker.symbol)


def test_indicator_lines_targets_in_district_colour_only_at_years_with_target():
    traces = by_name(lines())
    target = traces["Goal B-town"]
    assert list(target.x) == [2022, 2023]
    assert list(target.y) == [20.0, 20.0]
    assert target.marker.symbol == charts.TARGET_SYMBOL
    assert target.marker.color == traces["B-town"].line.color
    assert list(traces["Goal All of L"].x) == [2023]


def test_indicator_lines_hover_units_axes_and_year_ticks():
    fig = lines()
    assert fig.data[0].hovertemplate == (
        "<b>%{fullData.name}</b><br>%{x:d}: %{y:,.2f}\u00a0%<extra></extra>"
    )
    assert fig.layout.yaxis.title.text == "%"
    assert fig.layout.xaxis.dtick == 1
    assert fig.layout.xaxis.tickformat == "d"
    assert lines(unit=None).layout.yaxis.title.text == ""


def test_indicator_lines_leave_year_ticks_to_plotly_over_long_series():
    many = pd.DataFrame({"district": "Ryd", "year": range(2000, 2013), "value": 1.0, "target": NAN})
    assert lines(many).layout.xaxis.dtick is None
    assert lines(many.iloc[:12]).layout.xaxis.dtick == 1


def test_indicator_lines_refuse_two_values_for_one_district_and_year():
    twice = pd.concat([INDICATOR_VALUES, INDICATOR_VALUES.iloc[:1]])
    with pytest.raises(ValueError, match="one row per district and year"):
        lines(twice)


# --- status_timeline ------------------------------------------------------------------------

HISTORY = pd.DataFrame(
    [("2021", "on_track", 40.0), ("2022-T1", "at_risk", NAN), ("2022", "done", 100.0)],
    columns=["period", "status", "progress"],
)


def timeline(history: pd.DataFrame = HISTORY):
    return charts.status_timeline(
        history,
        status_labels=STATUS_LABELS,
        period_labels=PERIOD_LABELS,
        title="Action 1.4",
        progress_title="Progress (%)",
    )


def test_status_timeline_one_bar_per_period_styled_by_its_status():
    fig = timeline()
    assert [t.name for t in fig.data] == ["On Track (test)", "At Risk (test)", "Done (test)"]
    at_risk = by_name(fig)["At Risk (test)"]
    assert list(at_risk.x) == ["Third one 2022"]
    assert list(at_risk.text) == ["At Risk (test)"]
    assert at_risk.marker.color == STATUS_COLOURS["at_risk"]
    assert at_risk.marker.pattern.shape == STATUS_PATTERNS["at_risk"]
    assert list(at_risk.customdata) == ["2022-T1"]


def test_status_timeline_missing_progress_is_a_zero_bar_with_its_label():
    at_risk = by_name(timeline())["At Risk (test)"]
    assert list(at_risk.y) == [0.0]
    assert "%{y" not in at_risk.hovertemplate[0]
    done = by_name(timeline())["Done (test)"]
    assert list(done.y) == [100.0]
    assert "Progress (%): %{y:,.1~f}" in done.hovertemplate[0]


def test_status_timeline_lists_each_status_once_and_fixes_the_axes():
    repeated = pd.DataFrame(
        [("2021", "on_track", 10.0), ("2022-T1", "on_track", 30.0), ("2022", "done", 100.0)],
        columns=["period", "status", "progress"],
    )
    fig = timeline(repeated)
    assert [t.name for t in fig.data] == ["On Track (test)", "Done (test)"]
    assert list(fig.data[0].x) == ["Whole year 2021", "Third one 2022"]
    assert list(fig.layout.yaxis.range) == [0, 100]
    assert fig.layout.yaxis.title.text == "Progress (%)"
    assert list(fig.layout.xaxis.categoryarray) == [
        "Whole year 2021",
        "Third one 2022",
        "Whole year 2022",
    ]


# --- latest_vs_target -----------------------------------------------------------------------

LATEST = pd.DataFrame(
    [("Berga", 27.25, 20.0), ("Ryd", NAN, NAN), ("Linköping", 8.8, NAN)],
    columns=["district", "value", "target"],
)


def latest(frame: pd.DataFrame = LATEST):
    return charts.latest_vs_target(
        frame,
        title="Latest",
        unit="%",
        district_labels=DISTRICT_LABELS,
        value_label="Value 2023",
        target_label="Goal",
        decimals=2,
    )


def test_latest_vs_target_bars_with_swedish_value_text():
    bars, target = latest().data
    assert bars.name == "Value 2023" and bars.orientation == "h"
    assert list(bars.y) == ["B-town", "R-town", "All of L"]
    assert bars.x[0] == 27.25 and is_gap(bars.x[1])
    assert bars.texttemplate == "%{x:,.2f}\u00a0%"
    assert list(bars.customdata) == ["Berga", "Ryd", "Linköping"]


def test_latest_vs_target_marks_only_existing_targets():
    fig = latest()
    target = fig.data[1]
    assert target.name == "Goal"
    assert target.mode == "markers"
    assert list(target.x) == [20.0] and list(target.y) == ["B-town"]
    assert target.marker.symbol == "line-ns-open"
    assert target.marker.color == "black"
    assert len(latest(LATEST.assign(target=NAN)).data) == 1


def test_latest_vs_target_first_district_on_top():
    fig = latest()
    assert list(fig.layout.yaxis.categoryarray) == ["B-town", "R-town", "All of L"]
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.title.text == "%"


# --- what every figure shares ---------------------------------------------------------------

BUILDERS = {
    "status_bars": area_bars,
    "status_over_time": over_time,
    "indicator_lines": lines,
    "status_timeline": timeline,
    "latest_vs_target": latest,
}


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_figure_has_the_house_layout(build):
    layout = build().layout
    assert layout.separators == fmt.PLOTLY_SEPARATORS == ",\u00a0"
    assert layout.font.family == "Source Sans, sans-serif"
    assert layout.paper_bgcolor == layout.plot_bgcolor == "white"
    assert layout.title.text
    assert layout.legend.orientation == "h"
    assert layout.legend.y > 1 and layout.legend.yanchor == "bottom"


def test_the_charts_font_is_the_apps_own():
    """Streamlit's frontend sets its text in "Source Sans"; a name it does not serve would
    have the browser draw every chart in whatever sans-serif the machine has."""
    import streamlit

    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    fonts = {
        name
        for script in bundle.glob("*.js")
        for name in re.findall(r'sansSerif:`"([^"]+)", sans-serif`', script.read_text("utf-8"))
    }
    assert fonts == {"Source Sans"}
    assert charts.FONT_FAMILY == "Source Sans, sans-serif"


# --- room for the axes: plotly draws once, with automargin only as a safety net ---------------


def _longest_line(labels) -> int:
    return max(len(line) for label in labels for line in str(label).split("<br>"))


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_axis_keeps_automargin_for_labels_longer_than_estimated(build):
    layout = build().layout
    assert layout.xaxis.automargin is True and layout.yaxis.automargin is True


def test_horizontal_bars_leave_room_for_their_longest_label():
    short = area_bars(group_labels={3: "Tre", 1: "Ett", 5: "Fem"})
    long_name = "Integrations- och arbetsmarknadsförvaltningen"
    long = area_bars(group_labels={3: long_name, 1: "Ett", 5: "Fem"})
    lines = long.layout.yaxis.categoryarray
    assert _longest_line(lines) < len(long_name)  # wrapped onto two lines
    # at least 0.45 of the font size per letter (the font's narrowest average), never more
    # than twice what the longest line needs
    needed = _longest_line(lines) * 0.45 * charts.FONT_SIZE
    assert needed < long.layout.margin.l < 2 * needed + 30
    assert short.layout.margin.l < long.layout.margin.l / 2
    # the value axis' ticks and title along the bottom; less without the title
    untitled = area_bars(value_title="")
    assert long.layout.margin.b > untitled.layout.margin.b >= 2 * charts.FONT_SIZE


def test_capitals_take_more_room_than_small_letters():
    upper = area_bars(group_labels={3: "KLF UTBF SBF", 1: "Ett", 5: "Fem"})
    lower = area_bars(group_labels={3: "klf utbf sbf", 1: "Ett", 5: "Fem"})
    assert upper.layout.margin.l > lower.layout.margin.l


def test_entities_and_tags_count_as_the_text_they_show():
    plain_name = area_bars(group_labels={3: "A & B <c>", 1: "x", 5: "y"})
    # "A &amp; B &lt;c&gt;" on the axis is nine letters on the screen, not eighteen
    letters = area_bars(group_labels={3: "A x B xcx", 1: "x", 5: "y"})
    assert abs(plain_name.layout.margin.l - letters.layout.margin.l) <= 4


def test_vertical_bars_leave_room_for_their_numbers_and_label_lines():
    small = over_time()
    large = over_time(PERIOD_COUNTS.assign(count=PERIOD_COUNTS["count"] * 100_000))
    # "100 000 000" is wider than "4" on the value axis
    assert large.layout.margin.l > small.layout.margin.l + 5 * 0.45 * charts.FONT_SIZE
    two_lines = charts.status_over_time(
        PERIOD_COUNTS,
        status_labels=STATUS_LABELS,
        period_labels={
            k: "A follow-up with a name far longer than forty letters" for k in PERIOD_LABELS
        },
        title="Over time",
        value_title="Actions",
    )
    assert two_lines.layout.margin.b > small.layout.margin.b + charts.FONT_SIZE


def test_indicator_lines_leave_room_for_negative_and_decimal_values():
    whole = lines(INDICATOR_VALUES.assign(value=INDICATOR_VALUES["value"] * 0 + 50, target=NAN))
    signed = lines(INDICATOR_VALUES.assign(value=INDICATOR_VALUES["value"] * 0 - 5.5, target=NAN))
    assert signed.layout.margin.l > whole.layout.margin.l
    # the unit's title beside the axis takes a line of its own
    assert lines(unit=None).layout.margin.l < lines().layout.margin.l


def test_an_empty_title_is_allowed():
    fig = charts.status_bars(
        AREA_COUNTS, group_col="area", status_labels=STATUS_LABELS, title="", value_title=""
    )
    assert fig.layout.title.text == ""
    assert fig.layout.margin.t < area_bars().layout.margin.t


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_figure_is_the_same_whether_plotly_checks_it_or_not(build, monkeypatch):
    # The app builds figures unchecked (charts.VALIDATE is off outside the tests): what it
    # draws must be exactly what the checked figure holds.
    checked = build()
    monkeypatch.setattr(charts, "VALIDATE", False)
    unchecked = build()
    drawn = json.loads(checked.to_json())
    assert json.loads(unchecked.to_json()) == drawn
    assert json.loads(go.Figure(charts.figure_spec(unchecked)).to_json()) == drawn


def test_the_tests_build_every_figure_checked():
    assert charts.VALIDATE is True
    with pytest.raises(ValueError, match="colour"):
        charts._figure("Rubrik", data=[dict(type="scatter", colour="red")])
