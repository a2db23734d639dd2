"""Åtgärder: every action of the plan in force, searchable, and one action in detail."""

import pandas as pd
import streamlit as st

from segdash import queries, ui
from segdash.ui import t

filters = ui.current_filters()
st.title(t("actions.title"))

ui.require_follow_up(filters)

all_actions = ui.query("action_status", filters, None)
if "action_search" not in st.session_state:
    st.session_state["action_search"] = st.query_params.get("q", "")
search = st.text_input(t("actions.search"), key="action_search", help=t("actions.search_help"))
ui.set_page_param("q", search or None)
actions = queries.search_actions(all_actions, search)
st.caption(t("actions.count", shown=len(actions), total=len(all_actions)))
if actions.empty:
    st.info(t("empty.no_actions"), icon=":material/filter_alt_off:")
    st.stop()

master = ui.query("master_data")
office_names = dict(zip(master["offices"]["code"], master["offices"]["name"], strict=True))
district_names = dict(zip(master["districts"]["code"], master["districts"]["name"], strict=True))
shown = actions.assign(
    area=actions["area_no"].astype(str) + ". " + actions["area_name"].fillna(""),
    district_list=actions["districts"].map(lambda ds: ", ".join(district_names.get(d, d) for d in ds)),
    status_label=actions["status"].map(ui.status_text),
)
event = ui.table(
    shown,
    {"action_no": t("col.action_no"), "title": t("col.title"), "area": t("col.area"),
     "lead_office_name": t("col.lead_office"), "district_list": t("col.districts"),
     "status_label": t("col.status"), "progress": t("col.progress"), "comment": t("col.comment")},
    {"progress": 0}, key="actions_table", on_select="rerun", selection_mode="single-row",
)  # fmt: skip

# The action in detail: chosen by clicking a row, from the list, or from the URL.
keys = [f"{y}:{n}" for y, n in zip(actions["plan_year"], actions["action_no"], strict=True)]
titles = dict(zip(keys, (f"{n} {title}" for n, title in zip(actions["action_no"], actions["title"], strict=True)), strict=True))
rows = event.selection.rows if event else []
if rows:
    st.session_state["action_pick"] = keys[rows[0]]
elif st.session_state.get("action_pick") not in keys:
    from_url = st.query_params.get("atgard")
    st.session_state["action_pick"] = from_url if from_url in keys else keys[0]
picked = st.selectbox(t("actions.choose"), keys, key="action_pick", format_func=titles.get)
ui.set_page_param("atgard", picked)

plan_year, action_no = picked.split(":", 1)
detail = ui.query("action_detail", int(plan_year), action_no)
st.header(t("actions.detail", no=ui.md(action_no), title=ui.md(detail["title"])))
left, right = st.columns([2, 1])
with left:
    st.markdown(f"**{t('actions.description')}**")
    st.text(detail["description"] or t("actions.none"))
with right:
    st.markdown(f"**{t('col.area')}**  \n{detail['area_no']}. {ui.md(detail['area_name'])}")
    st.markdown(f"**{t('col.lead_office')}**  \n{ui.md(detail['lead_office_name'] or detail['lead_office'])}")
    partners = ", ".join(office_names.get(o, o) for o in detail["partner_offices"]) or t("actions.none")
    st.markdown(f"**{t('actions.partners')}**  \n{ui.md(partners)}")
    st.markdown(f"**{t('actions.districts')}**  \n"
                + ui.md(", ".join(district_names.get(d, d) for d in detail["districts"])))
    span = " – ".join(str(v) for v in (detail["start_when"], detail["end_when"]) if v and not pd.isna(v))
    st.markdown(f"**{t('actions.period_span')}**  \n{ui.md(span or t('actions.none'))}")

history = ui.query("action_history", action_no)
if not history.empty:
    st.markdown(f"**{t('actions.history')}**")
    ui.chart(ui.figure("status_timeline", history, status_labels=ui.status_labels(),
                                    period_labels=ui.period_labels(history["period"]),
                                    title="", progress_title=t("chart.progress")),
             key="timeline")  # fmt: skip
    st.markdown(f"**{t('actions.comments')}**")
    history = history.assign(period_label=history["period"].map(ui.period_label),
                             status_label=history["status"].map(ui.status_text))
    ui.table(history, {"period_label": t("col.period"), "status_label": t("col.status"),
                       "progress": t("col.progress"), "comment": t("col.comment")},
             {"progress": 0}, key="history")  # fmt: skip
