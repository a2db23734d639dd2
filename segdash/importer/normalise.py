"""Checking each recognised table cell by cell and turning it into rows for the database.

Work is done per distinct value where possible (codes, years), so a sheet of hundreds of
thousands of rows costs little more than its few thousand distinct values. A plain CSV's
indicator values come as codes of their distinct texts (Categoricals, see tables.cells), and
checked indicator values leave as codes too: a national file of millions of rows never has a
Python object per cell. Every problem becomes an Issue; a table with errors still yields its
good rows so that all errors of a file are found in one pass (the caller writes nothing when
any error exists).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from segdash import domain, fmt
from segdash.importer import forms as form_contract
from segdash.importer import spec
from segdash.importer.issues import ERROR, WARNING, Issue, row_ranges, show_value
from segdash.importer.options import ImportOptions, named_part, per_year_label
from segdash.importer.spec import norm_name
from segdash.importer.tables import VALUE_HEADER_NAMES, Table, as_cells, cells, distinct, first_seen
from segdash.importer.values import (
    CodeMatcher,
    IndicatorMatcher,
    StatPeriod,
    cell_text,
    is_blank,
    missing_marker,
    norm_code,
    norm_key,
    official_code,
    parse_number,
    parse_stat_period,
    parse_year,
    reads_as_number,
    split_area,
    split_list,
    strip_code_suffix,
)
from segdash.reporting.mail import is_email
from segdash.store import TABLE_COLUMNS

_LEADING_AREA_NO = re.compile(r"^\s*(\d{1,2})\s*[.:)\-–]?\s+\S")


class Context:
    """What incoming rows are checked against: the current data, plus what the upload adds."""

    def __init__(self, reference: dict[str, pd.DataFrame], *, is_demo: bool = False) -> None:
        self.is_demo = is_demo  # the demo's own workbooks: their example sources stand
        self.areas = {int(r.area_no): r.name for r in reference["areas"].itertuples()}
        self.offices = {r.code: r.name for r in reference["offices"].itertuples()}
        self.districts = {
            r.code: (r.name, r.district_type) for r in reference["districts"].itertuples()
        }
        self.region_codes: dict[str, str] = {}  # normalised official code -> district code
        self.region_code_of: dict[str, str] = {}  # district code -> official code as stored
        for r in reference["districts"].itertuples():
            if isinstance(getattr(r, "region_code", None), str) and r.region_code:
                self.region_codes.setdefault(norm_code(r.region_code), r.code)
                self.region_code_of[r.code] = r.region_code
        self.indicators = {r.code: r.name for r in reference["indicators"].itertuples()}
        self.indicator_units: dict[str, str | None] = {}
        self.indicator_sources: dict[str, str | None] = {}
        for r in reference["indicators"].itertuples():
            self.indicator_units[r.code] = _text_or_none(getattr(r, "unit", None))
            self.indicator_sources[r.code] = _text_or_none(getattr(r, "source", None))
        # plan year -> {action number: lead office}; an uploaded plan year replaces the stored one
        self.plans: dict[int, dict[str, str]] = {}
        # (plan year, action number) -> title: a follow-up that names the action is checked
        self.titles: dict[tuple[int, str], str] = {}
        for r in reference["actions"].itertuples():
            self.plans.setdefault(int(r.plan_year), {})[r.action_no] = r.lead_office
            title = getattr(r, "title", None)
            if isinstance(title, str):
                self.titles[(int(r.plan_year), r.action_no)] = title
        # Areas of a boundary file that match no known area, per file (the page offers to add).
        self.unknown_areas: dict[str, int] = {}
        # Areas that indicator files add (--add-districts), per file: rows for its batch.
        self.added_districts: dict[str, list[dict]] = {}
        self.rebuild()

    def rebuild(self) -> None:
        self.area_matcher = CodeMatcher(
            "Okänt utvecklingsområde",
            ((no, f"{no} {name}", (str(no), name)) for no, name in sorted(self.areas.items())),
        )
        self.office_matcher = CodeMatcher(
            "Okänd förvaltning", ((c, n, (c,)) for c, n in sorted(self.offices.items()))
        )
        self._rebuild_districts()
        self.indicator_matcher = IndicatorMatcher(
            (c, n, self.indicator_units.get(c)) for c, n in sorted(self.indicators.items())
        )

    def _rebuild_districts(self) -> None:
        self.district_matcher = CodeMatcher(
            "Okänt område", ((c, n, (c,)) for c, (n, _) in self.districts.items()), norm_key
        )

    @property
    def focus_districts(self) -> list[str]:
        return [c for c, (_, kind) in self.districts.items() if kind == "fokus"]

    def match_area(self, code: str | None, name: str | None) -> str | None:
        """A district by its official code first, then by its name or code as written."""
        if code:
            found = self.region_codes.get(norm_code(code))
            if found is not None:
                return found
        if name:
            leading, rest = split_area(name)
            if leading:
                found = self.region_codes.get(norm_code(leading))
                if found is not None:
                    return found
            found = self.district_matcher.match(name)
            if found is None and leading and rest:
                found = self.district_matcher.match(rest)
            return found
        return None

    def add_district(self, file: str, code: str | None, name: str | None) -> str:
        """An unknown area as a comparison area of this file's batch; returns its code."""
        leading, rest = split_area(name) if name else (None, "")
        region_code = code or leading
        display = rest or name or region_code or ""
        key = display
        known = key in self.districts
        self.districts[key] = (display, "jämförelse")
        if region_code:
            self.region_codes.setdefault(norm_code(region_code), key)
        self.added_districts.setdefault(file, []).append(
            {
                "code": key,
                "name": display,
                "district_type": "jämförelse",
                "region_code": region_code,
            }
        )
        if known:
            self._rebuild_districts()
        else:  # a national file adds thousands: one at a time, not the whole list each time
            self.district_matcher.add(key, display, (key,))
        return key


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


STATUS_MATCHER = CodeMatcher(
    "Okänd status", ((s.code, s.label, (s.code, *s.aliases)) for s in domain.STATUSES)
)
SEX_MATCHER = CodeMatcher("Okänt kön", ((c, n, a) for c, n, a in domain.SEXES))
YES_NO_MATCHER = CodeMatcher(
    "Okänt värde", ((True, "ja", domain.YES_WORDS), (False, "nej", domain.NO_WORDS))
)
DISTRICT_TYPE_MATCHER = CodeMatcher(
    "Okänd områdestyp",
    (
        ("fokus", "fokus", ("focus", "fokusområde")),
        ("referens", "referens", ("reference", "kommunen", "kommun")),
        ("jämförelse", "jämförelse", ("comparison", "jämförelseområde", "övrigt")),
    ),
)


