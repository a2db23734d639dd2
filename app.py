"""segdash: the Streamlit entry point. Sets up the page, the sidebar and the navigation."""

import streamlit as st

from segdash import ui

st.set_page_config(page_title="segdash", layout="wide", page_icon=":material/monitoring:")

store = ui.get_store()
ui.language_switch()
ui.sidebar_filters(store)
ui.demo_banner(store)

pages = [
    st.Page("pages/overview.py", title=ui.t("nav.overview"), icon=":material/dashboard:",
            url_path="oversikt", default=True),
    st.Page("pages/districts.py", title=ui.t("nav.districts"), icon=":material/location_on:",
            url_path="omraden"),
    st.Page("pages/actions.py", title=ui.t("nav.actions"), icon=":material/checklist:",
            url_path="atgarder"),
    st.Page("pages/offices.py", title=ui.t("nav.offices"), icon=":material/apartment:",
            url_path="forvaltningar"),
    st.Page("pages/indicators.py", title=ui.t("nav.indicators"), icon=":material/insights:",
            url_path="indikatorer"),
]
page = st.navigation(pages)
ui.sync_url()
page.run()
