"""The district map in the browser, on the demo data: what a person sees and does with it.

- the districts page's map draws every one of the 32 RegSO areas (plotly's figure has them,
  and MapLibre really rendered them on its canvas), also in a year where most have no value;
- no page with a map asks another host for anything, neither while it loads nor while the map
  is zoomed and panned (MapLibre would fetch font glyphs or tiles from one if asked to);
- a click on a focus district on the map makes it the page's district; a click on another
  area says its value; the hover names the area and gives its value with a decimal comma;
- the indicators page and the overview have their maps, with where the boundaries come from.

Pixels on the map come from MapLibre's own `project([lon, lat])` of a point inside the area
(shapely's `representative_point` of its polygon in the demo's GeoJSON), so the clicks do not
depend on the map's size or zoom.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from shapely.geometry import shape

from segdash import fmt, queries
from segdash.store import Store

from .harness import (
    ROOT,
    choose,
    exceptions_on_page,
    goto,
    is_local,
    main_area,
    rerun,
    unfold,
)

pytestmark = pytest.mark.e2e

GEOJSON = ROOT / "data" / "demo" / "omradesgranser_regso_2025.geojson"
INDICATOR = "ARBL"  # the one the districts page's map opens on (the first with values for all)
BERGA, RYD, DOMKYRKAN = "0580R001", "0580R017", "0580R002"  # SCB's RegSO codes
AREAS = 32  # Linköping's RegSO areas

# plotly's figure on a map chart, and what MapLibre rendered of its choropleth layers. The
# features plotly hands MapLibre have no id of their own (all 0) but carry the area's centroid
# (`ct`), so distinct centroids are distinct areas.
MAP_JS = """
(gd) => {
  const map = gd._fullLayout.map._subplot.map;
  const uids = gd._fullData.filter((t) => t.type === 'choroplethmap').map((t) => t.uid);
  const layers = uids.map((u) => `plotly-trace-layer-${u}-fill`).filter((id) => map.getLayer(id));
  const rendered = map.queryRenderedFeatures({layers});
  return {
    traces: gd._fullData.map((t) => ({type: t.type, name: t.name, locations: t.locations || null})),
    layers: layers.length,
    rendered: new Set(rendered.map((f) => JSON.stringify(f.properties.ct))).size,
    title: (gd.querySelector('.gtitle') || {}).textContent || '',
    legend: [...gd.querySelectorAll('.legendtext')].map((e) => e.textContent),
  };
}
"""
# Where a point (lon, lat) is on the page, and whether that is inside the map's canvas.
PIXEL_JS = """
(gd, [lon, lat]) => {
  const map = gd._fullLayout.map._subplot.map;
  const box = map.getCanvas().getBoundingClientRect();
  const p = map.project([lon, lat]);
  return {x: box.x + p.x, y: box.y + p.y, inside: p.x > 0 && p.y > 0 && p.x < box.width
          && p.y < box.height};
}
"""
VIEW_JS = """
(gd) => {
  const map = gd._fullLayout.map._subplot.map;
  const c = map.getCenter();
  return {zoom: map.getZoom(), lon: c.lng, lat: c.lat};
}
"""
# The district names (in bold) heading the columns of "Sammanfattning per utvecklingsområde".
SUMMARY_NAMES_JS = """
() => {
  const heading = [...document.querySelectorAll('[data-testid="stMain"] h2')]
    .find((h) => h.textContent.trim() === 'Sammanfattning per utvecklingsområde');
  const columns = heading.closest('[data-testid="stElementContainer"]').nextElementSibling;
  return [...columns.querySelectorAll('[data-testid="stColumn"]')]
    .map((c) => c.querySelector('p > strong').textContent.trim());
}
"""
STILL_JS = (
    "(gd) => { const m = gd._fullLayout.map._subplot.map; return m.loaded() && !m.isMoving(); }"
)


# --- what the map should show, from the demo data ------------------------------------------


@pytest.fixture(scope="module")
def areas(demo_path) -> dict[str, dict]:
    """RegSO code -> the app's code and name for that area, and a point inside its boundary."""
    with Store(demo_path) as store:
        found = queries.boundaries(store)
    by_regso = {row.region_code: row for row in found.areas.itertuples()}
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    result = {}
    for feature in features:
        regso = feature["properties"]["code"]
        point = shape(feature["geometry"]).representative_point()
        row = by_regso[regso]
        result[regso] = {"code": row.code, "name": row.name, "lon": point.x, "lat": point.y}
    assert len(result) == AREAS
    return result


