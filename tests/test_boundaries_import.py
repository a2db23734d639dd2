"""District boundaries through the importer: a GeoPackage or GeoJSON is a batch like any other
file (matched to the areas by code or name, replaced as a whole, rolled back), unknown areas
are refused or added on request, and every refusal leaves the database as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import database_at_schema, import_ok, import_refused, rows, where

from segdash import cli, queries
from segdash import store as store_module
from segdash.config import Limits
from segdash.demo.catalogue import REGSO_AREAS
from segdash.importer import ImportOptions, UploadedFile, check_files
from segdash.store import Store

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT.parent / "shared" / "geo"
GPKG = GEO / "linkoping_regso_2025_sweref99tm.gpkg"
GEOJSON = GEO / "linkoping_regso_2025.geojson"
ADD_HINT = (
    "Lägg till området på bladet Områden eller med --add-districts (på sidan: ”Lägg till okända "
    "områden”)."
)


@pytest.fixture(scope="module", autouse=True)
def samples():
    if not GPKG.exists() or not GEOJSON.exists():
        pytest.fail(f"the shared sample boundaries are missing: {GEO.name}/ beside the checkout")


def upload(path: Path, name: str | None = None, **options) -> UploadedFile:
    return UploadedFile(name or path.name, path.read_bytes(), ImportOptions(**options))


def current(store: Store) -> dict[str, str]:
    return dict(
        rows(
            store,
            "SELECT b.district_code, d.region_code FROM current_boundary b "
            "JOIN current_district d ON d.code = b.district_code",
        )
    )


def imported(store: Store, batch_id: int) -> list[tuple[str, dict]]:
    """A boundary file's outlines as imported (not as a map draws them), by area."""
    found = rows(
        store, "SELECT district_code, geometry FROM boundary WHERE batch_id = ?", [batch_id]
    )
    return [(code, json.loads(geometry)) for code, geometry in found]


def test_the_geopackage_replaces_the_demo_boundaries_matched_by_code(demo_store):
    before = queries.boundaries(demo_store)
    result = import_ok(demo_store, upload(GPKG))
    assert result.issues == []
    batch = demo_store.batch(result.batch_ids[0])
    assert (batch["kind"], batch["file_name"]) == ("boundaries", GPKG.name)
    assert json.loads(batch["row_counts"]) == {"boundary": 32}
    matched = current(demo_store)
    assert sorted(matched.values()) == sorted(code for code, _ in REGSO_AREAS)
    assert matched["Skäggetorp"] == "0580R018"  # Skäggetorp-Tornby, by its code
    assert rows(demo_store, "SELECT DISTINCT source_crs FROM current_boundary") == [("EPSG:3006",)]
    # The same areas as SCB's own WGS84 GeoJSON (the demo's), to a millionth of a degree
    now = queries.boundaries(demo_store)
    assert now.batch_id == result.batch_ids[0] and now.batch_id != before.batch_id
    from shapely.geometry import shape

    old = {code: shape(geometry) for code, geometry in imported(demo_store, before.batch_id)}
    new = dict(imported(demo_store, now.batch_id))
    assert sorted(new) == sorted(old)
    for code, geometry in new.items():
        assert shape(geometry).equals_exact(old[code], tolerance=2e-6)
    # Rolling the GeoPackage back brings the demo's boundaries back
    demo_store.set_batch_state(result.batch_ids[0], False, "anna")
    assert queries.boundaries(demo_store).batch_id == before.batch_id


def test_a_municipality_s_own_layer_replaces_the_whole_map(demo_store):
    """Two areas of the municipality's own: the map shows those two, not SCB's 32 besides."""
    geojson = json.loads(GEOJSON.read_text(encoding="utf-8"))
    own = {
        "type": "FeatureCollection",
        "features": [
            {**f, "properties": {"namn": name}}
            for f, name in zip(geojson["features"][:2], ["Berga", "Ryd"], strict=True)
        ],
    }
    data = json.dumps(own).encode()
    result = import_ok(demo_store, UploadedFile("stadsdelar.geojson", data))
    assert sorted(current(demo_store)) == ["Berga", "Ryd"]
    assert json.loads(demo_store.batch(result.batch_ids[0])["row_counts"]) == {"boundary": 2}


