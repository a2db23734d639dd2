"""What an analyst does in the browser: sign in, upload a follow-up with errors and read the
report, upload the corrected file, review the preview, import, see the overview change, roll
the import back and see the overview as it was.

The follow-up changes two actions of 2023 that are "Pågår enligt plan" in the demo data. The
numbers the overview must show afterwards come from importing the same bytes into another copy
of the demo database and asking `segdash.queries.key_figures`.
"""

from __future__ import annotations

import io
import re
import shutil

import openpyxl
import pytest
from playwright.sync_api import expect

from segdash import i18n
from segdash.config import Limits
from segdash.importer import UploadedFile, import_files
from segdash.queries import Filters
from segdash.store import Store

from .conftest import LATEST, expected_metrics
from .harness import (
    ANALYST,
    VIEW_PAGES,
    XLSX,
    choose,
    goto,
    main_area,
    metrics,
    read_table,
    rerun,
    sidebar,
    sign_in,
)

pytestmark = pytest.mark.e2e

FILE_NAME = "uppföljning.xlsx"


def followup_bytes(rows: list[list]) -> bytes:
    """A follow-up workbook as an analyst fills in the template: one sheet, header first."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Uppföljning"
    for row in [["Nr", "Period", "Status", "Andel genomfört", "Kommentar", "Planår"], *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def on_track(demo_path) -> list[str]:
    """Two actions of 2023 that are on track in the demo data."""
    from segdash import queries

    with Store(demo_path) as store:
        status = queries.action_status(store, Filters(period=LATEST))
    found = status.loc[status["status"] == "on_track", "action_no"].tolist()[:2]
    assert len(found) == 2
    return found


@pytest.fixture(scope="module")
def files(on_track) -> dict[str, bytes]:
    first, second = on_track
    return {
        "bad": followup_bytes(
            [
                [first, LATEST, "Klar", 100, "ok", 2023],
                ["9.99", LATEST, "Klar", 100, None, 2023],
                [second, LATEST, "Pågår ibland", 50, None, 2023],
            ]
        ),
        "good": followup_bytes(
            [
                [first, LATEST, "Genomförd", 100, "Klart i december", 2023],
                [second, LATEST, "Pågår med avvikelse", 40, "Försenad", 2023],
            ]
        ),
    }


@pytest.fixture(scope="module")
def after_import(demo_path, files, tmp_path_factory) -> dict:
    """The same import on another copy of the demo data: its batch id and the overview after."""
    path = tmp_path_factory.mktemp("oracle") / "oracle.duckdb"
    shutil.copyfile(demo_path, path)
    with Store(path) as store:
        result = import_files(
            store, [UploadedFile(FILE_NAME, files["good"])], ANALYST, limits=Limits()
        )
        assert result.status == "imported", [i.message for i in result.issues]
    return {"batch": result.batch_ids[0], "metrics": expected_metrics(path, Filters(period=LATEST))}


# --- acting like an analyst ----------------------------------------------------------------------


def go_to(page, title: str) -> None:
    """Follow a link in the sidebar's menu."""
    with rerun(page):
        sidebar(page).locator('[data-testid="stPageLink"]', has_text=title).click()


def upload(page, data: bytes) -> None:
    uploader = main_area(page).locator('[data-testid="stFileUploaderDropzoneInput"]')
    with rerun(page):
        uploader.set_input_files(files=[{"name": FILE_NAME, "mimeType": XLSX, "buffer": data}])


def remove_uploaded_file(page) -> None:
    with rerun(page):
        main_area(page).locator(
            '[data-testid="stFileChipDeleteBtn"] button, button[data-testid="stFileChipDeleteBtn"]'
        ).first.click()


def menu(page) -> list[str]:
    links = sidebar(page).locator('[data-testid="stPageLink"]').all_inner_texts()
    return [link.split("\n")[-1].strip() for link in links]


def alert(page, kind: str):
    """The text of the main area's alerts of one kind: Success, Error, Info, Warning."""
    return main_area(page).locator(
        f'[data-testid="stAlertContent{kind}"] [data-testid="stMarkdownContainer"]'
    )


