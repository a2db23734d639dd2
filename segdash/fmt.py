"""Numbers and dates the Swedish way: decimal comma, space between thousands, Swedish months."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

# Plotly's `separators`: decimal mark, then thousands separator (a no-break space).
PLOTLY_SEPARATORS = ",\u00a0"
NBSP = "\u00a0"

MONTHS = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def number(value: float | int | None, decimals: int = 0, lang: str = "sv") -> str:
    """1234.5 -> '1 234,5' (sv) or '1,234.5' (en); missing -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", NBSP).replace(".", ",").replace("-", "\u2212")
    return text


def numbers(values, decimals: int = 0, lang: str = "sv") -> list[str]:
    """`number` for a whole column at once (the same text, several times faster)."""
    template = f"{{:,.{decimals}f}}".format
    series = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").tolist()
    out = ["–" if v != v else template(v) for v in series]  # v != v: NaN
    if lang == "sv":
        table = str.maketrans({",": NBSP, ".": ",", "-": "\u2212"})
        out = [text.translate(table) for text in out]
    return out


def percent(value: float | None, decimals: int = 0, lang: str = "sv") -> str:
    """A share 0–1 as a percentage: 0.256 -> '25,6 %' (with decimals=1)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sep = NBSP if lang == "sv" else ""
    return f"{number(value * 100, decimals, lang)}{sep}%"


def with_unit(value: float | None, unit: str | None, decimals: int = 1, lang: str = "sv") -> str:
    text = number(value, decimals, lang)
    if text == "–" or not unit:
        return text
    if unit == "%":
        return f"{text}{NBSP if lang == 'sv' else ''}%"
    return f"{text} {unit}"


def signed(value: float | int | None, decimals: int = 0, lang: str = "sv") -> str:
    """A change with its sign: '+3', '−2', '±0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        return "±0"
    text = number(abs(value), decimals, lang)
    return ("+" if value > 0 else ("\u2212" if lang == "sv" else "-")) + text


def long_date(value: date | datetime, lang: str = "sv") -> str:
    """23 november 2026 (sv), 23 November 2026 (en); with the time when given a datetime."""
    text = f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text


def count(n: int, one: str, many: str) -> str:
    """'1 rad' / '3 rader' / '1 200 rader': a number with the word that agrees with it."""
    return f"{number(n)} {one if n == 1 else many}"
