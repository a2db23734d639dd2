"""Reminder e-mails: the Swedish text, the mailto link, and sending to a real local SMTP server.

The server is aiosmtpd's, in a thread on 127.0.0.1, without TLS (so `starttls=False`); it keeps
every envelope and parsed message it is given, and can refuse chosen recipients or ask for a
login.
"""

from __future__ import annotations

import email
import email.policy
import socket
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from segdash.reporting.mail import (
    Reminder,
    SendResult,
    SmtpSettings,
    compose,
    is_email,
    mailto_url,
    send,
    to_message,
)

SENDER = "uppfoljning@linkoping.se"
KFF = "kff@linkoping.se"
SOF = "sof@linkoping.se"
SUBJECT_2024 = "Påminnelse: uppföljning av åtgärdsplanen mot segregation, 2024"

# Hand-written oracles: the whole text, line by line, as an office receives it.
BODY_TWO_ACTIONS = """\
Hej Kultur- och fritidsförvaltningen!

2 åtgärder som Kultur- och fritidsförvaltningen ansvarar för saknar uppföljning för 2024:

– 1.1 Trygghetsvandringar
– 2.1 Sommarjobb

Sista dag att rapportera är 15 februari 2025.

Fyll i blanketten för er förvaltning och skicka den till analytikern som ansvarar för uppföljningen.

Hälsningar
Uppföljningen av åtgärdsplanen mot segregation"""

BODY_ONE_ACTION_MESSAGE_NO_DEADLINE = """\
Hej Socialförvaltningen!

1 åtgärd som Socialförvaltningen ansvarar för saknar uppföljning för 2024:

– 1.10 Fältassistenter

Hör av er om blanketten krånglar.
Ring 013-20 00 00.

Fyll i blanketten för er förvaltning och skicka den till analytikern som ansvarar för uppföljningen.

Hälsningar
Uppföljningen av åtgärdsplanen mot segregation"""


def kff_reminder(**changes) -> Reminder:
    arguments = dict(
        office_code="KFF",
        office_name="Kultur- och fritidsförvaltningen",
        recipient=KFF,
        period="2024",
        deadline=date(2025, 2, 15),
        actions=[("1.1", "Trygghetsvandringar"), ("2.1", "Sommarjobb")],
        today=date(2025, 2, 1),
    )
    arguments.update(changes)
    return compose(**arguments)


def sof_reminder(**changes) -> Reminder:
    arguments = dict(
        office_code="SOF",
        office_name="Socialförvaltningen",
        recipient=SOF,
        period="2024",
        deadline=None,
        actions=[("1.10", "Fältassistenter")],
        today=date(2025, 2, 1),
    )
    arguments.update(changes)
    return compose(**arguments)


# --- A real SMTP server --------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


class Recorder:
    """An aiosmtpd handler that keeps what it receives and refuses the recipients it is told."""

    def __init__(
        self,
        refuse: tuple[str, ...] = (),
        reject_data: tuple[str, ...] = (),
        hang_up: tuple[str, ...] = (),
    ):
        self.refuse = set(refuse)  # refused at RCPT TO
        self.reject_data = set(reject_data)  # refused after the message (DATA)
        self.hang_up = set(hang_up)  # the connection closed instead of an answer to DATA
        self.received: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data.intersection(envelope.rcpt_tos):
            return "554 5.7.1 Rejected as spam"
        if self.hang_up.intersection(envelope.rcpt_tos):
            server.transport.close()
            return None
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content)
        )
        return "250 OK"


