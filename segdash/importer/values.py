"""Reading single cell values the way analysts write them: numbers, years, codes with aliases."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
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

    def __init__(
        self,
        unknown: str,
        entries: Iterable[tuple[object, str, Iterable[str]]],
        normalise: Callable[[object], str] = norm_name,
        cutoff: float = 0.6,
    ) -> None:
        self.unknown = unknown  # how a message starts, e.g. "Okänt område"
        self._normalise = normalise
        self._cutoff = cutoff  # how close a spelling must be to be suggested
        self._lookup: dict[str, object] = {}
        self._display: dict[object, str] = {}
        for canonical, display, spellings in entries:
            self.add(canonical, display, spellings)

    def add(self, canonical: object, display: str, spellings: Iterable[str] = ()) -> None:
        """One more entry, as if it had been the last of `entries`."""
        self._display[canonical] = display
        for spelling in dict.fromkeys((display, *spellings)):  # a code that is its name: once
            key = self._normalise(spelling)
            if key:
                self._lookup.setdefault(key, canonical)

    def match(self, value: object) -> object | None:
        text = cell_text(value)
        if text is None:
            return None
        return self._lookup.get(self._normalise(text))

    def display(self, canonical: object) -> str:
        return self._display.get(canonical, str(canonical))

    @property
    def known(self) -> list[str]:
        return list(self._display.values())

    def suggest(self, value: object) -> str | None:
        """The known value the cell most likely means, or None when no guess is safe."""
        key = self._normalise(cell_text(value) or "")
        # A known word followed by more words is another thing, not a typo: "Kvinnor och män"
        # is the total, never "Kvinnor".
        candidates = [k for k in self._lookup if not key.startswith(k + " ")]
        close = difflib.get_close_matches(key, candidates, n=1, cutoff=self._cutoff)
        if not close:
            # A prefix is a strong hint too ("Skägg" -> Skäggetorp).
            close = [k for k in candidates if len(key) >= 3 and k.startswith(key)][:1]
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


# --- official statistics: names, missing-value markers, periods, area codes ------------------

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-"})


def norm_key(text: object) -> str:
    """A name as compared exactly: case-folded, spaces collapsed, dashes unified, units kept.

    Unlike `norm_name`, a unit in parentheses stays: "Andel (%)" and "Andel (antal)" differ.

    >>> norm_key("  Invånare 0–19 år,  andel (%) ")
    'invånare 0-19 år, andel (%)'
    """
    return " ".join(str(text).replace("\u00a0", " ").split()).translate(_DASHES).casefold()


# Cells that official statistics use for a value that is not there. Stored as missing, with
# the marker kept: '..' suppressed (sekretess), '.' not applicable, '-'/'–' no data (bortfall).
MISSING_MARKERS = ("..", ".", "-", "–", "NA", "NaN", "Missing")  # Missing: Kolada's status
_MISSING = {m.casefold() for m in MISSING_MARKERS}


def missing_marker(value: object) -> str | None:
    """The marker text if the cell is a missing-value marker, else None."""
    if isinstance(value, str):
        text = value.strip()
        if text.casefold() in _MISSING:
            return text
    return None


@dataclass(frozen=True, order=True)
class StatPeriod:
    """A period of official statistics: a year, or a part of one (quarter, month, half, tertial).

    `kind` is 'Y' (year), 'K' (quarter), 'M' (month), 'H' (half-year), 'T' (tertial) or 'N'
    (six digits YYYYNN, read as quarters or months once the whole table is seen).
    """

    year: int
    kind: str = "Y"
    part: int = 0

    @property
    def label(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "M":
            return f"{self.year}M{self.part:02d}"
        if self.kind == "N":  # not yet known to be a quarter or a month: as the file writes it
            return f"{self.year}{self.part:02d}"
        return f"{self.year}{self.kind}{self.part}"

    @property
    def parts_in_year(self) -> int:
        return {"K": 4, "M": 12, "H": 2, "T": 3, "Y": 1, "N": 12}[self.kind]

    @property
    def code(self) -> int:
        """The period as one integer (year, kind, part), which a column of millions of rows
        compares and groups at C speed: 2023K1 -> 2023101."""
        return self.year * 1000 + _KIND_NUMBER[self.kind] * 100 + self.part

    @classmethod
    def from_code(cls, code: int) -> StatPeriod:
        return cls(code // 1000, _KINDS[(code % 1000) // 100], code % 100)


_KINDS = ("Y", "K", "M", "H", "T", "N")
_KIND_NUMBER = {kind: n for n, kind in enumerate(_KINDS)}


_FOOTNOTE_MARKS = re.compile(r"[*¹²³⁴⁵⁶⁷⁸⁹⁰†‡§]+")
_SUB_YEAR = (
    (re.compile(r"^(?P<y>\d{4})\s*[-–/ ]?\s*(?:Q|K|KV|KVARTAL)\s*\.?\s*(?P<p>\d)$", re.I), "K"),
    (re.compile(r"^(?:Q|K|KV|KVARTAL)\s*\.?\s*(?P<p>\d)\s*[-–/ ]?\s*(?P<y>\d{4})$", re.I), "K"),
    (re.compile(r"^(?P<y>\d{4})\s*[-–]?\s*M\s*(?P<p>\d{1,2})$", re.I), "M"),
    (re.compile(r"^(?P<y>\d{4})-(?P<p>\d{2})$"), "M"),
    (re.compile(r"^(?P<y>\d{4})(?P<p>\d{2})$"), "N"),
    (re.compile(r"^(?P<y>\d{4})\s*[-–/ ]?\s*(?:H|HALVÅR)\s*(?P<p>\d)$", re.I), "H"),
    (re.compile(r"^(?:H|HALVÅR)\s*(?P<p>\d)\s*[-–/ ]?\s*(?P<y>\d{4})$", re.I), "H"),
    (re.compile(r"^(?P<y>\d{4})\s*[-–/ ]?\s*(?:T|TERTIAL)\s*(?P<p>\d)$", re.I), "T"),
)
_PART_LIMIT = {"K": 4, "M": 12, "N": 12, "H": 2, "T": 3}
_FOUR_DIGITS = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_ANY_DIGITS = re.compile(r"\d+")
# A year header may carry a short prefix or suffix ("År 2011", "2011 prel."), not a sentence.
_MAX_YEAR_DECORATION = 12


def parse_stat_period(value: object, *, header: bool = False) -> StatPeriod | None:
    """A period as official statistics write it; None when the cell is not a period at all.

    Raises ValueError when the cell looks like a period (holds a year) but cannot be read as
    exactly one, so that such a column is reported, never dropped. With `header`, text that
    merely mentions a year inside a longer title is not a period.

    >>> parse_stat_period("2011***"), parse_stat_period("2023 kv 1").label
    (StatPeriod(year=2011, kind='Y', part=0), '2023K1')
    """
    if is_blank(value) or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = " ".join(_FOOTNOTE_MARKS.sub("", str(value)).split())
    if not text:
        return None
    for pattern, kind in _SUB_YEAR:
        m = pattern.match(text)
        if m:
            year, part = int(m.group("y")), int(m.group("p"))
            if not 1900 <= year <= 2100:
                if kind == "N":
                    break  # six digits that are no YYYYNN, e.g. a count
                raise ValueError(value)
            if not 1 <= part <= _PART_LIMIT[kind]:
                raise ValueError(value)  # 202013, 2023Q5: a period that cannot be
            return StatPeriod(year, kind, part)
    years = [int(y) for y in _FOUR_DIGITS.findall(text) if 1900 <= int(y) <= 2100]
    if not years:
        return None
    rest = _FOUR_DIGITS.sub("", text, count=1).strip(" -–/.,:()")
    if header and len(rest) > _MAX_YEAR_DECORATION:
        return None  # a title such as "Nystartade företag 2011- efter kvartal"
    if len(years) == 1 and not _ANY_DIGITS.search(rest) and len(rest) <= _MAX_YEAR_DECORATION:
        return StatPeriod(years[0])
    raise ValueError(value)


_LEADING_CODE = re.compile(
    r"^(?P<code>\d{2}|\d{4}|\d{4}[A-Za-z]\d{3,4})(?:_(?:RegSO|DeSO)\d{4})?(?:\s+|\s*[-–:]\s*)(?P<name>\D.*)$"
)
_CODE_ONLY = re.compile(r"^(?P<code>\d{1,4}|\d{4}[A-Za-z]\d{3,4})(?:_(?:RegSO|DeSO)\d{4})?$", re.I)
_CODE_SUFFIX = re.compile(r"_(?:regso|deso)\d{4}$", re.I)


def split_area(text: str) -> tuple[str | None, str]:
    """An area cell as (official code or None, name): '0580 Linköping' -> ('0580', 'Linköping').

    >>> split_area("0580R001_RegSO2025"), split_area("20 Dalarnas län"), split_area("Ryd")
    (('0580R001', ''), ('20', 'Dalarnas län'), (None, 'Ryd'))
    """
    text = " ".join(text.split())
    m = _CODE_ONLY.match(text)
    if m:
        return m.group("code"), ""
    m = _LEADING_CODE.match(text)
    if m:
        return m.group("code"), m.group("name").strip()
    return None, text


def strip_code_suffix(code: str) -> str:
    """'0580R001_RegSO2025' -> '0580R001': SCB's vintage suffix is no part of the code."""
    return _CODE_SUFFIX.sub("", code.strip())


