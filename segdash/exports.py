"""Tables as downloadable xlsx and CSV, safe to open in Excel.

Any text cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) is written
with a leading apostrophe, so a comment uploaded by anyone can never run as a formula.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def escape_cell(value: object) -> object:
    """A value as it may be written to a spreadsheet: formula-like text gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_value(value: object) -> object:
    """A value as a spreadsheet cell: missing values empty, numpy scalars plain, lists joined,
    formula-like text escaped."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    return escape_cell(value)


def frame_to_xlsx(
    frame: pd.DataFrame, sheet_name: str = "Data", number_formats: dict[str, str] | None = None
) -> bytes:
    """One sheet: styled, frozen header row, autofilter, fitted column widths.

    `number_formats` maps a column to an Excel number format (Excel shows it with the reader's
    own decimal comma); by default floats get one decimal.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    headers = [str(c) for c in frame.columns]
    sheet.append([escape_cell(h) for h in headers])
    for row in frame.itertuples(index=False):
        sheet.append([cell_value(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    formats = number_formats or {}
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        texts = [headers[index - 1], *(str(v) for v in frame[column].head(500) if v is not None)]
        sheet.column_dimensions[letter].width = min(max(len(t) for t in texts) + 2, 60)
        wanted = formats.get(column) or (
            "0.0" if pd.api.types.is_float_dtype(frame[column]) else None
        )
        if wanted:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = wanted
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """CSV as Swedish Excel opens it: UTF-8 with BOM, ';' between fields, decimal comma."""
    safe = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            safe[escape_cell(str(column))] = [
                "" if pd.isna(v) else repr(float(v)).removesuffix(".0").replace(".", ",")
                for v in values
            ]
        else:
            safe[escape_cell(str(column))] = [cell_value(v) for v in values]
    return safe.to_csv(index=False, sep=";").encode("utf-8-sig")
