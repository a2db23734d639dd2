"""What a viewer does in the browser: the overview's key figures and charts, a district chosen
in the sidebar or on the page, a shared link, and an action in detail.

Every number expected here comes from `segdash.queries` on the same demo database the server
has a copy of.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from segdash import i18n, queries
from segdash.queries import Filters
from segdash.store import Store

from .conftest import LATEST, check_page, expected_metrics, open_page
from .harness import choose, goto, main_area, metrics, read_table, rerun, sidebar, unfold

pytestmark = pytest.mark.e2e


# --- what the pages should show, and where they are --------------------------------------------


def expected_action_numbers(db, period: str, district: str) -> list[str]:
    with Store(db) as store:
        return queries.action_status(store, Filters(period, (district,)))["action_no"].tolist()


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# --- acting like a person -----------------------------------------------------------------------


def choose_in_sidebar(page, label: str, option: str) -> None:
    """Pick one more option in a multiselect of the sidebar."""
    choose(page, label, option, sidebar(page))


def actions_table(page, district: str):
    """The table under the heading "Åtgärder i <district>" on the district page."""
    heading = page.get_by_role("heading", name=f"Åtgärder i {district}", exact=True)
    column = main_area(page).locator('[data-testid="stColumn"]').filter(has=heading)
    return column.locator('[data-testid="stDataFrame"]').first


def headings_starting(page, start: str) -> list[str]:
    headings = [h.strip() for h in main_area(page).get_by_role("heading").all_inner_texts()]
    return [h for h in headings if h.startswith(start)]


def action_headings(page) -> list[str]:
    return headings_starting(page, "Åtgärder i ")


# The overview's three views of the statuses, by their URL value (`vy`) and tab label.
VIEWS = {
    "omrade": "Status per utvecklingsområde",
    "forvaltning": "Status per ansvarig förvaltning",
    "tid": "Status i alla uppföljningar",
}


# --- the overview ---------------------------------------------------------------------------------


def test_the_overview_shows_the_key_figures_and_the_charts(page, server, demo_path):
    goto(page, "/")
    main = main_area(page)
    expect(main.get_by_role("heading", level=1)).to_have_text("Översikt")
    expect(main.get_by_text("Exempeldata", exact=False).first).to_be_visible()

    shown = metrics(page)
    assert shown == expected_metrics(demo_path, Filters(period=LATEST))
    assert shown["Åtgärder"] == "50"  # hand-checked: the demo plan for 2023 has 50 actions

    tabs = main.get_by_role("tab")
    expect(tabs).to_have_text(list(VIEWS.values()))
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    charts = main.locator('[data-testid="stPlotlyChart"]')
    expect(charts).to_have_count(1)  # the open view's bar chart; the locator map is folded
    maps = charts.filter(has=page.locator("canvas.maplibregl-canvas"))
    expect(maps).to_have_count(0)
    unfold(page, "Var ligger fokusområdena?")
    expect(charts).to_have_count(2)
    expect(maps).to_have_count(1)
    expect(charts.first.locator(".main-svg").first).to_be_visible()
    assert charts.first.locator(".cartesianlayer .trace").count() > 0, "a chart without data"


def test_each_view_of_the_overview_is_a_tab_and_a_link(page, server, browser):
    goto(page, "/")
    main = main_area(page)
    chart = main.locator('[data-testid="stPlotlyChart"]')
    for view, title in list(VIEWS.items())[1:]:
        with rerun(page):
            main.get_by_role("tab", name=title).click()
        expect(main.get_by_role("tab", name=title)).to_have_attribute("aria-selected", "true")
        expect(chart).to_have_count(1)  # only the open view is drawn
        expect(chart.locator(".cartesianlayer .trace").first).to_be_attached()
        assert query_of(page)["vy"] == [view]
    # The address opens the same view for someone else.
    address = urlsplit(page.url)
    theirs, errors = open_page(browser, server.url)
    try:
        goto(theirs, f"{address.path}?{address.query}")
        tab = main_area(theirs).get_by_role("tab", name=VIEWS["tid"])
        expect(tab).to_have_attribute("aria-selected", "true")
        legend = main_area(theirs).locator('[data-testid="stPlotlyChart"] .legend')
        expect(legend.first).to_be_visible()
        assert check_page(theirs, errors) == []
    finally:
        theirs.context.close()


def test_choosing_a_district_in_the_sidebar_narrows_the_overview(page, server, demo_path):
    goto(page, "/")
    choose_in_sidebar(page, "Områden", "Ryd")

    assert metrics(page) == expected_metrics(demo_path, Filters(LATEST, ("Ryd",)))
    assert metrics(page)["Åtgärder"] != expected_metrics(demo_path, Filters(LATEST))["Åtgärder"]
    assert query_of(page)["district"] == ["Ryd"]


def test_a_district_chosen_in_the_sidebar_is_the_one_the_district_page_opens_on(
    page, server, demo_path
):
    goto(page, "/")
    choose_in_sidebar(page, "Områden", "Skäggetorp")
    with rerun(page):
        sidebar(page).locator('[data-testid="stPageLink"]', has_text="Områden").click()

    assert action_headings(page) == ["Åtgärder i Skäggetorp"]
    rows = read_table(page, actions_table(page, "Skäggetorp"))
    assert [r["Nr"] for r in rows] == expected_action_numbers(demo_path, LATEST, "Skäggetorp")


def test_choosing_a_district_in_the_sidebar_on_the_district_page_shows_that_district(
    page, server, demo_path
):
    goto(page, "/omraden")
    assert action_headings(page) == ["Åtgärder i Berga"]

    choose_in_sidebar(page, "Områden", "Ryd")

    # The page must follow the sidebar: showing Berga while the sidebar (and the URL's
    # `district=Ryd`) says Ryd is two contradicting answers on one screen.
    assert action_headings(page) == ["Åtgärder i Ryd"], (
        "the sidebar's district is ignored once the district page has been opened"
    )
    rows = read_table(page, actions_table(page, "Ryd"))
    assert [r["Nr"] for r in rows] == expected_action_numbers(demo_path, LATEST, "Ryd")


def test_choosing_districts_on_the_district_page_changes_headings_tables_and_url(
    page, server, demo_path
):
    goto(page, "/omraden")
    pills = main_area(page).get_by_role("toolbar", name="Område")
    berga = read_table(page, actions_table(page, "Berga"))
    assert [r["Nr"] for r in berga] == expected_action_numbers(demo_path, LATEST, "Berga")

    with rerun(page):  # a second district: side by side
        pills.get_by_role("button", name="Ryd", exact=True).click()
    assert action_headings(page) == ["Åtgärder i Berga", "Åtgärder i Ryd"]
    assert query_of(page)["omrade"] == ["Berga", "Ryd"]

    with rerun(page):  # Berga off: Ryd alone
        pills.get_by_role("button", name="Berga", exact=True).click()
    assert action_headings(page) == ["Åtgärder i Ryd"]
    expect(main_area(page).get_by_role("heading", name="Indikatorer för Ryd")).to_be_visible()
    rows = read_table(page, actions_table(page, "Ryd"))
    assert [r["Nr"] for r in rows] == expected_action_numbers(demo_path, LATEST, "Ryd")
    assert [r["Nr"] for r in rows] != [r["Nr"] for r in berga]
    assert query_of(page)["omrade"] == ["Ryd"]


# --- shared links -----------------------------------------------------------------------------------


def test_a_shared_link_to_a_district_opens_that_period_and_district(page, server, demo_path):
    goto(page, "/omraden?period=2022&omrade=Ryd")

    expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found" (test_first_visit.py)
    expect(main_area(page).get_by_role("heading", level=1)).to_have_text("Områden")
    expect(sidebar(page).get_by_role("combobox", name="Uppföljningsperiod")).to_have_value(
        "Helår 2022"
    )
    assert action_headings(page) == ["Åtgärder i Ryd"]
    rows = read_table(page, actions_table(page, "Ryd"))
    assert [r["Nr"] for r in rows] == expected_action_numbers(demo_path, "2022", "Ryd")
    assert len(rows) != len(expected_action_numbers(demo_path, LATEST, "Ryd"))


def test_a_copied_address_gives_another_person_the_same_overview(page, server, browser, demo_path):
    goto(page, "/")
    choose(page, "Uppföljningsperiod", "Helår 2022", sidebar(page))
    choose_in_sidebar(page, "Områden", "Berga")
    mine = metrics(page)
    assert mine == expected_metrics(demo_path, Filters("2022", ("Berga",)))

    address = urlsplit(page.url)
    theirs, errors = open_page(browser, server.url)  # someone else, in a new session
    try:
        goto(theirs, f"{address.path}?{address.query}")
        assert metrics(theirs) == mine
        period = sidebar(theirs).get_by_role("combobox", name="Uppföljningsperiod")
        expect(period).to_have_value("Helår 2022")
        assert check_page(theirs, errors) == []
    finally:
        theirs.context.close()


# --- one action in detail ------------------------------------------------------------------------


def test_choosing_an_action_shows_its_detail_and_its_history(page, server, demo_path):
    with Store(demo_path) as store:
        actions = queries.action_status(store, Filters(period=LATEST))
        action_no, title = actions.iloc[3][["action_no", "title"]]
        detail = queries.action_detail(store, int(LATEST), action_no)
        history = queries.action_history(store, action_no)
    goto(page, "/atgarder")
    main = main_area(page)
    first = actions.iloc[0]
    assert headings_starting(page, "Åtgärd ") == [f"Åtgärd {first.action_no}: {first.title}"]

    choose(page, "Visa en åtgärd", f"{action_no} {title}", main)

    assert headings_starting(page, "Åtgärd ") == [f"Åtgärd {action_no}: {title}"]
    assert detail.title == title
    text = main.locator('[data-testid="stText"], [data-testid="stMarkdownContainer"]')
    if detail.description:
        expect(text.filter(has_text=detail.description).first).to_be_visible()
    expect(text.filter(has_text=detail.lead_office_name).first).to_be_visible()
    assert query_of(page)["atgard"] == [f"{LATEST}:{action_no}"]
    comments = read_table(page, main.locator('[data-testid="stDataFrame"]').last)
    assert [r["Period"] for r in comments] == [
        i18n.period_label("sv", p) for p in history["period"]
    ]


def test_a_link_to_an_action_opens_its_detail(page, server, demo_path):
    with Store(demo_path) as store:
        action_no, title = queries.action_status(store, Filters(period=LATEST)).iloc[-1][
            ["action_no", "title"]
        ]
    goto(page, f"/atgarder?atgard={LATEST}:{action_no}")
    assert headings_starting(page, "Åtgärd ") == [f"Åtgärd {action_no}: {title}"]


# --- the charts -----------------------------------------------------------------------------------

# Each chart's margins as the app gave them and as plotly drew them (`_size`, after it has made
# room for every tick label, title, legend and colour bar that did not fit).
CHART_ROOM_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((plot) => {
  const given = plot.layout.margin, drawn = plot._fullLayout._size;
  return {given: [given.l, given.r, given.t, given.b].map(Math.round),
          drawn: [drawn.l, drawn.r, drawn.t, drawn.b].map(Math.round),
          first: String((plot.data[0] || {}).name || '')};
})"""


@pytest.mark.parametrize(
    "path",
    ["", "?vy=forvaltning", "?vy=tid", "omraden", "atgarder", "forvaltningar", "indikatorer"],
    ids=[
        "oversikt",
        "oversikt-forvaltning",
        "oversikt-tid",
        "omraden",
        "atgarder",
        "forvaltningar",
        "indikatorer",
    ],
)
def test_every_chart_is_given_room_for_all_its_labels(page, path):
    """The app works out each chart's margins from its labels and numbers, so that the browser
    draws a chart once: a margin too narrow makes plotly widen it and draw it all again (a
    third of the overview's drawing). The demo's labels, in the app's own font, all fit."""
    goto(page, f"/{path}")
    charts = page.evaluate(CHART_ROOM_JS)
    assert charts, f"/{path} shows no chart"
    widened = [c for c in charts if c["drawn"] != c["given"]]
    assert widened == [], widened