def map_values(demo_path, year: int):
    with Store(demo_path) as store:
        return queries.map_values(store, INDICATOR, year).set_index("code")


def latest_year(demo_path) -> int:
    with Store(demo_path) as store:
        return queries.map_years(store, indicator=INDICATOR)[0]


# --- acting on the map ----------------------------------------------------------------------


def map_charts(page):
    return (
        main_area(page)
        .locator('[data-testid="stPlotlyChart"]')
        .filter(has=page.locator("canvas.maplibregl-canvas"))
    )


def the_map(page):
    """The page's one map (its plotly graph div), scrolled into view."""
    charts = map_charts(page)
    expect(charts).to_have_count(1)
    graph = charts.locator(".js-plotly-plot")
    graph.scroll_into_view_if_needed()
    return graph


def shown(graph) -> dict:
    return graph.evaluate(MAP_JS)


def pixel(graph, area: dict) -> tuple[float, float]:
    where = graph.evaluate(PIXEL_JS, [area["lon"], area["lat"]])
    assert where["inside"], f"{area['name']} is not on the map's canvas: {where}"
    return where["x"], where["y"]


def wait_until_still(page, graph) -> None:
    page.wait_for_function(STILL_JS, arg=graph.element_handle(), polling=50)
    page.wait_for_timeout(200)


def hover_text(page, graph, area: dict) -> str:
    x, y = pixel(graph, area)
    page.mouse.move(x - 6, y - 6)
    page.mouse.move(x, y, steps=4)
    hover = graph.locator(".hoverlayer")
    expect(hover).to_contain_text(area["name"])
    return hover.text_content().replace("\xa0", " ")


def pills(page):
    return main_area(page).get_by_role("toolbar", name="Område")


def action_headings(page) -> list[str]:
    headings = [h.strip() for h in main_area(page).get_by_role("heading").all_inner_texts()]
    return [h for h in headings if h.startswith(("Åtgärder i ", "Indikatorer för "))]


def check_no_traceback(page, server, after: str) -> None:
    shown_here = exceptions_on_page(page)
    assert not shown_here, (
        f"{after} the page shows a traceback; the server logged:\n" + server.log()[-2500:]
    )


# --- the districts page ---------------------------------------------------------------------


def test_the_district_map_draws_all_32_areas(page, demo_path, areas):
    goto(page, "/omraden")
    main = main_area(page)
    expect(main.get_by_role("heading", name="Karta", exact=True)).to_be_visible()
    expect(main.get_by_role("combobox", name="Indikator på kartan")).to_be_visible()
    graph = the_map(page)
    every_code = {a["code"] for a in areas.values()}

    # The latest year: every area has a value, so one coloured trace holds all 32.
    year = latest_year(demo_path)
    figure = shown(graph)
    choropleths = [t for t in figure["traces"] if t["type"] == "choroplethmap"]
    assert [len(t["locations"]) for t in choropleths] == [AREAS]
    assert set(choropleths[0]["locations"]) == every_code
    assert figure["title"].endswith(f", {year}")
    assert figure["rendered"] == AREAS, f"MapLibre rendered {figure['rendered']} areas"
    assert any(name.startswith("Fokusområden") for name in figure["legend"])

    # A year where only the focus districts have a value: the others grey, "Inget värde".
    values = map_values(demo_path, 2021)
    assert values["value"].notna().sum() == 3
    choose(page, "År", "2021")
    graph = the_map(page)
    figure = shown(graph)
    choropleths = {t["name"]: t["locations"] for t in figure["traces"]}
    coloured, grey = choropleths["Värde"], choropleths["Inget värde"]
    assert set(coloured) == set(values.index[values["value"].notna()])
    assert not set(coloured) & set(grey)
    assert set(coloured) | set(grey) == every_code and len(coloured) + len(grey) == AREAS
    assert figure["layers"] == 2
    assert figure["rendered"] == AREAS, f"MapLibre rendered {figure['rendered']} areas"
    assert "Inget värde" in figure["legend"]


def test_the_hover_names_the_area_and_gives_its_value_with_a_decimal_comma(page, demo_path, areas):
    goto(page, "/omraden")
    graph = the_map(page)
    berga = areas[BERGA]
    value = map_values(demo_path, latest_year(demo_path)).loc[berga["code"], "value"]
    number = fmt.number(value, 1, "sv")
    assert "," in number  # 9,2 in the demo data
    text = hover_text(page, graph, berga)
    assert text.startswith("Berga") and f"{number} %" in text, text


