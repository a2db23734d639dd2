"""Finding the sheets and header rows the contract describes, and cutting them into tables.

A sheet is recognised by its name (Swedish or English) or, failing that, by a header row that
holds all required columns of one of the three main kinds. The header row is the first row
holding all required column names; title rows above it and blank rows below are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from segdash.importer import spec
from segdash.importer.issues import ERROR, WARNING, Issue, show_value
from segdash.importer.reader import RawSheet
from segdash.importer.spec import SheetSpec, norm_name
from segdash.importer.values import parse_year

HEADER_SCAN_ROWS = 30
# Sheets that our own templates carry besides the data: skipped without a warning.
TEMPLATE_HELPER_SHEETS = {"instruktioner", "listor", "instructions", "lists"}
# Only these kinds are recognised by header alone; master-data sheets share "Kod, Namn"
# headers, so they must be recognised by name.
HEADER_RECOGNISED = (spec.PLAN, spec.FOLLOWUP, spec.INDICATOR_VALUES)

_NAME_TO_SPEC = {norm_name(name): s for s in spec.SHEETS for name in s.names}
_COLUMN_LOOKUP = {
    s.kind: {norm_name(name): column.key for column in s.columns for name in column.names}
    for s in spec.SHEETS
}


@dataclass
class Table:
    """A recognised sheet: raw cell values under their column keys, plus `_row` (Excel row)."""

    file: str
    sheet: str
    spec: SheetSpec
    frame: pd.DataFrame
    headers: dict[str, str]  # column key -> header as written in the file
    year_columns: dict[str, int] = field(default_factory=dict)  # wide form: header -> year

    def header(self, key: str) -> str:
        """The column's header as the file writes it, else the contract's Swedish name."""
        if key in self.headers:
            return self.headers[key]
        return next((c.sv for c in self.spec.columns if c.key == key), key)

    def issue(self, severity: str, message: str, row: object = None, key: str = "",
              value: str = "") -> Issue:  # fmt: skip
        return Issue(
            severity, message, self.file, self.sheet,
            None if row is None else int(row), self.header(key) if key else "", value,
        )  # fmt: skip


@dataclass
class _HeaderMatch:
    row_index: int
    columns: dict[str, int]  # key -> column index
    headers: dict[str, str]
    year_columns: dict[int, int]  # column index -> year
    unknown: list[str]


def _match_header(cells: list[object], sheet_spec: SheetSpec) -> _HeaderMatch | None:
    lookup = _COLUMN_LOOKUP[sheet_spec.kind]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    year_columns: dict[int, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        key = lookup.get(norm_name(cell))
        if key is not None and key not in columns:
            columns[key] = index
            headers[key] = str(cell).strip()
            continue
        if sheet_spec is spec.INDICATOR_VALUES:
            try:
                year = parse_year(cell)
            except ValueError:
                year = None
            if year is not None:
                year_columns[index] = year
                continue
        unknown.append(str(cell).strip())
    return _HeaderMatch(-1, columns, headers, year_columns, unknown)


def _is_complete(match: _HeaderMatch, sheet_spec: SheetSpec) -> bool:
    required = {c.key for c in sheet_spec.required}
    if sheet_spec is spec.INDICATOR_VALUES and match.year_columns and "value" not in match.columns:
        required = set(spec.INDICATOR_VALUES_WIDE_KEYS) & required
    return required <= set(match.columns)


def _find_header(sheet: RawSheet, sheet_spec: SheetSpec) -> tuple[_HeaderMatch | None, _HeaderMatch | None]:
    """(the header row, or None; the closest candidate, to say what is missing)."""
    best: _HeaderMatch | None = None
    for index, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        match = _match_header(cells, sheet_spec)
        match.row_index = index
        if _is_complete(match, sheet_spec):
            return match, match
        if best is None or len(match.columns) > len(best.columns):
            best = match
    return None, best


def _cut(sheet: RawSheet, file: str, sheet_spec: SheetSpec,
         match: _HeaderMatch) -> tuple[Table, list[Issue]]:  # fmt: skip
    body = sheet.rows[match.row_index + 1 :]
    first_row = match.row_index + 2  # Excel numbering of the first row below the header
    wanted = list(match.columns.items()) + [
        (str(year), index) for index, year in match.year_columns.items()
    ]
    data: dict[str, list[object]] = {}
    for key, index in wanted:
        # Calamine and CSV both give '' for an empty cell; blank cells become None.
        data[key] = [
            None if (v := row[index] if index < len(row) else None) == "" or (
                v.__class__ is str and v.isspace()) else v
            for row in body
        ]  # fmt: skip
    frame = pd.DataFrame(data, dtype=object)
    frame["_row"] = range(first_row, first_row + len(body))
    keys = [key for key, _ in wanted]
    year_columns = {str(year): year for year in match.year_columns.values()}
    headers = dict(match.headers)
    headers.update({str(year): str(year) for year in match.year_columns.values()})
    issues: list[Issue] = []
    if keys and len(frame):
        keep = frame[keys].notna().any(axis=1)
        issues = _fill_merged_down(sheet, file, match, dict(wanted), headers, frame, keep)
        frame = frame[keep].reset_index(drop=True)
    return Table(file, sheet.name, sheet_spec, frame, headers, year_columns), issues


def _fill_merged_down(sheet: RawSheet, file: str, match: _HeaderMatch, columns: dict[str, int],
                      headers: dict[str, str], frame: pd.DataFrame,
                      keep: pd.Series) -> list[Issue]:  # fmt: skip
    """A cell merged over several rows (an area number beside a group of actions) holds its
    value for every row, as Excel shows it; calamine gives it to the first row only."""
    key_at = {index: key for key, index in columns.items()}
    issues: list[Issue] = []
    for (top, left), (bottom, right) in sheet.merged:
        key = key_at.get(left)
        first = top - match.row_index - 1  # the merge's first row in `frame`
        if key is None or bottom <= top or first < 0 or first >= len(frame):
            continue
        value = frame.at[first, key]
        span = range(first + 1, min(bottom - match.row_index, len(frame)))
        filled = [pos for pos in span if keep.iat[pos] and frame.at[pos, key] is None]
        if value is None or not filled:
            continue
        for pos in filled:
            frame.at[pos, key] = value
        area = f"{_column_letter(left)}{top + 1}:{_column_letter(right)}{bottom + 1}"
        issues.append(
            Issue(
                WARNING, f"Cellerna {area} är sammanfogade. Värdet läses in på varje rad i "
                f"området (rad {top + 1}–{bottom + 1}).",
                file, sheet.name, top + 1, headers.get(key, key), show_value(value),
            )  # fmt: skip
        )
    return issues


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def recognise(sheets: list[RawSheet], file: str, is_csv: bool) -> tuple[list[Table], list[Issue]]:
    """The recognised tables of one file, and what was wrong or ignored on the way."""
    tables: list[Table] = []
    issues: list[Issue] = []
    for sheet in sheets:
        named = _NAME_TO_SPEC.get(norm_name(sheet.name))
        if named is None and norm_name(sheet.name) in TEMPLATE_HELPER_SHEETS:
            continue
        candidates = (named,) if named else HEADER_RECOGNISED
        found = None
        for candidate in candidates:
            match, best = _find_header(sheet, candidate)
            if match is not None:
                found = (candidate, match)
                break
        if found is None:
            if named is not None:
                missing = [
                    c.sv for c in named.required if best is None or c.key not in best.columns
                ]
                issues.append(
                    Issue(
                        ERROR,
                        f"Bladet ”{sheet.name}” saknar rubrikraden: kolumnerna "
                        f"{', '.join(missing)} hittades inte bland de första "
                        f"{HEADER_SCAN_ROWS} raderna.",
                        file, sheet.name,
                    )  # fmt: skip
                )
            elif not _is_blank_sheet(sheet):
                where = "Filen" if is_csv else f"Bladet ”{sheet.name}”"
                issues.append(
                    Issue(
                        WARNING if not is_csv else ERROR,
                        f"{where} känns inte igen och hoppas över. Bladen ska heta "
                        "Åtgärder, Uppföljning, Indikatorvärden, Indikatorer, Förvaltningar, "
                        "Områden eller Utvecklingsområden, eller ha en rubrikrad med de "
                        "obligatoriska kolumnerna.",
                        file, "" if is_csv else sheet.name,
                    )  # fmt: skip
                )
            continue
        sheet_spec, match = found
        table, merged = _cut(sheet, file, sheet_spec, match)
        issues.extend(merged)
        for header in match.unknown:
            issues.append(
                Issue(
                    WARNING, f"Kolumnen ”{header}” känns inte igen och hoppas över.",
                    file, sheet.name, match.row_index + 1, header,
                )  # fmt: skip
            )
        if table.frame.empty:
            issues.append(Issue(WARNING, "Bladet har inga rader under rubrikraden.", file, sheet.name))
        tables.append(table)
    return tables, issues


def _is_blank_sheet(sheet: RawSheet) -> bool:
    return not any(
        cell is not None and str(cell).strip() for row in sheet.rows[:HEADER_SCAN_ROWS] for cell in row
    )
