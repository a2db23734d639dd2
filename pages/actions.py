"""Åtgärder: every action of the plan in force, searchable, and one action in detail."""

import pandas as pd
import streamlit as st

from segdash import charts, queries, ui
from segdash.ui import t

filters = ui.current_filters()
st.title(t("actions.title"))

ui.require_follow_up(filters)

all_actions = ui.cached(queries.action_status, filters=filters)
search = ui.url_text(
    t("actions.search"), key="action_search", param="q", help=t("actions.search_help")
)
actions = queries.search_actions(all_actions, search)
st.caption(t("actions.count", shown=len(actions), total=len(all_actions)))
if actions.empty:
    st.info(t("empty.no_actions"), icon=":material/filter_alt_off:")
    st.stop()

master = ui.shared(queries.master_data)
office_names = master.office_names
district_names = master.district_names


def district_list(codes) -> str:
    return ", ".join(district_names.get(d, d) for d in codes)


shown = actions.assign(
    area=actions["area_no"].astype(str) + ". " + actions["area_name"].fillna(""),
    district_list=actions["districts"].map(district_list),
    status_label=actions["status"].map(ui.status_text),
)
columns = {
    "action_no": t("col.action_no"),
    "title": t("col.title"),
    "area": t("col.area"),
    "lead_office_name": t("col.lead_office"),
    "district_list": t("col.districts"),
    "status_label": t("col.status"),
    "progress": t("col.progress"),
    "comment": t("col.comment"),
}
event = ui.table(
    shown,
    columns,
    {"progress": 0},
    key="actions_table",
    on_select="rerun",
    selection_mode="single-row",
)

# The action in detail: chosen by clicking a row, from the list, or from the URL.
keys = [f"{y}:{n}" for y, n in zip(actions["plan_year"], actions["action_no"], strict=True)]
titles = {
    key: f"{no} {title}"
    for key, no, title in zip(keys, actions["action_no"], actions["title"], strict=True)
}
rows = event.selection.rows if event else []
if rows:
    st.session_state["action_pick"] = keys[rows[0]]
picked = ui.url_choice(
    st.selectbox,
    t("actions.choose"),
    keys,
    key="action_pick",
    param="atgard",
    format_func=titles.get,
)

plan_year, action_no = picked.split(":", 1)
detail = ui.cached(queries.action_detail, plan_year=int(plan_year), action_no=action_no)
st.header(t("actions.detail", no=ui.md(action_no), title=ui.md(detail.title)))
left, right = st.columns([2, 1])
with left:
    st.markdown(f"**{t('actions.description')}**")
    st.text(detail.description or t("actions.none"))
with right:
    partners = ", ".join(office_names.get(o, o) for o in detail.partner_offices) or t(
        "actions.none"
    )
    span = " – ".join(str(v) for v in (detail.start_when, detail.end_when) if v and not pd.isna(v))
    facts = (
        (t("col.area"), f"{detail.area_no}. {ui.md(detail.area_name or '')}"),
        (t("col.lead_office"), ui.md(detail.lead_office_name or detail.lead_office)),
        (t("actions.partners"), ui.md(partners)),
        (t("actions.districts"), ui.md(district_list(detail.districts))),
        (t("actions.period_span"), ui.md(span or t("actions.none"))),
    )
    for label, value in facts:
        st.markdown(f"**{label}**  \n{value}")

history = ui.cached(queries.action_history, action_no=action_no)
if not history.empty:
    st.markdown(f"**{t('actions.history')}**")
    ui.chart(
        ui.figure(
            charts.status_timeline,
            history,
            key=("action_history", action_no),
            status_labels=ui.status_labels(),
            period_labels=ui.period_labels(history["period"]),
            title="",
            progress_title=t("chart.progress"),
        ),
        key="timeline",
        alt=t("alt.status_timeline"),
    )
    st.markdown(f"**{t('actions.comments')}**")
    history = history.assign(
        period_label=history["period"].map(ui.period_label),
        status_label=history["status"].map(ui.status_text),
    )
    history_columns = {
        "period_label": t("col.period"),
        "status_label": t("col.status"),
        "progress": t("col.progress"),
        "comment": t("col.comment"),
    }
    ui.table(history, history_columns, {"progress": 0}, key="history")
