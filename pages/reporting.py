"""Rapportering (analysts only): the reporting round for a follow-up period. Open it with a
deadline, hand out one prefilled form per office, see who has reported, remind the others."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from segdash import domain, fmt, queries, ui
from segdash.reporting import mail, rounds
from segdash.reporting.forms import form_file_name, forms_zip
from segdash.store import StoreError
from segdash.ui import t

who = ui.require_analyst()
store = ui.get_store()
lang = ui.lang()
today = date.today()
st.title(t("reporting.title"))
st.caption(t("reporting.intro"))

DONE_KEY = "reporting_done"
if message := st.session_state.pop(DONE_KEY, None):
    st.success(message, icon=":material/check_circle:")


def authorise() -> None:
    """Run inside each write: the analyst who pressed the button must still be signed in."""
    if ui.current_analyst() != who:
        raise StoreError(t("auth.refused"))


# --- the period ---------------------------------------------------------------------------

all_rounds = ui.cached(queries.reporting_rounds)
followed = ui.cached(queries.periods)
plan_years = ui.cached(queries.plan_years)
# The periods offered: those with a round or a follow-up, and every year from the one after
# the latest follow-up to this one (the next round is usually among them).
first_new = (
    domain.period_year(followed[-1]) + 1 if followed else max(plan_years, default=today.year)
)
candidates = sorted(
    {r.period for r in all_rounds}
    | set(followed)
    | {str(y) for y in range(first_new, max(first_new, today.year) + 1)},
    key=domain.period_sort_key,
    reverse=True,
)
default = all_rounds[0].period if all_rounds else str(first_new)
chosen = st.selectbox(
    t("reporting.period"),
    candidates,
    index=candidates.index(default) if default in candidates else 0,
    key="reporting_period",
    accept_new_options=True,
    help=t("reporting.period_help"),
)
period = domain.parse_period(chosen) if chosen else None
if period is None:
    st.error(ui.tm("reporting.bad_period", text=chosen), icon=":material/error:")
    st.stop()

status = ui.cached(queries.reporting_status, period=period, today=today)
if status.plan_year is None:
    st.warning(t("reporting.no_plan", year=domain.period_year(period)), icon=":material/info:")
    st.stop()
found = status.round

st.markdown(f"**{ui.md(rounds.summary_line(status, lang))}**")

# --- the round ----------------------------------------------------------------------------

st.header(t("reporting.round"))


def round_form(button: str, key: str, current: queries.Round | None) -> None:
    with st.form(key, border=True):
        deadline = st.date_input(
            t("reporting.deadline"),
            value=current.deadline if current else today + timedelta(days=21),
            min_value=today,
            format="YYYY-MM-DD",
            key=f"{key}_deadline",
        )
        text = st.text_area(
            t("reporting.message"),
            value=(current.message or "") if current else "",
            max_chars=rounds.MAX_MESSAGE_CHARS,
            help=t("reporting.message_help", n=fmt.number(rounds.MAX_MESSAGE_CHARS)),
            key=f"{key}_message",
        )
        if st.form_submit_button(button, type="primary"):
            try:
                opened = rounds.open_round(
                    store,
                    period=period,
                    deadline=deadline,
                    message=text,
                    by=who,
                    today=today,
                    authorise=authorise,
                )
            except (rounds.RoundError, StoreError) as exc:
                st.error(ui.md(exc), icon=":material/error:")
                return
            ui.refresh_revision()
            deadline_text = fmt.long_date(opened.deadline, lang)
            st.session_state[DONE_KEY] = (
                t("reporting.changed", period=period, deadline=deadline_text)
                if current
                else t("reporting.opened", period=period, deadline=deadline_text)
            )
            st.rerun()


def set_open(is_open: bool) -> None:
    try:
        store.set_round_open(period, is_open, who, authorise=authorise)
    except StoreError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    ui.refresh_revision()
    st.session_state[DONE_KEY] = (
        t("reporting.reopened_done", period=period)
        if is_open
        else t("reporting.closed_done", period=period)
    )
    st.rerun()


if found is None:
    st.info(t("reporting.no_round", period=period), icon=":material/info:")
    round_form(t("reporting.open"), "reporting_open", None)
else:
    opened = fmt.long_date(found.opened_at, lang)
    deadline_shown = fmt.long_date(found.deadline, lang)
    if found.is_open:
        left = rounds.deadline_text(status.days_left, lang)
        state_text = ui.tm(
            "reporting.state_open",
            when=opened,
            who=found.opened_by,
            deadline=deadline_shown,
            left=left,
        )
        if status.days_left is not None and status.days_left < 0:
            st.error(state_text, icon=":material/event_busy:")
        else:
            st.info(state_text, icon=":material/event:")
    else:
        st.info(
            ui.tm(
                "reporting.state_closed", when=opened, who=found.opened_by, deadline=deadline_shown
            ),
            icon=":material/lock:",
        )
    if found.message:
        st.caption(t("reporting.message_shown"))
        st.text(found.message)
    if found.is_open:
        if st.button(t("reporting.close"), key="reporting_close", icon=":material/lock:"):
            set_open(False)
    elif st.button(t("reporting.reopen"), key="reporting_reopen", icon=":material/lock_open:"):
        set_open(True)
    with st.expander(t("reporting.change_form")):
        round_form(t("reporting.save_change"), "reporting_change", found)

# --- the forms ----------------------------------------------------------------------------

st.header(t("reporting.forms"))
if found is None:
    st.caption(t("reporting.forms_need_round"))
else:
    # Made when a button is clicked (seven workbooks take about half a second).
    offices_with_actions = status.offices
    st.markdown(t("reporting.forms_intro", n=len(offices_with_actions), plan_year=status.plan_year))
    st.download_button(
        t("reporting.forms_zip"),
        data=lambda: forms_zip(rounds.forms_for(store, period)),
        file_name=f"blanketter_{period}.zip",
        mime="application/zip",
        on_click="ignore",
        icon=":material/folder_zip:",
        type="primary",
        key="reporting_zip",
    )
    columns = st.columns(4)
    for n, office in enumerate(offices_with_actions.itertuples()):
        columns[n % 4].download_button(
            ui.tm("reporting.form_one", office=office.office, n=office.actions),
            data=lambda code=office.office: rounds.forms_for(store, period, offices=[code])[0].data,
            file_name=form_file_name(period, office.office),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            icon=":material/download:",
            help=ui.md(office.office_name),
            key=f"reporting_form_{n}",
        )

# --- who has reported ---------------------------------------------------------------------

st.header(t("reporting.status"))
offices = status.offices


def uploaded_when(value) -> str:
    if value is None or pd.isna(value):
        return t("reporting.never")
    return fmt.long_date(pd.Timestamp(value).to_pydatetime(), lang)


def deadline_cell(missing: int) -> str:
    if missing == 0:
        return t("reporting.office_done")
    if found is None:
        return ""
    return rounds.deadline_text(status.days_left, lang)


shown = offices.assign(
    last_upload=offices["last_at"].map(uploaded_when, na_action=None),
    last_by=offices["last_by"].fillna(""),
    last_file=offices["last_file"].fillna(""),
    deadline_state=[deadline_cell(int(m)) for m in offices["missing"]],
)
late = found is not None and found.is_open and (status.days_left or 0) < 0


missing_col = t("reporting.col.missing")


def colour(row: pd.Series) -> list[str]:
    """Past the deadline with actions missing: red text (the words say it too)."""
    style = "color: #B00020; font-weight: 600" if late and row[missing_col] > 0 else ""
    return [style if column == t("reporting.col.deadline") else "" for column in row.index]


columns = {
    "office_name": t("reporting.col.office"),
    "actions": t("reporting.col.actions"),
    "reported": t("reporting.col.reported"),
    "missing": t("reporting.col.missing"),
    "deadline_state": t("reporting.col.deadline"),
    "last_upload": t("reporting.col.last_upload"),
    "last_by": t("reporting.col.last_by"),
    "last_file": t("reporting.col.last_file"),
}
table = shown[list(columns)].rename(columns=columns)
st.dataframe(
    table.style.apply(colour, axis=1), hide_index=True, width="stretch", key="reporting_table"
)
ui.downloads(table, f"rapportering_{period}")

st.subheader(t("reporting.missing_list"))
missing_offices = offices[offices["missing"] > 0]
if missing_offices.empty:
    st.success(t("reporting.nothing_missing", period=period), icon=":material/task_alt:")
for office in missing_offices.itertuples():
    with st.expander(ui.tm("reporting.missing_of", office=office.office_name, n=office.missing)):
        ui.table(
            status.missing_actions(office.office),
            {"action_no": t("reporting.col.action_no"), "title": t("reporting.col.title")},
        )

# --- reminders ----------------------------------------------------------------------------

st.header(t("reporting.reminders"))
drafts = rounds.reminders(status)
if not drafts:
    st.success(t("reporting.no_reminders"), icon=":material/task_alt:")
else:
    st.caption(t("reporting.reminders_intro"))
    smtp, problem = ui.smtp_settings()
    ready = [d for d in drafts if d.reminder is not None]
    for draft in drafts:
        if draft.reminder is None:
            st.warning(
                ui.tm("reporting.no_address", office=draft.office_name, problem=draft.problem),
                icon=":material/mail_lock:",
            )
    if smtp is None:
        if problem:
            st.warning(ui.tm("reporting.smtp_broken", problem=problem), icon=":material/warning:")
        else:
            st.info(t("reporting.smtp_missing"), icon=":material/info:")
    for draft in ready:
        reminder = draft.reminder
        values = {"office": draft.office_name, "address": reminder.recipient}
        label = (
            ui.tm("reporting.preview_to_one", **values)
            if len(draft.missing) == 1
            else ui.tm("reporting.preview_to", n=len(draft.missing), **values)
        )
        preview, link = st.columns([4, 1], vertical_alignment="top")
        with preview.expander(label):
            st.caption(t("reporting.subject"))
            st.text(reminder.subject)
            st.caption(t("reporting.body"))
            st.text(reminder.body)
        if smtp is None:
            link.link_button(
                ui.tm("reporting.mailto", office=draft.office),
                mail.mailto_url(reminder),
                icon=":material/mail:",
                width="stretch",
            )
    if smtp is not None and ready:
        label = t("reporting.send_one") if len(ready) == 1 else t("reporting.send", n=len(ready))
        if st.button(label, type="primary", icon=":material/send:", key="reporting_send"):
            try:
                authorise()
            except StoreError as exc:
                st.error(str(exc), icon=":material/block:")
                st.stop()
            with st.spinner(t("reporting.sending")):
                results = mail.send([d.reminder for d in ready], smtp)
            sent = [r for r in results if r.sent]
            if sent:
                try:
                    store.record_reminders(
                        [
                            {
                                "period": period,
                                "office_code": r.reminder.office_code,
                                "recipient": r.reminder.recipient,
                                "subject": r.reminder.subject,
                                "body": r.reminder.body,
                                "action_nos": [no for no, _ in r.reminder.actions],
                            }
                            for r in sent
                        ],
                        who,
                    )
                except StoreError as exc:
                    st.error(str(exc), icon=":material/error:")
                ui.refresh_revision()
                st.success(t("reporting.sent", n=len(sent)), icon=":material/mark_email_read:")
            failed = [r for r in results if not r.sent]
            if failed:
                st.error(
                    t("reporting.not_sent", n=len(failed))
                    + " "
                    + ui.md(" ".join(dict.fromkeys(r.message for r in failed))),
                    icon=":material/error:",
                )

st.subheader(t("reporting.history"))
history = ui.cached(queries.reminders_sent, period=period)
if history.empty:
    st.caption(t("reporting.no_history", period=period))
else:
    history = history.assign(
        when=history["sent_at"].map(lambda v: fmt.long_date(pd.Timestamp(v).to_pydatetime(), lang)),
        actions=history["action_nos"].map(lambda v: ", ".join(v)),
    )
    ui.table(
        history,
        {
            "when": t("reporting.col.sent_at"),
            "sent_by": t("reporting.col.sent_by"),
            "office_name": t("reporting.col.office"),
            "recipient": t("reporting.col.recipient"),
            "actions": t("reporting.col.action_nos"),
        },
        key=f"paminnelser_{period}",
    )
