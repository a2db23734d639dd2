"""Finding the sheets and header rows the contract describes, and cutting them into tables.

A sheet is recognised by its name (Swedish or English) or, failing that, by a header row that
holds all required columns of one of the three main kinds. The header row is the first row
holding all required column names; title rows above it and blank rows below are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter

import numpy as np
import pandas as pd

from segdash import fmt
from segdash.importer import spec
from segdash.importer.forms import FormInfo
from segdash.importer.issues import ERROR, WARNING, Issue, row_ranges, show_value
from segdash.importer.options import ImportOptions
from segdash.importer.reader import RawSheet
from segdash.importer.spec import SheetSpec, norm_name
from segdash.importer.values import (
    StatPeriod,
    cell_text,
    is_blank,
    missing_marker,
    parse_stat_period,
    reads_as_number,
)

HEADER_SCAN_ROWS = 30
# Sheets that our own templates carry besides the data: skipped without a warning.
TEMPLATE_HELPER_SHEETS = {"instruktioner", "listor", "instructions", "lists", "blankettdata"}
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
    # Wide form: column key -> the period its header names (a year, or a quarter, month, …).
    period_columns: dict[str, StatPeriod] = field(default_factory=dict)
    # Columns outside the contract (indicator values): key -> header. They are ignored, but
    # `--where` can keep rows by them, and rows that collide are explained by them.
    extras: dict[str, str] = field(default_factory=dict)
    options: ImportOptions = field(default_factory=ImportOptions)
    header_row: int = 1  # the header's row as Excel shows it
    # What the mapping step shows: (header, role) per column, and the layout's signature that
    # saved profiles are matched by.
    roles: list[tuple[str, str]] = field(default_factory=list)
    signature: str = ""
    blocked: bool = False  # the layout itself has an error (e.g. two period columns)
    form: FormInfo | None = None  # a reporting round's prefilled form (follow-up sheets)

    def header(self, key: str) -> str:
        """The column's header as the file writes it, else the contract's Swedish name."""
        if key in self.headers:
            return self.headers[key]
        return next((c.sv for c in self.spec.columns if c.key == key), key)

    def issue(
        self, severity: str, message: str, row: object = None, key: str = "", value: str = ""
    ) -> Issue:
        return Issue(
            severity,
            message,
            self.file,
            self.sheet,
            None if row is None else int(row),
            self.header(key) if key else "",
            value,
        )


@dataclass
class _HeaderMatch:
    row_index: int
    columns: dict[str, int]  # key -> column index
    headers: dict[str, str]
    year_columns: dict[int, StatPeriod]  # column index -> period (wide form)
    unknown: list[str]
    extras: dict[int, str] = field(default_factory=dict)  # column index -> header (values)
    issues: list[Issue] = field(default_factory=list)  # what the layout itself gets wrong
    roles: dict[int, str] = field(default_factory=dict)  # column index -> role, for the preview
    ambiguous: set[str] = field(default_factory=set)  # roles several headers name
    ambiguous_columns: set[int] = field(default_factory=set)  # their columns (one error says)


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
        unknown.append(str(cell).strip())
    return _HeaderMatch(-1, columns, headers, year_columns, unknown)


def _is_complete(match: _HeaderMatch, sheet_spec: SheetSpec) -> bool:
    if sheet_spec is spec.INDICATOR_VALUES:
        # A role that several headers name counts as found: the table is recognised, and the
        # error says which header to choose.
        found = set(match.columns) | match.ambiguous
        has_area = bool({"district", "district_code"} & found)
        return has_area and ("year" in found or bool(match.year_columns))
    required = {c.key for c in sheet_spec.required}
    return required <= set(match.columns)


def _find_header(
    sheet: RawSheet, sheet_spec: SheetSpec, options: ImportOptions
) -> tuple[_HeaderMatch | None, _HeaderMatch | None]:
    """(the header row, or None; the closest candidate, to say what is missing)."""
    best: _HeaderMatch | None = None
    for index, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if sheet_spec is spec.INDICATOR_VALUES:
            if _is_title_row(cells):
                continue
            match = _match_values_header(sheet, index, options)
        else:
            match = _match_header(cells, sheet_spec)
        match.row_index = index
        if _is_complete(match, sheet_spec):
            return match, match
        if best is None or len(match.columns) > len(best.columns):
            best = match
    return None, best


def _is_title_row(cells: list[object]) -> bool:
    """A title, note or blank row above a table: nothing, or text in the first cell only."""
    filled = [i for i, cell in enumerate(cells) if not is_blank(cell)]
    return not filled or filled == [0]


# -- indicator values as official statistics write them ----------------------------------

_VALUE_LOOKUP = dict(_COLUMN_LOOKUP["indicator_values"])
for _key, _names in spec.STAT_ALIASES.items():
    _VALUE_LOOKUP.update({norm_name(name): _key for name in _names})
_VALUE_LOOKUP.update({norm_name(name): "district" for name in spec.AREA_COLUMN_RANKS})
# Every header name with a role in an indicator table.
VALUE_HEADER_NAMES = frozenset(_VALUE_LOOKUP)
_AREA_RANK = {norm_name(name): rank for name, rank in spec.AREA_COLUMN_RANKS.items()}
for _name in spec.INDICATOR_VALUES.column("district").names:
    _AREA_RANK.setdefault(norm_name(_name), 4)
ROLE_LABELS = {
    "indicator": "Indikator",
    "district": "Område",
    "district_code": "Regionkod",
    "year": "Period",
    "value": "Värde",
    "sex": "Kön",
    "target": "Mål",
    "source": "Källa",
    "status": "Status",
}
# The option that sets each role, for messages.
ROLE_OPTION = {
    "district": "Område",
    "district_code": "Regionkod",
    "year": "År",
    "value": "Värde",
    "sex": "Kön",
    "indicator": "Indikator",
}
SAMPLE_ROWS = 50


def _match_values_header(sheet: RawSheet, index: int, options: ImportOptions) -> _HeaderMatch:
    """Roles for the columns of a candidate header row of indicator values.

    The analyst's `--column` choices come first, then the contract's and the official
    sources' header names, then period headers (wide form). Columns without a header (PX-Web
    leaves the stub columns' headers empty) get a role from what they hold.
    """
    cells = sheet.rows[index]
    match = _HeaderMatch(index, {}, {}, {}, [])
    found: dict[str, list[int]] = {}
    for col, cell in enumerate(cells):
        if is_blank(cell):
            continue
        header = str(cell).strip()
        mapped = options.role_for(cell)
        if mapped is not None:
            if mapped in match.columns:  # two headers the same: the first one
                match.extras[col] = header
                continue
            match.columns[mapped] = col
            match.headers[mapped] = header
            continue
        key = _VALUE_LOOKUP.get(norm_name(cell))
        if key is not None:
            found.setdefault(key, []).append(col)
            continue
        try:
            period = parse_stat_period(cell, header=True)
        except ValueError:
            match.issues.append(
                Issue(
                    ERROR,
                    f"Kolumnrubriken ”{show_value(cell)}” ser ut som en period men kan inte läsas "
                    "som ett år eller en del av ett år. Skriv t.ex. 2023, 2023K1 eller 2023M01, "
                    "eller ta bort kolumnen.",
                    sheet=sheet.name,
                    row=index + 1,
                    column=header,
                    value=show_value(cell),
                )
            )
            continue
        if period is not None:
            match.year_columns[col] = period
            continue
        match.extras[col] = header
    for key, cols in found.items():
        if key in match.columns:  # the analyst mapped another column to this role
            match.extras.update({c: str(cells[c]).strip() for c in cols})
            continue
        chosen = _choose(key, cols, cells, match, sheet, index)
        if chosen is None:
            continue
        match.columns[key] = chosen
        match.headers[key] = str(cells[chosen]).strip()
        match.extras.update({c: str(cells[c]).strip() for c in cols if c != chosen})
    _infer_blank_headers(sheet, index, match)
    if "value" not in match.columns and not match.year_columns and "year" in match.columns:
        _infer_value_column(sheet, index, match)
    for key, col in match.columns.items():
        match.roles[col] = ROLE_LABELS[key]
    return match


def _choose(
    key: str, cols: list[int], cells: list[object], match: _HeaderMatch, sheet: RawSheet, index: int
) -> int | None:
    """One column for a role that several headers name, or None with an error."""
    if len(cols) == 1:
        return cols[0]
    if key == "district":
        ranks = {c: _AREA_RANK.get(norm_name(cells[c]), 0) for c in cols}
        best = max(ranks.values())
        finest = [c for c in cols if ranks[c] == best]
        if len(finest) == 1:
            return finest[0]
        cols = finest
    headers = [str(cells[c]).strip() for c in cols]
    option = ROLE_OPTION.get(key, ROLE_LABELS[key])
    match.issues.append(
        Issue(
            ERROR,
            f"Flera kolumner kan vara {ROLE_LABELS[key].lower()}: "
            + ", ".join(f"”{h}”" for h in headers)
            + f". Välj en med --column {option}={headers[0]} (på sidan: rollen för kolumnen).",
            sheet=sheet.name,
            row=index + 1,
            column=headers[0],
        )
    )
    match.extras.update(dict(zip(cols, headers, strict=True)))
    match.ambiguous.add(key)
    match.ambiguous_columns.update(cols)
    return None


def _column_sample(sheet: RawSheet, index: int, col: int) -> list[object]:
    """The first values of a column under a header row, up to the table's end (a blank row
    after the data: what follows are notes, not the table)."""
    if sheet.columns is not None:
        return _coded_sample(sheet.columns, index + 1, col)
    values = []
    started = False
    for row in sheet.rows[index + 1 :]:
        if all(is_blank(c) for c in row):
            if started:
                break
            continue
        started = True
        if col < len(row) and not is_blank(row[col]):
            values.append(row[col])
            if len(values) >= SAMPLE_ROWS:
                break
    return values


def _coded_sample(columns: list, start: int, col: int) -> list[object]:
    """`_column_sample` of a plain CSV's columns, from their codes (a column without a header
    may be empty all the way down a file of millions of rows)."""
    coded = [_text_column(columns, c, start, True) for c in range(len(columns))]
    filled = np.logical_or.reduce([c.codes >= 0 for c in coded])
    content = np.flatnonzero(filled)
    if col >= len(coded) or not len(content):
        return []
    first = content[0]
    gaps = np.flatnonzero(~filled[first:])
    end = first + gaps[0] if len(gaps) else len(filled)
    codes = coded[col].codes[first:end]
    categories = coded[col].categories
    return [categories[c] for c in codes[codes >= 0][:SAMPLE_ROWS]]


def _is_period(value: object) -> bool:
    try:
        return parse_stat_period(value) is not None
    except ValueError:
        return False


def _infer_blank_headers(sheet: RawSheet, index: int, match: _HeaderMatch) -> None:
    """PX-Web's stub columns (period, region) often have no header: tell them by content."""
    cells = sheet.rows[index]
    width = max((len(r) for r in sheet.rows[index + 1 : index + 1 + SAMPLE_ROWS]), default=0)
    for col in range(max(width, len(cells))):
        if col < len(cells) and not is_blank(cells[col]):
            continue
        sample = _column_sample(sheet, index, col)
        if not sample:
            continue
        label = f"kolumn {_column_letter(col)}"
        if "year" not in match.columns and not match.year_columns and all(map(_is_period, sample)):
            match.columns["year"] = col
            match.headers["year"] = label
        elif "district" not in match.columns and not any(map(reads_as_number, sample)):
            match.columns["district"] = col
            match.headers["district"] = label
        else:
            match.extras[col] = label


