"""Översikt: where the plan stands for the chosen period, for management."""

import streamlit as st

from segdash import fmt, ui
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
st.title(t("overview.title"))

ui.require_follow_up(filters)

figures = ui.query("key_figures", filters)
if figures["actions"] == 0:
    st.info(t("empty.no_actions"), icon=":material/filter_alt_off:")
    st.stop()

previous = figures["previous_period"]
period_text = ui.period_label(filters.period)
if previous:
    st.markdown(t("overview.intro", period=period_text, previous=ui.period_label(previous)))
else:
    st.markdown(t("overview.intro_first", period=period_text))

# Key figures: the number of actions, then count and share per status with the change.
statuses = figures["statuses"]
shown = statuses[(statuses["count"] > 0) | (statuses["previous_count"].fillna(0) > 0)]
columns = st.columns(1 + len(shown))
change_help = t("overview.change_help", previous=ui.period_label(previous)) if previous else None


def delta(change) -> str | None:
    """Streamlit reads the arrow from a leading ASCII minus, so no typographic minus here."""
    if change is None:
        return None
    return fmt.signed(change, 0, lang).replace("\u2212", "-")


total_change = None
if figures["previous_actions"] is not None:
    total_change = delta(figures["actions"] - figures["previous_actions"])
columns[0].metric(t("overview.actions"), fmt.number(figures["actions"], 0, lang),
                  delta=total_change, delta_color="off", help=change_help)  # fmt: skip
labels = ui.status_labels()
for column, row in zip(columns[1:], shown.itertuples(), strict=True):
    good_when_up = row.status in ("on_track", "done")
    column.metric(
        labels[row.status], fmt.number(row.count, 0, lang),
        delta=None if previous is None else delta(row.change),
        delta_color="off" if previous is None or row.change == 0
        else ("normal" if good_when_up else "inverse"),
        help=change_help,
    )  # fmt: skip
    column.caption(fmt.percent(row.share, 0, lang))
st.caption(t("status.legend"))


def group_names(by: str, counts) -> list[str]:
    if by == "area":
        return [f"{g}. {name}" for g, name in zip(counts["group"], counts["label"], strict=True)]
    return list(counts["label"])


def status_chart(by: str, group_title: str):
    counts = ui.query("status_by", filters, by)
    figure = ui.figure("status_bars", counts, group_col="group", status_labels=labels, title="",
        value_title=t("chart.actions"),
        group_labels=dict(zip(counts["group"], group_names(by, counts), strict=True)),
    )  # fmt: skip
    event = ui.chart(figure, key=f"chart_{by}", on_select="rerun", selection_mode="points")
    with st.expander(t("overview.table_alt")):
        wide = counts.pivot_table(index="label", columns="status", values="count", fill_value=0,
                                  sort=False)  # fmt: skip
        wide = wide.reindex(columns=[s for s in labels if s in wide.columns]).reset_index()
        ui.table(wide, {"label": group_title, **{s: labels[s] for s in wide.columns[1:]}},
                 key=f"status_per_{by}_{filters.period}")  # fmt: skip
    picked = [p.get("customdata") for p in (event.selection.points if event else [])]
    picked = [p[0] if isinstance(p, list) else p for p in picked if p is not None]
    return picked[0] if picked else None, dict(zip(counts["group"], counts["label"], strict=True))


st.header(t("overview.by_area"))
st.caption(t("overview.click_hint"))
area_pick, area_names = status_chart("area", t("col.area"))
st.header(t("overview.by_office"))
office_pick, office_names = status_chart("office", t("col.lead_office"))

ACTION_COLUMNS = {
    "action_no": t("col.action_no"), "title": t("col.title"),
    "lead_office_name": t("col.lead_office"), "status_label": t("col.status"),
    "progress": t("col.progress"), "comment": t("col.comment"),
}  # fmt: skip
for pick, names, column in ((area_pick, area_names, "area_no"),
                            (office_pick, office_names, "lead_office")):  # fmt: skip
    if pick is None:
        continue
    actions = ui.query("action_status", filters, None)
    actions = actions[actions[column].astype(str) == str(pick)].copy()
    actions["status_label"] = actions["status"].map(ui.status_text)
    st.header(ui.tm("overview.selected", group=names.get(pick, pick)))
    ui.table(actions, ACTION_COLUMNS, {"progress": 0}, key=f"actions_{column}_{pick}")

st.header(t("overview.over_time"))
over_time = ui.query("status_over_periods", filters)
ui.chart(
    ui.figure("status_over_time", over_time, status_labels=labels, period_labels=ui.period_labels(over_time["period"].unique()),
        title="", value_title=t("chart.actions"),
    ),
    key="chart_over_time",
)  # fmt: skip
with st.expander(t("overview.table_alt")):
    wide = over_time.pivot_table(index="period", columns="status", values="count", fill_value=0,
                                 sort=False).reset_index()  # fmt: skip
    wide["period"] = wide["period"].map(ui.period_label)
    ui.table(wide, {"period": t("col.period"), **{s: labels[s] for s in labels if s in wide.columns}},
             key="status_per_period")  # fmt: skip

if previous:
    st.header(t("overview.changes", previous=ui.period_label(previous)))
    changes = ui.query("changes_since_previous", filters)
    if changes.empty:
        st.write(t("overview.no_changes", previous=ui.period_label(previous)))
    else:
        changes = changes.assign(
            before_label=changes["status_before"].map(ui.status_text),
            after_label=changes["status"].map(ui.status_text),
        )
        ui.table(changes, {
            "action_no": t("col.action_no"), "title": t("col.title"),
            "before_label": t("col.status_before"), "after_label": t("col.status_after"),
            "comment": t("col.comment"),
        }, key=f"changes_{filters.period}")  # fmt: skip
