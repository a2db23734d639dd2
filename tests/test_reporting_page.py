"""The Rapportering page and the overview's summary line, through the real pages (AppTest):
opening a round, the forms, reminders sent through a real local SMTP server (or mailto links
without one), and refusals at the moment of writing."""

from __future__ import annotations

import json
from datetime import date, timedelta

from streamlit.testing.v1 import AppTest
from test_analyst_flow import env, sign_in, start, store_of  # noqa: F401 - fixtures
from test_reminders import Recorder, free_port, plain_text, smtp_server

from segdash import queries
from segdash.reporting import mail, rounds
from segdash.ui.widgets import md

PAGE = "pages/reporting.py"
SENDER = "uppfoljning@linkoping.example"
DEMO_ADDRESSES = sorted(
    f"uppfoljning.{code}@linkoping.example"
    for code in ("iaf", "kff", "klf", "sbf", "sof", "ubf", "utf")
)


def errors(at: AppTest) -> list[str]:
    return [e.message for e in at.exception]


def open_page(smtp: dict | None = None) -> AppTest:
    at = AppTest.from_file(start.__globals__["APP"], default_timeout=60)
    if smtp is not None:
        at.secrets["segdash"] = {"smtp": smtp}
    at.run()
    at.switch_page(PAGE).run()
    sign_in(at)
    assert not errors(at), errors(at)
    return at


def open_round(at_env, deadline: date | None = None) -> queries.Round:
    return rounds.open_round(
        store_of(at_env),
        period="2024",
        deadline=deadline or date.today() + timedelta(days=10),
        message="Svara senast på sista dagen, tack.",
        by="anna",
        today=date.today(),
    )


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not errors(at), errors(at)
    return at


def test_the_analyst_opens_the_round_and_the_summary_says_where_it_stands(env):  # noqa: F811
    at = open_page()
    assert at.title[0].value == "Rapportering"
    assert at.markdown[0].value == "**" + md("0 av 50 åtgärder rapporterade för 2024 · "
                                             "7 förvaltningar kvar") + "**"  # fmt: skip
    assert at.info[0].value == (
        "Ingen rapporteringsomgång är öppnad för 2024. Öppna den med sista dag för svar; då kan "
        "blanketterna skickas ut."
    )
    deadline = date.today() + timedelta(days=30)
    at.date_input(key="reporting_open_deadline").set_value(deadline)
    at.text_area(key="reporting_open_message").input("Hör av er vid frågor.")
    submit(at, "Öppna omgången")
    day = f"{deadline.day} {('januari februari mars april maj juni juli augusti september oktober november december').split()[deadline.month - 1]}"  # noqa: E501
    shown = day + ("" if deadline.year == date.today().year else f" {deadline.year}")
    assert [s.value for s in at.success] == [
        f"Rapporteringsomgången för 2024 är öppnad med sista dag {day} {deadline.year}."
    ]
    assert (
        at.markdown[0].value
        == "**"
        + md(f"0 av 50 åtgärder rapporterade för 2024 · 7 förvaltningar kvar · sista dag {shown}")
        + "**"
    )
    found = queries.reporting_round(store_of(env), "2024")
    assert (found.deadline, found.message, found.opened_by) == (
        deadline, "Hör av er vid frågor.", "anna"
    )  # fmt: skip
    # Seven forms to download, and the zip
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Alla blanketter (zip)" in labels
    assert {"IAF (9)", "KLF (9)", "KFF (11)", "SBF (8)", "SOF (5)", "UBF (7)", "UTF (1)"} <= {
        label.replace("\\", "") for label in labels
    }
    # Closing it is an event, and the page says so
    submit(at, "Stäng omgången")
    assert [s.value for s in at.success] == ["Rapporteringsomgången för 2024 är stängd."]
    assert queries.reporting_round(store_of(env), "2024").is_open is False
    submit(at, "Öppna omgången igen")
    assert queries.reporting_round(store_of(env), "2024").is_open is True


def test_everyone_sees_the_open_round_on_the_overview(env):  # noqa: F811
    open_round(env)
    at = AppTest.from_file(start.__globals__["APP"], default_timeout=60)
    at.run()
    assert not errors(at)
    status = queries.reporting_status(store_of(env), "2024", date.today())
    expected = rounds.summary_line(status)
    assert expected.startswith("0 av 50 åtgärder rapporterade för 2024 · 7 förvaltningar kvar")
    assert md(expected) in [i.value for i in at.info]
    # A closed round is no longer announced
    store_of(env).set_round_open("2024", False, "anna")
    at.run()
    assert md(expected) not in [i.value for i in at.info]