def test_each_areas_extent_is_its_outline_s_bounds_for_polygons_and_multipolygons(demo_store):
    """The maps pick what to draw by each area's extent, which the database works out from the
    stored outlines: for a MultiPolygon it spans every part, and a hole changes nothing."""
    from shapely.geometry import shape

    geojson = json.loads(GEOJSON.read_text(encoding="utf-8"))
    first, second = (f["geometry"]["coordinates"] for f in geojson["features"][:2])
    far = [[[lon + 1.0, lat] for lon, lat in first[0]]]  # a second part a degree to the east
    ring = second[0]
    # a triangle around the mean of the outline's corners (about 100 m), as a hole
    middle = [sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)]
    hole = [
        [middle[0] - 1e-3, middle[1] - 1e-3],
        [middle[0] - 1e-3, middle[1] + 1e-3],
        [middle[0] + 1e-3, middle[1]],
        [middle[0] - 1e-3, middle[1] - 1e-3],
    ]
    own = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"namn": "Berga"},
                "geometry": {"type": "MultiPolygon", "coordinates": [first, far]},
            },
            {
                "type": "Feature",
                "properties": {"namn": "Ryd"},
                "geometry": {"type": "Polygon", "coordinates": [ring, hole]},
            },
        ],
    }
    import_ok(demo_store, UploadedFile("stadsdelar.geojson", json.dumps(own).encode()))
    found = queries.boundaries(demo_store)
    areas = found.areas.set_index("code")
    features = {f["id"]: f for f in found.geojson["features"]}
    assert sorted(features) == ["Berga", "Ryd"]
    assert features["Berga"]["geometry"]["type"] == "MultiPolygon"
    assert len(features["Ryd"]["geometry"]["coordinates"]) == 2  # the hole is kept
    for code, geometry in imported(demo_store, found.batch_id):
        extent = tuple(areas.loc[code, ["west", "south", "east", "north"]])
        assert extent == pytest.approx(shape(geometry).bounds, abs=1e-12)
    west, east = areas.loc["Berga", "west"], areas.loc["Berga", "east"]
    assert west == pytest.approx(min(p[0] for p in first[0]), abs=1e-6)
    assert east == pytest.approx(max(p[0] for p in far[0]), abs=1e-6)


def test_the_demo_areas_extents_are_their_outlines_bounds(demo_store):
    from shapely.geometry import shape

    found = queries.boundaries(demo_store)
    assert len(found.areas) == len(found.geojson["features"]) == 32
    outlines = dict(imported(demo_store, found.batch_id))
    for row, feature in zip(found.areas.itertuples(), found.geojson["features"], strict=True):
        assert row.code == feature["id"] and row.name == feature["properties"]["name"]
        bounds = shape(outlines[row.code]).bounds
        assert (row.west, row.south, row.east, row.north) == pytest.approx(bounds, abs=1e-12)


def test_a_map_draws_scbs_outlines_simplified_to_under_a_pixel(demo_store):
    """SCB's RegSO outlines (16 654 vertices for Linköping) are drawn with about a quarter of
    their vertices, each area valid and within twice DRAWN_TOLERANCE of its outline as imported
    (Douglas-Peucker's bound, loosened where a ring's first point goes): what goes to every
    viewer's browser on every run of a page with a map."""
    import shapely
    from shapely.geometry import shape

    found = queries.boundaries(demo_store)
    outlines = {code: shape(g) for code, g in imported(demo_store, found.batch_id)}
    drawn = {f["id"]: shape(f["geometry"]) for f in found.geojson["features"]}
    assert sorted(drawn) == sorted(outlines)
    before = sum(shapely.get_num_coordinates(list(outlines.values())))
    after = sum(shapely.get_num_coordinates(list(drawn.values())))
    assert before == 16_654 and after < before * 0.3
    for code, outline in outlines.items():
        assert drawn[code].is_valid and drawn[code].geom_type == outline.geom_type
        distance = shapely.hausdorff_distance(drawn[code], outline)
        assert distance <= store_module.DRAWN_TOLERANCE * 2, code
        assert drawn[code].area == pytest.approx(outline.area, rel=0.01)


