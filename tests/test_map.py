"""The district map from the demo database: boundaries imported through the importer, the
figure's locations and values, the colours whichever direction is better, areas without a
value, the focus outlines, nothing that would fetch from another host, and the report's map."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from segdash import charts, queries
from segdash.demo.catalogue import COMPARISON_REGSO, FOCUS_REGSO, REGSO_AREAS
from segdash.store import Store


def build(store: Store, code: str, year: int, **changes):
    found = queries.boundaries(store)
    meta = queries.indicator_catalogue(store).set_index("code").loc[code]
    values = queries.map_values(store, code, year)
    options = dict(
        geojson=found.geojson,
        title=f"{meta['name']}, {year}",
        unit=meta["unit"],
        higher_is_better=None
        if pd.isna(meta["higher_is_better"])
        else bool(meta["higher_is_better"]),
        value_label="Värde",
        no_value_label="Inget värde",
        focus_label="Fokusområden",
        better_label="mörkare = bättre",
    )
    options.update(changes)
    return values, charts.district_map(values[["code", "name", "value", "is_focus"]], **options)


def test_the_demo_has_linkopings_32_regso_areas_as_boundaries(demo_store):
    found = queries.boundaries(demo_store)
    assert len(found.geojson["features"]) == 32
    regso = dict(zip(found.areas["code"], found.areas["region_code"], strict=True))
    assert {regso[d] for d in FOCUS_REGSO} == set(FOCUS_REGSO.values())
    assert sorted(regso.values()) == sorted(code for code, _ in REGSO_AREAS)
    assert sorted(found.areas.loc[found.areas["is_focus"], "code"]) == [
        "Berga",
        "Ryd",
        "Skäggetorp",
    ]
    assert found.is_demo is True
    for feature in found.geojson["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_the_map_has_one_location_per_area_with_its_value(demo_store):
    values, fig = build(demo_store, "ARBL", 2024)
    (valued,) = [t for t in fig.data if t.type == "choroplethmap" and t.showscale is not False]
    expected = {
        code: value
        for code, value in demo_store.df(
            "SELECT district_code, value FROM current_indicator_value WHERE indicator_code = "
            "'ARBL' AND year = 2024 AND sex = 'T' AND value IS NOT NULL"
        ).itertuples(index=False)
        if code != "Linköping"
    }
    assert dict(zip(valued.locations, valued.z, strict=True)) == pytest.approx(expected)
    assert len(valued.locations) == 32  # 3 focus districts + 29 example areas
    assert set(valued.locations) == {
        "Berga",
        "Ryd",
        "Skäggetorp",
        *(n for _, n in COMPARISON_REGSO),
    }
    assert fig.layout.map.style == "white-bg"
    # Swedish numbers with the unit in the hover
    berga = list(valued.locations).index("Berga")
    assert valued.text[berga].endswith(f"{expected['Berga']:.1f}".replace(".", ",") + "\u00a0%")


def test_the_better_end_is_the_dark_end_whichever_direction(demo_store):
    _, lower_better = build(demo_store, "ARBL", 2024)  # unemployment: lower is better
    _, higher_better = build(demo_store, "FORV", 2024)  # employment: higher is better
    low = next(t for t in lower_better.data if t.type == "choroplethmap")
    high = next(t for t in higher_better.data if t.type == "choroplethmap")
    # cividis runs dark blue (low) to yellow (high): reversed when higher is better
    assert (low.reversescale, high.reversescale) == (False, True)
    assert low.colorscale[0][1] == high.colorscale[0][1]  # the same scale, only turned
    assert "mörkare = bättre" in low.colorbar.title.text


def test_areas_without_a_value_are_grey_and_said_in_the_legend(demo_store):
    values, fig = build(demo_store, "ARBL", 2015)  # the example areas have values from 2022 only
    grey = next(t for t in fig.data if t.name == "Inget värde")
    assert sorted(grey.locations) == sorted(n for _, n in COMPARISON_REGSO)
    assert grey.showlegend is True and grey.showscale is False
    assert {c[1] for c in grey.colorscale} == {charts.NO_VALUE_COLOUR}
    valued = next(t for t in fig.data if t.type == "choroplethmap" and t.name != "Inget värde")
    assert sorted(valued.locations) == ["Berga", "Ryd", "Skäggetorp"]
    assert len(values) == 32


def test_the_focus_districts_are_outlined_and_nothing_is_fetched_from_elsewhere(demo_store):
    _, fig = build(demo_store, "LAGEK", 2023)
    outline = next(t for t in fig.data if t.type == "scattermap")
    assert outline.mode == "lines" and outline.name == "Fokusområden"
    found = queries.boundaries(demo_store)
    rings = {f["id"]: f["geometry"] for f in found.geojson["features"]}
    expected_points = sum(
        len(ring) + 1
        for code in ("Berga", "Ryd", "Skäggetorp")
        for ring in charts._rings(rings[code])
    )
    assert len(outline.lon) == expected_points
    spec = json.dumps(charts.figure_spec(fig))
    # the boundaries are in what is drawn, once per area trace
    areas = sum(t.type == "choroplethmap" for t in fig.data)
    assert areas >= 1 and spec.count('"FeatureCollection"') == areas
    # No tiles, no sprite icons, no text on the map (its glyphs would come from a font server)
    assert "http" not in spec.replace("http://www.w3.org", "")
    assert all(getattr(t, "mode", "lines") == "lines" for t in fig.data if t.type == "scattermap")
    assert fig.layout.map.layers == ()


def test_hostile_area_names_are_shown_as_text(demo_store):
    frame = pd.DataFrame(
        {
            "code": ["Berga"],
            "name": ["<img src=x onerror=alert(1)>"],
            "value": [3.5],
            "is_focus": [True],
        }
    )
    found = queries.boundaries(demo_store)
    fig = charts.district_map(
        frame,
        geojson=found.geojson,
        title="<b>x</b>",
        unit="%",
        higher_is_better=False,
        value_label="Värde",
        no_value_label="Inget värde",
        focus_label="Fokus",
        better_label="mörkare = bättre",
    )
    assert fig.data[0].text[0].startswith("<b>&lt;img src=x onerror=alert(1)&gt;</b>")
    assert fig.layout.title.text == "&lt;b&gt;x&lt;/b&gt;"


def test_the_view_fits_linkoping(demo_store):
    view = charts.map_view(queries.boundaries(demo_store).geojson)
    assert 15.3 < view["center"]["lon"] < 15.9 and 58.2 < view["center"]["lat"] < 58.6
    assert 7.5 < view["zoom"] < 10


def locator(found: queries.Boundaries):
    return charts.locator_map(
        found.areas[["code", "name", "is_focus"]],
        geojson=found.geojson,
        title="",
        focus_label="Fokusområden",
        other_label="Övriga områden",
    )


def test_the_locator_map_marks_the_three_focus_districts(demo_store):
    fig = locator(queries.boundaries(demo_store))
    by_name = {t.name: t for t in fig.data}
    assert sorted(by_name["Fokusområden"].locations) == ["Berga", "Ryd", "Skäggetorp"]
    assert len(by_name["Övriga områden"].locations) == 29


def test_the_report_carries_the_map_of_the_widest_covered_indicator(demo_store):
    from segdash import reports
    from segdash.reports.content import map_caption, sections

    report = reports.build_report(demo_store, "2023")
    found = report.map
    assert found is not None
    # ARBL, LAGEK and FORV have values for all 32 areas; the widest covered first, by name
    assert (found.code, found.year) == ("ARBL", 2024)
    assert len(found.values) == 32 and found.values["value"].notna().all()
    parts = list(sections(report))
    at = parts.index(("image", "map"))
    assert parts[at + 1] == ("paragraph", map_caption(report))
    assert map_caption(report).startswith(
        "Karta: Arbetslöshet 18–64 år 2024, 32 av 32 områden med värde (grått = inget värde; "
        "fokusområdena har svart kant). Gränser: omradesgranser_regso_2025.geojson."
    )
    assert "Källa: SCB, RegSO 2025" in map_caption(report)


def test_a_national_layer_is_drawn_around_the_focus_districts_and_a_municipalitys_whole():
    """A grid of 20 x 20 = 400 squares, the focus districts in the middle: more than a
    municipality's layer, so the map keeps the focus districts and the areas around them."""

    def layer(side: int) -> queries.Boundaries:
        features, rows = [], []
        for i in range(side * side):
            x, y = i % side, i // side
            code = f"A{i:03d}"
            ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
            features.append(
                {
                    "type": "Feature",
                    "id": code,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
            middle = side // 2 - 1 <= x <= side // 2 and y == side // 2
            rows.append(
                (code, code, "fokus" if middle else "jämförelse", x, y, x + 1, y + 1, middle)
            )
        areas = pd.DataFrame(
            rows,
            columns=["code", "name", "district_type", "west", "south", "east", "north", "is_focus"],
        )
        by_code = {f["id"]: f for f in features}
        return queries.Boundaries(
            areas=areas,
            outlines=lambda codes: [json.dumps(by_code[c]["geometry"]) for c in codes],
            batch_id=1,
            file_name="x.geojson",
            imported_at=pd.Timestamp("2026-01-01").to_pydatetime(),
            is_demo=False,
        )

    small = layer(10)  # 100 areas: drawn whole
    assert small.shown()[0] is small.areas
    national = layer(20)
    areas, geojson = national.shown()
    # the focus box is x 9-11, y 10-11 (2 x 1); widened by half on every side, x 8-12 and
    # y 9.5-11.5, it reaches into the squares of columns 7-12 and rows 9-11
    assert sorted(areas["code"]) == sorted(
        f"A{y * 20 + x:03d}" for y in (9, 10, 11) for x in range(7, 13)
    )
    assert [f["id"] for f in geojson["features"]] == list(areas["code"])
    assert areas["is_focus"].sum() == 2


def test_the_maps_are_the_same_whether_plotly_checks_them_or_not(demo_store, monkeypatch):
    # The app builds figures unchecked (charts.VALIDATE): it must draw what a checked map holds.
    found = queries.boundaries(demo_store)

    def both():
        _, district = build(demo_store, "ARBL", 2023)
        figures = (district, locator(found))
        return [json.dumps(charts.figure_spec(f), sort_keys=True) for f in figures]

    checked = both()
    monkeypatch.setattr(charts, "VALIDATE", False)
    assert both() == checked