def test_without_smtp_each_office_gets_a_mailto_link_with_the_reminder(env):  # noqa: F811
    open_round(env)
    at = open_page()
    links = {b.proto.label.replace("\\", ""): b.proto.url for b in at.get("link_button")}
    assert len(links) == 7
    status = queries.reporting_status(store_of(env), "2024", date.today())
    drafts = {d.office: d for d in rounds.reminders(status)}
    ubf = drafts["UBF"].reminder
    assert links["Skriv till UBF"] == mail.mailto_url(ubf)
    assert links["Skriv till UBF"].startswith(
        "mailto:uppfoljning.ubf@linkoping.example?subject=P%C3%A5minnelse"
    )
    assert any("E-post är inte inställt" in i.value for i in at.info)
    assert store_of(env).df("SELECT count(*) AS n FROM reminder")["n"].iloc[0] == 0


def smtp_table(port: int) -> dict:
    return {"host": "127.0.0.1", "port": port, "starttls": False, "sender": SENDER, "timeout": 5}


def test_reminders_reach_a_real_smtp_server_with_the_exact_text_and_are_recorded(env):  # noqa: F811
    open_round(env)
    recorder = Recorder(refuse=("uppfoljning.utf@linkoping.example",))
    with smtp_server(recorder) as server:
        at = open_page(smtp_table(server.port))
        assert not at.get("link_button")  # with SMTP there is a send button instead
        submit(at, "Skicka 7 påminnelser")
    status = queries.reporting_status(store_of(env), "2024", date.today())
    drafts = {d.reminder.recipient: d.reminder for d in rounds.reminders(status)}
    received = {r.rcpt_tos[0]: r for r in recorder.received}
    assert sorted(received) == [a for a in DEMO_ADDRESSES if ".utf@" not in a]
    assert all(len(r.rcpt_tos) == 1 and r.mail_from == SENDER for r in recorder.received)
    for address, got in received.items():
        assert (
            got.message["Subject"]
            == "Påminnelse: uppföljning av åtgärdsplanen mot segregation, 2024"
        )
        assert plain_text(got.message).rstrip("\n") == drafts[address].body
    assert "– " + status.missing_actions("UBF")["action_no"].iloc[0] in plain_text(
        received["uppfoljning.ubf@linkoping.example"].message
    )
    assert [s.value for s in at.success] == ["Skickade: 6."]
    assert at.error[0].value.startswith("Inte skickade: 1.")
    assert "550" in at.error[0].value
    kept = store_of(env).df(
        "SELECT office_code, recipient, action_nos, sent_by, body FROM reminder ORDER BY office_code"
    )
    assert list(kept["office_code"]) == ["IAF", "KFF", "KLF", "SBF", "SOF", "UBF"]
    assert set(kept["sent_by"]) == {"anna"}
    ubf = kept.set_index("office_code").loc["UBF"]
    assert list(ubf.action_nos) == list(status.missing_actions("UBF")["action_no"])
    assert ubf.body == drafts["uppfoljning.ubf@linkoping.example"].body


def test_a_mail_server_that_is_down_sends_nothing_and_records_nothing(env):  # noqa: F811
    open_round(env)
    at = open_page(smtp_table(free_port()))
    before = store_of(env).table_contents()
    submit(at, "Skicka 7 påminnelser")
    assert not at.success
    assert at.error[0].value.startswith("Inte skickade: 7. Kunde inte ansluta till e\\-postservern")
    assert "Inga påminnelser skickades" in at.error[0].value
    assert store_of(env).table_contents() == before


def test_a_broken_smtp_setting_is_said_and_the_mailto_links_stand_in(env):  # noqa: F811
    open_round(env)
    at = open_page({"host": "127.0.0.1", "port": "abc", "sender": SENDER})
    assert any("E-postinställningen går inte att använda: SMTP" in w.value for w in at.warning)
    assert len(at.get("link_button")) == 7


def test_an_analyst_removed_meanwhile_cannot_open_the_round(env):  # noqa: F811
    at = open_page()
    accounts = json.loads(env["analysts"].read_text())
    accounts["analysts"].pop("anna")
    env["analysts"].write_text(json.dumps(accounts))
    before = store_of(env).table_contents()
    submit(at, "Öppna omgången")
    assert "Öppna omgången" not in [b.label for b in at.button if b.label]  # the page refused
    assert store_of(env).table_contents() == before
    assert queries.reporting_round(store_of(env), "2024") is None
