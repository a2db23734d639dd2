"""No request leaves the app's own host: no CDN fonts, icons or favicons, on any page, for a
viewer or an analyst. (Every test context also blocks such requests; this test records them,
so that one made by the app is a failure here, not a silent block.)"""

from __future__ import annotations

import pytest

from .harness import ANALYST_PAGES, VIEW_PAGES, goto, is_local, sign_in

pytestmark = pytest.mark.e2e


def test_no_page_makes_the_browser_ask_another_host(page):
    elsewhere: list[str] = []
    page.on(
        "request", lambda request: None if is_local(request.url) else elsewhere.append(request.url)
    )
    for path in VIEW_PAGES:
        goto(page, "/" if path == "oversikt" else f"/{path}")
    goto(page, "/ladda-upp")
    sign_in(page)
    for path in ANALYST_PAGES:
        goto(page, f"/{path}")
    page.wait_for_timeout(500)  # a favicon is asked for after the page is drawn
    assert elsewhere == []