def test_a_national_layer_s_map_reads_only_the_outlines_it_draws(store, monkeypatch):
    """A layer of every DeSO area is 6 000 outlines and tens of MB: finding the areas around
    the focus districts takes their stored extents only, and only the outlines drawn are read."""
    side = 20  # 400 areas on a grid: more than a map draws whole
    features, names = [], []
    for n in range(side * side):
        x, y = 15.0 + (n % side) * 0.01, 58.0 + (n // side) * 0.01
        # 0.008 wide with a gap between: no edge falls on the widened box's
        ring = [[x, y], [x + 0.008, y], [x + 0.008, y + 0.008], [x, y + 0.008], [x, y]]
        name = {210: "Berga", 211: "Ryd"}.get(n, f"Område {n:03d}")
        names.append(name)
        features.append(
            {
                "type": "Feature",
                "properties": {"namn": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    layer = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    import_ok(store, UploadedFile("deso.geojson", layer, ImportOptions(add_districts=True)))
    asked: list[list[str]] = []
    outlines = queries._outlines
    monkeypatch.setattr(
        queries, "_outlines", lambda *args: asked.append(args[-1]) or outlines(*args)
    )
    found = queries.boundaries(store)
    assert len(found.areas) == side * side and asked == []  # extents only, no outline
    areas, geojson = found.shown()
    # Berga and Ryd side by side (x 10-11, y 10), their box widened by half on every side
    assert sorted(areas["name"]) == sorted(
        names[y * side + x] for y in (9, 10, 11) for x in range(9, 13)
    )
    assert asked == [list(areas["code"])]  # the twelve drawn, read once
    ring = features[210]["geometry"]["coordinates"]
    drawn = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in geojson["features"]}
    assert drawn["Berga"] == [[[round(c, 6) for c in point] for point in ring[0]]]


def test_boundaries_stored_before_schema_7_get_their_extents_when_the_database_is_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    con = database_at_schema(path, 6)
    con.execute(
        "INSERT INTO import_batch VALUES (1, 'boundaries', 'b.geojson', 'x', 'test', now(), '{}',"
        " 'active', false)"
    )
    square = {"type": "Polygon", "coordinates": [[[15, 58], [16, 58], [16, 59], [15, 58]]]}
    parts = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[15, 58], [15.5, 58], [15.5, 58.5], [15, 58]]],
            [[[17, 57], [18, 57], [18, 57.5], [17, 57]]],
        ],
    }
    for code, geometry in (("Berga", square), ("Ryd", parts)):
        con.execute(
            "INSERT INTO boundary VALUES (1, ?, ?, 4, 'EPSG:4326')", [code, json.dumps(geometry)]
        )
    con.close()
    with Store(path) as store:
        assert store.schema_version() == store_module.SCHEMA_VERSION >= 7
        areas = queries.boundaries(store).areas.set_index("code")
        assert areas.loc["Berga", ["west", "south", "east", "north"]].tolist() == [15, 58, 16, 59]
        assert areas.loc["Ryd", ["west", "south", "east", "north"]].tolist() == [15, 57, 18, 58.5]
        features = {f["id"]: f["geometry"] for f in queries.boundaries(store).geojson["features"]}
        assert features == {"Berga": square, "Ryd": parts}  # nothing to simplify in these


def test_unknown_areas_are_refused_with_their_names_and_nothing_is_stored(store):
    issues = import_refused(store, upload(GEOJSON))
    errors = [where(i) for i in issues if i.is_error]
    # a fresh database knows Berga and Ryd by name; the other 30 RegSO areas are unknown
    assert len(errors) == 30
    assert errors[0] == (
        f"Område 2 (0580R002 Domkyrkan-Slottet) finns inte bland områdena. {ADD_HINT}",
        "GeoJSON",
        2,
        "Regionkod",
        "0580R002 Domkyrkan-Slottet",
    )
    assert f"Område 18 (0580R018 Skäggetorp-Tornby) finns inte bland områdena. {ADD_HINT}" in [
        e[0] for e in errors
    ]
    # the upload page offers to add them when the check counts any
    assert check_files(store, [upload(GEOJSON)]).files[0].unknown_areas == 30
    assert check_files(store, [upload(GEOJSON, add_districts=True)]).files[0].unknown_areas == 0


