"""Screenshots of every page of the app on the demo data, at desktop width and on a phone.

    python scripts/screenshots.py [--out docs/screenshots] [--widths 1440,390]

Starts `streamlit run app.py` on a free port of 127.0.0.1 with a fresh demo database (and a
throwaway analyst account for the analyst pages), takes each page in a new browser session with
Debian's chromium, and stops the server. Each image holds the page's whole content: Streamlit
scrolls inside its main area rather than the document, so the window is made as tall as that
content before the picture is taken. Images are saved as palette PNGs (256 colours) when that
is smaller, which keeps them to a few hundred kB.

Files: <out>/<page>-<width>.png, e.g. docs/screenshots/oversikt-1440.png, and the upload
page's mapping step for a file in an official source's layout (ladda-upp-anpassa-<width>.png).

The reporting page is taken last, with a round under way: after every other picture the
analyst opens the round for the default period (with a message) and imports one office's form,
filled in completely, through the upload page. Doing that last keeps the other pictures on the
plain demo data.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl
from PIL import Image

from tests.conftest import sickness_absence_xlsx
from tests.e2e.harness import (
    ANALYST_PAGES,
    VIEW_PAGES,
    XLSX,
    build_demo_database,
    choose,
    context_options,
    exceptions_on_page,
    goto,
    launch_chromium,
    main_area,
    prepare_context,
    rerun,
    sign_in,
    streamlit_server,
    wait_for_app,
    write_analysts,
)

MAX_HEIGHT = 8000  # px; a page taller than this is cut (none of ours is)
# The main area's content, or the sidebar's when that is open and taller.
CONTENT_HEIGHT_JS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]').scrollHeight;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const content = document.querySelector('[data-testid="stSidebarContent"]');
  const open = sidebar && sidebar.getBoundingClientRect().right > 0;
  return Math.max(main, open && content ? content.scrollHeight : 0);
}
"""


def fit_to_content(page, width: int) -> int:
    """Make the window as tall as the main area's content (it may grow once, when charts
    re-lay out to the new size), and return that height."""
    height = 0
    for _ in range(4):
        wanted = min(max(page.evaluate(CONTENT_HEIGHT_JS), 600), MAX_HEIGHT)
        if wanted == height:
            break
        height = wanted
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)
        wait_for_app(page)
    return height


def save_small(png: bytes, path: Path) -> int:
    """Save the screenshot, as a 256-colour palette PNG when that is smaller; returns bytes."""
    original = Image.open(io.BytesIO(png))
    palette = original.convert("RGB").quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue() if len(buffer.getvalue()) < len(png) else png
    path.write_bytes(data)
    return len(data)


def take(
    browser, url: str, path: str, width: int, out: Path, analyst: bool
) -> tuple[Path, int, int]:
    context = browser.new_context(**context_options(url, width, 900))
    prepare_context(context)
    try:
        page = context.new_page()
        goto(page, "/" if path == "oversikt" else f"/{path}")
        if analyst:
            sign_in(page)  # an analyst page shows a visitor its sign-in form
        return shoot(page, out / f"{path}-{width}.png", width)
    finally:
        context.close()


def shoot(page, target: Path, width: int) -> tuple[Path, int, int]:
    """The page's whole content as a picture, unless it shows a traceback."""
    problems = exceptions_on_page(page)
    if problems:
        raise RuntimeError(f"{target.stem} shows a traceback:\n{problems[0]}")
    page.mouse.move(0, 0)  # no hover toolbar over a table
    height = fit_to_content(page, width)
    size = save_small(page.screenshot(animations="disabled", caret="hide"), target)
    return target, height, size


def take_mapping_step(browser, url: str, width: int, out: Path) -> tuple[Path, int, int]:
    """The upload page's mapping step for a Försäkringskassan file, with choices made."""
    context = browser.new_context(**context_options(url, width, 900))
    prepare_context(context)
    try:
        page = context.new_page()
        goto(page, "/ladda-upp")
        sign_in(page)
        uploader = main_area(page).locator('[data-testid="stFileUploaderDropzoneInput"]')
        with rerun(page):
            uploader.set_input_files(
                files=[
                    {
                        "name": "ohalsotal_2024.xlsx",
                        "mimeType": XLSX,
                        "buffer": sickness_absence_xlsx(),
                    }
                ]
            )
        choose(page, "Ohälsotalet", "Värde")
        choose(page, "Indikator för hela filen", "OHAL – Ohälsotal")
        choose(page, "Månad är", "09")
        with rerun(page):
            main_area(page).get_by_text("Lägg till okända områden som jämförelseområden").click()
        return shoot(page, out / f"ladda-upp-anpassa-{width}.png", width)
    finally:
        context.close()