def _infer_value_column(sheet: RawSheet, index: int, match: _HeaderMatch) -> None:
    """A file of one measure names its value column after it ("Ohälsotalet", "antal nystartade
    företag"): when exactly one extra column holds numbers, that is the value."""
    cells = sheet.rows[index]
    candidates = [
        col
        for col, header in match.extras.items()
        if col < len(cells)
        and not is_blank(cells[col])
        and (sample := _column_sample(sheet, index, col))
        and all(map(reads_as_number, sample))
        and not all(missing_marker(v) for v in sample)
    ]
    if len(candidates) != 1:
        return  # none, or a choice: the error for a missing value column lists them
    col = candidates[0]
    header = match.extras.pop(col)
    match.columns["value"] = col
    match.headers["value"] = header
    match.issues.append(
        Issue(
            WARNING,
            f"Kolumnen ”{header}” läses som värde: den är den enda kolumnen med tal. Är det fel, "
            f"ange värdekolumnen med --column Värde=RUBRIK.",
            sheet=sheet.name,
            row=index + 1,
            column=header,
        )
    )


def signature(cells: list[object], match: _HeaderMatch) -> str:
    """The layout's fingerprint for import profiles: its headers without the period headers,
    so next year's export (one more year column) still matches."""
    parts = [
        "" if is_blank(cell) else norm_name(cell)
        for col, cell in enumerate(cells)
        if col not in match.year_columns
    ]
    while parts and not parts[-1]:
        parts.pop()
    return "|".join(parts)


