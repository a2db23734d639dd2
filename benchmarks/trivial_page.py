"""The baseline for benchmarks/bench_pages.py: a title and one small plotly bar chart."""

import pandas as pd
import plotly.express as px
import streamlit as st

st.title("Trivial page")
frame = pd.DataFrame({"status": ["a", "b", "c", "d", "e"], "count": [3, 1, 4, 1, 5]})
st.plotly_chart(px.bar(frame, x="status", y="count"), key="bar")
