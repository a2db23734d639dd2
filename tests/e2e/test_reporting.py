"""A reporting round in the browser, as the analyst runs it: open the round for 2024 with a
deadline and a message, download the prefilled forms, upload two of them filled in (UBF's in
part, KLF's in full), see who has reported, and find the reminders for the others.

This module has its own server with its own copy of the demo database (the `server` fixture is
per module), so the round it opens and the statuses it imports are seen by no other test. On
the demo data the default period is 2024 and the plan in force is 2023's: 50 actions led by 7
offices; the demo offices' addresses are uppfoljning.<code>@linkoping.example.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from segdash import fmt

from .conftest import check_page, open_page
from .harness import (
    XLSX,
    exceptions_on_page,
    goto,
    is_local,
    main_area,
    metrics,
    read_table,
    rerun,
    sidebar,
    sign_in,
)

pytestmark = pytest.mark.e2e

PERIOD = "2024"
# Lead offices of the 2023 plan, as the table lists them (by name): name, code, actions.
OFFICES = [
    ("Integrations- och arbetsmarknadsförvaltningen", "IAF", 9),
    ("Kommunledningsförvaltningen", "KLF", 9),
    ("Kultur- och fritidsförvaltningen", "KFF", 11),
    ("Samhällsbyggnadsförvaltningen", "SBF", 8),
    ("Social- och omsorgsförvaltningen", "SOF", 5),
    ("Utbildningsförvaltningen", "UBF", 7),
    ("Utförarförvaltningen", "UTF", 1),
]
FILLED = {"UBF": 3, "KLF": 9}  # rows filled in per office's form; the others send nothing
STATUSES = ("Genomförd", "Pågår enligt plan", "Pågår med avvikelse")
MESSAGE = "Hej! Fyll i status för era åtgärder. Hör av er om något är oklart."
# Status, Andel genomfört: the form's open columns F and G (A-E locked, then Kommentar).
STATUS_COLUMN, PROGRESS_COLUMN = 6, 7


# --- acting and looking ------------------------------------------------------------------


def go_to(page, title: str) -> None:
    """Follow a link in the sidebar's menu."""
    with rerun(page):
        sidebar(page).locator('[data-testid="stPageLink"]', has_text=title).click()


def alert(page, kind: str):
    """The text of the main area's alerts of one kind: Success, Error, Info, Warning."""
    return main_area(page).locator(
        f'[data-testid="stAlertContent{kind}"] [data-testid="stMarkdownContainer"]'
    )


def summary(page):
    """The bold summary line at the top of the Rapportering page."""
    return main_area(page).locator(
        '[data-testid="stMarkdownContainer"] strong', has_text="åtgärder rapporterade för"
    )


def set_date(scope, label: str, value: date) -> None:
    """Type a date into an `st.date_input` the way a keyboard user does: its year, month and
    day are separate fields (spin buttons), each typed into in turn."""
    for part, text in (
        ("year", f"{value.year}"),
        ("month", f"{value.month:02}"),
        ("day", f"{value.day:02}"),
    ):
        field = scope.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        field.click()
        field.press_sequentially(text)
    for part, number in (("year", value.year), ("month", value.month), ("day", value.day)):
        field = scope.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        expect(field).to_have_attribute("aria-valuenow", str(number))


def day_shown(deadline: date, today: date) -> str:
    """The deadline as the summary line writes it: '23 december', with the year if not this."""
    day = f"{deadline.day} {fmt.MONTHS['sv'][deadline.month - 1]}"
    return day if deadline.year == today.year else f"{day} {deadline.year}"