def _cut(
    sheet: RawSheet, file: str, sheet_spec: SheetSpec, match: _HeaderMatch
) -> tuple[Table, list[Issue]]:
    body = sheet.rows[match.row_index + 1 :]
    first_row = match.row_index + 2  # Excel numbering of the first row below the header
    wanted = (
        list(match.columns.items())
        + [(f"p{index}", index) for index in match.year_columns]
        + [(f"x{index}", index) for index in match.extras]
    )
    if sheet.columns is not None:
        # A plain CSV's columns: each one as codes of its distinct texts, never a Python object
        # per cell (a national file has millions of rows and a few thousand areas). Only
        # indicator values are checked by code; other tables get their cells.
        as_codes = sheet_spec is spec.INDICATOR_VALUES
        start, dtype = match.row_index + 1, None if as_codes else object
        frame = pd.DataFrame(
            {
                key: pd.Series(_text_column(sheet.columns, index, start, as_codes), dtype=dtype)
                for key, index in wanted
            }
        )
    else:
        data = _cells(body, [index for _, index in wanted])
        frame = pd.DataFrame({key: data[index] for key, index in wanted}, dtype=object)
    frame["_row"] = range(first_row, first_row + len(body))
    period_columns = {f"p{index}": period for index, period in match.year_columns.items()}
    headers = dict(match.headers)
    header_cells = sheet.rows[match.row_index]
    headers.update(
        {f"p{index}": cell_text(header_cells[index]) or "" for index in match.year_columns}
    )
    headers.update({f"x{index}": header for index, header in match.extras.items()})
    issues: list[Issue] = []
    content_keys = [key for key, _ in wanted if not key.startswith("x")]
    if content_keys and len(frame):
        keep = frame[content_keys].notna().any(axis=1)
        issues = _fill_merged_down(sheet, file, match, dict(wanted), headers, frame, keep)
        if sheet_spec is spec.INDICATOR_VALUES:
            issues += _footnotes(sheet, file, frame, keep, first_row)
        unnamed = {i for i, h in match.extras.items() if h.startswith("kolumn ")}
        read = {i for _, i in wanted} - unnamed
        issues += _unread(sheet, file, body, first_row, read, match, keep)
        if not keep.all():
            frame = frame[keep].reset_index(drop=True)
        if sheet_spec is spec.INDICATOR_VALUES and match.row_index > 0:
            issues += _fill_stub_down(file, sheet.name, frame, match.headers)
    extras = {f"x{index}": header for index, header in match.extras.items()}
    table = Table(
        file,
        sheet.name,
        sheet_spec,
        frame,
        headers,
        period_columns,
        extras,
        header_row=match.row_index + 1,
    )
    return table, issues