REPORTING = "rapportering"
REPORTING_OFFICE = "KLF"  # the office whose form is sent back, every action answered
REPORTING_MESSAGE = (
    "Hej! Fyll i status för era åtgärder i blanketten och skicka den till mig senast sista "
    "dagen. Hör av er om något är oklart."
)
# (status, progress, comment) for the form's rows in turn
REPORTING_ANSWERS = (
    ("Genomförd", 100, "Klart enligt plan."),
    ("Pågår enligt plan", 60, None),
    ("Pågår med avvikelse", 30, "Rekryteringen tog längre tid än väntat."),
)


def filled_form(data: bytes) -> bytes:
    """A prefilled form with Status, Andel genomfört and Kommentar answered on every row."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Uppföljning"]
    header = [cell.value for cell in sheet[1]]
    status, progress, comment = (
        header.index(h) + 1 for h in ("Status", "Andel genomfört", "Kommentar")
    )
    for n, row in enumerate(range(2, sheet.max_row + 1)):
        answer = REPORTING_ANSWERS[n % len(REPORTING_ANSWERS)]
        for column, value in zip((status, progress, comment), answer, strict=True):
            sheet.cell(row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def start_reporting_round(browser, url: str) -> None:
    """As the analyst: open the round for the default period with a message, download one
    office's form, fill it in and import it through the upload page."""
    context = browser.new_context(**context_options(url))
    prepare_context(context)
    try:
        page = context.new_page()
        goto(page, f"/{REPORTING}")
        sign_in(page)
        main = main_area(page)
        form = main.locator('[data-testid="stForm"]')
        form.get_by_role("textbox", name="Meddelande till förvaltningarna (frivilligt)").fill(
            REPORTING_MESSAGE
        )
        with rerun(page):
            form.get_by_role("button", name="Öppna omgången").click()
        main.locator('[data-testid="stAlertContentSuccess"]').wait_for()
        with page.expect_download() as download:
            main.get_by_role("button", name=f"{REPORTING_OFFICE} (").click()
        answer = filled_form(Path(download.value.path()).read_bytes())

        goto(page, "/ladda-upp")
        sign_in(page)  # a page load starts a new session, signed out
        with rerun(page):
            main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                files=[
                    {"name": download.value.suggested_filename, "mimeType": XLSX, "buffer": answer}
                ]
            )
        with rerun(page):
            main.get_by_text("Jag har granskat förhandsvisningen").click()
        with rerun(page):
            main.get_by_role("button", name="Importera").click()
        main.locator('[data-testid="stAlertContentSuccess"]').wait_for()
        problems = exceptions_on_page(page)
        if problems:
            raise RuntimeError(f"importing the filled-in form failed:\n{problems[0]}")
    finally:
        context.close()


def report(taken: tuple[Path, int, int], width: int) -> None:
    target, height, size = taken
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"{shown}  {width}x{height}  {size / 1000:.0f} kB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--widths",
        default="1440,390",
        help="window widths in px, comma separated (default 1440,390)",
    )
    args = parser.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="segdash-shots-") as tmp:
        work = Path(tmp)
        db = build_demo_database(work / "demo.duckdb")
        analysts = write_analysts(work / "analysts.json")
        with streamlit_server(db, analysts, work) as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                warm_up = browser.new_context(**context_options(url))
                prepare_context(warm_up)
                goto(warm_up.new_page(), "/")  # a new server's first visit (see tests/e2e)
                warm_up.close()
                pages = [(p, False) for p in VIEW_PAGES] + [
                    (p, True) for p in ANALYST_PAGES if p != REPORTING
                ]
                for width in widths:
                    for path, analyst in pages:
                        report(take(browser, url, path, width, args.out, analyst), width)
                    report(take_mapping_step(browser, url, width, args.out), width)
                start_reporting_round(browser, url)  # last: it changes the data (see above)
                for width in widths:
                    report(take(browser, url, REPORTING, width, args.out, True), width)
            finally:
                browser.close()
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