def demo_banner(page):
    return main_area(page).locator('[data-testid="stAlertContentWarning"]', has_text="Exempeldata")


# --- the tests ------------------------------------------------------------------------------------


def test_a_viewer_who_opens_the_upload_page_is_refused(page, server):
    goto(page, "/ladda-upp")
    expect(alert(page, "Error")).to_have_text(i18n.SV["auth.refused"])
    expect(main_area(page).locator('[data-testid="stFileUploader"]')).to_have_count(0)
    assert "Ladda upp" not in menu(page) and "Importhistorik" not in menu(page)


def test_signing_in_from_the_sidebar_opens_the_analyst_pages(page, server):
    goto(page, "/")
    assert menu(page) == list(VIEW_PAGES.values())
    box = sidebar(page).locator('[data-testid="stExpander"]', has_text="Logga in")
    box.locator("summary").click()
    sign_in(page, box)

    expect(sidebar(page).get_by_text(f"Inloggad som {ANALYST}")).to_be_visible()
    assert menu(page)[-3:] == ["Ladda upp", "Rapportering", "Importhistorik"]
    go_to(page, "Ladda upp")
    expect(main_area(page).get_by_role("heading", level=1)).to_have_text("Ladda upp")
    expect(main_area(page).locator('[data-testid="stFileUploader"]')).to_be_visible()


def test_upload_with_errors_then_corrected_import_then_rollback(
    page, server, demo_path, files, after_import
):
    before = expected_metrics(demo_path, Filters(period=LATEST))
    goto(page, "/")
    assert metrics(page) == before

    # Signing in on the upload page itself (a bookmarked link).
    goto(page, "/ladda-upp")
    sign_in(page, main_area(page))
    expect(main_area(page).get_by_role("heading", level=1)).to_have_text("Ladda upp")

    # 1. A follow-up with two errors: both reported, with their rows; nothing can be imported.
    upload(page, files["bad"])
    main = main_area(page)
    expect(main.get_by_role("heading", name="Kontrollrapport")).to_be_visible()
    expect(main.get_by_text("2 fel och 0 varningar i 1 fil.")).to_be_visible()
    report = read_table(page, main.locator('[data-testid="stDataFrame"]').first)
    assert [(r["Rader"], r["Meddelande"]) for r in report] == [
        ("3", "Åtgärd 9.99 finns inte i åtgärdsplanen för 2023."),
        ("4", "Okänd status ”Pågår ibland”. Menade du Pågår enligt plan?"),
    ]
    expect(alert(page, "Error")).to_have_text(i18n.SV["upload.blocked"])
    expect(main.get_by_role("button", name="Importera")).to_have_count(0)

    # 2. The corrected file: no issues, a preview of two changed statuses, then the import.
    remove_uploaded_file(page)
    upload(page, files["good"])
    expect(main.get_by_text("Inga fel eller varningar.")).to_be_visible()
    assert metrics(page) == {"Nya statusrader": "0", "Ändrad status": "2", "Oförändrad status": "0"}
    preview = read_table(page, main.locator('[data-testid="stDataFrame"]').last)
    assert [(r["Status före"], r["Status nu"]) for r in preview] == [
        ("Pågår enligt plan", "Genomförd"),
        ("Pågår enligt plan", "Pågår med avvikelse"),
    ]
    confirm = main.get_by_role("button", name="Importera")
    expect(confirm).to_be_disabled()  # not before the preview is marked as reviewed
    with rerun(page):
        main.get_by_text("Jag har granskat förhandsvisningen").click()
    expect(confirm).to_be_enabled()
    with rerun(page):
        confirm.click()
    batch = after_import["batch"]
    expect(alert(page, "Success")).to_have_text(f"Importerat som import {batch}: {FILE_NAME}: 2.")

    # 3. The overview shows the new numbers at once (and the data is no longer only the demo's).
    go_to(page, "Översikt")
    assert metrics(page) == after_import["metrics"] != before
    expect(demo_banner(page)).to_have_count(0)

    # 4. Roll the import back on the history page: the overview is as it was.
    go_to(page, "Importhistorik")
    expect(main.get_by_role("combobox", name="Välj import")).to_have_value(
        f"{batch}: {FILE_NAME} (Aktiv)"
    )
    with rerun(page):
        main.get_by_role("button", name=f"Återkalla import {batch}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Import {batch} ({FILE_NAME}) återkallas.")
    with rerun(page):
        dialog.get_by_role("button", name="Ja, fortsätt").click()
    expect(dialog).to_have_count(0)
    expect(alert(page, "Success")).to_have_text(
        f"Import {batch} är återkallad; de tidigare värdena gäller igen."
    )

    go_to(page, "Översikt")
    assert metrics(page) == before
    expect(demo_banner(page)).to_be_visible()


