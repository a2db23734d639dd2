"""Importhistorik (analysts only): every import, with rollback and re-activation."""

import json

import pandas as pd
import streamlit as st

from segdash import fmt, queries, ui
from segdash.store import StoreError
from segdash.ui import t

who = ui.require_analyst()
store = ui.get_store()
lang = ui.lang()
st.title(t("history.title"))
st.markdown(t("history.intro"))

if message := st.session_state.pop("history_done", None):
    st.success(message, icon=":material/check_circle:")

batches = ui.cached(queries.batches)
if batches.empty:
    st.info(t("history.empty"), icon=":material/info:")
    st.stop()


def kind_label(kind: str, is_demo: bool) -> str:
    text = ", ".join(t(f"history.kind.{k}") for k in kind.split(","))
    return f"{text} ({t('history.demo')})" if is_demo else text


shown = batches.assign(
    kind_label=[kind_label(k, d) for k, d in zip(batches["kind"], batches["is_demo"], strict=True)],
    when=batches["imported_at"].map(lambda v: fmt.long_date(pd.Timestamp(v).to_pydatetime(), lang)),
    rows=batches["row_counts"].map(lambda c: sum(json.loads(c).values())),
    state_label=batches["state"].map(lambda s: t(f"history.state.{s}")),
    sha=batches["sha256"].str[:16],
    last=[
        f"{t('history.state.' + ('inactive' if e == 'rollback' else 'active'))}: {a}, "
        f"{fmt.long_date(pd.Timestamp(at).to_pydatetime(), lang)}"
        for e, a, at in zip(
            batches["last_event"], batches["last_actor"], batches["last_event_at"], strict=True
        )
    ],
)
ui.table(
    shown,
    {
        "batch_id": t("col.batch"),
        "kind_label": t("col.kind"),
        "file_name": t("col.file"),
        "when": t("col.when"),
        "imported_by": t("col.who"),
        "rows": t("col.rows"),
        "state_label": t("col.state"),
        "last": t("col.last_event"),
        "sha": t("col.sha256"),
    },
    key="history_table",
)

ids = [int(b) for b in batches["batch_id"]]
by_id = {int(r.batch_id): r for r in batches.itertuples()}
picked = st.selectbox(
    t("history.choose"),
    ids,
    key="history_pick",
    format_func=lambda b: f"{b}: {by_id[b].file_name} ({t('history.state.' + by_id[b].state)})",
)
batch = by_id[picked]
activate = batch.state != "active"


PENDING_KEY = "history_pending"


def _forget_pending() -> None:
    st.session_state.pop(PENDING_KEY, None)


def confirm(batch_id: int, file_name: str, activate: bool) -> None:
    title = t("history.restore" if activate else "history.rollback", id=batch_id)

    # Drawn on every run while a change is pending, so the choice inside works both as a
    # dialog fragment (browser) and on a full rerun (tests).
    @st.dialog(title, on_dismiss=_forget_pending)
    def dialog() -> None:
        st.write(
            ui.tm(
                "history.confirm_restore" if activate else "history.confirm_rollback",
                id=batch_id,
                file=file_name,
            )
        )
        yes, no = st.columns(2)
        if yes.button(t("history.yes"), type="primary", key="history_yes"):
            _forget_pending()
            # A dialog reruns on its own, without the page's guard: check who is signed in now.
            actor = ui.current_analyst()
            if actor is None:
                st.session_state["history_error"] = t("auth.refused")
                st.rerun()
            try:
                store.set_batch_state(batch_id, activate, actor)
            except StoreError as exc:
                st.session_state["history_error"] = str(exc)
                st.rerun()
            ui.refresh_revision()
            st.session_state["history_done"] = t(
                "history.restored" if activate else "history.rolled_back", id=batch_id
            )
            st.rerun()
        if no.button(t("history.cancel"), key="history_no"):
            _forget_pending()
            st.rerun()

    dialog()


if error := st.session_state.pop("history_error", None):
    st.error(error, icon=":material/error:")
label = t("history.restore" if activate else "history.rollback", id=picked)
if st.button(label, type="secondary", key="history_action"):
    st.session_state[PENDING_KEY] = (picked, activate)
pending = st.session_state.get(PENDING_KEY)
if pending is not None and pending[0] in by_id:
    confirm(pending[0], by_id[pending[0]].file_name, pending[1])