class _Checker:
    """Collects issues for one table and converts its columns; with `codes`, a column the
    table lacks is an empty one of codes (a Categorical), not a Python None per row."""

    def __init__(self, table: Table, codes: bool = False) -> None:
        self.table = table
        self.codes = codes
        self.frame = table.frame
        self.issues: list[Issue] = []
        self.bad = np.zeros(len(self.frame), dtype=bool)  # rows with an error

    def error(
        self,
        positions,
        key: str,
        message: str | Callable[[object], str],
        values: pd.Series | None = None,
        severity: str = ERROR,
    ) -> None:
        rows = self.frame["_row"].to_numpy()
        # Wide indicator sheets: a value's column is the year column it came from.
        columns = self.frame["_column"].to_numpy() if "_column" in self.frame else None
        for pos in np.flatnonzero(positions) if isinstance(positions, np.ndarray) else positions:
            value = None if values is None else values.iloc[pos]
            text = message(value) if callable(message) else message
            issue = self.table.issue(severity, text, rows[pos], key, show_value(value))
            if columns is not None and key == "value":
                issue = replace(issue, column=str(columns[pos]))
            self.issues.append(issue)
            if severity == ERROR:
                self.bad[pos] = True

    def raw(self, key: str) -> pd.Series:
        if key in self.frame:
            return self.frame[key]
        if self.codes:
            return _coded(np.full(len(self.frame), -1), [])
        return pd.Series([None] * len(self.frame), dtype=object)

    def require(self, key: str) -> np.ndarray:
        missing = self.raw(key).isna().to_numpy()
        label = self.table.header(key)
        self.error(missing, key, f"Värde saknas i den obligatoriska kolumnen {label}.")
        return ~missing

    def converted(
        self,
        key: str,
        convert: Callable[[object], object],
        message: Callable[[object], str],
        required: bool = False,
    ) -> tuple[np.ndarray, list[object]]:
        """Each row's number among the column's distinct values (-1: blank) and each distinct
        value converted once; a ValueError or None result is an error on its rows."""
        raw = self.raw(key)
        if required:
            self.require(key)
        labels, uniques = distinct(raw)
        converted: list[object] = []
        failed: list[int] = []
        for n, value in enumerate(uniques):
            try:
                result = convert(value)
            except ValueError:
                result = None
            if result is None:
                failed.append(n)
            converted.append(result)
        if failed:
            self.error(np.isin(labels, failed), key, message, raw)
        return labels, converted

    def by_value(
        self,
        key: str,
        convert: Callable[[object], object],
        message: Callable[[object], str],
        required: bool = False,
    ) -> pd.Series:
        """Convert each distinct value once; a ValueError or None result is an error."""
        labels, converted = self.converted(key, convert, message, required)
        table = np.empty(len(converted) + 1, dtype=object)  # the last slot: blank cells
        table[: len(converted)] = converted
        return pd.Series(table[labels], index=self.raw(key).index, dtype=object)

    def coded(
        self,
        key: str,
        convert: Callable[[object], object],
        message: Callable[[object], str],
        required: bool = False,
        blank: object = None,
    ) -> pd.Series:
        """`by_value` as codes of the converted values (a Categorical: millions of rows, a few
        thousand distinct values); blank cells and errors hold `blank`."""
        return _coded(*self.converted(key, convert, message, required), blank)

    def text(self, key: str, required: bool = False) -> pd.Series:
        raw = self.raw(key)
        if required:
            self.require(key)
        if isinstance(raw.dtype, pd.CategoricalDtype):  # text: each distinct one once
            labels, uniques = distinct(raw)
            table = np.empty(len(uniques) + 1, dtype=object)
            table[: len(uniques)] = [cell_text(value) for value in uniques]
            return pd.Series(table[labels], index=raw.index, dtype=object)
        return raw.map(cell_text, na_action="ignore").astype(object).where(raw.notna(), None)

    def coded_text(self, key: str) -> pd.Series:
        """`text` as codes of the distinct texts."""
        raw = self.raw(key)
        if isinstance(raw.dtype, pd.CategoricalDtype):
            labels, uniques = distinct(raw)
            return _coded(labels, [cell_text(value) for value in uniques])
        # A cell is text by its type (True is "ja", 1 is "1"): one by one, then as codes.
        labels, uniques = pd.factorize(self.text(key).to_numpy(dtype=object))
        return _coded(labels, list(uniques))

    def number(self, key: str, low: float | None = None, high: float | None = None) -> pd.Series:
        raw = self.raw(key)
        if isinstance(raw.dtype, pd.CategoricalDtype):  # text: each distinct one once
            labels, uniques = distinct(raw)
            numbers, no_number = _numbers(uniques)
            out = pd.Series(np.append(numbers, np.nan)[labels], index=raw.index, copy=False)
            bad = np.flatnonzero(np.append(no_number, False)[labels])
        else:
            values = _real_numbers(raw)
            slow = np.flatnonzero(raw.notna().to_numpy() & np.isnan(values))
            # Cells that are no int or float (text, True, dates), each distinct one once.
            labels, uniques = pd.factorize(raw.to_numpy(dtype=object)[slow])
            numbers, no_number = _numbers(np.asarray(uniques, dtype=object))
            values[slow] = numbers[labels]
            bad = slow[no_number[labels]]
            out = pd.Series(values, index=raw.index, copy=False)
        label = self.table.header(key)
        self.error(bad.tolist(), key, lambda v: f"”{show_value(v)}” är inget tal ({label}).", raw)
        if low is not None or high is not None:
            outside = ((out < low) | (out > high)).to_numpy()
            self.error(
                outside,
                key,
                lambda v: f"{label} ska vara mellan {low:g} och {high:g} (var {show_value(v)}).",
                raw,
            )
        return out

    def year(self, key: str, required: bool = False) -> pd.Series:
        label = self.table.header(key)
        return self.by_value(
            key,
            parse_year,
            lambda v: f"”{show_value(v)}” är inget årtal ({label}: fyra siffror, t.ex. 2022).",
            required,
        )

    def code(self, key: str, matcher: CodeMatcher, required: bool = False) -> pd.Series:
        return self.by_value(key, matcher.match, matcher.unknown_message, required)

    def duplicates(
        self, keys: list[str], describe: Callable[[pd.Series], str], column: str | None = None
    ) -> None:
        """An error on every repeat of a key, naming the row it first appeared on; reported
        under `column` (a sheet column key), by default the first key."""
        column = column or keys[0]
        frame = self.frame[keys]
        complete = frame.notna().all(axis=1)
        dup = frame.duplicated(keep="first") & complete
        if not dup.any():
            return
        first_rows = self.frame[complete].groupby(keys, sort=False, dropna=True)["_row"].first()
        for pos in np.flatnonzero(dup.to_numpy()):
            row = frame.iloc[pos]
            first = first_rows.loc[tuple(row)] if len(keys) > 1 else first_rows.loc[row.iloc[0]]
            self.error(
                [pos], column, f"{describe(row)} finns redan på rad {first}.", self.raw(column)
            )

    def good(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[~self.bad].reset_index(drop=True)

    def result(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
        """The good rows, and the issues once each (a wide sheet repeats a bad cell per year)."""
        return self.good(frame), list(dict.fromkeys(self.issues))


def _coded(labels: np.ndarray, values: list[object], blank: object = None) -> pd.Series:
    """The column whose row i holds values[labels[i]] (`blank` where the label is -1 or the
    value None), as codes: a Categorical of its distinct values."""
    table = np.empty(len(values) + 1, dtype=object)
    table[: len(values)] = values
    table[np.equal(table, None)] = blank
    codes, categories = pd.factorize(table, use_na_sentinel=True)
    # The per-value codes in the narrowest type first, so that the one pass over the rows
    # makes the Categorical's own codes (a national file: 2 000 000 rows per column).
    narrow = codes.astype(np.min_scalar_type(-max(len(categories), 1)))
    return pd.Series(
        pd.Categorical.from_codes(
            narrow[labels], categories=pd.Index(categories, dtype=object), validate=False
        )
    )


def _constant(value: object, rows: int) -> pd.Series:
    """`rows` rows holding `value`, as codes."""
    return _coded(np.zeros(rows, dtype=np.int64), [value])


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns held as codes or nullable integers as plain objects, None where missing: the
    form the rare row-by-row paths (collisions, sub-year periods) were written for."""
    columns = {}
    for key in frame:
        column = frame[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = pd.Series(cells(column), index=frame.index, dtype=object)
        elif isinstance(column.dtype, pd.Int64Dtype):
            column = column.astype(object).where(column.notna(), None)
        columns[key] = column
    return pd.DataFrame(columns, index=frame.index)


def _real_numbers(column: pd.Series) -> np.ndarray:
    """The cells that are an int or a float (not True, not text) as floats, NaN elsewhere."""
    cells = column.to_numpy(dtype=object)
    types = np.fromiter(map(type, cells), dtype=object, count=len(cells))
    real = (types == float) | (types == int)  # noqa: E721 - element-wise, as in tables
    values = np.full(len(cells), np.nan)
    try:
        values[real] = cells[real].astype(float)
    except OverflowError:  # an int too big for a float, as pandas reads it
        return pd.to_numeric(column.where(real), errors="coerce").to_numpy(dtype=float)
    return values


_PLAIN_NUMBER = r"^-?[0-9]{1,15}([.,][0-9]{1,15})?$"


def _numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each of these distinct cells as `parse_number` reads it (NaN for blank), and which are
    no numbers. Text that is plainly a number (digits, at most one decimal point or comma) is
    converted by pyarrow in one go, exactly as `float` would; the rest one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    rest = np.ones(len(values), dtype=bool)
    try:
        text = pa.array(values, type=pa.string())
    except (pa.ArrowException, TypeError):  # cells that are no text: one by one
        text = None
    if text is not None and len(text):
        plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER), False)
        positions = np.flatnonzero(plain.to_numpy(zero_copy_only=False))
        dotted = pc.replace_substring(text.take(positions), ",", ".")
        numbers[positions] = pc.cast(dotted, pa.float64()).to_numpy(zero_copy_only=False)
        rest[positions] = False
    for n in np.flatnonzero(rest):
        try:
            number = parse_number(values[n])
        except ValueError:
            bad[n] = True
            continue
        numbers[n] = np.nan if number is None else number
    return numbers, bad


def _year_or_date(value: object) -> str | None:
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    text = cell_text(value)
    if text is None:
        return None
    try:
        return str(parse_year(text))
    except ValueError:
        pass
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(value) from None


def _action_no(value: object) -> str | None:
    text = cell_text(value)
    if text is None or len(text) > 20:
        raise ValueError(value)
    return text


def _list_codes(
    ck: _Checker, key: str, matcher: CodeMatcher, all_codes: list[str] | None, required: bool
) -> pd.Series:
    """A list cell ('Berga; Ryd' or 'Alla') as a list of codes; unknown items are errors."""
    raw = ck.raw(key)
    if required:
        ck.require(key)
    results: dict[object, list[str] | None] = {}
    messages: dict[object, str] = {}
    for value in raw.dropna().unique():
        codes: list[str] = []
        unknown = []
        for item in split_list(value):
            if all_codes is not None and item.casefold() in domain.ALL_DISTRICTS_WORDS:
                codes.extend(all_codes)
                continue
            code = matcher.match(item)
            if code is None:
                unknown.append(matcher.unknown_message(item))
            elif code not in codes:
                codes.append(code)
        results[value] = None if unknown else codes
        if unknown:
            messages[value] = " ".join(unknown)
    out = raw.map(results, na_action="ignore")
    if messages:
        ck.error(raw.isin(list(messages)).to_numpy(), key, lambda v: messages[v], raw)
    return out.map(lambda v: v if isinstance(v, list) else [])


# --- master data ------------------------------------------------------------------------


def offices(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    ck = _Checker(table)
    out = pd.DataFrame(
        {
            "code": ck.text("code", True),
            "name": ck.text("name", True),
            "contact_email": ck.text("contact_email"),
        }
    )
    label = table.header("contact_email")
    ck.error(
        out["contact_email"].map(lambda v: v is not None and not is_email(v)).to_numpy(),
        "contact_email",
        lambda v: (
            f"”{show_value(v)}” är ingen e-postadress ({label}: en adress, t.ex. "
            "namn@linkoping.se)."
        ),
        ck.raw("contact_email"),
    )
    ck.frame = ck.frame.assign(code=out["code"])
    ck.duplicates(["code"], lambda r: f"Förvaltningen {r.iloc[0]}")
    out, issues = ck.result(out)
    ctx.offices.update(zip(out["code"], out["name"], strict=True))
    ctx.rebuild()
    return out, issues


def districts(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    ck = _Checker(table)
    codes = ck.text("code", True)
    kinds = ck.code("district_type", DISTRICT_TYPE_MATCHER)
    # A row without a type keeps the type the district already has (a rename stays "fokus").
    known = codes.map(lambda c: ctx.districts.get(c, (None, "jämförelse"))[1], na_action="ignore")
    # Likewise its official code (Linköping keeps 0580).
    region = ck.text("region_code").map(strip_code_suffix, na_action="ignore")
    region = region.where(region.notna(), codes.map(ctx.region_code_of.get, na_action="ignore"))
    out = pd.DataFrame(
        {
            "code": codes,
            "name": ck.text("name", True),
            "district_type": kinds.where(kinds.notna(), known),
            "region_code": region.astype(object).where(region.notna(), None),
        }
    )
    ck.frame = ck.frame.assign(code=codes)
    ck.duplicates(["code"], lambda r: f"Området {r.iloc[0]}")
    out, issues = ck.result(out)
    for r in out.itertuples():
        ctx.districts[r.code] = (r.name, r.district_type)
        if isinstance(r.region_code, str):
            ctx.region_codes[norm_code(r.region_code)] = r.code
            ctx.region_code_of[r.code] = r.region_code
    ctx.rebuild()
    return out, issues


def areas(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    ck = _Checker(table)

    def area_no(value: object) -> int | None:
        number = parse_number(value)
        if number is None or not number.is_integer() or not 1 <= number <= 99:
            raise ValueError(value)
        return int(number)

    out = pd.DataFrame(
        {
            "area_no": ck.by_value(
                "area_no",
                area_no,
                lambda v: f"”{show_value(v)}” är inget områdesnummer (1–99).",
                True,
            ),
            "name": ck.text("name", True),
        }
    )
    ck.frame = ck.frame.assign(area_no=out["area_no"])
    ck.duplicates(["area_no"], lambda r: f"Utvecklingsområde {r.iloc[0]}")
    out, issues = ck.result(out)
    out["area_no"] = out["area_no"].astype(int)
    ctx.areas.update(zip(out["area_no"], out["name"], strict=True))
    ctx.rebuild()
    return out, issues


def _area_code(ctx: Context) -> Callable[[object], int | None]:
    def convert(value: object) -> int | None:
        found = ctx.area_matcher.match(value)
        if found is None and (m := _LEADING_AREA_NO.match(str(value))):
            found = ctx.area_matcher.match(m.group(1))  # "1. Ökad trygghet …"
        return found

    return convert


def indicators(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    ck = _Checker(table)
    out = pd.DataFrame(
        {
            "code": ck.text("code", True),
            "name": ck.text("name", True),
            "unit": ck.text("unit"),
            "higher_is_better": ck.by_value(
                "higher_is_better",
                YES_NO_MATCHER.match,
                lambda v: (
                    f"Skriv ja eller nej i {table.header('higher_is_better')} "
                    f"(var ”{show_value(v)}”)."
                ),
            ),
            "area_no": ck.by_value("area", _area_code(ctx), ctx.area_matcher.unknown_message),
            "source": ck.text("source"),
            "definition": ck.text("definition"),
        }
    )
    ck.frame = ck.frame.assign(code=out["code"])
    ck.duplicates(["code"], lambda r: f"Indikatorn {r.iloc[0]}")
    # Every defined code counts as known, even on a row with another error, so the values
    # sheet is not flooded with "unknown indicator" errors that come from one bad cell.
    named = out[out["code"].notna() & out["name"].notna()]
    ctx.indicators.update(zip(named["code"], named["name"], strict=True))
    for r in named.itertuples():
        ctx.indicator_units[r.code] = _text_or_none(r.unit)
        ctx.indicator_sources[r.code] = _text_or_none(r.source)
    ctx.rebuild()
    out, issues = ck.result(out)
    out["higher_is_better"] = out["higher_is_better"].astype("boolean")
    out["area_no"] = out["area_no"].astype("Int64")
    return out, issues


# --- the plan ---------------------------------------------------------------------------


def plan(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    ck = _Checker(table)
    numbers = ck.by_value(
        "action_no", _action_no, lambda v: f"”{show_value(v)}” är inget åtgärdsnummer.", True
    )
    # A number cell like 1.1 may have been typed as 1.10; Excel can't tell us, so warn.
    raw_no = ck.raw("action_no")
    as_float = raw_no.map(lambda v: isinstance(v, float) and not v.is_integer(), na_action="ignore")
    ck.error(
        as_float.fillna(False).to_numpy(dtype=bool),
        "action_no",
        lambda v: (
            f"Nr {show_value(v)} är sparat som tal i Excel. Om det ska vara t.ex. "
            f"{show_value(v)}0, formatera kolumnen som text."
        ),
        raw_no,
        WARNING,
    )
    out = pd.DataFrame(
        {
            "plan_year": ck.year("plan_year", True),
            "action_no": numbers,
            "area_no": ck.by_value("area", _area_code(ctx), ctx.area_matcher.unknown_message, True),
            "title": ck.text("title", True),
            "description": ck.text("description"),
            "lead_office": ck.code("lead_office", ctx.office_matcher, True),
            "partner_offices": _list_codes(ck, "partner_offices", ctx.office_matcher, None, False),
            "districts": _list_codes(
                ck, "districts", ctx.district_matcher, ctx.focus_districts, True
            ),
            "start_when": ck.by_value(
                "start", _year_or_date, lambda v: f"”{show_value(v)}” är inget år eller datum."
            ),
            "end_when": ck.by_value(
                "end", _year_or_date, lambda v: f"”{show_value(v)}” är inget år eller datum."
            ),
        }
    )
    ck.frame = ck.frame.assign(plan_year=out["plan_year"], action_no=out["action_no"])
    ck.duplicates(
        ["action_no", "plan_year"], lambda r: f"Åtgärd {r.iloc[0]} för planår {r.iloc[1]}"
    )
    out, issues = ck.result(out)
    out["plan_year"] = out["plan_year"].astype(int)
    out["area_no"] = out["area_no"].astype(int)
    for year, rows in out.groupby("plan_year"):
        ctx.plans[int(year)] = dict(zip(rows["action_no"], rows["lead_office"], strict=True))
        ctx.titles = {k: v for k, v in ctx.titles.items() if k[0] != int(year)}
        ctx.titles.update(
            ((int(year), no), title)
            for no, title in zip(rows["action_no"], rows["title"], strict=True)
        )
    return out, issues


# --- follow-up ----------------------------------------------------------------------------


def _form_rows(table: Table) -> tuple[Table, list[Issue]]:
    """A reporting round's form: rows without a status are not reported yet (one warning
    naming them), unless something else on the row was filled in (an error: it would be
    lost); a locked cell changed anyway is a warning, and the form's value stands."""
    form = table.form
    assert form is not None
    frame = table.frame
    issues: list[Issue] = []

    def filled(key: str) -> np.ndarray:
        if key not in frame:
            return np.zeros(len(frame), dtype=bool)
        return ~frame[key].map(is_blank).to_numpy(dtype=bool)

    frame = frame.copy()
    changed: list[Issue] = []  # locked cells typed over, on any row (said after the rest)
    for key in form_contract.LOCKED_KEYS:
        if key not in frame:
            continue
        column = frame[key].astype(object).copy()
        for pos, row in enumerate(frame["_row"]):
            original = form.rows.get(int(row), {}).get(key)
            if original is None:
                continue
            value = column.iloc[pos]
            now = "" if is_blank(value) else cell_text(value)
            if now == original:
                continue
            changed.append(
                table.issue(
                    WARNING,
                    f"{table.header(key)} är låst i blanketten men har ändrats (stod ”{original}”). "
                    "Ändringen läses inte in; blankettens värde gäller.",
                    row,
                    key,
                    show_value(value),
                )
            )
            column.iloc[pos] = original
        frame[key] = column
    no_status = ~filled("status")
    written = {key: filled(key) for key in ("progress", "comment")}
    for pos in np.flatnonzero(no_status & (written["progress"] | written["comment"])):
        what = " och ".join(table.header(k) for k in ("progress", "comment") if written[k][pos])
        issues.append(
            table.issue(
                ERROR,
                f"Status saknas, men {what} är ifyllt. Välj en status, annars kan det som skrivits "
                "inte sparas.",
                frame["_row"].iloc[pos],
                "status",
            )
        )
    rows = frame["_row"].to_numpy()
    not_reported = [
        form.rows.get(int(row), {}).get("action_no") or cell_text(frame["action_no"].iloc[pos])
        for pos, row in enumerate(rows)
        if no_status[pos] and not (written["progress"][pos] or written["comment"][pos])
    ]
    not_reported = [no for no in not_reported if no]
    if not_reported:
        shown = ", ".join(not_reported[:30]) + (" …" if len(not_reported) > 30 else "")
        issues.append(
            Issue(
                WARNING,
                f"{fmt.count(len(not_reported), 'åtgärd', 'åtgärder')} har ingen status och "
                f"räknas som inte rapporterade: {shown}.",
                table.file,
                table.sheet,
            )
        )
    frame = frame[~no_status].reset_index(drop=True)
    return replace(table, frame=frame), issues + changed


def followup(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    form_issues: list[Issue] = []
    if table.form is not None:
        table, form_issues = _form_rows(table)
    ck = _Checker(table)
    ck.issues.extend(form_issues)
    period_label = table.header("period")
    out = pd.DataFrame(
        {
            "action_no": ck.by_value(
                "action_no",
                _action_no,
                lambda v: f"”{show_value(v)}” är inget åtgärdsnummer.",
                True,
            ),
            "period": ck.by_value(
                "period",
                domain.parse_period,
                lambda v: (
                    f"”{show_value(v)}” är ingen giltig period ({period_label}). Skriv "
                    "t.ex. 2022, 2022-T1, 2022-H1, 2022-Q3, Delår 2022 eller Helår 2022."
                ),
                True,
            ),
            "status": ck.code("status", STATUS_MATCHER, True),
            "progress": ck.number("progress", 0, 100),
            "comment": ck.text("comment"),
            "reported_office": ck.code("lead_office", ctx.office_matcher),
            "given_plan_year": ck.year("plan_year"),
            "title": ck.text("title"),
        }
    )
    # A cell in Excel's percent format holds 0.5 for "50 %"; the contract asks for 0–100.
    label = table.header("progress")
    ck.error(
        ((out["progress"] > 0) & (out["progress"] < 1)).to_numpy(),
        "progress",
        lambda v: (
            f"{label} {show_value(v)} ser ut att vara en andel och läses som "
            f"{show_value(v)} procent. Menar du {show_value(parse_number(v) * 100)} procent? "
            "Skriv procent (0–100)."
        ),
        ck.raw("progress"),
        WARNING,
    )
    plan_years = sorted(ctx.plans)
    resolved: list[object] = []
    for pos, r in enumerate(out.itertuples()):
        year: int | None = None
        if r.period is None or r.action_no is None:
            resolved.append(None)
            continue
        if r.given_plan_year is not None:
            year = int(r.given_plan_year)
            if year not in ctx.plans:
                ck.error(
                    [pos],
                    "plan_year",
                    f"Det finns ingen åtgärdsplan för planår {year}.",
                    ck.raw("plan_year"),
                )
                resolved.append(None)
                continue
        else:
            year = domain.plan_in_force(plan_years, r.period)
            if year is None:
                ck.error(
                    [pos],
                    "period",
                    f"Det finns ingen åtgärdsplan för {domain.period_year(r.period)} eller "
                    "tidigare att koppla uppföljningen till. Importera åtgärdsplanen först.",
                    ck.raw("period"),
                )
                resolved.append(None)
                continue
        plan_actions = ctx.plans[year]
        if r.action_no not in plan_actions:
            ck.error(
                [pos],
                "action_no",
                f"Åtgärd {r.action_no} finns inte i åtgärdsplanen för {year}.",
                ck.raw("action_no"),
            )
        elif (
            table.form is None
            and r.title is not None
            and ctx.titles.get((year, r.action_no), r.title) != r.title
        ):
            ck.error(
                [pos],
                "title",
                f"{table.header('title')} skiljer sig från planen, där den är "
                f"”{ctx.titles[(year, r.action_no)]}”. Rubriken läses inte in från uppföljningen.",
                ck.raw("title"),
                WARNING,
            )
        if (
            r.action_no in plan_actions
            and r.reported_office is not None
            and r.reported_office != plan_actions[r.action_no]
        ):
            lead = ctx.offices.get(plan_actions[r.action_no], plan_actions[r.action_no])
            ck.error(
                [pos],
                "lead_office",
                f"Ansvarig förvaltning skiljer sig från planen, där den är {lead}.",
                ck.raw("lead_office"),
                WARNING,
            )
        resolved.append(year)
    out.insert(0, "plan_year", pd.Series(resolved, dtype=object))
    out = out.drop(columns=["given_plan_year", "title"])
    ck.frame = ck.frame.assign(
        plan_year=out["plan_year"], action_no=out["action_no"], period=out["period"]
    )
    ck.duplicates(
        ["action_no", "plan_year", "period"],
        lambda r: f"Uppföljning av åtgärd {r.iloc[0]} (planår {r.iloc[1]}) för period {r.iloc[2]}",
    )
    out, issues = ck.result(out)
    out["plan_year"] = out["plan_year"].astype(int)
    return out, issues


# --- indicator values ---------------------------------------------------------------------
# The template's long and wide forms, and official statistics as they come: the same checks,
# with the analyst's choices (ImportOptions) applied on the way.

_KIND_NAMES = {"K": "kvartal", "M": "månader", "H": "halvår", "T": "tertial", "N": "delår"}
_MUST_EXIST = " Indikatorn måste finnas sedan tidigare eller definieras på bladet Indikatorer."
_ADD_AREA_HINT = (
    "Lägg till området på bladet Områden eller med --add-districts (på sidan: ”Lägg till okända "
    "områden”)."
)


def _empty_values() -> pd.DataFrame:
    return pd.DataFrame(columns=list(TABLE_COLUMNS["indicator_value"]))


def indicator_values(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    options = table.options
    issues: list[Issue] = []
    table, where_issues = _apply_where(table, options)
    issues += where_issues
    if any(i.is_error for i in where_issues):
        return _empty_values(), issues
    if table.period_columns and "value" not in table.frame:
        table, wide_issues = _wide_to_long(table)
        issues += wide_issues
    if table.blocked:  # the layout's own error says what to choose
        return _empty_values(), issues
    if "value" not in table.frame:
        issues.append(_no_value_column(table))
        return _empty_values(), issues
    table, area_issues = _drop_rows_without_area(table)
    issues += area_issues
    ck = _Checker(table, codes=True)

    # The indicator: a column, the one given for the file, or the value column's own name.
    indicator, indicator_issue = _indicator_codes(ck, table, ctx, options)
    if indicator_issue is not None:
        ck.issues.append(indicator_issue)
        ck.bad[:] = True
    districts = _district_codes(ck, table, ctx, options)
    # Periods: a year, or a part of one that --per-year makes a year of.
    periods = _periods(ck, table)
    sex = ck.coded("sex", SEX_MATCHER.match, SEX_MATCHER.unknown_message, blank="T")
    raw_value = ck.raw("value")
    markers = _markers(raw_value)
    ck.frame = ck.frame.assign(value=_blank_where(raw_value, markers.notna().to_numpy()))
    out = pd.DataFrame(
        {
            "indicator_code": indicator,
            "district_code": districts,
            "period": periods,
            "sex": sex,
            "value": ck.number("value"),
            "target": ck.number("target"),
            "source": ck.coded_text("source"),
            "marker": markers,
        },
        copy=False,  # fresh columns: no 2 000 000-row copy into one block
    )
    _collisions(ck, out, table)
    out, table_issues = ck.result(out)
    issues += table_issues
    if out.empty or any(i.is_error for i in table_issues):
        return _empty_values(), issues
    out, year_issues = _to_years(out, table, options)
    issues += year_issues
    out["source"], source_issues = _sources(out, table, ctx)
    issues += source_issues
    out = out.rename(columns={"period": "year"})
    out["year"] = out["year"].astype(int)
    return out[list(_empty_values().columns)], issues


def _markers(column: pd.Series) -> pd.Series:
    """Each cell's missing-value marker ('..', 'NA', …) or missing, as codes; only text cells
    can be one, so distinct values that factorize merges (1, 1.0, True) are none."""
    labels, uniques = distinct(column)
    return _coded(labels, [missing_marker(value) for value in uniques])


def _blank_where(column: pd.Series, mask: np.ndarray) -> pd.Series:
    """The column with the cells under `mask` blank."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.where(mask, -1, column.cat.codes.to_numpy())
        return pd.Series(pd.Categorical.from_codes(codes, dtype=column.dtype), index=column.index)
    return column.where(~mask, None)


def _per_distinct(column: pd.Series, convert: Callable[[object], object]) -> pd.Series:
    """`convert` of each cell (blank ones stay missing), once per distinct value of a column
    read as codes; for other columns cell by cell (a cell's type matters: True is not 1)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return column.map(convert, na_action="ignore")
    labels, uniques = distinct(column)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[: len(uniques)] = [convert(value) for value in uniques]
    return pd.Series(table[labels], index=column.index, dtype=object)


def _apply_where(table: Table, options: ImportOptions) -> tuple[Table, list[Issue]]:
    """Keep only the rows that --where names (e.g. one month of a monthly file)."""
    if not options.where:
        return table, []
    frame = table.frame
    issues: list[Issue] = []
    by_header = {norm_name(h): k for k, h in table.headers.items() if not k.startswith("p")}
    by_header.update({norm_name(h): k for k, h in table.extras.items()})
    keep = np.ones(len(frame), dtype=bool)
    for header, wanted in options.where:
        key = by_header.get(norm_name(header))
        if key is None or key not in frame:
            names = ", ".join(
                f"”{h}”"
                for k, h in {**table.headers, **table.extras}.items()
                if not k.startswith("p")
            )
            issues.append(
                table.issue(
                    ERROR,
                    f"--where {header}={wanted}: bladet har ingen kolumn ”{header}”. "
                    f"Kolumnerna heter {names}. (Läs bara vissa blad med --sheet.)",
                )
            )
            continue
        keys = _per_distinct(frame[key], _where_key)
        hit = (keys == _where_key(wanted)).to_numpy()
        if not hit.any():
            seen = first_seen(frame[key])
            present = list(
                dict.fromkeys(cell_text(v) for v in (frame[key].dropna() if seen is None else seen))
            )
            shown = ", ".join(present[:12]) + (" …" if len(present) > 12 else "")
            issues.append(
                table.issue(
                    ERROR,
                    f"--where {header}={wanted}: inga rader har det värdet. Kolumnen "
                    f"”{table.headers.get(key) or table.extras.get(key)}” har: {shown}.",
                    key=key,
                )
            )
            continue
        keep &= hit
    if issues:
        return table, issues
    kept = int(keep.sum())
    choices = ", ".join(f"{h}={v}" for h, v in options.where)
    issues.append(
        table.issue(
            WARNING,
            f"Bara raderna där {choices} läses (--where): {fmt.number(kept)} av "
            f"{fmt.number(len(frame))} rader.",
        )
    )
    new = replace(table, frame=frame[keep].reset_index(drop=True))
    return new, issues


def _numeric_column(column: pd.Series) -> bool:
    values = pd.Series(cells(column), dtype=object).dropna()
    return not values.empty and bool(values.head(200).map(reads_as_number).all())


def _where_key(value: object) -> str:
    text = cell_text(value) or ""
    try:
        number = parse_number(text)
    except ValueError:
        number = None
    if number is not None:
        return repr(float(number))  # '09' = 9 = 9.0
    return norm_key(text)


def _no_value_column(table: Table) -> Issue:
    candidates = [
        h
        for k, h in table.extras.items()
        if not h.startswith("kolumn ")
        and norm_name(h) not in VALUE_HEADER_NAMES
        and _numeric_column(table.frame[k])
    ]
    listed = ", ".join(f"”{h}”" for h in candidates[:8])
    hint = f" Kolumner som kan vara värden: {listed}." if listed else ""
    return table.issue(
        ERROR,
        "Bladet har ingen kolumn med värden (Värde eller Value)." + hint + " Ange vilken "
        "kolumn som håller värdena med --column Värde=RUBRIK, t.ex. --column "
        f"Värde={candidates[-1] if candidates else 'Andel'} (på sidan: rollen Värde).",
    )


def _periods(ck: _Checker, table: Table) -> pd.Series:
    """Each row's period as a `StatPeriod.code` (an integer, so that millions of rows compare
    fast); six-digit YYYYNN read as quarters or months once the whole table is seen. The work
    is per distinct value, and the rows get theirs in one step at the end."""
    if "_period" in ck.frame:
        labels, uniques = pd.factorize(ck.frame["_period"], use_na_sentinel=True)
        numbers = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
        numbers = numbers.to_numpy(dtype=float, na_value=np.nan)
    else:
        label = table.header("year")

        def code(value: object) -> int | None:
            period = parse_stat_period(value)
            return None if period is None else period.code

        labels, converted = ck.converted(
            "year",
            code,
            lambda v: (
                f"”{show_value(v)}” är inget årtal eller ingen period ({label}: t.ex. "
                "2022, 2022K1 eller 2022M01)."
            ),
            True,
        )
        numbers = np.array([np.nan if c is None else c for c in converted], dtype=float)
    six = (numbers % 1000) // 100 == _KIND_N
    if six.any():
        used = np.zeros(len(numbers), dtype=bool)
        used[labels[labels >= 0]] = True
        six &= used
    if six.any():
        parts = numbers[six] % 100
        # Quarters when no part passes 4 (Tillväxtanalys writes 200701 … 200704), unless the
        # analyst's --per-year names a month.
        named = named_part(table.options.per_year or "")
        as_quarters = bool(parts.max() <= 4) and not (named and named[0] == "M")
        target = _KIND_Q if as_quarters else _KIND_M
        first = StatPeriod.from_code(int(numbers[six].min()))
        last = StatPeriod.from_code(int(numbers[six].max()))
        numbers = np.where(six, numbers - (_KIND_N - target) * 100, numbers)
        what = "kvartal (01–04)" if as_quarters else "månader (01–12)"
        ck.issues.append(
            table.issue(
                WARNING,
                f"Perioderna {first.label} … {last.label} läses som {what}: år och "
                f"{'kvartal' if as_quarters else 'månad'} med sex siffror.",
            )
        )
    per_row = np.append(numbers, np.nan)[labels]
    blank = np.isnan(per_row)
    return pd.Series(pd.arrays.IntegerArray(np.where(blank, 0, per_row).astype(np.int64), blank))


_KIND_Q = StatPeriod(2000, "K", 1).code // 100 % 10
_KIND_M = StatPeriod(2000, "M", 1).code // 100 % 10
_KIND_N = StatPeriod(2000, "N", 1).code // 100 % 10


def _indicator_codes(
    ck: _Checker, table: Table, ctx: Context, options: ImportOptions
) -> tuple[pd.Series, Issue | None]:
    n = len(ck.frame)
    if "indicator" in ck.frame and options.indicator:
        # A measure column with one value (JSON-stat's ContentsCode, PX-Web's measure): the
        # indicator the analyst names is what it is.
        seen = first_seen(ck.frame["indicator"])
        column = ck.frame["indicator"].dropna() if seen is None else seen
        named = list(dict.fromkeys(cell_text(v) for v in column))
        header = table.header("indicator")
        if len(named) > 1:
            shown = ", ".join(f"”{v}”" for v in named[:5]) + (" …" if len(named) > 5 else "")
            return pd.Series([None] * n, dtype=object), table.issue(
                ERROR,
                f"--indicator {options.indicator} kan inte användas: kolumnen ”{header}” "
                f"har {len(named)} olika indikatorer ({shown}). Låt kolumnen ange dem, eller "
                "behåll en med --where.",
                key="indicator",
            )
        code = ctx.indicator_matcher.match(options.indicator)
        if code is None:
            return pd.Series([None] * n, dtype=object), table.issue(
                ERROR,
                f"--indicator {options.indicator}: "
                + ctx.indicator_matcher.unknown_message(options.indicator)
                + _MUST_EXIST,
            )
        if named:
            ck.issues.append(
                table.issue(
                    WARNING,
                    f"Kolumnen ”{header}” (”{named[0]}”) läses som indikatorn {code} "
                    "(--indicator).",
                    key="indicator",
                )
            )
        return _constant(code, n), None
    if "indicator" in ck.frame:

        def unknown(value: object) -> str:
            return ctx.indicator_matcher.unknown_message(value) + _MUST_EXIST

        codes = ck.coded("indicator", ctx.indicator_matcher.match, unknown, True)
        # One root cause, one line in the grouped report.
        ck.issues = [
            replace(i, group="Okänd indikator." + _MUST_EXIST)
            if i.column == table.header("indicator") and i.message.startswith("Okänd indikator")
            else i
            for i in ck.issues
        ]
        return codes, None
    if options.indicator:
        code = ctx.indicator_matcher.match(options.indicator)
        if code is None:
            return pd.Series([None] * n, dtype=object), table.issue(
                ERROR,
                f"--indicator {options.indicator}: "
                + ctx.indicator_matcher.unknown_message(options.indicator)
                + _MUST_EXIST,
            )
        return _constant(code, n), None
    named = ctx.indicator_matcher.match(table.header("value"))
    if named is not None and "value" in table.headers:
        ck.issues.append(
            table.issue(
                WARNING,
                f"Värdekolumnen heter som indikatorn {named} "
                f"({ctx.indicators.get(named, named)}); värdena läses som den.",
                key="value",
            )
        )
        return _constant(named, n), None
    return pd.Series([None] * n, dtype=object), table.issue(
        ERROR,
        "Bladet har ingen kolumn för indikator. Ange vilken indikator värdena gäller med "
        "--indicator KOD (på sidan: ”Indikator för hela filen”), eller vilken kolumn som "
        "namnger den med --column Indikator=RUBRIK.",
    )


def _district_codes(ck: _Checker, table: Table, ctx: Context, options: ImportOptions) -> pd.Series:
    """Areas by official code, then by name; unknown ones refused or added (--add-districts)."""
    frame = ck.frame
    names, codes = ck.raw("district"), ck.raw("district_code")
    key = "district" if "district" in frame else "district_code"
    # Work per distinct (code, name) as written: a national file has millions of rows,
    # thousands of areas.
    code_labels, code_count = _as_written(codes)
    name_labels, name_count = _as_written(names)
    if name_count == 0:  # codes only (a national file): a pair is its code
        labels, count = code_labels, code_count
    elif code_count == 0:
        labels, count = name_labels, name_count
    else:
        pairs = (code_labels.astype(np.int64) + 1) * (name_count + 1) + (name_labels + 1)
        labels, uniques = pd.factorize(pairs)
        count = len(uniques)
    # Each pair's first row (none: a code no row uses), for its cells as written.
    first = np.full(count + 1, len(labels), dtype=np.int64)  # the last slot: blank cells
    np.minimum.at(first, labels, np.arange(len(labels)))
    used = first[:count] < len(labels)
    first_codes = np.full(count, None, dtype=object)
    first_names = np.full(count, None, dtype=object)
    first_codes[used] = cells(codes.iloc[first[:count][used]])
    first_names[used] = cells(names.iloc[first[:count][used]])
    missing = (codes.isna() & names.isna()).to_numpy()
    if missing.any():
        ck.error(missing, key, f"Värde saknas i den obligatoriska kolumnen {table.header(key)}.")
    found_for: list[str | None] = []
    messages: dict[int, str] = {}
    for n, (code_cell, name_cell) in enumerate(zip(first_codes, first_names, strict=True)):
        if not used[n]:
            found_for.append(None)
            continue
        code, name = cell_text(code_cell), cell_text(name_cell)
        if code is None and name is None:
            found_for.append(None)
            continue
        found = ctx.match_area(code, name)
        if found is None and options.add_districts:
            found = ctx.add_district(table.file, official_code(code_cell), name)
        if found is None:
            shown = name or code
            suggestion = ctx.district_matcher.suggest(shown)
            text = ctx.district_matcher.unknown_message(shown)
            messages[n] = (
                text.rstrip(".") + ". " if suggestion is None else text + " "
            ) + _ADD_AREA_HINT
        found_for.append(found)
    out = _coded(labels, found_for)
    # Every row has an area or an error by now; this only guards the write path.
    unexplained = out.isna().to_numpy() & ~ck.bad & ~missing
    if messages:
        unexplained &= ~np.isin(labels, list(messages))
    if unexplained.any():
        ck.error(unexplained, key, f"Området kunde inte läsas ({table.header(key)}).")
    if messages:
        bad = np.isin(labels, list(messages))
        shown = np.array(
            [
                cell_text(name) or cell_text(code)
                for code, name in zip(first_codes, first_names, strict=True)
            ]
            + [None],  # blank cells (label -1)
            dtype=object,
        )
        by_value = {shown[n]: m for n, m in messages.items()}
        ck.error(bad, key, lambda v: by_value[v], pd.Series(shown[labels], dtype=object))
        ck.issues = [
            replace(i, group="Okänt område. " + _ADD_AREA_HINT)
            if i.message.startswith("Okänt område")
            else i
            for i in ck.issues
        ]
    return out


def _as_written(column: pd.Series) -> tuple[np.ndarray, int]:
    """Each row's number among the column's distinct cells as text (blank: as ""), and how many
    there are; the text decides, so 580 and "580" are one."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # text already
        return column.cat.codes.to_numpy(), len(column.cat.categories)
    labels, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    if any(isinstance(value, bool) for value in uniques):  # True is 1 to factorize, not as text
        cells = column.astype(object).fillna("").map(str).to_numpy(dtype=object)
        labels, uniques = pd.factorize(cells)
        return labels.astype(np.int64), len(uniques)
    # Each distinct cell as text once (1 and 1.0, which factorize merges, read alike).
    texts = np.array([*map(str, uniques), ""], dtype=object)  # the last: blank cells
    text_labels, distinct_texts = pd.factorize(texts)
    return text_labels[labels].astype(np.int64), len(distinct_texts)


def _drop_rows_without_area(table: Table) -> tuple[Table, list[Issue]]:
    """Rows whose area is a missing-value marker (R writes NA, PX-Web '..') belong to no area:
    there is nothing to store them under. They are left out, and said so."""
    frame = table.frame
    # The name decides when there is one: a code beside the name NA ("99", SCB's "unknown
    # county") names no area anyone could look up.
    key = "district" if "district" in frame else "district_code"
    seen = first_seen(frame[key])
    values = frame[key].dropna().unique() if seen is None else seen
    marked = [v for v in values if missing_marker(v) is not None]
    if not marked:
        return table, []
    no_area = frame[key].isin(marked)
    if not no_area.any():
        return table, []
    rows = frame.loc[no_area, "_row"].tolist()
    marker = next(cell_text(v) for v in frame.loc[no_area, key] if v is not None)
    issue = table.issue(
        WARNING,
        f"{fmt.count(len(rows), 'rad', 'rader')} har inget område (”{marker}”) och hoppas över: "
        f"rad {row_ranges(rows)}.",
        rows[0],
        key,
        str(marker),
    )
    return replace(table, frame=frame[~no_area].reset_index(drop=True)), [issue]


def _collisions(ck: _Checker, out: pd.DataFrame, table: Table) -> None:
    """Rows with the same indicator, area, period and sex. When an ignored column tells them
    apart (Ålder, Födelseregion, …), one error names it and how to keep one of its values."""
    keys = ["indicator_code", "district_code", "period", "sex"]
    complete = out[keys].notna().all(axis=1) & ~pd.Series(ck.bad)
    if not _repeats(out[keys], complete.to_numpy()):
        return
    # Rows collide: rare, and worked out row by row on the cells.
    frame = _objects(out[keys])
    dup = frame[complete].duplicated(keep=False)
    dup_index = frame[complete][dup].index
    explaining = []
    for key, header in table.extras.items():
        if key not in ck.frame:
            continue
        column = _objects(ck.frame.loc[dup_index, [key]])[key].map(cell_text, na_action="ignore")
        grouped = pd.DataFrame(
            {"g": frame.loc[dup_index].astype(str).agg("|".join, axis=1), "v": column}
        )
        if grouped.groupby("g")["v"].nunique(dropna=False).gt(1).any():
            explaining.append((header, list(dict.fromkeys(column.dropna()))))
    n = len(dup_index)
    if explaining:
        header, values = explaining[0]
        shown = ", ".join(values[:8]) + (" …" if len(values) > 8 else "")
        others = [h for h, _ in explaining[1:4]]
        also = f" (och i {', '.join(f'”{h}”' for h in others)})" if others else ""
        ck.issues.append(
            table.issue(
                ERROR,
                f"{fmt.number(n)} rader har samma indikator, område, period och kön som en "
                f"annan rad. De skiljer sig i kolumnen ”{header}”{also}, som inte ingår i formatet: "
                f"{shown}. Behåll ett värde med --where {header}={values[0]} (på sidan: ”Behåll "
                "bara rader där”), eller läs bara vissa blad med --sheet.",
                int(ck.frame.loc[dup_index[0], "_row"]),
            )
        )
        ck.bad[np.asarray(dup_index)] = True
        return
    ck.frame = ck.frame.assign(**{k: frame[k] for k in keys})
    ck.duplicates(
        keys,
        lambda r: (
            f"Värdet för {r.iloc[0]}, {r.iloc[1]}, "
            f"{StatPeriod.from_code(int(r.iloc[2])).label}, kön {r.iloc[3]}"
        ),
        column="indicator" if "indicator" in table.frame else "value",
    )
    ck.issues = [
        replace(
            i, group="Värdet finns redan på en tidigare rad (samma indikator, område, år och kön)."
        )
        if i.message.startswith("Värdet för ")
        else i
        for i in ck.issues
    ]


def _repeats(frame: pd.DataFrame, rows: np.ndarray) -> bool:
    """Whether two of these rows have the same values in every column: one integer per row
    made of the columns' codes, not a tuple of objects per row."""
    key = np.zeros(len(frame), dtype=np.int64)
    scale = 1
    for column in frame:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            labels, count = values.cat.codes.to_numpy(), len(values.cat.categories)
        else:
            labels, uniques = pd.factorize(values, use_na_sentinel=True)
            count = len(uniques)
        scale *= count + 1
        if scale >= 2**62:  # too many combinations for one integer
            return bool(frame[rows].duplicated().any())
        key *= count + 1  # in place: no new 2 000 000-row arrays per column
        key += labels
        key += 1
    chosen = key[rows]
    if scale <= max(16 * len(chosen), 1 << 20):  # a table of every combination, 1 byte each
        seen = np.zeros(scale, dtype=bool)
        seen[chosen] = True
        return int(seen.sum()) < len(chosen)
    return len(pd.unique(chosen)) < len(chosen)


def _to_years(
    out: pd.DataFrame, table: Table, options: ImportOptions
) -> tuple[pd.DataFrame, list[Issue]]:
    """Years as they are; sub-year periods made years by the analyst's --per-year rule."""
    codes = pd.to_numeric(out["period"]).astype("int64")
    periods = codes.unique()  # what is asked of each period: once per distinct one
    kind_numbers = set(((periods % 1000) // 100).tolist())
    if kind_numbers == {0}:
        return out.assign(period=codes.to_numpy() // 1000), []
    sub = sorted(StatPeriod.from_code(int(c)) for c in periods if (c % 1000) // 100)
    what = _KIND_NAMES.get(sub[0].kind, "delår")
    if 0 in kind_numbers:
        return out.iloc[0:0], [
            table.issue(
                ERROR,
                f"Bladet blandar hela år och {what} i perioderna ({sub[0].label} …). "
                "Importera dem som separata filer.",
            )
        ]
    if len(kind_numbers) > 1:
        return out.iloc[0:0], [
            table.issue(
                ERROR,
                "Bladet blandar olika sorters delår (t.ex. kvartal och månader). Importera "
                "dem som separata filer.",
            )
        ]
    rule = options.per_year
    if rule is None:
        return out.iloc[0:0], [
            table.issue(
                ERROR,
                f"Perioderna är {what} ({sub[0].label} … {sub[-1].label}), och delår sparas "
                "inte som år utan ett val. Välj hur ett år räknas fram: --per-year sum, mean, last "
                f"eller en enskild delperiod som {_example_part(sub[0].kind)} (på sidan: ”Från delår "
                "till år”).",
            )
        ]
    kind = sub[0].kind
    named = named_part(rule)
    if named is not None and named[0] != kind:
        return out.iloc[0:0], [
            table.issue(
                ERROR,
                f"--per-year {rule} passar inte perioderna, som är {what} "
                f"({sub[0].label} …). Välj t.ex. {_example_part(kind)}.",
            )
        ]
    out = _objects(out).assign(_year=(codes // 1000).to_numpy(), _part=(codes % 100).to_numpy())
    keys = ["indicator_code", "district_code", "sex", "_year"]
    per = sub[0].parts_in_year
    rows = []
    incomplete: dict[int, int] = {}
    partial_last: dict[int, int] = {}
    for (code, district, sex, year), group in out.groupby(keys, sort=True):
        group = group.sort_values("_part")
        parts = group["_part"].nunique()
        if named is not None:
            chosen = group[group["_part"] == named[1]]
            if chosen.empty:
                incomplete[year] = parts
                continue
            row = chosen.iloc[-1]
            value, marker, target = row["value"], row["marker"], row["target"]
        elif rule == "last":
            row = group.iloc[-1]
            if row["_part"] != per:
                partial_last[year] = int(row["_part"])
            value, marker, target = row["value"], row["marker"], row["target"]
        else:
            if parts < per:
                incomplete[year] = parts
                continue
            values = group["value"]
            if values.isna().any():
                value = np.nan
                marker = next((m for m in group["marker"] if isinstance(m, str)), None)
            else:
                value = float(values.sum() if rule == "sum" else values.mean())
                marker = None
            targets = group["target"]
            target = (
                np.nan
                if targets.isna().any()
                else float(targets.sum() if rule == "sum" else targets.mean())
            )
        rows.append(
            {
                "indicator_code": code,
                "district_code": district,
                "period": int(year),
                "sex": sex,
                "value": value,
                "target": target,
                "source": next((s for s in group["source"] if isinstance(s, str)), None),
                "marker": marker,
            }
        )
    issues = [
        table.issue(
            WARNING,
            f"{what.capitalize()} räknas om till år med --per-year {rule} "
            f"({per_year_label(rule)}): {fmt.number(len(out))} värden blir {fmt.number(len(rows))}.",
        )
    ]
    if incomplete:
        years = ", ".join(f"{y} ({n} av {per})" for y, n in sorted(incomplete.items())[:8])
        need = "hela året" if named is None else f"delperioden {rule}"
        issues.append(
            table.issue(
                WARNING,
                f"År utan {need} tas inte med: {years}"
                + (" …" if len(incomplete) > 8 else "")
                + ".",
            )
        )
    if partial_last:
        years = ", ".join(f"{y} ({_part_label(kind, p)})" for y, p in sorted(partial_last.items()))
        issues.append(
            table.issue(
                WARNING, f"För {years} finns inte årets sista delperiod; den senaste används."
            )
        )
    columns = [
        "indicator_code",
        "district_code",
        "period",
        "sex",
        "value",
        "target",
        "source",
        "marker",
    ]
    return pd.DataFrame(rows, columns=columns), issues


def _example_part(kind: str) -> str:
    return {"K": "K4", "M": "M12", "H": "H2", "T": "K4"}.get(kind, "K4")


def _part_label(kind: str, part: int) -> str:
    return f"M{part:02d}" if kind == "M" else f"{kind}{part}"


def _sources(out: pd.DataFrame, table: Table, ctx: Context) -> tuple[pd.Series, list[Issue]]:
    """A value's source: its Källa cell, else the indicator's source; an imported value is
    never labelled with the demo's example source, so then the file is named."""
    fallback = f"Importerad fil: {table.file}"

    def definition(code: str) -> str:
        source = ctx.indicator_sources.get(code)
        if source is None or (source == domain.EXAMPLE_SOURCE and not ctx.is_demo):
            return fallback
        return source

    # Once per distinct (Källa cell, indicator).
    cell_labels, cell_sources = distinct(out["source"])
    code_labels, codes = distinct(out["indicator_code"])
    labels, pairs = pd.factorize(
        (cell_labels.astype(np.int64) + 1) * (len(codes) + 1) + code_labels + 1
    )
    sources: list[object] = []
    for pair in pairs:
        cell, code = (n - 1 for n in divmod(int(pair), len(codes) + 1))
        if cell >= 0:
            sources.append(cell_sources[cell])
        else:
            sources.append(definition(codes[code]) if code >= 0 else None)
    example = [n for n, source in enumerate(sources) if source == domain.EXAMPLE_SOURCE]
    if ctx.is_demo or not example:
        return _coded(labels, sources), []
    # A Källa cell that says so anyway.
    count = int(np.isin(labels, example).sum())
    sources = [fallback if source == domain.EXAMPLE_SOURCE else source for source in sources]
    return _coded(labels, sources), [
        table.issue(
            WARNING,
            f"Källan ”{domain.EXAMPLE_SOURCE}” är förbehållen exempeldata; "
            f"{fmt.count(count, 'värde', 'värden')} får källan ”{fallback}”.",
            key="source",
        )
    ]


def _wide_to_long(table: Table) -> tuple[Table, list[Issue]]:
    """Kolada/SCB layout (one column per period) to one row per value, keeping cell positions."""
    frame = as_cells(table.frame)
    id_columns = [k for k in frame if k not in table.period_columns]
    # The same period twice (a revised series printed after the old one, "201001*" then
    # "201001**"): the later column holds the figures in use, and that is said.
    by_period: dict[StatPeriod, list[str]] = {}  # a handful of headers: objects are fine
    for key, period in table.period_columns.items():
        by_period.setdefault(period, []).append(key)
    dropped: list[str] = []
    issues: list[Issue] = []
    for period, keys in by_period.items():
        if len(keys) > 1:
            dropped += keys[:-1]
            issues.append(
                table.issue(
                    WARNING,
                    f"Perioden {period.label} finns i flera kolumner: "
                    + ", ".join(f"”{table.headers[k]}”" for k in keys)
                    + f". Den sista (”{table.headers[keys[-1]]}”) används, de andra hoppas över.",
                    key=keys[-1],
                    value=table.headers[keys[-1]],
                )
            )
    value_vars = [k for k in table.period_columns if k not in dropped]
    long = frame.melt(
        id_vars=id_columns, value_vars=value_vars, var_name="_key", value_name="value"
    )
    long["_period"] = long["_key"].map({k: p.code for k, p in table.period_columns.items()})
    long["_column"] = long["_key"].map(table.headers)
    long = long.drop(columns="_key").sort_values("_row", kind="stable")
    long = long.reset_index(drop=True).astype(object)
    headers = dict(table.headers)
    headers.setdefault("value", "Värde")
    headers.setdefault("year", "År")
    return replace(table, frame=long, headers=headers, period_columns={}), issues


# --- district boundaries --------------------------------------------------------------------


def boundaries(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    """Each feature of a boundary file matched to an area by its official code, else its name
    (the rules indicator values follow); an unknown one is an error, or with --add-districts a
    new comparison area of this file's batch. Two features for one area are an error."""
    issues: list[Issue] = []
    rows: list[dict] = []
    first_for: dict[str, int] = {}
    for r in table.frame.to_dict("records"):
        row = int(r["_row"])
        code = r["code"] if isinstance(r["code"], str) and r["code"] else None
        name = r["name"] if isinstance(r["name"], str) and r["name"] else None
        label = " ".join(part for part in (code, name) if part)
        district = ctx.match_area(code, name)
        if district is None and table.options.add_districts:
            district = ctx.add_district(table.file, code, name)
        if district is None:
            ctx.unknown_areas[table.file] = ctx.unknown_areas.get(table.file, 0) + 1
            issues.append(
                table.issue(
                    ERROR,
                    f"Område {row} ({label}) finns inte bland områdena. {_ADD_AREA_HINT}",
                    row,
                    "code" if code else "name",
                    label,
                )
            )
            continue
        if district in first_for:
            issues.append(
                table.issue(
                    ERROR,
                    f"Område {row} ({label}) är samma område som nummer "
                    f"{first_for[district]} ({ctx.districts[district][0]}); ett område kan bara "
                    "ha en gräns.",
                    row,
                    "code" if code else "name",
                    label,
                )
            )
            continue
        first_for[district] = row
        rows.append(
            {
                "district_code": district,
                "geometry": r["geometry"],
                "vertices": int(r["vertices"]),
                "source_crs": r["crs"],
            }
        )
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS["boundary"]))
    return frame, issues


NORMALISERS: dict[str, Callable[[Table, Context], tuple[pd.DataFrame, list[Issue]]]] = {
    "boundaries": boundaries,
    "offices": offices,
    "districts": districts,
    "areas": areas,
    "indicators": indicators,
    "plan": plan,
    "followup": followup,
    "indicator_values": indicator_values,
}
TABLE_FOR_KIND = {
    "boundaries": "boundary",
    "offices": "office",
    "districts": "district",
    "areas": "development_area",
    "indicators": "indicator",
    "plan": "action",
    "followup": "action_status",
    "indicator_values": "indicator_value",
}
assert set(NORMALISERS) == set(spec.PROCESSING_ORDER)
