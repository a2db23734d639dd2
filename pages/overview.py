"""Översikt: where the plan stands (placeholder until the dashboard is built)."""

import streamlit as st

from segdash import queries
from segdash.ui import get_store

store = get_store()
st.title("Åtgärdsplan mot segregation")
counts = queries.actions_per_plan_year(store)
if counts.empty:
    st.info("Ingen åtgärdsplan är importerad ännu.")
else:
    cols = st.columns(len(counts))
    for col, row in zip(cols, counts.itertuples(), strict=True):
        col.metric(f"Åtgärder {row.plan_year}", row.actions)