def test_unknown_areas_can_be_added_as_comparison_areas_of_the_same_batch(store):
    result = import_ok(store, upload(GEOJSON, add_districts=True))
    assert [i.message for i in result.issues][0].startswith(
        "30 okända områden läggs till som jämförelseområden (--add-districts): Domkyrkan-Slottet"
    )
    matched = current(store)
    assert len(matched) == 32
    assert matched["Domkyrkan-Slottet"] == "0580R002"
    types = dict(rows(store, "SELECT code, district_type FROM current_district"))
    assert types["Domkyrkan-Slottet"] == "jämförelse" and types["Berga"] == "fokus"
    # Rolled back, the areas it added go with it
    store.set_batch_state(result.batch_ids[0], False, "anna")
    assert queries.boundaries(store) is None
    assert "Domkyrkan-Slottet" not in dict(rows(store, "SELECT code, name FROM current_district"))


def test_two_features_for_one_area_are_an_error(demo_store):
    geojson = json.loads(GEOJSON.read_text(encoding="utf-8"))
    twice = dict(geojson, features=[geojson["features"][0], geojson["features"][0]])
    twice["features"][1] = dict(twice["features"][1], properties={"name": "Berga"})
    issues = import_refused(demo_store, UploadedFile("dubbel.geojson", json.dumps(twice).encode()))
    assert [where(i) for i in issues if i.is_error] == [
        (
            "Område 2 (Berga) är samma område som nummer 1 (Berga); ett område kan bara ha en "
            "gräns.",
            "GeoJSON",
            2,
            "Namn",
            "Berga",
        )
    ]


def test_a_geopackage_without_a_coordinate_system_is_refused(demo_store, tmp_path):
    import sqlite3

    copy = tmp_path / "utan_crs.gpkg"
    shutil.copy(GPKG, copy)
    con = sqlite3.connect(copy)
    con.execute("UPDATE gpkg_geometry_columns SET srs_id = 0")
    con.execute("UPDATE gpkg_contents SET srs_id = 0")
    con.commit()
    con.close()
    issues = import_refused(demo_store, upload(copy))
    assert [(i.severity, i.message) for i in issues] == [
        (
            "error",
            "Filen anger inget koordinatsystem för lagret RegSO_2025 (srs_id 0, ”undefined”). "
            "Spara om den med ett koordinatsystem, t.ex. SWEREF99 TM (EPSG:3006) eller WGS84 "
            "(EPSG:4326), och ladda upp igen.",
        )
    ]


def test_an_invalid_ring_is_an_error_naming_the_area(demo_store):
    bow_tie = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "0580R001", "name": "Berga"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [15.60, 58.38],
                            [15.62, 58.40],
                            [15.62, 58.38],
                            [15.60, 58.40],
                            [15.60, 58.38],
                        ]
                    ],
                },
            }
        ],
    }
    issues = import_refused(demo_store, UploadedFile("fel.geojson", json.dumps(bow_tie).encode()))
    (error,) = [i for i in issues if i.is_error]
    assert error.message.startswith("Område 1 (0580R001 Berga) har en ogiltig gräns: ")
    assert error.message.endswith(
        "Rätta geometrin (t.ex. med Fix geometries i QGIS) och ladda upp igen."
    )
    assert (error.row, error.column) == (1, "geometri")


def test_an_oversized_file_is_refused_before_anything_is_checked(demo_store):
    before = demo_store.table_contents()
    check = check_files(demo_store, [upload(GPKG)], Limits(max_vertices=1_000))
    assert [(i.severity, i.message) for i in check.issues] == [
        (
            "error",
            "Områdesgränserna i filen har tillsammans fler än 1\u00a0000 hörnpunkter, mer än vad "
            "som tillåts. Förenkla gränserna (t.ex. med Simplify i QGIS) och ladda upp igen.",
        )
    ]
    assert demo_store.table_contents() == before


def test_the_cli_imports_a_geopackage_with_new_areas(tmp_path, capsys):
    db = tmp_path / "ny.duckdb"
    assert cli.main(["--db", str(db), "import", str(GPKG), "--who", "anna"]) == 1
    assert "finns inte bland områdena" in capsys.readouterr().out
    assert cli.main(["--db", str(db), "import", str(GPKG), "--who", "anna", "--add-districts"]) == 0
    capsys.readouterr()
    with Store(db) as store:
        assert len(current(store)) == 32
        assert store.batches()["kind"].tolist() == ["boundaries"]
