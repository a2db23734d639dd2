"""Förvaltningar: per office, the actions it leads and shares, their status, which are at risk."""

import streamlit as st

from segdash import fmt, ui
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
labels = ui.status_labels()
st.title(t("offices.title"))

ui.require_follow_up(filters)

offices = ui.query("master_data")["offices"]
names = dict(zip(offices["code"], offices["name"], strict=True))
codes = list(names)
if "office_pick" not in st.session_state:
    from_url = st.query_params.get("forv")
    from_sidebar = [o for o in filters.offices if o in codes]
    st.session_state["office_pick"] = from_url if from_url in codes else (from_sidebar or codes)[0]
office = st.selectbox(t("offices.choose"), codes, key="office_pick", format_func=names.get)
ui.set_page_param("forv", office)

actions = ui.query("office_actions", filters, office)
if actions.empty:
    st.info(t("empty.no_actions"), icon=":material/filter_alt_off:")
    st.stop()

role_names = {"lead": t("offices.role.lead"), "partner": t("offices.role.partner")}
leads = actions[actions["role"] == "lead"]
shares = actions[actions["role"] == "partner"]
first, second, third = st.columns(3)
first.metric(t("offices.leads"), fmt.number(len(leads), 0, lang))
second.metric(t("offices.shares"), fmt.number(len(shares), 0, lang))
risky = actions[actions["status"].isin(["at_risk", "cancelled"])]
third.metric(t("offices.at_risk"), fmt.number(len(risky), 0, lang))

counts = actions.groupby(["role", "status"]).size().reset_index(name="count")
ui.chart(
    ui.figure("status_bars", counts, group_col="role", status_labels=labels, title="",
                       value_title=t("chart.actions"), group_labels=role_names),
    key="office_chart",
)  # fmt: skip

shown = actions.assign(role_label=actions["role"].map(role_names),
                       status_label=actions["status"].map(ui.status_text))
columns = {"action_no": t("col.action_no"), "title": t("col.title"), "role_label": t("col.role"),
           "status_label": t("col.status"), "progress": t("col.progress"),
           "comment": t("col.comment")}  # fmt: skip
ui.table(shown, columns, {"progress": 0}, key="office_actions")

st.header(t("offices.at_risk"))
if risky.empty:
    st.write(t("offices.none_at_risk"))
else:
    ui.table(shown[shown["status"].isin(["at_risk", "cancelled"])], columns, {"progress": 0},
             key="office_risky")  # fmt: skip