def norm_code(code: object) -> str:
    """An official area code as compared: '0580' = '580' = 580, '0580R001_RegSO2025' = '0580r001'."""
    text = strip_code_suffix(cell_text(code) or "").casefold()
    if text.isdigit():
        return text.lstrip("0") or "0"
    return text


class IndicatorMatcher(CodeMatcher):
    """Indicators by code, then by exact name (units kept), then by a name without its unit
    only when that is unambiguous. Suggestions only for a near-identical code or name."""

    def __init__(self, entries: Iterable[tuple[str, str, str | None]]) -> None:
        entries = list(entries)  # (code, name, unit)
        super().__init__("Okänd indikator", ((c, n, ()) for c, n, _ in entries), norm_key, 0.9)
        self._codes = {norm_key(c): c for c, _, _ in entries}
        self._units = {c: norm_key(u) if u else "" for c, _, u in entries}
        self._names = {c: n for c, n, _ in entries}
        stems: dict[str, list[str]] = {}
        for code, name, _ in entries:
            stems.setdefault(norm_name(name), []).append(code)
        self._stems = stems

    def match(self, value: object) -> object | None:
        text = cell_text(value)
        if text is None:
            return None
        key = norm_key(text)
        found = self._codes.get(key) or self._lookup.get(key)
        if found is not None:
            return found
        # "Arbetslöshet (%)" for the indicator "Arbetslöshet" whose unit is %: the same one.
        # Only for a definition whose name has no unit of its own: names that differ in their
        # units are different indicators.
        codes = [c for c in self._stems.get(norm_name(text), []) if not _unit_of(self._names[c])]
        unit = _unit_of(text)
        if len(codes) == 1 and unit and self._units[codes[0]] == unit:
            return codes[0]
        return None

    def suggest(self, value: object) -> str | None:
        key = norm_key(cell_text(value) or "")
        close = difflib.get_close_matches(key, list(self._codes), n=1, cutoff=0.75)
        if close:
            return self.display(self._codes[close[0]])
        close = difflib.get_close_matches(key, list(self._lookup), n=1, cutoff=0.9)
        return self.display(self._lookup[close[0]]) if close else None


_TRAILING_UNIT = re.compile(r"\(([^()]*)\)\s*$")


def _unit_of(text: str) -> str:
    m = _TRAILING_UNIT.search(text)
    return norm_key(m.group(1)) if m else ""


def official_code(value: object) -> str | None:
    """An area code as SCB writes it: a code stored as a number lost its leading zeros, so
    580 is 0580 (kommun) and 1 is 01 (län); text codes stay as they are."""
    if is_blank(value) or missing_marker(value) is not None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return cell_text(value)
        number = int(value)
        return (
            f"{number:02d}" if number < 100 else f"{number:04d}" if number < 10000 else str(number)
        )
    return cell_text(value)


def reads_as_number(value: object) -> bool:
    """True for a number as analysts write one, or a missing-value marker in its place."""
    if missing_marker(value) is not None:
        return True
    try:
        return parse_number(value) is not None
    except ValueError:
        return False