def test_a_click_on_a_focus_district_makes_it_the_pages_district(page, server, areas):
    goto(page, "/omraden")
    expect(pills(page).get_by_role("button", name="Berga", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    graph = the_map(page)
    x, y = pixel(graph, areas[RYD])
    with rerun(page):
        page.mouse.click(x, y)
    check_no_traceback(page, server, "After a click on Ryd on the map")
    buttons = pills(page)
    expect(buttons.get_by_role("button", name="Ryd", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(buttons.get_by_role("button", name="Berga", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    assert action_headings(page) == ["Åtgärder i Ryd", "Indikatorer för Ryd"]
    assert page.evaluate(SUMMARY_NAMES_JS) == ["Ryd"]


def test_a_click_on_a_comparison_area_says_its_value(page, server, demo_path, areas):
    goto(page, "/omraden")
    graph = the_map(page)
    area = areas[DOMKYRKAN]
    value = map_values(demo_path, latest_year(demo_path)).loc[area["code"], "value"]
    x, y = pixel(graph, area)
    with rerun(page):
        page.mouse.click(x, y)
    check_no_traceback(page, server, "After a click on Domkyrkan-Slottet on the map")
    info = (
        main_area(page)
        .locator('[data-testid="stAlertContentInfo"]')
        .filter(has_text="Domkyrkan-Slottet:")
    )
    expect(info).to_have_count(1)
    text = info.locator('[data-testid="stMarkdownContainer"]').inner_text().replace("\xa0", " ")
    said = fmt.with_unit(value, "%", 1, "sv").replace("\xa0", " ")
    assert text.startswith(f"Domkyrkan-Slottet: {said}. Området är ett jämförelseområde"), text
    # The page's district stays what it was.
    expect(pills(page).get_by_role("button", name="Berga", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert action_headings(page) == ["Åtgärder i Berga", "Indikatorer för Berga"]


# --- the other pages with a map -------------------------------------------------------------


def test_the_indicator_page_shows_the_map_with_its_source(page, areas):
    goto(page, f"/indikatorer?indikator={INDICATOR}")
    graph = the_map(page)
    figure = shown(graph)
    assert figure["rendered"] == AREAS, f"MapLibre rendered {figure['rendered']} areas"
    assert figure["title"].startswith("Arbetslöshet")
    caption = main_area(page).locator('[data-testid="stCaptionContainer"]', has_text="Gränser:")
    expect(caption).to_have_count(1)
    expect(caption).to_contain_text("Källa: SCB")


def test_the_overview_shows_where_the_focus_districts_are(page, areas):
    goto(page, "/")
    unfold(page, "Var ligger fokusområdena?")
    graph = the_map(page)
    figure = shown(graph)
    assert figure["title"] == "Fokusområdena i kommunen"
    by_name = {t["name"]: t["locations"] for t in figure["traces"]}
    focus = by_name["Fokusområden (svart kant)"]
    assert sorted(focus) == ["Berga", "Ryd", "Skäggetorp"]
    assert len(by_name["Övriga områden"]) == AREAS - 3
    assert figure["rendered"] == AREAS, f"MapLibre rendered {figure['rendered']} areas"
    caption = main_area(page).locator('[data-testid="stCaptionContainer"]', has_text="Gränser:")
    expect(caption).to_contain_text("Källa: SCB, RegSO 2025")


# --- nothing from another host --------------------------------------------------------------


def test_the_maps_ask_no_other_host_while_they_load_and_move(page):
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: None if is_local(request.url) else elsewhere.append(request.url),
    )
    for path in ("/omraden", f"/indikatorer?indikator={INDICATOR}", "/"):
        goto(page, path)
        if path == "/":
            unfold(page, "Var ligger fokusområdena?")
        graph = the_map(page)
        before = graph.evaluate(VIEW_JS)
        box = graph.evaluate(
            "(gd) => { const r = gd._fullLayout.map._subplot.map.getCanvas()"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }"
        )
        page.mouse.move(*box)
        page.mouse.wheel(0, -240)  # zoom in a little
        wait_until_still(page, graph)
        page.mouse.down()  # and pan
        page.mouse.move(box[0] + 60, box[1] + 40, steps=8)
        page.mouse.up()
        wait_until_still(page, graph)
        after = graph.evaluate(VIEW_JS)
        assert after["zoom"] > before["zoom"], (path, before, after)
        assert (after["lon"], after["lat"]) != (before["lon"], before["lat"]), (path, after)
    page.wait_for_timeout(500)
    assert elsewhere == []
