"""Reminder e-mails, in Swedish, to offices that have not reported on their actions.

A reminder is composed once (`compose`) and then either sent over SMTP (`send`, settings from
the `[segdash.smtp]` table in Streamlit's secrets) or offered as a `mailto:` link
(`mailto_url`) for the analyst's own mail program.

Nothing an office or an import supplies ever reaches a mail header: the subject is built from
the period alone, which may not contain a line break, and names and titles are collapsed to
one line and used only in the body. Network problems never raise; they come back as
`SendResult`s that say in Swedish what went wrong, never with the password in them.
"""

from __future__ import annotations

import email.utils
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from urllib.parse import quote

from segdash.fmt import count, long_date

__all__ = [
    "Reminder",
    "SendResult",
    "SmtpSettings",
    "compose",
    "is_email",
    "mailto_url",
    "send",
    "to_message",
]

SUBJECT = "Påminnelse: uppföljning av åtgärdsplanen mot segregation, {period}"
INSTRUCTION = (
    "Fyll i blanketten för er förvaltning och skicka den till analytikern som ansvarar för "
    "uppföljningen."
)
SIGNATURE = ("Hälsningar", "Uppföljningen av åtgärdsplanen mot segregation")
NOTHING_SENT = "Inga påminnelser skickades."

# Characters that str.splitlines() breaks on: none of them may reach a header.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

# An address as mail servers accept it without SMTPUTF8: a dot-atom local part (RFC 5322
# atext, which has no space, comma, semicolon, angle bracket, quote or backslash) and a domain
# of letter-digit-hyphen labels ending in an alphabetic top-level domain. ASCII only, so the
# envelope never needs an extension the server may lack.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


def is_email(text: str) -> bool:
    """A plausible single address, local@domain.tld, with nothing else around it.

    >>> is_email("anna.svensson@linkoping.se")
    True
    >>> is_email("Anna <anna@linkoping.se>"), is_email("a@b.se, c@d.se"), is_email("a@b.se\\n")
    (False, False, False)
    """
    if not isinstance(text, str) or len(text) > 254:
        return False
    local, _, _ = text.partition("@")
    return len(local) <= 64 and _EMAIL.fullmatch(text) is not None


def _one_line(value: object) -> str:
    """Text with every run of whitespace (line breaks too) as one space; None as ''."""
    return " ".join(("" if value is None else str(value)).split())


def _as_date(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


# --- Settings ------------------------------------------------------------------------------


def _setting_error(text: str, key: str) -> ValueError:
    return ValueError(f"SMTP-inställningen {text} ([segdash.smtp] {key}).")


def _shown(value: object) -> str:
    """A setting's value as quoted in a message (never used for the password)."""
    return f"”{_one_line(value)}”"


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server. The password is left out of the repr."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""  # the From address, required
    timeout: float = 20.0

    @classmethod
    def from_mapping(cls, mapping: Mapping | None) -> SmtpSettings | None:
        """From Streamlit secrets' `[segdash.smtp]` table; None when SMTP is not configured.

        Raises ValueError, in Swedish and naming the key, when the table is there but unusable.
        """
        if mapping is None:
            return None
        if not isinstance(mapping, Mapping):
            raise ValueError("SMTP-inställningen [segdash.smtp] ska vara en tabell.")
        if not mapping:
            return None

        host = mapping.get("host")
        if host is None or (isinstance(host, str) and not host.strip()):
            raise _setting_error("saknar host", "host")
        if not isinstance(host, str) or len(host.split()) != 1:
            raise _setting_error(f"host är inget giltigt värdnamn: {_shown(host)}", "host")
        host = host.strip()

        sender = mapping.get("sender")
        if sender is None or (isinstance(sender, str) and not sender.strip()):
            raise _setting_error("saknar sender, avsändarens e-postadress", "sender")
        if not isinstance(sender, str) or not is_email(sender.strip()):
            raise _setting_error(f"sender är ingen giltig e-postadress: {_shown(sender)}", "sender")
        sender = sender.strip()

        port = _port(mapping.get("port", cls.port))
        starttls = _flag(mapping.get("starttls", cls.starttls))
        timeout = _timeout(mapping.get("timeout", cls.timeout))

        user = mapping.get("user")
        password = mapping.get("password")
        if user is not None and not isinstance(user, str):
            raise _setting_error(f"user ska vara text, inte {_shown(user)}", "user")
        if password is not None and not isinstance(password, str):
            raise _setting_error("password ska vara text", "password")
        user = (user or "").strip() or None
        password = password or None
        if user and not password:
            raise _setting_error("har user men saknar password", "password")
        if password and not user:
            raise _setting_error("har password men saknar user", "user")
        # smtplib sends the login as ASCII only (AUTH PLAIN, LOGIN and CRAM-MD5 alike).
        if user and not user.isascii():
            raise _setting_error(
                f"user får bara innehålla ASCII-tecken, inte {_shown(user)}", "user"
            )
        if password and not password.isascii():
            raise _setting_error(
                "password innehåller tecken utanför ASCII (som å, ä, ö), vilket smtplib inte kan "
                "skicka",
                "password",
            )

        return cls(
            host=host,
            port=port,
            starttls=starttls,
            user=user,
            password=password,
            sender=sender,
            timeout=timeout,
        )


def _port(value: object) -> int:
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= 65535:
        raise _setting_error(f"port ska vara ett heltal 1–65535, inte {_shown(value)}", "port")
    return number


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "ja"):
            return True
        if text in ("false", "nej"):
            return False
    raise _setting_error(f"starttls ska vara true eller false, inte {_shown(value)}", "starttls")


