"""No request leaves the app's own host: no CDN fonts, icons or favicons, on any page, for a
viewer or an analyst. (Every test context also blocks such requests; this test records them,
so that one made by the app is a failure here, not a silent block.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .harness import ANALYST_PAGES, VIEW_PAGES, goto, is_local, main_area, sign_in

pytestmark = pytest.mark.e2e


def test_no_page_makes_the_browser_ask_another_host(page):
    elsewhere: list[str] = []
    page.on(
        "request", lambda request: None if is_local(request.url) else elsewhere.append(request.url)
    )
    for path in VIEW_PAGES:
        goto(page, "/" if path == "oversikt" else f"/{path}")
    for path, title in ANALYST_PAGES.items():
        goto(page, f"/{path}")
        sign_in(page)  # a page load starts a new session, signed out: sign in on each page
        expect(main_area(page).get_by_role("heading", level=1)).to_have_text(title)
        expect(main_area(page).get_by_label("Användarnamn")).to_have_count(0)
    page.wait_for_timeout(500)  # a favicon is asked for after the page is drawn
    assert elsewhere == []
