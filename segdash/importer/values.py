"""Reading single cell values the way analysts write them: numbers, years, codes with aliases."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from datetime import date, datetime

from segdash.importer.spec import norm_name

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: object) -> str | None:
    """A cell as trimmed text; whole floats lose their '.0'; blank cells become None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_number(value: object) -> float | None:
    """A number from a cell: real numbers, or text with decimal comma, spaces and a trailing %.

    Returns None for a blank cell; raises ValueError when the cell holds something else.

    >>> parse_number("1 234,5 %"), parse_number(12), parse_number(" ")
    (1234.5, 12.0, None)
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if math.isinf(value) or math.isnan(value):
            raise ValueError(value)
        return float(value)
    text = _SPACES.sub("", str(value)).replace("\u2212", "-")
    if text.endswith("%"):
        text = text[:-1]
    if "," in text:
        if "." in text:  # 1.234,5: the dots group thousands
            text = text.replace(".", "")
        if text.count(",") > 1:
            raise ValueError(value)
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        raise ValueError(value)
    number = float(text)
    if math.isinf(number):
        raise ValueError(value)
    return number


def parse_year(value: object) -> int | None:
    """A four-digit year (1900–2100) from a number or text; None if blank; ValueError if not."""
    if is_blank(value):
        return None
    if isinstance(value, datetime | date):
        raise ValueError(value)
    try:
        number = parse_number(value)
    except ValueError:
        raise ValueError(value) from None
    if number is None or not number.is_integer() or not 1900 <= number <= 2100:
        raise ValueError(value)
    return int(number)


def split_list(value: object) -> list[str]:
    """Items of a list cell separated by ';' or ',' (the separator analysts happen to use)."""
    text = cell_text(value)
    if text is None:
        return []
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


class CodeMatcher:
    """Matches a coded cell against known codes, names and aliases; suggests the closest one.

    `entries` are (canonical value, display name, accepted spellings).
    """

    def __init__(self, unknown: str, entries: Iterable[tuple[object, str, Iterable[str]]]) -> None:
        self.unknown = unknown  # how a message starts, e.g. "Okänt område"
        self._lookup: dict[str, object] = {}
        self._display: dict[object, str] = {}
        for canonical, display, spellings in entries:
            self._display[canonical] = display
            for spelling in (display, *spellings):
                key = norm_name(spelling)
                if key:
                    self._lookup.setdefault(key, canonical)

    def match(self, value: object) -> object | None:
        text = cell_text(value)
        if text is None:
            return None
        return self._lookup.get(norm_name(text))

    def display(self, canonical: object) -> str:
        return self._display.get(canonical, str(canonical))

    @property
    def known(self) -> list[str]:
        return list(self._display.values())

    def suggest(self, value: object) -> str | None:
        key = norm_name(cell_text(value) or "")
        close = difflib.get_close_matches(key, list(self._lookup), n=1, cutoff=0.6)
        if not close:
            # A prefix is a strong hint too ("Skägg" -> Skäggetorp).
            close = [k for k in self._lookup if len(key) >= 3 and k.startswith(key)][:1]
        return self.display(self._lookup[close[0]]) if close else None

    def unknown_message(self, value: object) -> str:
        text = cell_text(value) or ""
        suggestion = self.suggest(value)
        if suggestion:
            return f"{self.unknown} ”{text}”. Menade du {suggestion}?"
        if not self.known:
            return f"{self.unknown} ”{text}”."
        known = ", ".join(self.known[:12])
        more = " …" if len(self.known) > 12 else ""
        return f"{self.unknown} ”{text}”. Giltiga värden: {known}{more}."
