"""Förvaltningar: per office, the actions it leads and shares, their status, which are at risk."""

import streamlit as st

from segdash import charts, fmt, queries, ui
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
labels = ui.status_labels()
st.title(t("offices.title"))

ui.require_follow_up(filters)

master = ui.shared(queries.master_data)
names = master.office_names
office = ui.url_choice(
    st.selectbox,
    t("offices.choose"),
    list(names),
    key="office_pick",
    param="forv",
    default=filters.offices,
    format_func=names.get,
)

summary = ui.cached(queries.office_summary, filters=filters, office=office)
if summary.actions.empty:
    st.info(t("empty.no_actions"), icon=":material/filter_alt_off:")
    st.stop()

role_names = {"lead": t("offices.role.lead"), "partner": t("offices.role.partner")}
first, second, third = st.columns(3)
first.metric(t("offices.leads"), fmt.number(summary.leads, 0, lang))
second.metric(t("offices.shares"), fmt.number(summary.shares, 0, lang))
third.metric(t("offices.at_risk"), fmt.number(len(summary.at_risk), 0, lang))


def for_table(actions):
    return actions.assign(
        role_label=actions["role"].map(role_names),
        status_label=actions["status"].map(ui.status_text),
    )


columns = {
    "action_no": t("col.action_no"),
    "title": t("col.title"),
    "role_label": t("col.role"),
    "status_label": t("col.status"),
    "progress": t("col.progress"),
    "comment": t("col.comment"),
}
ui.chart(
    ui.figure(
        charts.status_bars,
        summary.counts,
        key=("office_summary", filters, office),
        group_col="role",
        status_labels=labels,
        title="",
        value_title=t("chart.actions"),
        group_labels=role_names,
    ),
    key="office_chart",
    alt=t("alt.office_status", office=names.get(office, office)),
)
ui.table(for_table(summary.actions), columns, {"progress": 0}, key="office_actions")

st.header(t("offices.at_risk"))
if summary.at_risk.empty:
    st.write(t("offices.none_at_risk"))
else:
    ui.table(for_table(summary.at_risk), columns, {"progress": 0}, key="office_risky")
