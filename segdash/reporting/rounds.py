"""The reporting round as the app and the CLI both run it: open it, hand out the forms, say who
is missing, remind them. Both faces call these, so they show the same numbers and words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from segdash import domain, fmt, i18n, queries
from segdash.reporting.forms import Form, build_forms
from segdash.reporting.mail import Reminder, compose, is_email
from segdash.store import Store

MAX_MESSAGE_CHARS = 2000


class RoundError(Exception):
    """Something the analyst asked for cannot be done; the message says why, in Swedish."""


def parse_period(text: str) -> str:
    period = domain.parse_period(text)
    if period is None:
        raise RoundError(
            f"”{text}” är ingen uppföljningsperiod. Skriv t.ex. 2024, 2024-T1, 2024-H1 eller "
            "2024-Q3."
        )
    return period


def plan_for(store: Store, period: str) -> int:
    year = domain.plan_in_force(queries.plan_years(store), period)
    if year is None:
        raise RoundError(
            f"Det finns ingen åtgärdsplan för {domain.period_year(period)} eller tidigare, så "
            f"ingen rapportering för {period} kan öppnas. Importera åtgärdsplanen först."
        )
    return year


def open_round(
    store: Store,
    *,
    period: str,
    deadline: date,
    message: str | None,
    by: str,
    today: date,
    authorise: Callable[[], None] | None = None,
) -> queries.Round:
    """Open the period's round (again, with this deadline and message)."""
    period = parse_period(period)
    if deadline < today:
        raise RoundError(
            f"Sista dagen {fmt.long_date(deadline)} har redan passerat. Välj ett senare datum."
        )
    message = (message or "").strip() or None
    if message is not None and len(message) > MAX_MESSAGE_CHARS:
        raise RoundError(
            f"Meddelandet är {fmt.number(len(message))} tecken; högst "
            f"{fmt.number(MAX_MESSAGE_CHARS)} får plats."
        )
    plan_year = plan_for(store, period)
    store.open_round(
        period=period,
        plan_year=plan_year,
        deadline=deadline,
        message=message,
        opened_by=by,
        authorise=authorise,
    )
    found = queries.reporting_round(store, period)
    assert found is not None
    return found


def forms_for(
    store: Store,
    period: str,
    deadline: date | None = None,
    message: str | None = None,
    offices: Sequence[str] | None = None,
) -> list[Form]:
    """One prefilled form per lead office of the plan in force (or of `offices` only). The
    round's deadline and message unless others are given; without a round, a deadline must
    be given."""
    period = parse_period(period)
    found = queries.reporting_round(store, period)
    if deadline is None:
        if found is None:
            raise RoundError(
                f"Det finns ingen rapporteringsomgång för {period}. Öppna den (med sista dag) "
                "eller ange sista dag för blanketterna."
            )
        deadline = found.deadline
    if message is None and found is not None:
        message = found.message
    plan_year = found.plan_year if found is not None else plan_for(store, period)
    rows = queries.form_rows(store, period, plan_year)
    if offices is not None:
        rows = rows[rows["lead_office"].isin(list(offices))]
    if rows.empty:
        raise RoundError(f"Åtgärdsplanen för {plan_year} har inga åtgärder.")
    offices = queries.master_data(store).offices
    return build_forms(
        rows,
        period=period,
        plan_year=plan_year,
        deadline=deadline,
        message=message,
        office_names=dict(zip(offices["code"], offices["name"], strict=True)),
    )


def deadline_text(days_left: int | None, lang: str = "sv") -> str:
    """'12 dagar kvar', 'sista dag i dag', '3 dagar efter sista dag'.

    >>> deadline_text(1), deadline_text(0), deadline_text(-3)
    ('1 dag kvar', 'sista dag i dag', '3 dagar efter sista dag')
    """
    if days_left is None:
        return ""
    if days_left == 0:
        return i18n.text(lang, "reporting.due_today")
    n = abs(days_left)
    unit = i18n.text(lang, "reporting.day") if n == 1 else i18n.text(lang, "reporting.days")
    if days_left > 0:
        return i18n.text(lang, "reporting.days_left", n=fmt.number(n, lang=lang), unit=unit)
    return i18n.text(lang, "reporting.days_past", n=fmt.number(n, lang=lang), unit=unit)


def summary_line(status: queries.ReportingStatus, lang: str = "sv") -> str:
    """'43 av 50 åtgärder rapporterade för 2024 · 2 förvaltningar kvar · sista dag 15 februari'."""
    parts = [
        i18n.text(
            lang,
            "reporting.summary",
            reported=fmt.number(status.reported, lang=lang),
            total=fmt.number(status.total, lang=lang),
            period=status.period,
        )
    ]
    missing = status.offices_missing
    if missing == 1:
        parts.append(i18n.text(lang, "reporting.offices_left_one"))
    elif missing:
        parts.append(i18n.text(lang, "reporting.offices_left", n=fmt.number(missing, lang=lang)))
    else:
        parts.append(i18n.text(lang, "reporting.all_reported"))
    found = status.round
    if found is not None:
        if not found.is_open:
            parts.append(i18n.text(lang, "reporting.closed"))
        else:
            day = f"{found.deadline.day} {fmt.MONTHS[lang][found.deadline.month - 1]}"
            if found.deadline.year != status.today.year:
                day += f" {found.deadline.year}"
            parts.append(i18n.text(lang, "reporting.last_day", day=day))
            if missing and status.days_left is not None and status.days_left < 0:
                parts.append(deadline_text(status.days_left, lang))
    return " · ".join(parts)


@dataclass(frozen=True)
class Draft:
    """A reminder ready to send, or why an office cannot get one."""

    office: str
    office_name: str
    missing: tuple[str, ...]
    reminder: Reminder | None
    problem: str | None


def reminders(status: queries.ReportingStatus) -> list[Draft]:
    """A reminder for every office with missing actions, listing them."""
    drafts = []
    found = status.round
    for office in status.offices.itertuples():
        if office.missing == 0:
            continue
        missing = status.missing_actions(office.office)
        actions = tuple(zip(missing["action_no"], missing["title"], strict=True))
        address = office.contact_email if isinstance(office.contact_email, str) else ""
        if not address or not is_email(address):
            drafts.append(
                Draft(
                    office.office,
                    office.office_name,
                    tuple(missing["action_no"]),
                    None,
                    f"{office.office_name} har ingen e-postadress (kolumnen Kontakt på bladet "
                    "Förvaltningar).",
                )
            )
            continue
        reminder = compose(
            office_code=office.office,
            office_name=office.office_name,
            recipient=address,
            period=status.period,
            deadline=found.deadline if found is not None else None,
            actions=actions,
            today=status.today,
            message=None,
        )
        drafts.append(
            Draft(office.office, office.office_name, tuple(missing["action_no"]), reminder, None)
        )
    return drafts