def fill_form(data: bytes, rows: int) -> bytes:
    """An office's answer: Status and Andel genomfört for its first `rows` actions, the rest
    left empty (not reported yet)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Uppföljning"]
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == [
        "Nr",
        "Planår",
        "Åtgärd",
        "Ansvarig förvaltning",
        "Period",
        "Status",
        "Andel genomfört",
        "Kommentar",
    ], header
    assert sheet.max_row - 1 >= rows
    for n, row in enumerate(range(2, 2 + rows)):
        status = STATUSES[n % len(STATUSES)]
        sheet.cell(row, STATUS_COLUMN, status)
        sheet.cell(row, PROGRESS_COLUMN, 100 if status == "Genomförd" else 20 + 5 * n)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the test ----------------------------------------------------------------------------


def test_a_reporting_round_from_opening_to_reminders(page, server, browser):
    elsewhere: list[str] = []

    def watch(request) -> None:
        if not is_local(request.url):
            elsewhere.append(request.url)

    page.on("request", watch)
    today = date.today()
    deadline = today + timedelta(days=30)
    main = main_area(page)

    # 1. The analyst signs in on the page itself; no round yet for the default period.
    goto(page, "/rapportering")
    sign_in(page)
    expect(main.get_by_role("heading", level=1)).to_have_text("Rapportering")
    expect(main.get_by_role("combobox", name="Period att rapportera")).to_have_value(PERIOD)
    expect(summary(page)).to_have_text(
        f"0 av 50 åtgärder rapporterade för {PERIOD} · 7 förvaltningar kvar"
    )

    # 2. Open the round with a deadline and a message.
    form = main.locator('[data-testid="stForm"]')
    set_date(form, "Sista dag för svar", deadline)
    form.get_by_role("textbox", name="Meddelande till förvaltningarna (frivilligt)").fill(MESSAGE)
    with rerun(page):
        form.get_by_role("button", name="Öppna omgången").click()
    expect(alert(page, "Success")).to_have_text(
        f"Rapporteringsomgången för {PERIOD} är öppnad med sista dag {fmt.long_date(deadline)}."
    )
    expect(summary(page)).to_have_text(
        f"0 av 50 åtgärder rapporterade för {PERIOD} · 7 förvaltningar kvar"
        f" · sista dag {day_shown(deadline, today)}"
    )
    expect(main.locator('[data-testid="stText"]', has_text=MESSAGE)).to_have_text(MESSAGE)

    # 3. The forms: one button per office, and all of them in one zip.
    for _, code, actions in OFFICES:
        expect(main.get_by_role("button", name=f"{code} ({actions})")).to_be_visible()
    with page.expect_download() as download:
        main.get_by_role("button", name="Alla blanketter (zip)").click()
    assert download.value.suggested_filename == f"blanketter_{PERIOD}.zip"
    archive = zipfile.ZipFile(Path(download.value.path()))
    assert sorted(archive.namelist()) == sorted(
        f"uppfoljning_{PERIOD}_{code}.xlsx" for _, code, _ in OFFICES
    )
    assert exceptions_on_page(page) == []
    answers = {
        code: fill_form(archive.read(f"uppfoljning_{PERIOD}_{code}.xlsx"), rows)
        for code, rows in FILLED.items()
    }

    # 4. Both answers uploaded together and imported.
    go_to(page, "Ladda upp")
    uploader = main.locator('[data-testid="stFileUploaderDropzoneInput"]')
    with rerun(page):
        uploader.set_input_files(
            files=[
                {"name": f"uppfoljning_{PERIOD}_{code}.xlsx", "mimeType": XLSX, "buffer": data}
                for code, data in answers.items()
            ]
        )
    expect(main.get_by_text("0 fel och 1 varning i 2 filer.")).to_be_visible()
    statuses = metrics(page)  # new, changed, unchanged against the latest status before
    assert sum(int(v) for v in statuses.values()) == 12, statuses
    with rerun(page):
        main.get_by_text("Jag har granskat förhandsvisningen").click()
    with rerun(page):
        main.get_by_role("button", name="Importera").click()
    expect(alert(page, "Success")).to_have_text(
        re.compile(
            rf"Importerat som import \d+, \d+: uppfoljning_{PERIOD}_UBF\.xlsx: 3, "
            rf"uppfoljning_{PERIOD}_KLF\.xlsx: 9\."
        )
    )
    assert exceptions_on_page(page) == []

    # 5. Who has reported: UBF 3 of 7, KLF all 9, nobody else anything.
    go_to(page, "Rapportering")
    left = f"sista dag {day_shown(deadline, today)}"
    line = f"12 av 50 åtgärder rapporterade för {PERIOD} · 6 förvaltningar kvar · {left}"
    expect(summary(page)).to_have_text(line)
    rows = read_table(page, main.locator('[data-testid="stDataFrame"]').first)
    assert [(r["Förvaltning"], r["Åtgärder"], r["Rapporterade"], r["Saknas"]) for r in rows] == [
        (name, str(actions), str(FILLED.get(code, 0)), str(actions - FILLED.get(code, 0)))
        for name, code, actions in OFFICES
    ]
    by_name = {r["Förvaltning"]: r for r in rows}
    assert by_name["Kommunledningsförvaltningen"]["Sista dag"] == "klar"
    assert by_name["Utbildningsförvaltningen"]["Sista dag"] == "30 dagar kvar"
    for name, code, _ in OFFICES:
        row = by_name[name]
        if code in FILLED:
            assert (row["Av"], row["Fil"]) == ("anna", f"uppfoljning_{PERIOD}_{code}.xlsx"), row
            assert row["Senast uppladdad"].startswith(str(today.day)), row
        else:
            assert (row["Senast uppladdad"], row["Av"], row["Fil"]) == ("ingen ännu", "", ""), row
    missing = main.locator('[data-testid="stExpander"] summary')
    expect(missing.filter(has_text="Utbildningsförvaltningen: 4 saknas")).to_have_count(1)
    expect(missing.filter(has_text="Kommunledningsförvaltningen:")).to_have_count(0)

    # 6. Reminders, without e-mail set up: a mailto link per office with actions missing.
    expect(alert(page, "Info").filter(has_text="E-post är inte inställt")).to_be_visible()
    link = main.get_by_role("link", name="Skriv till UBF")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href.startswith("mailto:uppfoljning.ubf@linkoping.example?subject="), href
    mailto = main.locator('a[href^="mailto:"]')
    expect(mailto).to_have_count(6)
    expect(mailto.filter(has_text="Skriv till KLF")).to_have_count(0)
    expect(main.locator("summary", has_text="Till Kommunledningsförvaltningen")).to_have_count(0)

    assert exceptions_on_page(page) == []

    # 7. Everyone sees the same line on the overview while the round is open: the analyst,
    # and a visitor who has not signed in.
    go_to(page, "Översikt")
    expect(alert(page, "Info").filter(has_text="åtgärder rapporterade för")).to_have_text(line)
    assert exceptions_on_page(page) == []

    visitor, errors = open_page(browser, server.url)
    try:
        visitor.on("request", watch)
        goto(visitor, "/")  # the overview is the main page
        expect(alert(visitor, "Info").filter(has_text="åtgärder rapporterade för")).to_have_text(
            line
        )
        assert check_page(visitor, errors) == []
    finally:
        visitor.context.close()

    page.wait_for_timeout(500)  # a favicon is asked for after the page is drawn
    assert elsewhere == []