def _cells(body: Sequence[list[object]], indexes: list[int]) -> dict[int, np.ndarray]:
    """The cells of these columns of rows, blank ones (empty or only spaces) as None."""
    data: dict[int, np.ndarray] = {}
    width = min(map(len, body), default=0)
    for index in indexes:
        # Calamine gives rectangular rows; a CSV's may be ragged.
        if index < width:
            cells = np.fromiter(map(itemgetter(index), body), dtype=object, count=len(body))
        else:
            cells = np.array(
                [row[index] if index < len(row) else None for row in body], dtype=object
            )
        # Calamine and CSV both give '' for an empty cell; blank cells become None.
        blank = cells == ""
        text = np.fromiter(map(type, cells), dtype=object, count=len(cells)) == str  # noqa: E721 - element-wise
        if text.any():
            # Whitespace-only cells are blank too; a column has few distinct texts.
            others = np.flatnonzero(text & ~blank)
            spaces = {v for v in set(cells[others]) if v.isspace()}
            if spaces:
                blank[others] = [cells[i] in spaces for i in others]
        cells[blank] = None
        data[index] = cells
    return data


def _text_column(
    columns: list, index: int, start: int, as_codes: bool
) -> pd.Categorical | np.ndarray:
    """Column `index` of a plain CSV from row `start` on: as codes of its distinct texts (a
    Categorical, blank cells missing), or as cells (None for blank) when not `as_codes`."""
    rows = len(columns[0]) - start if columns else 0
    if index >= len(columns):
        texts, codes = [], np.full(rows, -1, dtype=np.int32)
    else:
        column = columns[index]  # a DictionaryArray (reader.RawSheet.columns)
        codes = column.indices.slice(start).to_numpy(zero_copy_only=False)
        texts = column.dictionary.to_pylist()
        blank = np.fromiter((not text.strip() for text in texts), dtype=bool, count=len(texts))
        if blank.any():  # blank cells (empty or only spaces) are missing
            renumber = np.where(blank, -1, np.cumsum(~blank) - 1)
            codes = renumber[codes]
            texts = [text for text, gone in zip(texts, blank, strict=True) if not gone]
    if as_codes:
        return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))
    cells = np.empty(len(texts) + 1, dtype=object)  # the last one: blank cells
    cells[: len(texts)] = texts
    return cells[codes]


