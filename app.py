"""segdash: the Streamlit entry point and router."""

import streamlit as st

from segdash.ui import demo_banner, get_store

st.set_page_config(page_title="segdash – åtgärdsplan mot segregation", layout="wide")

store = get_store()
demo_banner(store)

page = st.navigation([st.Page("pages/overview.py", title="Översikt", default=True)])
page.run()
