"""The first visit to a freshly started server, on a shared link to a page other than "/".

Streamlit treats a `pages/` folder next to the main script as an old-style multipage app until
a script has called `st.navigation`, and names those pages after their files (`districts`),
not after the app's addresses (`omraden`). Without `python -m segdash serve` switching that
off before the server starts, the first visitor after a restart got "Page not found" over the
page (and a visit to `/districts` ran pages/districts.py alone, without app.py). The other
browser tests share a server per module, so this one starts its own: its first visit is the
one that counts.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from segdash import i18n

from .conftest import check_page, open_page
from .harness import (
    VIEW_PAGES,
    copy_database,
    goto,
    main_area,
    server_log,
    sidebar,
    streamlit_server,
    write_analysts,
)

pytestmark = pytest.mark.e2e


def test_the_first_visit_after_a_start_opens_the_shared_link_without_page_not_found(
    browser, demo_path, tmp_path
):
    db = copy_database(demo_path, tmp_path)
    with streamlit_server(db, write_analysts(tmp_path / "analysts.json"), tmp_path) as url:
        page, errors = open_page(browser, url)
        try:
            goto(page, "/omraden?district=Ryd")  # the server's very first visitor
            main = main_area(page)
            expect(main.get_by_role("heading", level=1)).to_have_text(i18n.SV["districts.title"])
            # Ryd, from the sidebar's filter in the link: app.py ran and then the page
            ryd = i18n.SV["districts.actions"].format(district="Ryd")
            expect(main.get_by_role("heading", name=ryd, exact=True)).to_be_visible()
            for title in VIEW_PAGES.values():  # app.py's menu, so not the page file alone
                expect(sidebar(page).get_by_role("link", name=title)).to_be_visible()
            assert urlsplit(page.url).path == "/omraden"
            assert parse_qs(urlsplit(page.url).query)["omrade"] == ["Ryd"]

            # The run has finished and drawn (goto waits for that), and the dialog would have
            # come before the page's elements: it is not there.
            expect(page.get_by_role("dialog")).to_have_count(0)
            expect(page.get_by_text("Page not found")).to_have_count(0)
            problems = check_page(page, errors)
        finally:
            page.context.close()
        assert not problems, (
            "the browser saw errors:\n"
            + "\n".join(problems)
            + "\n--- end of the server's log:\n"
            + server_log(tmp_path)[-3000:]
        )