def _timeout(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 600:
        return float(value)
    raise _setting_error(
        f"timeout ska vara ett antal sekunder mellan 0 och 600, inte {_shown(value)}", "timeout"
    )


# --- Composing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    office_code: str
    office_name: str
    recipient: str
    period: str
    deadline: date | None
    actions: tuple[tuple[str, str], ...]  # (action number, title)
    subject: str
    body: str


def compose(
    *,
    office_code: str,
    office_name: str,
    recipient: str,
    period: str,
    deadline: date | None,
    actions: Sequence[tuple[str, str]],
    today: date,
    message: str | None = None,
) -> Reminder:
    """The Swedish reminder to one office about its actions without a follow-up for `period`.

    Raises ValueError (in Swedish) for a period with a line break or none at all, a recipient
    that is not one e-mail address, and an empty list of actions.
    """
    code = _one_line(office_code)
    name = _one_line(office_name) or code
    if any(ch in _LINE_BREAKS for ch in str(period)):
        raise ValueError("Perioden får inte innehålla radbrytningar.")
    period = _one_line(period)
    if not period:
        raise ValueError("Perioden saknas.")
    recipient = recipient.strip() if isinstance(recipient, str) else recipient
    if not is_email(recipient):
        raise ValueError(f"Förvaltningen {name} har ingen giltig e-postadress.")
    listed = tuple((_one_line(nr), _one_line(title)) for nr, title in actions)
    if not listed:
        raise ValueError(f"Förvaltningen {name} har inga åtgärder som saknar uppföljning.")
    deadline = _as_date(deadline)
    today = _as_date(today)

    lines = [
        f"Hej {name}!",
        "",
        f"{count(len(listed), 'åtgärd', 'åtgärder')} som {name} ansvarar för saknar "
        f"uppföljning för {period}:",
        "",
    ]
    lines += ["– " + " ".join(part for part in (nr, title) if part) for nr, title in listed]
    lines.append("")
    if deadline is not None:
        if today <= deadline:
            lines.append(f"Sista dag att rapportera är {long_date(deadline)}.")
        else:
            lines.append(f"Sista dagen var {long_date(deadline)}. Rapportera så snart som möjligt.")
        lines.append("")
    note = "\n".join((message or "").strip().splitlines()).strip()
    if note:
        lines += [note, ""]
    lines += [INSTRUCTION, "", *SIGNATURE]

    return Reminder(
        office_code=code,
        office_name=name,
        recipient=recipient,
        period=period,
        deadline=deadline,
        actions=listed,
        subject=SUBJECT.format(period=period),
        body="\n".join(lines),
    )


def mailto_url(reminder: Reminder) -> str:
    """A `mailto:` link (RFC 6068) with the reminder's recipient, subject and body."""
    body = "\r\n".join(reminder.body.splitlines())
    return (
        f"mailto:{quote(reminder.recipient, safe='@')}"
        f"?subject={quote(reminder.subject, safe='')}&body={quote(body, safe='')}"
    )


def to_message(reminder: Reminder, sender: str) -> EmailMessage:
    """The reminder as a plain-text UTF-8 message from `sender`.

    Raises ValueError when an address is not one e-mail address or the subject has a line
    break (a Reminder made by hand rather than by `compose`).
    """
    if not is_email(sender):
        raise ValueError(f"Avsändaradressen {_shown(sender)} är ingen giltig e-postadress.")
    if not is_email(reminder.recipient):
        raise ValueError(f"Förvaltningen {reminder.office_name} har ingen giltig e-postadress.")
    if any(ch in _LINE_BREAKS for ch in reminder.subject):
        raise ValueError("Ämnesraden får inte innehålla radbrytningar.")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = reminder.recipient
    message["Subject"] = reminder.subject
    message["Date"] = email.utils.formatdate(localtime=True)
    # The sender's domain, rather than this machine's name (which make_msgid would look up).
    message["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2])
    # Quoted-printable keeps the body 7-bit, so a server without 8BITMIME takes it too.
    message.set_content(reminder.body, charset="utf-8", cte="quoted-printable")
    return message


# --- Sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    reminder: Reminder
    sent: bool
    message: str  # Swedish: "Skickad till x@y.se." or why not


class _NotConnected(Exception):
    """No session with the server: the message says why, for every reminder."""


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _reason(exc: BaseException, settings: SmtpSettings) -> str:
    """What went wrong, short and in Swedish where it can be; the password never in it."""
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, OSError):
        exc = exc.__context__  # smtplib wraps a read timeout or reset in SMTPServerDisconnected
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        reason = f"{exc.smtp_code} {text}"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        reason = "servern stängde anslutningen"
    elif isinstance(exc, TimeoutError):
        reason = f"inget svar inom {_seconds(settings.timeout)} sekunder"
    elif isinstance(exc, ConnectionRefusedError):
        reason = "anslutningen nekades"
    elif isinstance(exc, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        reason = "servern stängde anslutningen"
    elif isinstance(exc, socket.gaierror):
        reason = "värdnamnet hittades inte"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        reason = f"servercertifikatet kunde inte verifieras: {exc.verify_message}"
    elif isinstance(exc, ssl.SSLError):
        reason = f"TLS-fel: {exc.reason or exc}"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror
    else:
        reason = str(exc) or type(exc).__name__
    reason = _one_line(reason)
    if settings.password:
        reason = reason.replace(settings.password, "***")
    return reason


def _problem(settings: SmtpSettings) -> str | None:
    """Why settings made by hand (not by from_mapping) cannot be used, or None."""
    if not isinstance(settings.host, str) or len(settings.host.split()) != 1:
        return "SMTP-inställningen saknar host ([segdash.smtp] host)."
    if not is_email(settings.sender):
        return "SMTP-inställningen saknar en giltig avsändaradress ([segdash.smtp] sender)."
    if not isinstance(settings.port, int) or not 1 <= settings.port <= 65535:
        return "SMTP-inställningen port ska vara ett heltal 1–65535 ([segdash.smtp] port)."
    return None


def _open(settings: SmtpSettings) -> smtplib.SMTP:
    """A session ready to send: connected, encrypted if asked to, signed in if asked to."""
    where = f"{settings.host}:{settings.port}"
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise _NotConnected(
            f"Kunde inte ansluta till e-postservern {where} ({_reason(exc, settings)}). "
            f"{NOTHING_SENT}"
        ) from exc
    try:
        try:
            smtp.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as exc:
            raise _NotConnected(
                f"Kunde inte ansluta till e-postservern {where} ({_reason(exc, settings)}). "
                f"{NOTHING_SENT}"
            ) from exc
        if settings.starttls:
            try:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            except smtplib.SMTPNotSupportedError as exc:
                raise _NotConnected(
                    f"E-postservern {where} erbjuder inte krypterad anslutning (STARTTLS). "
                    f"Ändra [segdash.smtp] starttls om servern ska användas utan kryptering. "
                    f"{NOTHING_SENT}"
                ) from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise _NotConnected(
                    f"Kunde inte upprätta en krypterad anslutning (STARTTLS) till "
                    f"e-postservern {where} ({_reason(exc, settings)}). {NOTHING_SENT}"
                ) from exc
        if settings.user:
            try:
                smtp.login(settings.user, settings.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                raise _NotConnected(
                    f"E-postservern godtog inte inloggningen för användaren {settings.user} "
                    f"({_reason(exc, settings)}). {NOTHING_SENT}"
                ) from exc
            except smtplib.SMTPNotSupportedError as exc:
                raise _NotConnected(
                    f"E-postservern {where} erbjuder ingen inloggning (AUTH). {NOTHING_SENT}"
                ) from exc
            except UnicodeError as exc:
                raise _NotConnected(
                    f"Inloggningen för användaren {settings.user} kunde inte skickas: användarnamn "
                    f"och lösenord får bara innehålla ASCII-tecken. {NOTHING_SENT}"
                ) from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise _NotConnected(
                    f"Inloggningen för användaren {settings.user} på e-postservern {where} "
                    f"misslyckades ({_reason(exc, settings)}). {NOTHING_SENT}"
                ) from exc
    except _NotConnected:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass  # everything is sent or refused by now; a failed goodbye changes nothing
    finally:
        smtp.close()


def _send_one(
    smtp: smtplib.SMTP, reminder: Reminder, settings: SmtpSettings
) -> tuple[SendResult, str | None]:
    """The result for one reminder, and why the connection is lost if it is (else None)."""
    to = reminder.recipient

    def failed(text: str) -> SendResult:
        return SendResult(reminder, False, text)

    try:
        message = to_message(reminder, settings.sender)
    except ValueError as exc:
        return failed(str(exc)), None
    try:
        # The envelope is given explicitly: only the one recipient, whatever the headers say.
        refused = smtp.send_message(message, from_addr=settings.sender, to_addrs=[to])
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = exc.recipients.get(to) or next(iter(exc.recipients.values()), (0, b""))
        reason = _reason(smtplib.SMTPResponseException(code, text), settings)
        return failed(f"Servern tog inte emot brevet till {to} ({reason})."), None
    except smtplib.SMTPSenderRefused as exc:
        return failed(
            f"Servern godtog inte avsändaradressen {settings.sender} "
            f"({_reason(exc, settings)}). Brevet till {to} skickades inte."
        ), None
    except smtplib.SMTPServerDisconnected as exc:
        reason = _reason(exc, settings)
        return failed(
            f"Anslutningen till e-postservern bröts ({reason}). Brevet till {to} skickades inte."
        ), reason
    except (smtplib.SMTPException, ValueError) as exc:
        # SMTPDataError and other refusals; ValueError: an address smtplib cannot encode.
        return failed(f"Servern tog inte emot brevet till {to} ({_reason(exc, settings)})."), None
    except OSError as exc:
        reason = _reason(exc, settings)
        return failed(
            f"Anslutningen till e-postservern bröts ({reason}). Brevet till {to} skickades inte."
        ), reason
    if refused:
        code, text = refused.get(to) or next(iter(refused.values()))
        reason = _reason(smtplib.SMTPResponseException(code, text), settings)
        return failed(f"Servern tog inte emot brevet till {to} ({reason})."), None
    return SendResult(reminder, True, f"Skickad till {to}."), None


def send(reminders: Sequence[Reminder], settings: SmtpSettings) -> list[SendResult]:
    """Send every reminder over one SMTP connection; one result per reminder, in order.

    A refused recipient fails that reminder only. No connection, a failed STARTTLS or a
    refused login fails them all with one message. Never raises for a network problem.
    """
    reminders = tuple(reminders)
    if not reminders:
        return []
    problem = _problem(settings)
    if problem:
        return [SendResult(r, False, f"{problem} {NOTHING_SENT}") for r in reminders]
    try:
        smtp = _open(settings)
    except _NotConnected as exc:
        return [SendResult(r, False, str(exc)) for r in reminders]

    results: list[SendResult] = []
    lost: str | None = None
    try:
        for reminder in reminders:
            if lost is not None:
                results.append(
                    SendResult(
                        reminder,
                        False,
                        f"Brevet till {reminder.recipient} skickades inte: anslutningen till "
                        f"e-postservern bröts ({lost}).",
                    )
                )
                continue
            result, lost = _send_one(smtp, reminder, settings)
            results.append(result)
    finally:
        _close(smtp)
    return results
