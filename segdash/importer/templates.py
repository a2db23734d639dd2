"""Blank spreadsheet templates for analysts, one per workbook kind, built from the contract.

A template opens on an `Instruktioner` sheet, then has the kind's sheets with their Swedish
headers, and drop-down lists (Excel data validation) on the coded columns, read from a hidden
`Listor` sheet. The header styling and the reproducible xlsx writer here are shared with the
demo data (`segdash.demo`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from segdash import domain
from segdash.importer import spec

TEMPLATE_FILENAMES = {
    "plan": "mall_atgardsplan.xlsx",
    "followup": "mall_uppfoljning.xlsx",
    "indicators": "mall_indikatorer.xlsx",
}
INSTRUCTIONS_SHEET = "Instruktioner"
LISTS_SHEET = "Listor"
TEMPLATE_ROWS = 1000  # drop-downs and text formats cover rows 2..TEMPLATE_ROWS

# Stamped into every workbook we write, so the bytes depend on the content only.
FIXED_TIME = datetime(2024, 1, 1)

# Columns whose values Excel must keep as typed: 1.10 would otherwise become the number 1.1.
_TEXT_COLUMNS = {"action_no", "period"}

_WIDTHS = {
    "title": 45,
    "description": 60,
    "comment": 60,
    "definition": 60,
    "source": 45,
    "name": 45,
    "lead_office": 42,
    "partner_offices": 42,
    "area": 32,
    "districts": 24,
}


@dataclass(frozen=True)
class _Dropdown:
    header: str  # column header in the Listor sheet
    values: tuple[str, ...]
    error: str  # shown by Excel when a typed value is not in the list


_DROPDOWNS: dict[str, _Dropdown] = {
    "status": _Dropdown(
        "Status",
        tuple(s.label for s in domain.STATUSES),
        "Välj en status ur listan. Svara Ja om värdet ändå är rätt, t.ex. ett alias som Klar.",
    ),
    "area": _Dropdown(
        "Utvecklingsområde",
        tuple(name for _, name in domain.DEVELOPMENT_AREAS),
        "Välj ett utvecklingsområde ur listan. Svara Ja om du skrev områdets nummer 1–5.",
    ),
    "office": _Dropdown(
        "Förvaltning",
        tuple(name for _, name in domain.OFFICES),
        "Välj en förvaltning ur listan. Svara Ja om du skrev en förvaltningskod, t.ex. UBF.",
    ),
    "district": _Dropdown(
        "Område",
        tuple(name for _, name, _ in domain.DISTRICTS),
        "Välj ett område ur listan. Svara Ja om du vill lägga till ett annat område som "
        "jämförelse.",
    ),
    "districts_or_all": _Dropdown(
        "Områden",
        (*domain.FOCUS_DISTRICTS, domain.ALL_DISTRICTS_WORDS[0].capitalize()),
        "Välj ett område eller Alla ur listan. Flera områden skrivs åtskilda med semikolon, "
        "t.ex. Berga; Ryd – svara då Ja.",
    ),
    "sex": _Dropdown(
        "Kön",
        tuple(code for code, _, _ in domain.SEXES),
        "Skriv T (totalt), K (kvinnor) eller M (män).",
    ),
    "yes_no": _Dropdown(
        "Ja/nej",
        (domain.YES_WORDS[0], domain.NO_WORDS[0]),
        "Skriv ja eller nej.",
    ),
    "district_type": _Dropdown(
        "Typ",
        domain.DISTRICT_TYPES,
        "Skriv fokus, referens eller jämförelse.",
    ),
}

# (sheet kind, column key) -> drop-down. Partner offices and districts hold several values, so
# the partner column has none and the district list only warns (see _add_dropdown).
_COLUMN_DROPDOWNS: dict[tuple[str, str], str] = {
    ("plan", "area"): "area",
    ("plan", "lead_office"): "office",
    ("plan", "districts"): "districts_or_all",
    ("followup", "status"): "status",
    ("followup", "lead_office"): "office",
    ("indicator_values", "district"): "district",
    ("indicator_values", "sex"): "sex",
    ("indicators", "area"): "area",
    ("indicators", "higher_is_better"): "yes_no",
    ("districts", "district_type"): "district_type",
}

_PURPOSE: dict[str, tuple[str, ...]] = {
    "plan": (
        "Fyll i årets åtgärdsplan mot segregation: en rad per åtgärd i bladet Åtgärder.",
        "Bladen Förvaltningar, Områden och Utvecklingsområden är frivilliga. De lägger till "
        "eller byter namn i appens listor; ta bort dem om de inte behövs.",
        "Nr skrivs som text (1.10 är inte samma åtgärd som 1.1); kolumnen är formaterad som text.",
        "Om planåret redan finns i appen ersätter importen det årets åtgärder "
        "(den tidigare versionen finns kvar i historiken).",
    ),
    "followup": (
        "Fyll i uppföljningen av åtgärdsplanen: en rad per åtgärd och period i bladet Uppföljning.",
        "Nr ska finnas i planen. Om Planår är tomt avser numret den senaste planen som inte "
        "är senare än periodens år.",
    ),
    "indicators": (
        "Fyll i indikatorvärden per område och år i bladet Indikatorvärden, en rad per "
        "indikator, område, år och kön (lång form).",
        "Bred form går också: kolumnerna Indikator, Område och Kön följda av en kolumn per "
        "år (2018, 2019, …), som i en export från Kolada eller SCB.",
        "Nya indikatorer beskrivs i bladet Indikatorer. Ange källan för varje värde i kolumnen "
        "Källa; annars gäller indikatorns källa.",
        "Kön: "
        + ", ".join(f"{code} ({label.lower()})" for code, label, _ in domain.SEXES)
        + ". Linköping avser hela kommunen.",
    ),
}

_GENERAL_RULES = (
    "Låt rubrikraden stå kvar. Kolumnernas ordning spelar ingen roll; obligatoriska kolumner "
    "måste finnas och vara ifyllda.",
    "Kodade kolumner har rullistor. Ett värde utanför listan ger en varning i Excel; importen "
    "godtar även koder och alias.",
    "Tal får skrivas med decimalkomma (12,5). En tom cell betyder att värdet saknas.",
    "Vid uppladdning visas alla fel med blad, rad och kolumn. En fil med fel importeras inte alls.",
)

_PERIOD_FORMATS = (
    ("2022", "Helår (även Helår 2022)"),
    ("2022-T1, 2022-T2, 2022-T3", "Tertial (även 2022 T1 eller T1 2022)"),
    ("2022-H1, 2022-H2", "Halvår (Delår 2022 betyder 2022-H1)"),
    ("2022-Q1, 2022-Q2, 2022-Q3, 2022-Q4", "Kvartal"),
)


def build_template(kind: str) -> bytes:
    """A blank xlsx template for one workbook kind of `spec.WORKBOOK_KINDS`."""
    wb = Workbook()
    _write_instructions(wb.active, kind)
    sheets = [spec.SHEET_BY_KIND[sheet_kind] for sheet_kind in spec.WORKBOOK_KINDS[kind]]
    worksheets = [wb.create_sheet(sheet.sv) for sheet in sheets]
    lists_ws = wb.create_sheet(LISTS_SHEET)  # last, after the sheets analysts fill in
    lists_ws.sheet_state = "hidden"
    lists: dict[str, str] = {}  # drop-down name -> its range in the Listor sheet, once written
    for sheet, ws in zip(sheets, worksheets, strict=True):
        write_header(ws, sheet.template_columns)
        for index, column in enumerate(sheet.template_columns, start=1):
            letter = get_column_letter(index)
            if column.key in _TEXT_COLUMNS:
                ws.column_dimensions[letter].number_format = "@"
            dropdown = _COLUMN_DROPDOWNS.get((sheet.kind, column.key))
            if dropdown:
                if dropdown not in lists:
                    lists[dropdown] = _write_list(lists_ws, dropdown, len(lists) + 1)
                _add_dropdown(ws, letter, lists[dropdown], _DROPDOWNS[dropdown])
    return workbook_bytes(wb)


def write_header(
    ws: Worksheet, columns: Sequence[spec.Column], row: int = 1, extra: Sequence[str] = ()
) -> None:
    """Write the Swedish headers of `columns` (then `extra` ones) in bold on `row`, freeze
    everything above the data and give the columns a readable width."""
    headers = [(c.sv, _WIDTHS.get(c.key, len(c.sv) + 4)) for c in columns]
    headers += [(name, len(name) + 4) for name in extra]
    for index, (name, width) in enumerate(headers, start=1):
        ws.cell(row, index, name).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(index)].width = max(width, 10)
    ws.freeze_panes = ws.cell(row + 1, 1)


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as xlsx bytes that depend on its content only.

    openpyxl's own save stamps the current time into the document properties and into every
    zip member, so regenerating unchanged data would still give git a changed file.
    """
    wb.properties.creator = "segdash"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    written = BytesIO()
    with ZipFile(written, "w", ZIP_DEFLATED) as archive:
        # ExcelWriter directly, because save_workbook overwrites `modified` with now.
        ExcelWriter(wb, archive).write_data()
    stamped = BytesIO()
    member_time = FIXED_TIME.timetuple()[:6]
    with ZipFile(written) as source, ZipFile(stamped, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(
                ZipInfo(member.filename, date_time=member_time),
                source.read(member),
                compress_type=ZIP_DEFLATED,
            )
    return stamped.getvalue()


def _write_list(ws: Worksheet, name: str, column: int) -> str:
    """Write a drop-down's values as one column of the Listor sheet `ws`; return its range.

    The lists live in cells rather than inline in the validation, because inline lists are
    comma-separated and several names contain commas.
    """
    dropdown = _DROPDOWNS[name]
    ws.cell(1, column, dropdown.header).font = Font(bold=True)
    for row, value in enumerate(dropdown.values, start=2):
        ws.cell(row, column, value)
    letter = get_column_letter(column)
    last = len(dropdown.values) + 1
    ws.column_dimensions[letter].width = max(len(v) for v in dropdown.values) + 2
    return f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"


def _add_dropdown(ws: Worksheet, letter: str, list_range: str, dropdown: _Dropdown) -> None:
    # Style "warning" rather than "stop": the importer also accepts codes, aliases, area
    # numbers and several districts in one cell, and the template must not block those.
    validation = DataValidation(
        type="list",
        formula1=list_range,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Värdet finns inte i listan",
        error=dropdown.error,
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    ws.add_data_validation(validation)


def _write_instructions(ws: Worksheet, kind: str) -> None:
    ws.title = INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90
    bold = Font(bold=True)
    rows: list[tuple[tuple[str, ...], Font | None]] = [
        ((f"Mall: {spec.WORKBOOK_KIND_LABELS[kind]}",), Font(bold=True, size=14)),
        *(((line,), None) for line in _PURPOSE[kind]),
        ((), None),
        *(((line,), None) for line in _GENERAL_RULES),
    ]
    for sheet_kind in spec.WORKBOOK_KINDS[kind]:
        sheet = spec.SHEET_BY_KIND[sheet_kind]
        rows += [((), None), ((f"Bladet {sheet.sv}",), bold), (("Kolumn", "", "Innehåll"), bold)]
        rows += [
            ((c.sv, "obligatorisk" if c.required else "frivillig", c.help), None)
            for c in sheet.template_columns
        ]
    if kind == "followup":
        rows += [((), None), (("Status", "", "Godtas även"), bold)]
        rows += [((s.label, "", ", ".join(s.aliases)), None) for s in domain.STATUSES]
        rows += [((), None), (("Period", "", "Betyder"), bold)]
        rows += [((example, "", meaning), None) for example, meaning in _PERIOD_FORMATS]
    for row, (values, font) in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row, column, value or None)
            if font:
                cell.font = font
