"""Hostile text from the data, in a real browser: names, titles, comments, units and file
names that hold markdown links and images, bare addresses, HTML and plotly's label markup are
shown as text on every page. No link or image from the data, and no request to another host.
"""

from __future__ import annotations

import shutil

import pytest

from segdash.importer import UploadedFile, import_files
from segdash.store import Store

from .harness import (
    ANALYST,
    goto,
    is_local,
    main_area,
    prepare_context,
    sign_in,
    streamlit_server,
    write_analysts,
)

pytestmark = pytest.mark.e2e

EVIL = "example.org"
OFFICE = f"[Förvaltning](https://{EVIL}/o) <img src=https://{EVIL}/o.png>"
DISTRICT = f"![karta](https://{EVIL}/d.png) www.{EVIL}"
AREA = f"<a href='https://{EVIL}/a'>Fritid</a>"
TITLE = f"**fet** [länk](https://{EVIL}/t) <b>x</b> https://{EVIL}/bare"
COMMENT = f"<script>alert(1)</script> https://{EVIL}/c anna@{EVIL}"
INDICATOR = f'<a href="https://{EVIL}/i">Indikator</a>'
UNIT = f"<img src=https://{EVIL}/u.png>"
FILE_NAME = f"plan <img src=https://{EVIL}/f.png>.xlsx"


def hostile_workbook() -> bytes:
    from conftest import PLAN_HEADER, make_xlsx

    plan = PLAN_HEADER[: PLAN_HEADER.index("Planår") + 1]  # without Start and Slut
    return make_xlsx(
        {
            "Åtgärder": [
                plan,
                ["9.1", 5, TITLE, f"[mer](https://{EVIL}/m)", "XSS", None, "Hemma", 2024],
            ],
            "Förvaltningar": [["Kod", "Namn"], ["XSS", OFFICE]],
            "Områden": [["Kod", "Namn", "Typ"], ["Hemma", DISTRICT, "fokus"]],
            "Utvecklingsområden": [["Nr", "Namn"], [5, AREA]],
        }
    )


def hostile_followup_and_values() -> bytes:
    from conftest import make_xlsx

    return make_xlsx(
        {
            "Uppföljning": [
                ["Nr", "Period", "Status", "Andel genomfört", "Kommentar"],
                ["9.1", "2024", "Pågår med avvikelse", 40, COMMENT],
            ],
            "Indikatorer": [
                ["Kod", "Namn", "Enhet", "Högre är bättre", "Källa"],
                ["XIND", INDICATOR, UNIT, "ja", f"[källa](https://{EVIL}/k)"],
            ],
            "Indikatorvärden": [
                ["Indikator", "Område", "År", "Värde", "Mål"],
                ["XIND", "Hemma", 2023, 10, 20],
                ["XIND", "Hemma", 2024, 12, 20],
                ["XIND", "Linköping", 2023, 15, None],
                ["XIND", "Linköping", 2024, 16, None],
            ],
        }
    )


@pytest.fixture(scope="module")
def hostile_server(demo_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("hostile")
    db = workdir / "hostile.duckdb"
    shutil.copy(demo_path, db)
    with Store(db) as store:
        for name, data in (
            (FILE_NAME, hostile_workbook()),
            ("uppföljning <b>2024</b>.xlsx", hostile_followup_and_values()),
        ):
            result = import_files(store, [UploadedFile(name, data)], ANALYST)
            assert result.status == "imported", [i.message for i in result.issues]
    with streamlit_server(db, write_analysts(workdir / "analysts.json"), workdir) as url:
        yield url


# Links and images that come from the data: anything pointing at the planted host.
FROM_DATA_JS = f"""
() => Array.from(document.querySelectorAll('a, img, image, script, iframe, object, embed'))
  .map(e => (e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('src')
             || '') + ' ' + e.tagName)
  .filter(s => s.includes('{EVIL}'))
"""

PAGES = [
    "/?period=2024",
    "/?period=2024&vy=forvaltning",  # the overview's other views: the offices' names
    "/?period=2024&vy=tid",
    "/omraden?period=2024&omrade=Hemma&uo=5",
    "/atgarder?period=2024&atgard=2024:9.1",
    "/forvaltningar?period=2024&forv=XSS",
    "/indikatorer?indikator=XIND",
    "/rapport?period=2024",
]


def test_hostile_text_is_never_a_link_an_image_or_a_request(browser, hostile_server):
    context = browser.new_context(
        base_url=hostile_server, viewport={"width": 1440, "height": 900}, locale="sv-SE"
    )
    prepare_context(context)
    elsewhere: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if is_local(route.request.url)
            else (elsewhere.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        found: dict[str, list[str]] = {}
        for path in PAGES:
            goto(page, path)
            page.wait_for_timeout(300)  # charts draw after the script run
            found[path] = page.evaluate(FROM_DATA_JS)
        # The hostile names are on the pages, as text.
        goto(page, "/omraden?period=2024&omrade=Hemma&uo=5")
        assert f"www{EVIL}" not in main_area(page).inner_text()  # nothing swallowed the dot
        assert "karta" in main_area(page).inner_text()
        goto(page, "/ladda-upp")
        sign_in(page)
        for path in ("/importhistorik", "/ladda-upp"):
            goto(page, path)
            found[path] = page.evaluate(FROM_DATA_JS)
        assert {path: hits for path, hits in found.items() if hits} == {}
        assert elsewhere == []
    finally:
        context.close()
