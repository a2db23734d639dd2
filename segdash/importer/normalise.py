"""Checking each recognised table cell by cell and turning it into rows for the database.

Work is done per distinct value where possible (codes, years), so a sheet of hundreds of
thousands of rows costs little more than its few thousand distinct values. Every problem
becomes an Issue; a table with errors still yields its good rows so that all errors of a file
are found in one pass (the caller writes nothing when any error exists).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pandas as pd

from segdash import domain
from segdash.importer import spec
from segdash.importer.issues import ERROR, WARNING, Issue, show_value
from segdash.importer.tables import Table
from segdash.importer.values import (
    CodeMatcher,
    cell_text,
    parse_number,
    parse_year,
    split_list,
)

_LEADING_AREA_NO = re.compile(r"^\s*(\d{1,2})\s*[.:)\-–]?\s+\S")


class Context:
    """What incoming rows are checked against: the current data, plus what the upload adds."""

    def __init__(self, reference: dict[str, pd.DataFrame]) -> None:
        self.areas = {int(r.area_no): r.name for r in reference["areas"].itertuples()}
        self.offices = {r.code: r.name for r in reference["offices"].itertuples()}
        self.districts = {
            r.code: (r.name, r.district_type) for r in reference["districts"].itertuples()
        }
        self.indicators = {r.code: r.name for r in reference["indicators"].itertuples()}
        # plan year -> {action number: lead office}; an uploaded plan year replaces the stored one
        self.plans: dict[int, dict[str, str]] = {}
        for r in reference["actions"].itertuples():
            self.plans.setdefault(int(r.plan_year), {})[r.action_no] = r.lead_office
        self.rebuild()

    def rebuild(self) -> None:
        self.area_matcher = CodeMatcher(
            "Okänt utvecklingsområde",
            ((no, f"{no} {name}", (str(no), name)) for no, name in sorted(self.areas.items())),
        )
        self.office_matcher = CodeMatcher(
            "Okänd förvaltning", ((c, n, (c,)) for c, n in sorted(self.offices.items()))
        )
        self.district_matcher = CodeMatcher(
            "Okänt område", ((c, n, (c,)) for c, (n, _) in self.districts.items())
        )
        self.indicator_matcher = CodeMatcher(
            "Okänd indikator", ((c, n, (c,)) for c, n in sorted(self.indicators.items()))
        )

    @property
    def focus_districts(self) -> list[str]:
        return [c for c, (_, kind) in self.districts.items() if kind == "fokus"]


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
    """Collects issues for one table and converts its columns."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.frame = table.frame
        self.issues: list[Issue] = []
        self.bad = np.zeros(len(self.frame), dtype=bool)  # rows with an error

    def error(self, positions, key: str, message: str | Callable[[object], str],
              values: pd.Series | None = None, severity: str = ERROR) -> None:  # fmt: skip
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
        return pd.Series([None] * len(self.frame), dtype=object)

    def require(self, key: str) -> np.ndarray:
        missing = self.raw(key).isna().to_numpy()
        label = self.table.header(key)
        self.error(missing, key, f"Värde saknas i den obligatoriska kolumnen {label}.")
        return ~missing

    def by_value(self, key: str, convert: Callable[[object], object],
                 message: Callable[[object], str], required: bool = False) -> pd.Series:  # fmt: skip
        """Convert each distinct value once; a ValueError or None result is an error."""
        raw = self.raw(key)
        if required:
            self.require(key)
        results: dict[object, object] = {}
        failed: set[object] = set()
        for value in raw.dropna().unique():
            try:
                converted = convert(value)
            except ValueError:
                converted = None
            if converted is None:
                failed.add(value)
            results[value] = converted
        out = raw.map(results, na_action="ignore").astype(object)
        if failed:
            self.error(raw.isin(failed).to_numpy(), key, message, raw)
        return out.where(out.notna(), None)

    def text(self, key: str, required: bool = False) -> pd.Series:
        raw = self.raw(key)
        if required:
            self.require(key)
        return raw.map(cell_text, na_action="ignore").astype(object).where(raw.notna(), None)

    def number(self, key: str, low: float | None = None, high: float | None = None) -> pd.Series:
        raw = self.raw(key)
        fast = pd.to_numeric(raw.where(raw.map(type, na_action="ignore").isin([int, float])),
                             errors="coerce")  # fmt: skip
        slow = raw.notna() & fast.isna()
        out = fast.astype(float)
        bad: list[int] = []
        for pos in np.flatnonzero(slow.to_numpy()):
            try:
                number = parse_number(raw.iloc[pos])
            except ValueError:
                bad.append(pos)
                continue
            out.iloc[pos] = np.nan if number is None else number
        label = self.table.header(key)
        self.error(bad, key, lambda v: f"”{show_value(v)}” är inget tal ({label}).", raw)
        if low is not None or high is not None:
            outside = ((out < low) | (out > high)).to_numpy()
            self.error(
                outside, key,
                lambda v: f"{label} ska vara mellan {low:g} och {high:g} (var {show_value(v)}).",
                raw,
            )  # fmt: skip
        return out

    def year(self, key: str, required: bool = False) -> pd.Series:
        label = self.table.header(key)
        return self.by_value(
            key, parse_year,
            lambda v: f"”{show_value(v)}” är inget årtal ({label}: fyra siffror, t.ex. 2022).",
            required,
        )  # fmt: skip

    def code(self, key: str, matcher: CodeMatcher, required: bool = False) -> pd.Series:
        return self.by_value(key, matcher.match, matcher.unknown_message, required)

    def duplicates(self, keys: list[str], describe: Callable[[pd.Series], str],
                   column: str | None = None) -> None:  # fmt: skip
        """An error on every repeat of a key, naming the row it first appeared on; reported
        under `column` (a sheet column key), by default the first key."""
        column = column or keys[0]
        frame = self.frame[keys]
        complete = frame.notna().all(axis=1)
        dup = frame.duplicated(keep="first") & complete
        if not dup.any():
            return
        first_rows = (
            self.frame[complete].groupby(keys, sort=False, dropna=True)["_row"].first()
        )
        for pos in np.flatnonzero(dup.to_numpy()):
            row = frame.iloc[pos]
            first = first_rows.loc[tuple(row)] if len(keys) > 1 else first_rows.loc[row.iloc[0]]
            self.error([pos], column, f"{describe(row)} finns redan på rad {first}.",
                       self.raw(column))  # fmt: skip

    def good(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[~self.bad].reset_index(drop=True)

    def result(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
        """The good rows, and the issues once each (a wide sheet repeats a bad cell per year)."""
        return self.good(frame), list(dict.fromkeys(self.issues))


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


def _list_codes(ck: _Checker, key: str, matcher: CodeMatcher, all_codes: list[str] | None,
                required: bool) -> pd.Series:  # fmt: skip
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
    out = pd.DataFrame({"code": ck.text("code", True), "name": ck.text("name", True)})
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
    out = pd.DataFrame(
        {"code": codes, "name": ck.text("name", True), "district_type": kinds.where(kinds.notna(), known)}
    )
    ck.frame = ck.frame.assign(code=codes)
    ck.duplicates(["code"], lambda r: f"Området {r.iloc[0]}")
    out, issues = ck.result(out)
    for r in out.itertuples():
        ctx.districts[r.code] = (r.name, r.district_type)
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
                "area_no", area_no, lambda v: f"”{show_value(v)}” är inget områdesnummer (1–99).",
                True,
            ),
            "name": ck.text("name", True),
        }
    )  # fmt: skip
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
                "higher_is_better", YES_NO_MATCHER.match,
                lambda v: f"Skriv ja eller nej i {table.header('higher_is_better')} "
                f"(var ”{show_value(v)}”).",
            ),
            "area_no": ck.by_value("area", _area_code(ctx), ctx.area_matcher.unknown_message),
            "source": ck.text("source"),
            "definition": ck.text("definition"),
        }
    )  # fmt: skip
    ck.frame = ck.frame.assign(code=out["code"])
    ck.duplicates(["code"], lambda r: f"Indikatorn {r.iloc[0]}")
    # Every defined code counts as known, even on a row with another error, so the values
    # sheet is not flooded with "unknown indicator" errors that come from one bad cell.
    named = out[out["code"].notna() & out["name"].notna()]
    ctx.indicators.update(zip(named["code"], named["name"], strict=True))
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
        as_float.fillna(False).to_numpy(dtype=bool), "action_no",
        lambda v: f"Nr {show_value(v)} är sparat som tal i Excel. Om det ska vara t.ex. "
        f"{show_value(v)}0, formatera kolumnen som text.",
        raw_no, WARNING,
    )  # fmt: skip
    out = pd.DataFrame(
        {
            "plan_year": ck.year("plan_year", True),
            "action_no": numbers,
            "area_no": ck.by_value("area", _area_code(ctx), ctx.area_matcher.unknown_message, True),
            "title": ck.text("title", True),
            "description": ck.text("description"),
            "lead_office": ck.code("lead_office", ctx.office_matcher, True),
            "partner_offices": _list_codes(ck, "partner_offices", ctx.office_matcher, None, False),
            "districts": _list_codes(ck, "districts", ctx.district_matcher, ctx.focus_districts, True),
            "start_when": ck.by_value("start", _year_or_date,
                                      lambda v: f"”{show_value(v)}” är inget år eller datum."),
            "end_when": ck.by_value("end", _year_or_date,
                                    lambda v: f"”{show_value(v)}” är inget år eller datum."),
        }
    )  # fmt: skip
    ck.frame = ck.frame.assign(plan_year=out["plan_year"], action_no=out["action_no"])
    ck.duplicates(
        ["action_no", "plan_year"], lambda r: f"Åtgärd {r.iloc[0]} för planår {r.iloc[1]}"
    )
    out, issues = ck.result(out)
    out["plan_year"] = out["plan_year"].astype(int)
    out["area_no"] = out["area_no"].astype(int)
    for year, rows in out.groupby("plan_year"):
        ctx.plans[int(year)] = dict(zip(rows["action_no"], rows["lead_office"], strict=True))
    return out, issues


