"""segdash: the Streamlit entry point. Sets up the page, the sidebar and the navigation.

Every page is registered with st.navigation so that any URL resolves, but the menu lists the
analyst pages only to signed-in analysts, and those pages refuse everyone else themselves.
"""

from pathlib import Path

import streamlit as st

from segdash import ui, upload_guard

upload_guard.install()  # before anything else: a session's id is known to its client from now

# A favicon of our own, served by the app: without one, Streamlit makes each page's material
# icon the favicon, which every browser then fetches from a font CDN (a third-party request).
FAVICON = Path(__file__).resolve().parent / "segdash" / "assets" / "favicon.png"
st.set_page_config(page_title="segdash", layout="wide", page_icon=str(FAVICON))

store = ui.get_store()
ui.refresh_revision()
t = ui.t

view_pages = [
    st.Page(
        "pages/overview.py",
        title=t("nav.overview"),
        icon=":material/dashboard:",
        url_path="oversikt",
        default=True,
    ),
    st.Page(
        "pages/districts.py",
        title=t("nav.districts"),
        icon=":material/location_on:",
        url_path="omraden",
    ),
    st.Page(
        "pages/actions.py", title=t("nav.actions"), icon=":material/checklist:", url_path="atgarder"
    ),
    st.Page(
        "pages/offices.py",
        title=t("nav.offices"),
        icon=":material/apartment:",
        url_path="forvaltningar",
    ),
    st.Page(
        "pages/indicators.py",
        title=t("nav.indicators"),
        icon=":material/insights:",
        url_path="indikatorer",
    ),
    st.Page(
        "pages/report.py", title=t("nav.report"), icon=":material/description:", url_path="rapport"
    ),
]
analyst_pages = [
    st.Page(
        "pages/upload.py",
        title=t("nav.upload"),
        icon=":material/upload_file:",
        url_path="ladda-upp",
    ),
    st.Page(
        "pages/reporting.py",
        title=t("nav.reporting"),
        icon=":material/assignment_turned_in:",
        url_path="rapportering",
    ),
    st.Page(
        "pages/history.py",
        title=t("nav.history"),
        icon=":material/history:",
        url_path="importhistorik",
    ),
]
page = st.navigation(view_pages + analyst_pages, position="hidden")

with st.sidebar:
    for item in view_pages:
        st.page_link(item)
    if ui.current_analyst():
        st.caption(t("nav.section.analyst"))
        for item in analyst_pages:
            st.page_link(item)
ui.sidebar_filters(store)
ui.sign_in_box()
who = ui.current_analyst()  # after the sign-in box, which may just have signed someone in or out
ui.sync_upload_permission(who)
ui.settings_warnings(who)
ui.language_switch()
ui.sync_url()
ui.demo_banner(store)
try:
    page.run()
finally:  # also when the page stops early (st.stop)
    ui.settle_memory()
