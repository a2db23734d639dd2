"""Recognising a reporting round's prefilled form (see `segdash.reporting.forms`).

A form carries a very hidden sheet, `Blankettdata`, with what it was made for: the period, the
plan year, the office, and per row of `Uppföljning` the locked cells as written. When the
importer finds it, the file is read as a form: the reference columns and the helper sheets pass
without a word, a row without a status is "not yet reported" (one grouped warning, not an
error), and a locked cell changed anyway is a warning, the form's value standing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from segdash.importer.reader import RawSheet
from segdash.importer.spec import norm_name
from segdash.importer.values import cell_text, is_blank

DATA_SHEET = "Blankettdata"
MARKER = "segdash-blankett"
VERSION = 1
# The locked columns, as their followup keys, in the order the data sheet lists them.
DATA_COLUMNS = ("Rad", "Nr", "Planår", "Åtgärd", "Ansvarig förvaltning", "Period")
LOCKED_KEYS = ("action_no", "plan_year", "title", "lead_office", "period")


@dataclass(frozen=True)
class FormInfo:
    period: str
    plan_year: int
    office: str
    # Excel row of `Uppföljning` -> followup key -> the locked cell's text as the form wrote it
    rows: dict[int, dict[str, str]] = field(default_factory=dict)


def _text(value: object) -> str:
    return "" if is_blank(value) else cell_text(value)


def read_form_info(sheets: list[RawSheet]) -> FormInfo | None:
    """The form's own record, or None when the file is not a form (or the record is broken:
    then it is read as an ordinary follow-up)."""
    sheet = next((s for s in sheets if norm_name(s.name) == norm_name(DATA_SHEET)), None)
    if sheet is None or len(sheet.rows) < 6:
        return None
    head = sheet.rows
    try:
        if _text(head[0][0]) != MARKER:
            return None
        period = _text(head[1][1])
        plan_year = int(float(_text(head[2][1])))
        office = _text(head[3][1])
    except (IndexError, ValueError):
        return None
    if [_text(v) for v in head[5][: len(DATA_COLUMNS)]] != list(DATA_COLUMNS):
        return None
    rows: dict[int, dict[str, str]] = {}
    for cells in head[6:]:
        cells = list(cells) + [None] * (len(DATA_COLUMNS) - len(cells))
        try:
            excel_row = int(float(_text(cells[0])))
        except ValueError:
            continue
        rows[excel_row] = {
            key: _text(value)
            for key, value in zip(LOCKED_KEYS, cells[1 : len(DATA_COLUMNS)], strict=True)
        }
    return FormInfo(period, plan_year, office, rows)