# --- follow-up ----------------------------------------------------------------------------


def followup(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    ck = _Checker(table)
    period_label = table.header("period")
    out = pd.DataFrame(
        {
            "action_no": ck.by_value("action_no", _action_no,
                                     lambda v: f"”{show_value(v)}” är inget åtgärdsnummer.", True),
            "period": ck.by_value(
                "period", domain.parse_period,
                lambda v: f"”{show_value(v)}” är ingen giltig period ({period_label}). Skriv "
                "t.ex. 2022, 2022-T1, 2022-H1, 2022-Q3, Delår 2022 eller Helår 2022.",
                True,
            ),
            "status": ck.code("status", STATUS_MATCHER, True),
            "progress": ck.number("progress", 0, 100),
            "comment": ck.text("comment"),
            "reported_office": ck.code("lead_office", ctx.office_matcher),
            "given_plan_year": ck.year("plan_year"),
        }
    )  # fmt: skip
    # A cell in Excel's percent format holds 0.5 for "50 %"; the contract asks for 0–100.
    label = table.header("progress")
    ck.error(
        ((out["progress"] > 0) & (out["progress"] < 1)).to_numpy(), "progress",
        lambda v: f"{label} {show_value(v)} ser ut att vara en andel och läses som "
        f"{show_value(v)} procent. Menar du {show_value(parse_number(v) * 100)} procent? "
        "Skriv procent (0–100).",
        ck.raw("progress"), WARNING,
    )  # fmt: skip
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
                ck.error([pos], "plan_year", f"Det finns ingen åtgärdsplan för planår {year}.",
                         ck.raw("plan_year"))  # fmt: skip
                resolved.append(None)
                continue
        else:
            period_year = domain.period_year(r.period)
            earlier = [y for y in plan_years if y <= period_year]
            if not earlier:
                ck.error([pos], "period",
                         f"Det finns ingen åtgärdsplan för {period_year} eller tidigare att "
                         "koppla uppföljningen till. Importera åtgärdsplanen först.",
                         ck.raw("period"))  # fmt: skip
                resolved.append(None)
                continue
            year = earlier[-1]
        plan_actions = ctx.plans[year]
        if r.action_no not in plan_actions:
            ck.error([pos], "action_no",
                     f"Åtgärd {r.action_no} finns inte i åtgärdsplanen för {year}.",
                     ck.raw("action_no"))  # fmt: skip
        elif r.reported_office is not None and r.reported_office != plan_actions[r.action_no]:
            lead = ctx.offices.get(plan_actions[r.action_no], plan_actions[r.action_no])
            ck.error([pos], "lead_office",
                     f"Ansvarig förvaltning skiljer sig från planen, där den är {lead}.",
                     ck.raw("lead_office"), WARNING)  # fmt: skip
        resolved.append(year)
    out.insert(0, "plan_year", pd.Series(resolved, dtype=object))
    out = out.drop(columns="given_plan_year")
    ck.frame = ck.frame.assign(plan_year=out["plan_year"], action_no=out["action_no"],
                               period=out["period"])  # fmt: skip
    ck.duplicates(
        ["action_no", "plan_year", "period"],
        lambda r: f"Uppföljning av åtgärd {r.iloc[0]} (planår {r.iloc[1]}) för period {r.iloc[2]}",
    )
    out, issues = ck.result(out)
    out["plan_year"] = out["plan_year"].astype(int)
    return out, issues


# --- indicator values ---------------------------------------------------------------------


def indicator_values(table: Table, ctx: Context) -> tuple[pd.DataFrame, list[Issue]]:
    if table.year_columns and "value" not in table.frame:
        table = _wide_to_long(table)
    ck = _Checker(table)
    indicator_unknown = ctx.indicator_matcher.unknown_message

    def unknown_indicator(value: object) -> str:
        return (
            indicator_unknown(value)
            + " Indikatorn måste finnas sedan tidigare eller definieras på bladet Indikatorer."
        )

    sex = ck.code("sex", SEX_MATCHER)
    out = pd.DataFrame(
        {
            "indicator_code": ck.by_value(
                "indicator", ctx.indicator_matcher.match, unknown_indicator, True
            ),
            "district_code": ck.code("district", ctx.district_matcher, True),
            "year": ck.year("year", True),
            "sex": sex.where(sex.notna(), "T"),
            "value": ck.number("value"),
            "target": ck.number("target"),
            "source": ck.text("source"),
        }
    )
    ck.frame = ck.frame.assign(**{c: out[c] for c in ("indicator_code", "district_code", "year",
                                                       "sex")})  # fmt: skip
    ck.duplicates(
        ["indicator_code", "district_code", "year", "sex"],
        lambda r: f"Värdet för {r.iloc[0]}, {r.iloc[1]}, {r.iloc[2]}, kön {r.iloc[3]}",
        column="indicator",
    )
    out, issues = ck.result(out)
    out["year"] = out["year"].astype(int)
    return out, issues


def _wide_to_long(table: Table) -> Table:
    """Kolada/SCB layout (one column per year) to one row per value, keeping cell positions."""
    frame = table.frame
    id_columns = [k for k in ("indicator", "district", "sex", "_row") if k in frame]
    long = frame.melt(
        id_vars=id_columns, value_vars=list(table.year_columns), var_name="year_header",
        value_name="value",
    )  # fmt: skip
    long["year"] = long["year_header"].map(table.year_columns)
    long = long.rename(columns={"year_header": "_column"}).sort_values("_row", kind="stable")
    long = long.reset_index(drop=True).astype(object)
    headers = dict(table.headers)
    headers.setdefault("value", "Värde")
    headers.setdefault("year", "År")
    return Table(table.file, table.sheet, table.spec, long, headers, {})


NORMALISERS: dict[str, Callable[[Table, Context], tuple[pd.DataFrame, list[Issue]]]] = {
    "offices": offices,
    "districts": districts,
    "areas": areas,
    "indicators": indicators,
    "plan": plan,
    "followup": followup,
    "indicator_values": indicator_values,
}
TABLE_FOR_KIND = {
    "offices": "office",
    "districts": "district",
    "areas": "development_area",
    "indicators": "indicator",
    "plan": "action",
    "followup": "action_status",
    "indicator_values": "indicator_value",
}
assert set(NORMALISERS) == set(spec.PROCESSING_ORDER)
