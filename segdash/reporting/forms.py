"""Prefilled follow-up forms, one workbook per lead office, for a reporting round.

A form is a follow-up workbook the importer reads like any other, laid out so that an office
can answer in Excel without breaking it:

- `Instruktioner` (first): the period, the deadline, the analyst's message and how to answer.
- `Uppföljning`: one row per action the office leads in the plan in force. `Nr`, `Planår`,
  `Åtgärd`, `Ansvarig förvaltning` and `Period` are filled in and locked (sheet protection
  without a password: it stops mistakes, not people); `Status` (a drop-down), `Andel genomfört`
  (0–100) and `Kommentar` are empty and open; the previous follow-up is shown beside them in
  grey, locked columns headed `Föregående …`, which the importer ignores.
- `Listor` (hidden): the status drop-down's values.
- `Blankettdata` (very hidden): what the form was made for, cell by cell, so that the importer
  can tell a locked cell that was changed anyway (see `segdash.importer.forms`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from segdash import domain, fmt
from segdash.exports import cell_value as _text
from segdash.importer import forms as form_contract
from segdash.importer.templates import FIXED_TIME, LISTS_SHEET, workbook_bytes

FORM_SHEET = "Uppföljning"
INSTRUCTIONS_SHEET = "Instruktioner"

# (header, width); Status, Andel genomfört and Kommentar are the open ones
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Nr", 8),
    ("Planår", 9),
    ("Åtgärd", 48),
    ("Ansvarig förvaltning", 30),
    ("Period", 10),
    ("Status", 22),
    ("Andel genomfört", 12),
    ("Kommentar", 60),
    ("Föregående period", 12),
    ("Föregående status", 22),
    ("Föregående andel genomfört", 14),
    ("Föregående kommentar", 60),
)
_FIRST_PREVIOUS = 9  # column I: the greyed reference columns start here
_STATUS_COLUMN, _PROGRESS_COLUMN, _COMMENT_COLUMN = 6, 7, 8

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_OPEN_FILL = PatternFill("solid", fgColor="FFFFFF")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_PREVIOUS_FILL = PatternFill("solid", fgColor="D9D9D9")
_PREVIOUS_FONT = Font(color="595959", italic=True)
_UNLOCKED = Protection(locked=False)
_STATUS_LABELS = {s.code: s.label for s in domain.STATUSES}


@dataclass(frozen=True)
class Form:
    office: str  # office code
    office_name: str
    file_name: str
    actions: int
    data: bytes


def form_file_name(period: str, office: str) -> str:
    """`uppfoljning_2024_UBF.xlsx`: the period and the office's code, safe as a file name.

    >>> form_file_name("2022-T1", "Kultur/Fritid")
    'uppfoljning_2022-T1_Kultur-Fritid.xlsx'
    """
    safe = re.sub(r"[^0-9A-Za-zÅÄÖåäö_-]+", "-", office).strip("-") or "forvaltning"
    return f"uppfoljning_{period}_{safe}.xlsx"


def build_forms(
    rows: pd.DataFrame,
    *,
    period: str,
    plan_year: int,
    deadline: date,
    message: str | None,
    office_names: dict[str, str],
) -> list[Form]:
    """One form per lead office of `rows` (from `queries.form_rows`), by office name."""
    forms = []
    for office, office_rows in rows.groupby("lead_office", sort=False):
        name = office_names.get(office, office)
        data = build_form(
            office_rows,
            period=period,
            plan_year=plan_year,
            office=office,
            office_name=name,
            deadline=deadline,
            message=message,
        )
        forms.append(Form(office, name, form_file_name(period, office), len(office_rows), data))
    return sorted(forms, key=lambda f: f.office_name.casefold())


def build_form(
    rows: pd.DataFrame,
    *,
    period: str,
    plan_year: int,
    office: str,
    office_name: str,
    deadline: date,
    message: str | None,
) -> bytes:
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    ws = wb.create_sheet(FORM_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    data = wb.create_sheet(form_contract.DATA_SHEET)
    data.sheet_state = "veryHidden"

    _write_instructions(instructions, period, office_name, deadline, message, len(rows))
    status_range = _write_status_list(lists)
    written = _write_rows(ws, rows, period, plan_year, office_name)
    _add_validations(ws, status_range, len(rows))
    _write_form_data(data, period, plan_year, office, written)
    for sheet in (ws, lists, data):
        sheet.protection.sheet = True  # no password: against mistakes, not people
        sheet.protection.formatColumns = False  # widening a column is allowed
        sheet.protection.formatRows = False
    return workbook_bytes(wb)


def forms_zip(forms: Sequence[Form]) -> bytes:
    """All forms in one zip, reproducible for the same forms."""
    out = BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED) as archive:
        for form in forms:
            info = ZipInfo(form.file_name, date_time=FIXED_TIME.timetuple()[:6])
            archive.writestr(info, form.data, compress_type=ZIP_DEFLATED)
    return out.getvalue()


def _write_rows(ws, rows: pd.DataFrame, period: str, plan_year: int, office_name: str) -> list:
    for index, (header, width) in enumerate(_COLUMNS, start=1):
        cell = ws.cell(1, index, header)
        cell.font = Font(bold=True)
        cell.fill = _PREVIOUS_FILL if index >= _FIRST_PREVIOUS else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "B2"
    written = []
    for row_no, r in enumerate(rows.itertuples(index=False), start=2):
        locked = (
            _text(str(r.action_no)),
            int(plan_year),
            _text(r.title),
            _text(office_name),
            period,
        )
        previous_status = getattr(r, "previous_status", None)
        previous = (
            _text(getattr(r, "previous_period", None)),
            _STATUS_LABELS.get(previous_status) if isinstance(previous_status, str) else None,
            _text(getattr(r, "previous_progress", None)),
            _text(getattr(r, "previous_comment", None)),
        )
        for col, value in enumerate(locked, start=1):
            cell = ws.cell(row_no, col, value)
            cell.fill = _LOCKED_FILL
            cell.alignment = Alignment(wrap_text=col == 3, vertical="top")
        for col in (_STATUS_COLUMN, _PROGRESS_COLUMN, _COMMENT_COLUMN):
            cell = ws.cell(row_no, col)
            cell.protection = _UNLOCKED
            cell.fill = _OPEN_FILL
            cell.alignment = Alignment(wrap_text=col == _COMMENT_COLUMN, vertical="top")
        for col, value in enumerate(previous, start=_FIRST_PREVIOUS):
            cell = ws.cell(row_no, col, value)
            cell.fill = _PREVIOUS_FILL
            cell.font = _PREVIOUS_FONT
            cell.alignment = Alignment(wrap_text=col == len(_COLUMNS), vertical="top")
        ws.cell(row_no, 1).number_format = "@"
        ws.cell(row_no, 5).number_format = "@"
        ws.cell(row_no, _PROGRESS_COLUMN).number_format = "0"
        written.append((row_no, *locked))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_COLUMNS))}{max(len(rows) + 1, 2)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return written


def _write_status_list(ws) -> str:
    ws.cell(1, 1, "Status").font = Font(bold=True)
    for row, status in enumerate(domain.STATUSES, start=2):
        ws.cell(row, 1, status.label)
    ws.column_dimensions["A"].width = 24
    return f"{quote_sheetname(LISTS_SHEET)}!$A$2:$A${len(domain.STATUSES) + 1}"


def _add_validations(ws, status_range: str, n: int) -> None:
    last = max(n + 1, 2)
    status = DataValidation(
        type="list",
        formula1=status_range,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Välj en status i listan",
        error="Välj en av statusarna i listan. Lämna cellen tom om åtgärden inte är klar att "
        "rapportera.",
        showInputMessage=True,
        promptTitle="Status",
        prompt="Välj i listan. Tom = inte rapporterad ännu.",
    )
    status.add(f"{get_column_letter(_STATUS_COLUMN)}2:{get_column_letter(_STATUS_COLUMN)}{last}")
    progress = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Andel genomfört",
        error="Skriv en andel mellan 0 och 100 (procent).",
    )
    letter = get_column_letter(_PROGRESS_COLUMN)
    progress.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(status)
    ws.add_data_validation(progress)


def _write_instructions(
    ws, period: str, office_name: str, deadline: date, message: str | None, n: int
) -> None:
    ws.column_dimensions["A"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[object, Font | None]] = [
        (f"Uppföljning {period}: {office_name}", Font(bold=True, size=14)),
        (f"Sista dag att svara: {fmt.long_date(deadline)}", Font(bold=True)),
        (None, None),
    ]
    if message and message.strip():
        lines += [("Meddelande från analytikern", Font(bold=True))]
        lines += [(line, None) for line in message.strip().splitlines()]
        lines += [(None, None)]
    lines += [
        ("Så svarar ni", Font(bold=True)),
        (
            f"Bladet {FORM_SHEET} har en rad för var och en av de "
            f"{fmt.count(n, 'åtgärd', 'åtgärder')} som {office_name} ansvarar för.",
            None,
        ),
        (
            "Välj Status i listan för varje åtgärd. Fyll gärna i Andel genomfört (0–100) och en "
            "Kommentar om vad som gjorts och vad som återstår.",
            None,
        ),
        (
            "En åtgärd utan status räknas som inte rapporterad ännu. Ni kan skicka blanketten "
            "flera gånger; den senaste statusen för en åtgärd gäller.",
            None,
        ),
        (
            "Nr, Planår, Åtgärd, Ansvarig förvaltning och Period är låsta. Stämmer något inte, "
            "skriv det i Kommentar.",
            None,
        ),
        (
            "De grå kolumnerna Föregående … visar förra uppföljningen som stöd och läses inte in.",
            None,
        ),
        (
            "Spara filen som den är (xlsx, samma filnamn går bra) och skicka den till analytikern "
            "som ansvarar för uppföljningen.",
            None,
        ),
        (None, None),
        ("Status", Font(bold=True)),
        *((f"{s.label}", None) for s in domain.STATUSES),
    ]
    for row, (value, font) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, _text(value))
        cell.alignment = wrap
        if font is not None:
            cell.font = font
    ws.protection.sheet = True


def _write_form_data(ws, period: str, plan_year: int, office: str, written: list) -> None:
    """What the form was made for: read back by `segdash.importer.forms`."""
    ws.append([form_contract.MARKER, form_contract.VERSION])
    ws.append(["Period", period])
    ws.append(["Planår", int(plan_year)])
    ws.append(["Förvaltning", _text(office)])
    ws.append([])
    ws.append(list(form_contract.DATA_COLUMNS))
    for row in written:
        ws.append(list(row))
