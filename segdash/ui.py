"""Shared Streamlit pieces: the one database handle per process and the demo-data banner."""

from __future__ import annotations

import streamlit as st

from segdash.seed import ensure_demo
from segdash.store import Store, StoreError


@st.cache_resource(show_spinner="Öppnar databasen …")
def _open_store() -> Store:
    store = Store()
    ensure_demo(store)
    return store


def get_store() -> Store:
    """The process's database handle; stops the page with a clear message if it can't open."""
    try:
        return _open_store()
    except StoreError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def demo_banner(store: Store) -> None:
    if store.shows_demo_data():
        st.warning(
            "**Exempeldata.** Appen visar påhittade exempelvärden byggda på offentliga uppgifter "
            "tills riktiga uppföljningar importeras. Värden med källan ”Exempelvärde” är inte "
            "verkliga.",
            icon=":material/info:",
        )