def free_port() -> int:
    """A port nothing listens on (bound, read and released again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(handler: Recorder, **smtp_parameters):
    """aiosmtpd on 127.0.0.1. Controller 1.4.6 cannot take port 0 (start() connects to the
    port it was given), so a free port is found first, and another tried should it be taken."""
    for attempt in range(3):
        controller = Controller(
            handler,
            hostname="127.0.0.1",
            port=free_port(),
            server_hostname="localhost",  # not socket.getfqdn(), which may wait on DNS
            ready_timeout=5.0,
            **smtp_parameters,
        )
        try:
            controller.start()
            break
        except OSError:
            controller.stop(no_assert=True)
            if attempt == 2:
                raise
    try:
        yield controller
    finally:
        controller.stop()


def local(controller: Controller, **changes) -> SmtpSettings:
    settings = SmtpSettings(
        host="127.0.0.1", port=controller.port, starttls=False, sender=SENDER, timeout=5.0
    )
    return replace(settings, **changes)


def plain_text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


# --- compose() -----------------------------------------------------------------------------


def test_two_actions_with_a_deadline_ahead():
    reminder = kff_reminder()
    assert reminder.subject == SUBJECT_2024
    assert reminder.body == BODY_TWO_ACTIONS
    assert reminder.office_code == "KFF"
    assert reminder.recipient == KFF
    assert reminder.deadline == date(2025, 2, 15)
    assert reminder.actions == (("1.1", "Trygghetsvandringar"), ("2.1", "Sommarjobb"))


def test_the_deadline_day_itself_is_still_ahead():
    body = kff_reminder(today=date(2025, 2, 15)).body
    assert "\n\nSista dag att rapportera är 15 februari 2025.\n\n" in body


def test_a_deadline_passed():
    body = kff_reminder(today=date(2025, 2, 16)).body
    assert body == BODY_TWO_ACTIONS.replace(
        "Sista dag att rapportera är 15 februari 2025.",
        "Sista dagen var 15 februari 2025. Rapportera så snart som möjligt.",
    )


def test_one_action_a_message_and_no_deadline():
    reminder = sof_reminder(message="  Hör av er om blanketten krånglar.\r\nRing 013-20 00 00.\n ")
    assert reminder.body == BODY_ONE_ACTION_MESSAGE_NO_DEADLINE
    assert "\n1 åtgärd som Socialförvaltningen ansvarar för" in reminder.body
    assert "Sista dag" not in reminder.body


def test_a_blank_message_adds_nothing():
    assert kff_reminder(message="  \n ").body == BODY_TWO_ACTIONS


def test_a_message_after_the_deadline_sentence():
    body = kff_reminder(message="Tack på förhand!").body
    assert body == BODY_TWO_ACTIONS.replace(
        "15 februari 2025.\n\n", "15 februari 2025.\n\nTack på förhand!\n\n"
    )


@pytest.mark.parametrize(
    "recipient",
    ["", "kff", "kff@linkoping", "kff@@linkoping.se", "k ff@linkoping.se", "a@b.se, c@d.se",
     "a@b.se;c@d.se", "KFF <kff@linkoping.se>", "kff@linkoping.se\r\nBcc: evil@x.se", None],
)  # fmt: skip
def test_a_recipient_that_is_not_one_address(recipient):
    with pytest.raises(ValueError) as caught:
        kff_reminder(recipient=recipient)
    assert str(caught.value) == (
        "Förvaltningen Kultur- och fritidsförvaltningen har ingen giltig e-postadress."
    )


def test_no_actions():
    with pytest.raises(ValueError) as caught:
        kff_reminder(actions=[])
    assert str(caught.value) == (
        "Förvaltningen Kultur- och fritidsförvaltningen har inga åtgärder som saknar uppföljning."
    )


@pytest.mark.parametrize("period", ["2024\r\nBcc: evil@x.se", "2024\n", "2024\u2028x"])
def test_a_period_with_a_line_break_is_refused(period):
    with pytest.raises(ValueError) as caught:
        kff_reminder(period=period)
    assert str(caught.value) == "Perioden får inte innehålla radbrytningar."


def test_names_and_titles_are_one_line_each_in_the_body():
    reminder = kff_reminder(
        office_name="Kultur- och\n fritidsförvaltningen",
        actions=[("1.1", "Trygghets-\r\nvandringar\tpå kvällen"), ("2.1", "Sommarjobb")],
    )
    assert reminder.office_name == "Kultur- och fritidsförvaltningen"
    assert "– 1.1 Trygghets- vandringar på kvällen\n" in reminder.body
    assert reminder.body.startswith("Hej Kultur- och fritidsförvaltningen!\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anna.svensson@linkoping.se", True),
        ("kff-kansli+uppfoljning@kommun.linkoping.se", True),
        ("a@b.se", True),
        ("a@b.se ", False),
        ("a@b.se\n", False),
        ("a@b.se\r\nBcc: c@d.se", False),
        ("a.@b.se", False),
        ("a@-b.se", False),
        ("a@b.s", False),
        ("<a@b.se>", False),
        ("a@b.se,c@d.se", False),
        ("a" * 65 + "@b.se", False),
        ("a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 61 + ".se", False),
        (None, False),
    ],
)
def test_is_email(text, expected):
    assert is_email(text) is expected


# --- mailto_url() --------------------------------------------------------------------------


def test_mailto_round_trips():
    reminder = kff_reminder()
    url = mailto_url(reminder)
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == KFF
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {"subject": [SUBJECT_2024], "body": [BODY_TWO_ACTIONS.replace("\n", "\r\n")]}
    assert "%0D%0A" in url and "%20" in url
    assert " " not in url and "+" not in url


def test_mailto_keeps_ampersand_question_mark_and_hash_inside_the_body():
    title = "Läxhjälp & språkcafé? Se #3 = bra"
    reminder = kff_reminder(actions=[("3.2", title)])
    parts = urlsplit(mailto_url(reminder))
    assert parts.fragment == ""
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"subject", "body"}
    assert query["subject"] == [SUBJECT_2024]
    assert f"\r\n– 3.2 {title}\r\n" in query["body"][0]


def test_mailto_quotes_the_recipient():
    reminder = kff_reminder(recipient="kff?kansli&x@linkoping.se")
    url = mailto_url(reminder)
    assert url.startswith("mailto:kff%3Fkansli%26x@linkoping.se?subject=")
    assert unquote(urlsplit(url).path) == "kff?kansli&x@linkoping.se"


# --- to_message() --------------------------------------------------------------------------


def test_the_message_headers_and_body():
    reminder = kff_reminder()
    message = to_message(reminder, SENDER)
    assert message["From"] == SENDER
    assert message["To"] == KFF
    assert message["Subject"] == SUBJECT_2024
    assert message["Date"]
    assert message["Message-ID"].endswith("@linkoping.se>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == BODY_TWO_ACTIONS + "\n"
    assert message.as_bytes().isascii()  # 7-bit on the wire: no 8BITMIME needed


# --- send() to a real server ---------------------------------------------------------------


def test_two_reminders_two_messages():
    recorder = Recorder()
    kff, sof = kff_reminder(), sof_reminder()
    with smtp_server(recorder) as server:
        results = send([kff, sof], local(server))

    assert results == [
        SendResult(kff, True, f"Skickad till {KFF}."),
        SendResult(sof, True, f"Skickad till {SOF}."),
    ]
    assert len(recorder.received) == 2
    for got, reminder in zip(recorder.received, (kff, sof), strict=True):
        assert got.mail_from == SENDER
        assert got.rcpt_tos == [reminder.recipient]
        assert got.message["From"] == SENDER
        assert got.message["To"] == reminder.recipient
        assert got.message["Subject"] == reminder.subject
        assert plain_text(got.message) == reminder.body + "\n"


def test_nothing_to_send_connects_to_nothing():
    assert send([], SmtpSettings(host="127.0.0.1", port=free_port(), sender=SENDER)) == []


def test_a_refused_recipient_fails_alone():
    recorder = Recorder(refuse=(KFF,))
    kff, sof = kff_reminder(), sof_reminder()
    with smtp_server(recorder) as server:
        results = send([kff, sof], local(server))

    assert [r.sent for r in results] == [False, True]
    assert results[0].message == (
        f"Servern tog inte emot brevet till {KFF} (550 5.1.1 Mailbox unavailable)."
    )
    assert "550" in results[0].message
    assert results[1].message == f"Skickad till {SOF}."
    assert [got.rcpt_tos for got in recorder.received] == [[SOF]]
    assert plain_text(recorder.received[0].message) == sof.body + "\n"


def test_a_message_refused_after_data_fails_alone():
    recorder = Recorder(reject_data=(KFF,))
    kff, sof = kff_reminder(), sof_reminder()
    with smtp_server(recorder) as server:
        results = send([kff, sof], local(server))
    assert [(r.sent, r.message) for r in results] == [
        (False, f"Servern tog inte emot brevet till {KFF} (554 5.7.1 Rejected as spam)."),
        (True, f"Skickad till {SOF}."),
    ]
    assert [got.rcpt_tos for got in recorder.received] == [[SOF]]


def test_a_connection_lost_midway_fails_the_rest():
    recorder = Recorder(hang_up=(KFF,))
    sof, kff, sof_again = sof_reminder(), kff_reminder(), sof_reminder(period="2025")
    with smtp_server(recorder) as server:
        results = send([sof, kff, sof_again], local(server))
    assert [r.sent for r in results] == [True, False, False]
    assert results[1].message == (
        "Anslutningen till e-postservern bröts (servern stängde anslutningen). "
        f"Brevet till {KFF} skickades inte."
    )
    assert results[2].message == (
        f"Brevet till {SOF} skickades inte: anslutningen till e-postservern bröts "
        "(servern stängde anslutningen)."
    )
    assert [got.message["Subject"] for got in recorder.received] == [SUBJECT_2024]


def test_server_down_sends_nothing():
    port = free_port()  # released again: nothing listens there now
    recorder = Recorder()
    with smtp_server(recorder):
        results = send(
            [kff_reminder(), sof_reminder()],
            SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender=SENDER),
        )
    expected = (
        f"Kunde inte ansluta till e-postservern 127.0.0.1:{port} (anslutningen nekades). "
        "Inga påminnelser skickades."
    )
    assert [(r.sent, r.message) for r in results] == [(False, expected), (False, expected)]
    assert recorder.received == []


def test_a_server_that_never_answers_times_out():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # connections complete, but no greeting ever comes
        port = silent.getsockname()[1]
        settings = SmtpSettings(
            host="127.0.0.1", port=port, starttls=False, sender=SENDER, timeout=0.5
        )
        results = send([kff_reminder()], settings)
    assert [(r.sent, r.message) for r in results] == [
        (
            False,
            f"Kunde inte ansluta till e-postservern 127.0.0.1:{port} (inget svar inom 0,5 "
            "sekunder). Inga påminnelser skickades.",
        )
    ]


def test_starttls_the_server_does_not_offer():
    recorder = Recorder()
    with smtp_server(recorder) as server:
        results = send([kff_reminder(), sof_reminder()], local(server, starttls=True))
    expected = (
        f"E-postservern 127.0.0.1:{server.port} erbjuder inte krypterad anslutning (STARTTLS). "
        "Ändra [segdash.smtp] starttls om servern ska användas utan kryptering. "
        "Inga påminnelser skickades."
    )
    assert [(r.sent, r.message) for r in results] == [(False, expected), (False, expected)]
    assert recorder.received == []


# aiosmtpd warns that AUTH without TLS is unsafe: this server is local and throwaway.
needs_login = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def only_anna(server, session, envelope, mechanism, auth_data):
    assert isinstance(auth_data, LoginPassword)
    # handled=False: aiosmtpd itself answers a failure (535); handled=True would leave it unsaid.
    ok = auth_data == LoginPassword(b"anna", b"hemligt-123")
    return AuthResult(success=ok, handled=False)


@needs_login
def test_login_accepted():
    recorder = Recorder()
    with smtp_server(
        recorder, authenticator=only_anna, auth_required=True, auth_require_tls=False
    ) as server:
        results = send([kff_reminder()], local(server, user="anna", password="hemligt-123"))
    assert [(r.sent, r.message) for r in results] == [(True, f"Skickad till {KFF}.")]
    assert [got.rcpt_tos for got in recorder.received] == [[KFF]]


@needs_login
def test_login_refused_sends_nothing_and_never_shows_the_password():
    recorder = Recorder()
    with smtp_server(
        recorder, authenticator=only_anna, auth_required=True, auth_require_tls=False
    ) as server:
        results = send(
            [kff_reminder(), sof_reminder()], local(server, user="anna", password="fel-losen")
        )
    expected = (
        "E-postservern godtog inte inloggningen för användaren anna "
        "(535 5.7.8 Authentication credentials invalid). Inga påminnelser skickades."
    )
    assert [(r.sent, r.message) for r in results] == [(False, expected), (False, expected)]
    assert recorder.received == []


@needs_login
def test_login_required_but_not_given():
    recorder = Recorder()
    with smtp_server(
        recorder, authenticator=only_anna, auth_required=True, auth_require_tls=False
    ) as server:
        results = send([kff_reminder()], local(server))
    assert not results[0].sent
    assert results[0].message.startswith(f"Servern godtog inte avsändaradressen {SENDER} (530 ")
    assert recorder.received == []


@needs_login
def test_a_login_smtplib_cannot_encode_sends_nothing():
    recorder = Recorder()
    with smtp_server(
        recorder, authenticator=only_anna, auth_required=True, auth_require_tls=False
    ) as server:
        results = send([kff_reminder()], local(server, user="anna", password="fel-lösen"))
    assert [(r.sent, r.message) for r in results] == [
        (
            False,
            "Inloggningen för användaren anna kunde inte skickas: användarnamn och lösenord får "
            "bara innehålla ASCII-tecken. Inga påminnelser skickades.",
        )
    ]
    assert recorder.received == []


# --- Header injection ----------------------------------------------------------------------


def test_line_breaks_in_names_and_titles_never_become_headers():
    recorder = Recorder()
    reminder = kff_reminder(
        office_code="KFF\r\nBcc: evil@x.se",
        office_name="KFF\r\nBcc: evil@x.se",
        actions=[("1.1\r\nBcc: evil@x.se", "Titel\r\nBcc: evil@x.se\r\n\r\nMer text")],
    )
    with smtp_server(recorder) as server:
        results = send([reminder], local(server))

    assert [r.sent for r in results] == [True]
    [got] = recorder.received
    assert got.rcpt_tos == [KFF]
    assert "Bcc" not in got.message
    assert got.message["Subject"] == SUBJECT_2024
    headers = got.raw.split(b"\r\n\r\n", 1)[0]
    assert b"evil" not in headers
    assert plain_text(got.message).startswith("Hej KFF Bcc: evil@x.se!\n")
    assert "– 1.1 Bcc: evil@x.se Titel Bcc: evil@x.se Mer text\n" in plain_text(got.message)


def test_a_hand_made_reminder_with_a_broken_subject_is_not_sent():
    recorder = Recorder()
    good = kff_reminder()
    bad = replace(sof_reminder(), subject="Påminnelse\r\nBcc: evil@x.se")
    with smtp_server(recorder) as server:
        results = send([bad, good], local(server))
    assert results[0] == SendResult(bad, False, "Ämnesraden får inte innehålla radbrytningar.")
    assert results[1].sent
    assert [got.rcpt_tos for got in recorder.received] == [[KFF]]


def test_a_hand_made_reminder_with_a_bad_recipient_is_not_sent():
    recorder = Recorder()
    bad = replace(kff_reminder(), recipient="kff@linkoping.se, evil@x.se")
    with smtp_server(recorder) as server:
        results = send([bad], local(server))
    assert results == [
        SendResult(
            bad,
            False,
            "Förvaltningen Kultur- och fritidsförvaltningen har ingen giltig e-postadress.",
        )
    ]
    assert recorder.received == []


# --- SmtpSettings.from_mapping() -----------------------------------------------------------

FULL = {
    "host": "smtp.linkoping.se",
    "port": "2525",
    "starttls": "false",
    "user": "anna",
    "password": "hemligt-123",
    "sender": SENDER,
}


@pytest.mark.parametrize("mapping", [None, {}])
def test_not_configured(mapping):
    assert SmtpSettings.from_mapping(mapping) is None


def test_a_full_mapping():
    assert SmtpSettings.from_mapping(FULL) == SmtpSettings(
        host="smtp.linkoping.se",
        port=2525,
        starttls=False,
        user="anna",
        password="hemligt-123",
        sender=SENDER,
        timeout=20.0,
    )


def test_defaults():
    settings = SmtpSettings.from_mapping({"host": " smtp.linkoping.se ", "sender": SENDER})
    assert settings == SmtpSettings(host="smtp.linkoping.se", sender=SENDER)
    assert (settings.port, settings.starttls, settings.user, settings.password) == (
        587,
        True,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("False", False),
        (" ja ", True),
        ("nej", False),
    ],
)
def test_starttls_values(value, expected):
    assert SmtpSettings.from_mapping({**FULL, "starttls": value}).starttls is expected


def test_port_as_an_integer():
    assert SmtpSettings.from_mapping({**FULL, "port": 465}).port == 465


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"host": None}, "SMTP-inställningen saknar host ([segdash.smtp] host)."),
        ({"host": "  "}, "SMTP-inställningen saknar host ([segdash.smtp] host)."),
        (
            {"host": "smtp linkoping.se"},
            "SMTP-inställningen host är inget giltigt värdnamn: ”smtp linkoping.se” "
            "([segdash.smtp] host).",
        ),
        (
            {"sender": None},
            "SMTP-inställningen saknar sender, avsändarens e-postadress ([segdash.smtp] sender).",
        ),
        (
            {"sender": "uppfoljning"},
            "SMTP-inställningen sender är ingen giltig e-postadress: ”uppfoljning” "
            "([segdash.smtp] sender).",
        ),
        (
            {"sender": "Uppföljning <uppfoljning@linkoping.se>"},
            "SMTP-inställningen sender är ingen giltig e-postadress: "
            "”Uppföljning <uppfoljning@linkoping.se>” ([segdash.smtp] sender).",
        ),
        (
            {"port": "abc"},
            "SMTP-inställningen port ska vara ett heltal 1–65535, inte ”abc” ([segdash.smtp] port).",
        ),
        (
            {"port": 0},
            "SMTP-inställningen port ska vara ett heltal 1–65535, inte ”0” ([segdash.smtp] port).",
        ),
        (
            {"port": 70000},
            "SMTP-inställningen port ska vara ett heltal 1–65535, inte ”70000” "
            "([segdash.smtp] port).",
        ),
        (
            {"port": True},
            "SMTP-inställningen port ska vara ett heltal 1–65535, inte ”True” ([segdash.smtp] port).",
        ),
        (
            {"starttls": "kanske"},
            "SMTP-inställningen starttls ska vara true eller false, inte ”kanske” "
            "([segdash.smtp] starttls).",
        ),
        (
            {"starttls": 1},
            "SMTP-inställningen starttls ska vara true eller false, inte ”1” "
            "([segdash.smtp] starttls).",
        ),
        (
            {"password": None},
            "SMTP-inställningen har user men saknar password ([segdash.smtp] password).",
        ),
        (
            {"password": ""},
            "SMTP-inställningen har user men saknar password ([segdash.smtp] password).",
        ),
        ({"user": None}, "SMTP-inställningen har password men saknar user ([segdash.smtp] user)."),
        (
            {"password": "fel-lösen"},
            "SMTP-inställningen password innehåller tecken utanför ASCII (som å, ä, ö), vilket "
            "smtplib inte kan skicka ([segdash.smtp] password).",
        ),
    ],
)
def test_unusable_settings(changes, message):
    mapping = {key: value for key, value in {**FULL, **changes}.items() if value is not None}
    with pytest.raises(ValueError) as caught:
        SmtpSettings.from_mapping(mapping)
    assert str(caught.value) == message
    assert "hemligt-123" not in str(caught.value)
    assert "fel-lösen" not in str(caught.value)


def test_the_password_stays_out_of_the_repr():
    settings = SmtpSettings.from_mapping(FULL)
    assert "hemligt-123" not in repr(settings)
    assert "anna" in repr(settings)