def cells(column: pd.Series) -> np.ndarray:
    """A table column's cells as objects, None where blank (also for a column read as codes)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        values = np.empty(len(column.cat.categories) + 1, dtype=object)
        values[:-1] = column.cat.categories.to_numpy(dtype=object)
        return values[column.cat.codes.to_numpy()]
    return column.to_numpy(dtype=object)


def as_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose columns read as codes (a plain CSV's) as one of cells, None where blank;
    other frames as they are."""
    coded = [k for k in frame if isinstance(frame[k].dtype, pd.CategoricalDtype)]
    if not coded:
        return frame
    return frame.assign(
        **{k: pd.Series(cells(frame[k]), index=frame.index, dtype=object) for k in coded}
    )


def distinct(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(labels, values): each row's number among the column's distinct values (-1 for a blank
    cell), and those values. A column read as codes has them already; any other is factorized,
    which keeps 2021 and "2021" apart (as a dict would) but not 1, 1.0 and True."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories.to_numpy(dtype=object)
    labels, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    return labels, np.asarray(uniques, dtype=object)


def first_seen(column: pd.Series) -> list[object] | None:
    """The column's non-blank cells in the order they first appear, each once (a column read
    as codes); None for other columns, whose cells are looked at one by one."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return None
    codes = column.cat.codes.to_numpy()
    order = pd.unique(codes[codes >= 0])
    return list(column.cat.categories.to_numpy(dtype=object)[order])


def _unread(
    sheet: RawSheet,
    file: str,
    body: list[list[object]],
    first_row: int,
    read: set[int],
    match: _HeaderMatch,
    keep: pd.Series,
) -> list[Issue]:
    """Nothing readable is dropped unsaid: cells in a column without a header (or past the
    header's last column), and rows whose only content is in columns that are not read."""
    issues: list[Issue] = []
    header = sheet.rows[match.row_index]
    named = {i for i, cell in enumerate(header) if not is_blank(cell)}
    width = len(sheet.columns) if sheet.columns is not None else max(map(len, body), default=0)
    unread_rows = np.zeros(len(body), dtype=bool)
    for col in range(width):
        if col in read:
            continue
        if sheet.columns is not None:
            column = _text_column(sheet.columns, col, match.row_index + 1, True)
            filled = column.codes >= 0
        else:
            cells = np.array([row[col] if col < len(row) else None for row in body], dtype=object)
            filled = ~((cells == "") | pd.isna(cells))
        if not filled.any():
            continue
        unread_rows |= filled
        if col in named:
            continue  # an unknown column: its own warning says so
        rows = [first_row + int(i) for i in np.flatnonzero(filled)]
        issues.append(
            Issue(
                WARNING,
                f"Kolumn {_column_letter(col)} har {fmt.count(len(rows), 'ifylld cell', 'ifyllda celler')} men ingen "
                f"rubrik och läses inte (rad {row_ranges(rows)}). Ge den en rubrik om den ska läsas.",
                file,
                sheet.name,
                rows[0],
                f"kolumn {_column_letter(col)}",
            )
        )
    dropped = np.flatnonzero(unread_rows & ~keep.to_numpy())
    if len(dropped):
        rows = [first_row + int(i) for i in dropped]
        issues.append(
            Issue(
                WARNING,
                f"{fmt.count(len(rows), 'rad', 'rader')} har innehåll bara i kolumner som inte läses och hoppas "
                f"över (rad {row_ranges(rows)}).",
                file,
                sheet.name,
                rows[0],
            )
        )
    return issues


_STUB_KEYS = ("indicator", "district", "district_code", "sex", "year")


def _fill_stub_down(
    file: str, sheet: str, frame: pd.DataFrame, headers: dict[str, str]
) -> list[Issue]:
    """PX-Web writes a repeated value of a stub column (region, period, …) only on the first
    row of its group, under its title rows. Such blank cells hold the value above."""
    issues = []
    values = [k for k in frame.columns if k == "value" or k.startswith("p")]
    has_value = frame[values].notna().any(axis=1) if values else pd.Series(True, index=frame.index)
    for key in _STUB_KEYS:
        if key not in frame:
            continue
        column = frame[key]
        blank = column.isna() & has_value
        filled = column.ffill()
        fill = blank & filled.notna()
        if not fill.any() or fill.sum() == blank.sum() == len(frame):
            continue
        frame.loc[fill, key] = filled[fill]
        rows = frame.loc[fill, "_row"].tolist()
        issues.append(
            Issue(
                WARNING,
                f"{fmt.count(len(rows), 'tom cell', 'tomma celler')} i kolumnen ”{headers.get(key, key)}” får värdet "
                "ovanför (PX-Web skriver ett upprepat värde bara på gruppens första rad).",
                file,
                sheet,
                int(rows[0]),
                headers.get(key, key),
            )
        )
    return issues


def _footnotes(
    sheet: RawSheet, file: str, frame: pd.DataFrame, keep: pd.Series, first_row: int
) -> list[Issue]:
    """Notes under a PX-Web table ("Källa: SCB", "..  = uppgift saknas"): after a blank row,
    rows with text in one cell only. They are skipped, and said so."""
    # From the bottom up, so that only the notes themselves are looked at, not the table.
    notes: list[int] = []
    pos = len(frame) - 1
    while pos >= 0:
        filled = [c for c in sheet.rows[first_row - 1 + pos] if not is_blank(c)]
        if len(filled) > 1 or (filled and reads_as_number(filled[0])):
            break
        if filled:
            notes.append(pos)
        pos -= 1
    # Notes stand apart from the table: a blank row between them, and a table above.
    top = min(notes, default=None)
    if top is None or top == 0 or any(not is_blank(c) for c in sheet.rows[first_row - 2 + top]):
        notes = []
    notes.sort()
    if not notes:
        return []
    for pos in notes:
        keep.iat[pos] = False
    rows = [first_row + pos for pos in notes]
    span = f"{rows[0]}" if len(rows) == 1 else f"{rows[0]}–{rows[-1]}"
    text = cell_text(next(c for c in sheet.rows[rows[0] - 1] if not is_blank(c))) or ""
    return [
        Issue(
            WARNING,
            (
                f"Raden under tabellen läses som en fotnot och hoppas över (”{show_value(text, 40)}”)."
                if len(rows) == 1
                else f"Raderna {span} under tabellen läses som fotnoter och hoppas över "
                f"(”{show_value(text, 40)}” …)."
            ),
            file,
            sheet.name,
            rows[0],
        )
    ]


def _fill_merged_down(
    sheet: RawSheet,
    file: str,
    match: _HeaderMatch,
    columns: dict[str, int],
    headers: dict[str, str],
    frame: pd.DataFrame,
    keep: pd.Series,
) -> list[Issue]:
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
                WARNING,
                f"Cellerna {area} är sammanfogade. Värdet läses in på varje rad i "
                f"området (rad {top + 1}–{bottom + 1}).",
                file,
                sheet.name,
                top + 1,
                headers.get(key, key),
                show_value(value),
            )
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


def recognise(
    sheets: list[RawSheet], file: str, is_csv: bool, options: ImportOptions | None = None
) -> tuple[list[Table], list[Issue]]:
    """The recognised tables of one file, and what was wrong or ignored on the way."""
    options = options or ImportOptions()
    tables: list[Table] = []
    issues: list[Issue] = []
    skipped = [s.name for s in sheets if not options.wants_sheet(s.name)]
    if options.sheets and len(skipped) == len(sheets):
        names = ", ".join(f"”{s.name}”" for s in sheets)
        return [], [
            Issue(
                ERROR,
                f"Filen har inget blad som heter "
                f"{', '.join(f'”{n}”' for n in options.sheets)} (--sheet). Bladen heter "
                f"{names}.",
                file,
            )
        ]
    for sheet in sheets:
        if not options.wants_sheet(sheet.name):
            if not _is_blank_sheet(sheet):
                issues.append(
                    Issue(WARNING, f"Bladet ”{sheet.name}” läses inte (--sheet).", file, sheet.name)
                )
            continue
        named = _NAME_TO_SPEC.get(norm_name(sheet.name))
        if named is None and norm_name(sheet.name) in TEMPLATE_HELPER_SHEETS:
            continue
        candidates = (named,) if named else HEADER_RECOGNISED
        found = None
        closest: tuple[SheetSpec, _HeaderMatch] | None = None
        for candidate in candidates:
            match, best = _find_header(sheet, candidate, options)
            if match is not None:
                found = (candidate, match)
                break
            if best is not None and (
                closest is None or _coverage(candidate, best) > _coverage(*closest)
            ):
                closest = (candidate, best)
        if found is None:
            if _is_blank_sheet(sheet):
                continue
            issues.append(_not_recognised(sheet, file, is_csv, named, closest))
            continue
        sheet_spec, match = found
        table, cut_issues = _cut(sheet, file, sheet_spec, match)
        issues.extend(replace(i, file=file) for i in match.issues)
        issues.extend(cut_issues)
        for header in match.unknown if sheet_spec is not spec.INDICATOR_VALUES else ():
            issues.append(
                Issue(
                    WARNING,
                    f"Kolumnen ”{header}” känns inte igen och hoppas över.",
                    file,
                    sheet.name,
                    match.row_index + 1,
                    header,
                )
            )
        if sheet_spec is spec.INDICATOR_VALUES:
            table.options = options
            table.blocked = any(i.is_error for i in match.issues)
            for col, header in match.extras.items():
                if col in match.year_columns or col in match.ambiguous_columns:
                    continue
                if header.startswith("kolumn "):
                    continue  # no header: `_unread` names it with its rows
                issues.append(
                    Issue(
                        WARNING,
                        f"Kolumnen ”{header}” ingår inte i formatet och hoppas över.",
                        file,
                        sheet.name,
                        match.row_index + 1,
                        header,
                    )
                )
            cells = sheet.rows[match.row_index]
            table.signature = signature(cells, match)
            table.roles = [
                (
                    table.headers.get(key, key),
                    match.roles.get(col, "Period" if col in match.year_columns else "ignoreras"),
                )
                for key, col in sorted(
                    [
                        *match.columns.items(),
                        *((f"p{c}", c) for c in match.year_columns),
                        *((f"x{c}", c) for c in match.extras),
                    ],
                    key=lambda kc: kc[1],
                )
            ]
        if table.frame.empty:
            issues.append(
                Issue(WARNING, "Bladet har inga rader under rubrikraden.", file, sheet.name)
            )
        tables.append(table)
    return tables, issues


def _coverage(sheet_spec: SheetSpec, match: _HeaderMatch) -> float:
    """How much of what the kind needs a candidate header has, 0–1."""
    if sheet_spec is spec.INDICATOR_VALUES:
        has = [
            "district" in match.columns or "district_code" in match.columns,
            "year" in match.columns or bool(match.year_columns),
            "value" in match.columns or bool(match.year_columns),
        ]
        return sum(has) / 3
    required = {c.key for c in sheet_spec.required}
    return len(required & set(match.columns)) / len(required)


_ACCEPTED = {
    "district": "Område, Stadsdel, Kommun, Region, Län, RegSO, DeSO, Municipality (eller en kod: "
    "Regionkod, Kommunkod, municipality_id)",
    "year": "År, Year, Tid, Period (eller en kolumn per år: 2018, 2019 …)",
    "value": "Värde, Value",
}


def _not_recognised(
    sheet: RawSheet,
    file: str,
    is_csv: bool,
    named: SheetSpec | None,
    closest: tuple[SheetSpec, _HeaderMatch] | None,
) -> Issue:
    """Why a sheet (or CSV file) was not read: the columns it lacks and the names accepted."""
    where = "Filen" if is_csv else f"Bladet ”{sheet.name}”"
    values = closest[1] if closest and closest[0] is spec.INDICATOR_VALUES else None
    # A period column alone says little (follow-ups have one too); an area column or period
    # headers say indicator values.
    partial = values is not None and bool(
        {"district", "district_code"} & set(values.columns) or values.year_columns
    )
    if named is not None and not (named is spec.INDICATOR_VALUES and partial):
        best = closest[1] if closest else None
        required = named.required
        if named is spec.INDICATOR_VALUES:  # the indicator and the values can be given otherwise
            required = tuple(c for c in required if c.key in ("district", "year"))
        missing = [c.sv for c in required if best is None or c.key not in best.columns]
        return Issue(
            ERROR,
            f"{where} saknar rubrikraden: kolumnerna {', '.join(missing)} hittades inte bland "
            f"de första {HEADER_SCAN_ROWS} raderna.",
            file,
            sheet.name,
        )
    if partial:
        missing = []
        if "district" not in values.columns and "district_code" not in values.columns:
            missing.append(("område", "district", "Område"))
        if "year" not in values.columns and not values.year_columns:
            missing.append(("år eller period", "year", "År"))
        what = " och ".join(m[0] for m in missing)
        accepted = " ".join(f"Godtagna rubriker för {m[0]}: {_ACCEPTED[m[1]]}." for m in missing)
        return Issue(
            ERROR if is_csv or named else WARNING,
            f"{where} liknar indikatorvärden men saknar kolumn för {what}. {accepted} Har "
            f"kolumnen ett annat namn, ange den med --column {missing[0][2]}=RUBRIK (på sidan: "
            "rollen för kolumnen).",
            file,
            "" if is_csv else sheet.name,
        )
    if is_csv:
        return Issue(
            ERROR,
            "Filen känns inte igen: ingen av de första "
            f"{HEADER_SCAN_ROWS} raderna har rubrikerna för någon av tabellerna. Indikatorvärden "
            f"behöver kolumner för område ({_ACCEPTED['district']}), år ({_ACCEPTED['year']}) och "
            f"värde ({_ACCEPTED['value']}); en uppföljning Nr, Period och Status; en åtgärdsplan "
            "Nr, Utvecklingsområde, Åtgärd, Ansvarig förvaltning, Områden och Planår. Har "
            "kolumnerna andra namn, ange dem med --column, t.ex. --column Område=RUBRIK. En "
            "CSV-fil kan också döpas efter bladet den motsvarar, t.ex. Uppföljning.csv.",
            file,
        )
    return Issue(
        WARNING,
        f"Bladet ”{sheet.name}” känns inte igen och hoppas över. Bladen ska heta "
        "Åtgärder, Uppföljning, Indikatorvärden, Indikatorer, Förvaltningar, "
        "Områden eller Utvecklingsområden, eller ha en rubrikrad med de "
        "obligatoriska kolumnerna.",
        file,
        sheet.name,
    )


def _is_blank_sheet(sheet: RawSheet) -> bool:
    return not any(
        cell is not None and str(cell).strip()
        for row in sheet.rows[:HEADER_SCAN_ROWS]
        for cell in row
    )