def test_mapping_step_for_a_file_in_an_official_layout(page, server):
    """A Försäkringskassan file: what was recognised is shown, the choices make it clean and
    the preview appears. Nothing is imported (the other tests share this server's data)."""
    from conftest import sickness_absence_xlsx

    goto(page, "/ladda-upp")
    sign_in(page, main_area(page))
    main = main_area(page)
    uploader = main.locator('[data-testid="stFileUploaderDropzoneInput"]')
    with rerun(page):
        uploader.set_input_files(
            files=[
                {"name": "ohalsotal_2024.xlsx", "mimeType": XLSX, "buffer": sickness_absence_xlsx()}
            ]
        )
    expect(main.get_by_text("Anpassa inläsningen: ohalsotal_2024.xlsx")).to_be_visible()
    expect(main.get_by_text("1 fel och 4 varningar i 1 fil.")).to_be_visible()
    expect(main.get_by_role("button", name="Importera")).to_have_count(0)

    choose(page, "Ohälsotalet", "Värde")
    choose(page, "Indikator för hela filen", "OHAL – Ohälsotal")
    choose(page, "Månad är", "09")
    with rerun(page):
        main.get_by_text("Lägg till okända områden som jämförelseområden").click()
    expect(main.get_by_text("0 fel och 5 varningar i 1 fil.")).to_be_visible()
    expect(
        main.get_by_text(
            "Samma val på kommandoraden: --indicator OHAL --column "
            "Värde=Ohälsotalet --where Månad=09 --add-districts"
        )
    ).to_be_visible()
    assert metrics(page) == {
        "Nya värden": "3",
        "Värden som ersätts": "3",
        "Oförändrade värden": "0",
    }
    expect(main.get_by_role("button", name="Importera")).to_be_disabled()


def test_a_confirm_in_an_open_dialog_after_the_account_went_changes_nothing(page, server):
    """The rollback (or re-activate) dialog reruns on its own (a fragment), without the page's guard: the write
    checks who is signed in at that moment."""
    import shutil

    from segdash import auth

    accounts = server.workdir / "analysts.json"
    kept = server.workdir / "analysts.kept.json"
    shutil.copy(accounts, kept)
    try:
        goto(page, "/importhistorik")
        sign_in(page, main_area(page))
        main = main_area(page)
        picked = main.get_by_role("combobox", name="Välj import")
        expect(picked).to_have_value(re.compile(r"\((Aktiv|Återkallad)\)$"))
        before = picked.input_value()  # the newest import, in whatever state earlier tests left
        batch = before.split(":", 1)[0]
        verb = "Återkalla" if before.endswith("(Aktiv)") else "Återaktivera"
        with rerun(page):
            main.get_by_role("button", name=f"{verb} import {batch}").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        # The account is removed while the dialog is open (another one is left).
        accounts.unlink()
        auth.add_analyst("bertil", "bertils-långa-lösenord", accounts)
        with rerun(page):
            dialog.get_by_role("button", name="Ja, fortsätt").click()
        expect(page.get_by_text(i18n.SV["auth.refused"]).first).to_be_visible()
    finally:
        shutil.copy(kept, accounts)
    # Back as the analyst: the import is as it was.
    goto(page, "/importhistorik")
    if main_area(page).locator('[data-testid="stForm"]').count():
        sign_in(page, main_area(page))
    expect(main_area(page).get_by_role("combobox", name="Välj import")).to_have_value(before)
