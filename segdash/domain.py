"""The plan's fixed vocabulary: statuses, development areas, offices, districts, sexes, periods.

These lists are the built-in master data. The database is seeded with them on creation
(the system batch), and the master-data sheets of a plan workbook may add to or rename them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    code: str
    label: str  # Swedish label used in the UI and in spreadsheets
    aliases: tuple[str, ...]


STATUSES: tuple[Status, ...] = (
    Status("not_started", "Ej påbörjad", ("ej startad", "not started", "not_started")),
    Status(
        "on_track",
        "Pågår enligt plan",
        ("pågår", "påbörjad", "pågående", "ongoing", "on track", "on_track"),
    ),
    Status(
        "at_risk",
        "Pågår med avvikelse",
        ("försenad", "avvikelse", "delayed", "at risk", "at_risk"),
    ),
    Status("done", "Genomförd", ("klar", "avslutad", "slutförd", "done", "completed")),
    Status("cancelled", "Avbruten", ("utgår", "stoppad", "cancelled", "canceled")),
)
STATUS_CODES: tuple[str, ...] = tuple(s.code for s in STATUSES)
# "At risk" in the offices page and the report: a deviation, or given up.
AT_RISK_STATUSES: tuple[str, ...] = ("at_risk", "cancelled")
# Statuses of which more is better: a key figure's rise is shown green for these, red otherwise.
GOOD_STATUSES: frozenset[str] = frozenset({"on_track", "done"})


def more_is_better(status: str) -> bool:
    """Whether a rise in the number of actions with this status is good news.

    >>> more_is_better("done"), more_is_better("at_risk")
    (True, False)
    """
    return status in GOOD_STATUSES


# An action of the plan in force that has no follow-up row for the period.
MISSING_STATUS = "missing"
# Statuses in the order charts and tables show them, the missing one last.
STATUS_ORDER: tuple[str, ...] = (*STATUS_CODES, MISSING_STATUS)

# Colour-blind safe palette (Okabe-Ito), one fixed colour per status everywhere. Charts add a
# pattern and a text label too, so colour is never the only cue.
STATUS_COLOURS: dict[str, str] = {
    "not_started": "#999999",  # grey
    "on_track": "#0072B2",  # blue
    "at_risk": "#E69F00",  # orange
    "done": "#009E73",  # bluish green
    "cancelled": "#CC79A7",  # reddish purple
    MISSING_STATUS: "#FFFFFF",  # white, outlined and hatched
}
STATUS_PATTERNS: dict[str, str] = {
    "not_started": ".",
    "on_track": "",
    "at_risk": "/",
    "done": "",
    "cancelled": "x",
    MISSING_STATUS: "\\",
}

DEVELOPMENT_AREAS: tuple[tuple[int, str], ...] = (
    (1, "Ökad trygghet, gemenskap och delaktighet i samhället"),
    (2, "Fler i arbete eller meningsfull sysselsättning"),
    (3, "Utbildning för att barn och vuxna ska nå sin fulla potential"),
    (4, "Trivsamma livsmiljöer för ett sammanhållet Linköping"),
    (5, "En rikare fritid för alla"),
)

OFFICES: tuple[tuple[str, str], ...] = (
    ("KLF", "Kommunledningsförvaltningen"),
    ("SBF", "Samhällsbyggnadsförvaltningen"),
    ("KFF", "Kultur- och fritidsförvaltningen"),
    ("SOF", "Social- och omsorgsförvaltningen"),
    ("UBF", "Utbildningsförvaltningen"),
    ("IAF", "Integrations- och arbetsmarknadsförvaltningen"),
    ("UTF", "Utförarförvaltningen"),
)

FOCUS_DISTRICTS: tuple[str, ...] = ("Berga", "Ryd", "Skäggetorp")
MUNICIPALITY = "Linköping"
MUNICIPALITY_CODE = "0580"  # SCB's kommunkod, as Kolada and PX-Web write it

# district_type values, as written in the `Områden` master-data sheet
DISTRICT_TYPES: tuple[str, ...] = ("fokus", "referens", "jämförelse")
FOCUS_TYPE, REFERENCE_TYPE, COMPARISON_TYPE = DISTRICT_TYPES
# What a comparison of districts shows unless asked for more.
STANDARD_DISTRICT_TYPES: tuple[str, ...] = (FOCUS_TYPE, REFERENCE_TYPE)
DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("Berga", "Berga", "fokus"),
    ("Ryd", "Ryd", "fokus"),
    ("Skäggetorp", "Skäggetorp", "fokus"),
    ("Linköping", "Linköping", "referens"),
)
ALL_DISTRICTS_WORDS: tuple[str, ...] = ("alla", "all", "samtliga")

# The words official statistics use too (SCB, Kolada, Försäkringskassan, Folkhälsomyndigheten);
# SCB's codes 1 (men), 2 (women) and 1+2 (total) are only read in a sex column.
SEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "T",
        "Totalt",
        (
            "t",
            "totalt",
            "total",
            "alla",
            "all",
            "båda",
            "samtliga",
            "båda könen",
            "kvinnor och män",
            "män och kvinnor",
            "1+2",
            "both sexes",
        ),
    ),
    ("K", "Kvinnor", ("k", "kvinnor", "kvinna", "women", "female", "f", "w", "flickor", "2")),
    ("M", "Män", ("m", "män", "man", "men", "male", "pojkar", "1")),
)
SEX_CODES: tuple[str, ...] = tuple(code for code, _, _ in SEXES)

# The source of the demo's own example values; no imported value is ever labelled with it.
EXAMPLE_SOURCE = "Exempelvärde"

YES_WORDS = ("ja", "j", "yes", "y", "true", "sant", "1", "x")
NO_WORDS = ("nej", "n", "no", "false", "falskt", "0")

# --- Follow-up periods -------------------------------------------------------------------
# A period is a year ("2021") or a part of one ("2022-T1", "2022-H1", "2022-Q3").

_PART_END_MONTH = {
    "T1": 4,
    "T2": 8,
    "T3": 12,
    "H1": 6,
    "H2": 12,
    "Q1": 3,
    "Q2": 6,
    "Q3": 9,
    "Q4": 12,
}

_PERIOD_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})\s*[-–/ ]?\s*(?P<part>[THQ][1-4])$"),
    re.compile(r"^(?P<part>[THQ][1-4])\s*[-–/ ]?\s*(?P<year>\d{4})$"),
    re.compile(r"^(?:HELÅR|HELÅRET|ÅR)\s*(?P<year>\d{4})$"),
    re.compile(r"^(?:DELÅR|DELÅRET)\s*(?P<year>\d{4})$"),
)


def parse_period(text: object) -> str | None:
    """Normalise a period as analysts write it; None when it is not a period.

    >>> parse_period("T1 2022"), parse_period("Delår 2022"), parse_period(2021.0)
    ('2022-T1', '2022-H1', '2021')
    """
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = " ".join(str(text).split()).upper()
    for i, pat in enumerate(_PERIOD_PATTERNS):
        m = pat.match(s)
        if not m:
            continue
        year = int(m.group("year"))
        if not 1900 <= year <= 2100:
            return None
        part = m.groupdict().get("part")
        if i == 4:
            part = "H1"
        if part is None:
            return str(year)
        if part not in _PART_END_MONTH:
            return None
        return f"{year}-{part}"
    return None


def period_year(period: str) -> int:
    return int(period[:4])


def period_sort_key(period: str) -> tuple[int, int, int]:
    """Chronological order: by year, then by the month the period ends; a whole year last."""
    year = period_year(period)
    if len(period) == 4:
        return (year, 12, 1)
    return (year, _PART_END_MONTH[period[5:]], 0)


def plan_in_force(plan_years: Sequence[int], period: str) -> int | None:
    """The plan a follow-up period belongs to: the latest plan year not after its year.

    >>> plan_in_force([2021, 2023], "2022-T2"), plan_in_force([2021, 2023], "2020")
    (2021, None)
    """
    year = period_year(period)
    earlier = [y for y in sorted(plan_years) if y <= year]
    return earlier[-1] if earlier else None
