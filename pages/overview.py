"""Översikt: where the plan stands for the chosen period, for management.

The key figures, then the statuses in three views (by development area, by lead office, over
all follow-ups) as tabs of which only the open one is made and drawn, its choice in the URL."""

from datetime import date

import streamlit as st

from segdash import charts, domain, fmt, queries, ui
from segdash.reporting import rounds
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
st.title(t("overview.title"))

ui.require_follow_up(filters)

figures = ui.cached(queries.key_figures, filters=filters)
if figures.actions == 0:
    st.info(t("empty.no_actions"), icon=":material/filter_alt_off:")
    st.stop()

previous = figures.previous_period
period_text = ui.period_label(filters.period)
if previous:
    st.markdown(t("overview.intro", period=period_text, previous=ui.period_label(previous)))
else:
    st.markdown(t("overview.intro_first", period=period_text))

# The reporting round under way (the latest open one), for everyone: who is still missing.
open_rounds = [r for r in ui.cached(queries.reporting_rounds) if r.is_open]
if open_rounds:
    reporting = ui.cached(
        queries.reporting_status, period=open_rounds[0].period, today=date.today()
    )
    st.info(ui.md(rounds.summary_line(reporting, lang)), icon=":material/assignment_turned_in:")

# Key figures: the number of actions, then count and share per status with the change.
shown = figures.shown_statuses
columns = st.columns(1 + len(shown))
change_help = t("overview.change_help", previous=ui.period_label(previous)) if previous else None


def delta(change) -> str | None:
    """Streamlit reads the arrow from a leading ASCII minus, so no typographic minus here."""
    if change is None:
        return None
    return fmt.signed(change, 0, lang).replace("\u2212", "-")


def delta_colour(status: str, change) -> str:
    if previous is None or change == 0:
        return "off"
    return "normal" if domain.more_is_better(status) else "inverse"


total_change = None
if figures.previous_actions is not None:
    total_change = delta(figures.actions - figures.previous_actions)
columns[0].metric(
    t("overview.actions"),
    fmt.number(figures.actions, 0, lang),
    delta=total_change,
    delta_color="off",
    help=change_help,
)
labels = ui.status_labels()
for column, row in zip(columns[1:], shown.itertuples(), strict=True):
    column.metric(
        labels[row.status],
        fmt.number(row.count, 0, lang),
        delta=None if previous is None else delta(row.change),
        delta_color=delta_colour(row.status, row.change),
        help=change_help,
    )
    column.caption(fmt.percent(row.share, 0, lang))
st.caption(t("status.legend"))


def status_table(counts, index: str, heading: str, label=None) -> dict:
    """`chart_with_table`'s table of status counts, made only when unfolded: a row per `index`
    (shown through `label`, when given), a column per status present, 0 where none."""

    def frame():
        wide = ui.wide_table(
            counts,
            index=index,
            columns="status",
            values="count",
            column_order=list(labels),
            fill_value=0,
        )
        return wide if label is None else wide.assign(**{index: wide[index].map(label)})

    return dict(
        table_frame=frame,
        columns=lambda wide: {index: heading, **{s: labels[s] for s in wide.columns[1:]}},
    )


ACTION_COLUMNS = {
    "action_no": t("col.action_no"),
    "title": t("col.title"),
    "lead_office_name": t("col.lead_office"),
    "status_label": t("col.status"),
    "progress": t("col.progress"),
    "comment": t("col.comment"),
}


def picked_actions(by: str, pick, names: dict) -> None:
    """The actions behind a clicked bar, under its chart."""
    column = "area_no" if by == "area" else "lead_office"
    actions = ui.cached(queries.action_status, filters=filters)
    actions = actions[actions[column].astype(str) == str(pick)]
    actions = actions.assign(status_label=actions["status"].map(ui.status_text))
    st.subheader(ui.tm("overview.selected", group=names.get(pick, pick)))
    ui.table(actions, ACTION_COLUMNS, {"progress": 0}, key=f"actions_{column}_{pick}")


def status_chart(by: str, group_title: str) -> None:
    """Status per development area or lead office; a click on a bar lists its actions."""
    counts = ui.cached(queries.status_by, filters=filters, by=by)
    names = dict(zip(counts["group"], counts["label"], strict=True))
    group_labels = names if by == "office" else {g: f"{g}. {n}" for g, n in names.items()}
    figure = ui.figure(
        charts.status_bars,
        counts,
        key=("status_by", by, filters),  # what the counts were asked for: no hashing of them
        group_col="group",
        status_labels=labels,
        title="",
        value_title=t("chart.actions"),
        group_labels=group_labels,
    )
    event = ui.chart_with_table(
        figure,
        key=f"chart_{by}",
        alt=t(f"alt.status_by_{by}", period=period_text),
        **status_table(counts, "label", group_title),
        table_key=f"status_per_{by}_{filters.period}",
        on_select="rerun",
        selection_mode="points",
    )
    picked = [p.get("customdata") for p in (event.selection.points if event else [])]
    picked = [p[0] if isinstance(p, list) else p for p in picked if p is not None]
    if picked:
        picked_actions(by, picked[0], names)


# Three views of the same statuses, one at a time: only the open one is made and drawn.
VIEWS = {
    "omrade": t("overview.by_area"),
    "forvaltning": t("overview.by_office"),
    "tid": t("overview.over_time"),
}
view, tab = ui.url_views(VIEWS, key="overview_view", param="vy")
with tab:
    if view == "tid":
        over_time = ui.cached(queries.status_over_periods, filters=filters)
        ui.chart_with_table(
            ui.figure(
                charts.status_over_time,
                over_time,
                key=("status_over_periods", filters),
                status_labels=labels,
                period_labels=ui.period_labels(over_time["period"].unique()),
                title="",
                value_title=t("chart.actions"),
            ),
            key="chart_over_time",
            alt=t("alt.status_over_time"),
            **status_table(over_time, "period", t("col.period"), ui.period_label),
            table_key="status_per_period",
        )
    else:
        st.caption(t("overview.click_hint"))
        if view == "omrade":
            status_chart("area", t("col.area"))
        else:
            status_chart("office", t("col.lead_office"))

if previous:
    st.header(t("overview.changes", previous=ui.period_label(previous)))
    changes = ui.cached(queries.changes_since_previous, filters=filters)
    if changes.empty:
        st.write(t("overview.no_changes", previous=ui.period_label(previous)))
    else:
        changes = changes.assign(
            before_label=changes["status_before"].map(ui.status_text),
            after_label=changes["status"].map(ui.status_text),
        )
        columns = {
            "action_no": t("col.action_no"),
            "title": t("col.title"),
            "before_label": t("col.status_before"),
            "after_label": t("col.status_after"),
            "comment": t("col.comment"),
        }
        # The list is made when it is opened: the overview's charts come first.
        listed = ui.fold(
            t("overview.changes_list", n=fmt.number(len(changes), 0, lang)),
            key="overview_changes_open",
        )
        if listed.open:
            with listed:
                ui.table(changes, columns, key=f"changes_{filters.period}")

# Where the focus districts lie, for those who don't know the city: on request.
located = ui.fold(t("overview.where"), key="overview_locator_open")
if located.open:
    with located:
        ui.locator_map(key="overview_locator")
