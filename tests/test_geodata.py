"""District boundary files (segdash.importer.geodata): SCB's RegSO 2025 for Linköping in
../shared/geo, as a GeoPackage in SWEREF99 TM and as GeoJSON in WGS84, and files built from
them here for every refusal and every problem with one area. Messages are asserted exactly.

The sample files are never copied into this repository: the tests read them where they are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.geometry
from conftest import make_xlsx

from segdash.config import Limits
from segdash.importer import geodata
from segdash.importer.issues import ERROR, WARNING, FileRejected, Issue

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT.parent / "shared" / "geo"

if not GEO.is_dir():
    if os.environ.get("CI") == "true":
        raise RuntimeError(
            f"The boundary sample files are missing: {GEO} does not exist. CI must run "
            "tests/test_geodata.py, so check out the shared folder beside the repository."
        )
    pytest.skip(
        f"the boundary sample files are not here ({GEO} does not exist)", allow_module_level=True
    )

GEOJSON = GEO / "linkoping_regso_2025.geojson"
GPKG = GEO / "linkoping_regso_2025_sweref99tm.gpkg"
LIMITS = Limits()
NBSP = "\u00a0"

# The README's list of all 32 areas.
NAMES = [
    "Berga",
    "Domkyrkan-Slottet",
    "Ekholmen",
    "Ekkällan-Garnisonen",
    "Ekängen",
    "Gottfridsberg",
    "Hackefors",
    "Hejdegården",
    "Hjulsbro",
    "Johannelund",
    "Lambohov-Slaka",
    "Lilla Torget-Sankt Lars",
    "Linghem",
    "Ljungsbro-Berg",
    "Malmslätt",
    "Ramshäll",
    "Ryd",
    "Skäggetorp-Tornby",
    "Sturefors",
    "Tallboda",
    "Tannefors-Stångebro-Kallerstad",
    "Trädgårdsföreningen-Folkungavallen",
    "Ullstämma-Haninge",
    "Valkebo omland",
    "Valla-T1",
    "Vasastaden-Hunneberg",
    "Vidingsjö",
    "Vikingstad-Rappestad",
    "Vimanshäll",
    "Vreta Kloster omland",
    "Vårdnäs omland",
    "Åkerbo omland",
]
AREAS = {f"0580R{n:03d}": name for n, name in enumerate(NAMES, start=1)}
SQUARE = [[15.5, 58.4], [15.6, 58.4], [15.6, 58.5], [15.5, 58.5], [15.5, 58.4]]


def read(data: bytes, name: str = "omraden.geojson", **limits: int) -> geodata.BoundaryFile:
    return geodata.read_boundaries(data, name, Limits(**limits) if limits else LIMITS)


def refused(data: bytes, name: str = "omraden.geojson", **limits: int) -> str:
    with pytest.raises(FileRejected) as caught:
        read(data, name, **limits)
    return caught.value.message


def collection(*features: dict, **members: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", **members, "features": list(features)}).encode()


def feature(geometry: dict | None, **properties: object) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(ring: list[list[float]] = SQUARE) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def by_code(found: geodata.BoundaryFile) -> dict[str, geodata.BoundaryFeature]:
    return {f.code: f for f in found.features}


def gpkg_rows() -> list[tuple[str, str, shapely.Geometry]]:
    """The GeoPackage's areas read here with sqlite3 and shapely, independently of geodata:
    (code, name, polygon in SWEREF99 TM), in fid order."""
    with sqlite3.connect(f"file:{GPKG}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT regsokod, regsonamn, sp_geometry FROM RegSO_2025 ORDER BY fid"
        ).fetchall()
    out = []
    for code, name, blob in rows:
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
        out.append((code, name, shapely.from_wkb(blob[8 + envelope :])))
    return out


def sweref_collection(**members: object) -> bytes:
    """The GeoPackage's areas as GeoJSON, still in SWEREF99 TM metres."""
    features = [
        feature(shapely.geometry.mapping(geometry), code=code, name=name)
        for code, name, geometry in gpkg_rows()
    ]
    return collection(*features, **members)


RTREE_TRIGGERS = [
    f"rtree_RegSO_2025_sp_geometry_{event}"
    for event in ("insert", "update1", "update2", "update3", "update4", "delete")
]


def edited_gpkg(tmp_path: Path, *statements: str) -> bytes:
    """The sample GeoPackage's bytes after some SQL, run on a copy."""
    copy = tmp_path / "edited.gpkg"
    shutil.copyfile(GPKG, copy)
    con = sqlite3.connect(copy)
    with con:
        for statement in statements:
            con.execute(statement)
    con.close()
    return copy.read_bytes()


# --- the real files --------------------------------------------------------------------------


def test_geopackage_reads_as_32_areas_in_sweref99tm():
    found = read(GPKG.read_bytes(), GPKG.name)
    assert (found.layer, found.crs, found.issues) == ("RegSO_2025", "EPSG:3006", [])
    assert len(found.features) == 32
    assert {f.code: f.name for f in found.features} == AREAS
    # Numbers are the row order by fid, which is not the codes' order: fid 1465 is Åkerbo.
    assert [f.number for f in found.features] == list(range(1, 33))
    assert [f.code for f in found.features][:6] == [
        "0580R001",
        "0580R002",
        "0580R003",
        "0580R004",
        "0580R032",
        "0580R005",
    ]
    areas = by_code(found)
    assert areas["0580R001"].name == "Berga"
    assert areas["0580R017"].name == "Ryd"
    assert areas["0580R018"].name == "Skäggetorp-Tornby"
    assert sum(f.vertices for f in found.features) == 16_654


def test_geojson_reads_as_the_same_32_areas_in_wgs84():
    found = read(GEOJSON.read_bytes(), GEOJSON.name)
    assert (found.layer, found.crs, found.issues) == ("GeoJSON", "EPSG:4326", [])
    assert [(f.number, f.code, f.name) for f in found.features] == [
        (n, code, name) for n, (code, name) in enumerate(AREAS.items(), start=1)
    ]
    # SCB's GeoJSON was already rounded and oriented: it reads back as written.
    written = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    assert [f.geometry for f in found.features] == [
        json.dumps(w["geometry"], separators=(",", ":")) for w in written
    ]


def test_reprojected_geopackage_matches_scbs_geojson():
    from_gpkg = by_code(read(GPKG.read_bytes(), GPKG.name))
    from_json = by_code(read(GEOJSON.read_bytes(), GEOJSON.name))
    berga_gpkg = shapely.from_geojson(from_gpkg["0580R001"].geometry)
    berga_json = shapely.from_geojson(from_json["0580R001"].geometry)
    # Vertex by vertex: every point of Berga, reprojected, within 1e-6 degrees of SCB's.
    a, b = shapely.get_coordinates(berga_gpkg), shapely.get_coordinates(berga_json)
    assert a.shape == b.shape == (185, 2)
    assert np.abs(a - b).max() <= 1e-6
    for code in AREAS:
        mine = shapely.from_geojson(from_gpkg[code].geometry)
        scbs = shapely.from_geojson(from_json[code].geometry)
        assert mine.equals_exact(scbs, tolerance=2e-6), code
        assert shapely.hausdorff_distance(mine, scbs) < 1e-5, code


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        # The brief's point, lon 15.5760 lat 58.4262: it is inside, in the blocks of flats of
        # Skäggetorp some 450 m west of the centrum itself, so it is kept as given.
        (15.5760, 58.4262, "0580R018"),
        # The README's independent points: Skäggetorp Centrum and Tannefors.
        (15.5837, 58.4275, "0580R018"),
        (15.6432, 58.4059, "0580R021"),
    ],
)
def test_known_points_lie_in_their_area_and_no_other(lon, lat, code):
    found = read(GPKG.read_bytes(), GPKG.name)
    point = shapely.Point(lon, lat)
    inside = [f.code for f in found.features if shapely.from_geojson(f.geometry).contains(point)]
    assert inside == [code]


@pytest.mark.parametrize("crs_name", ["urn:ogc:def:crs:EPSG::3006", "EPSG:3006"])
def test_geojson_with_legacy_crs_is_reprojected(crs_name):
    crs = {"type": "name", "properties": {"name": crs_name}}
    found = read(sweref_collection(crs=crs))
    assert (found.crs, found.issues, len(found.features)) == ("EPSG:3006", [], 32)
    scbs = by_code(read(GEOJSON.read_bytes(), GEOJSON.name))
    for area in found.features:
        assert area.geometry == scbs[area.code].geometry, area.code


def test_geometry_text_is_rounded_oriented_and_counted():
    for path in (GPKG, GEOJSON):
        for area in read(path.read_bytes(), path.name).features:
            decimals = re.findall(r"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?", area.geometry)
            assert decimals and max(len(d) for d in decimals) <= 6
            assert not re.search(r"\d[eE]", area.geometry)
            parsed = json.loads(area.geometry)
            assert parsed["type"] in ("Polygon", "MultiPolygon")
            polygons = (
                [parsed["coordinates"]] if parsed["type"] == "Polygon" else parsed["coordinates"]
            )
            points = sum(len(ring) for rings in polygons for ring in rings)
            assert area.vertices == points
            geometry = shapely.from_geojson(area.geometry)
            assert shapely.get_num_coordinates(geometry) == area.vertices
            for part in getattr(geometry, "geoms", [geometry]):
                assert part.exterior.is_ccw
                assert not any(hole.is_ccw for hole in part.interiors)


def test_geometry_is_rounded_to_six_decimals_and_made_counter_clockwise():
    clockwise = [[15.1234564, 58.1], [15.1, 58.2999996], [15.3, 58.3], [15.3, 58.1]]
    found = read(collection(feature(polygon([*clockwise, clockwise[0]]), code="0580R001")))
    assert found.features[0].geometry == (
        '{"type":"Polygon","coordinates":[[[15.123456,58.1],[15.3,58.1],[15.3,58.3],'
        "[15.1,58.3],[15.123456,58.1]]]}"
    )
    assert found.features[0].vertices == 5


def test_multipolygon_and_holes():
    outer = [[15.0, 58.0], [16.0, 58.0], [16.0, 59.0], [15.0, 59.0], [15.0, 58.0]]
    hole = [[15.2, 58.2], [15.4, 58.2], [15.4, 58.4], [15.2, 58.4], [15.2, 58.2]]  # ccw
    beside = [[x + 2, y] for x, y in SQUARE]
    multi = {"type": "MultiPolygon", "coordinates": [[outer, hole], [beside]]}
    shifted = {"type": "MultiPolygon", "coordinates": [[[[x + 3, y] for x, y in SQUARE]]]}
    found = read(collection(feature(multi, code="0580R001"), feature(shifted, code="0580R002")))
    assert found.issues == []
    first = json.loads(found.features[0].geometry)
    assert first["type"] == "MultiPolygon"
    assert first["coordinates"][0][1] == [list(p) for p in reversed(hole)]  # holes clockwise
    assert found.features[0].vertices == 15


# --- codes and names -------------------------------------------------------------------------


def test_code_and_name_keys_case_insensitively_in_order():
    found = read(
        collection(
            feature(polygon(), RegSOkod=" 0580R001 ", RegSONamn=" Berga "),
            feature(polygon(), kommunkod="0580", code="0580R017", namn="Ryd", name="RYD"),
            feature(polygon(), DeSO="0580C1010", Område="Skäggetorp"),
            feature(polygon(), id=17, Kommunnamn="Linköping"),
            feature(polygon(), id="0580", kod=""),
            feature(polygon(), kommunkod=580, omrade="Linköping kommun"),
        )
    )
    assert found.issues == []
    assert [(f.code, f.name) for f in found.features] == [
        ("0580R001", "Berga"),
        ("0580R017", "RYD"),
        ("0580C1010", "Skäggetorp"),
        (None, "Linköping"),  # a number as id is no area code
        ("0580", None),
        ("580", "Linköping kommun"),
    ]


def test_scb_code_suffix_is_stripped():
    found = read(
        collection(
            feature(polygon(), code="0580R001_RegSO2025", name="Berga"),
            feature(polygon(), code="0580C1010_DeSO2025"),
            feature(polygon(), code="Ryd_2025"),
        )
    )
    assert [f.code for f in found.features] == ["0580R001", "0580C1010", "Ryd_2025"]


def test_area_without_code_or_name():
    features = [feature(polygon(), code=f"0580R00{n}") for n in range(1, 7)]
    features.append(feature(polygon(), vintage="RegSO 2025", id=7))
    features.append({"type": "Feature", "properties": None, "geometry": polygon()})
    found = read(collection(*features))
    assert found.issues == [
        Issue(
            ERROR,
            "Område 7 har varken kod eller namn (egenskapen regionkod/code eller namn/name).",
            "omraden.geojson",
            "GeoJSON",
            7,
            "",
            "",
        ),
        Issue(
            ERROR,
            "Område 8 har varken kod eller namn (egenskapen regionkod/code eller namn/name).",
            "omraden.geojson",
            "GeoJSON",
            8,
            "",
            "",
        ),
    ]
    assert [f.number for f in found.features] == [1, 2, 3, 4, 5, 6]


def test_duplicate_codes():
    found = read(
        collection(
            feature(polygon(), code="0580R001", name="Berga"),
            feature(polygon(), code="0580R017", name="Ryd"),
            feature(polygon(), code="0580R001_RegSO2025", name="Berga igen"),
            feature(polygon(), code="0580R001"),
        )
    )
    assert found.issues == [
        Issue(
            ERROR,
            "Område 3 (0580R001 Berga igen) har samma kod som område 1; varje kod får bara "
            "finnas en gång i filen.",
            "omraden.geojson",
            "GeoJSON",
            3,
            "code",
            "0580R001",
        ),
        Issue(
            ERROR,
            "Område 4 (0580R001) har samma kod som område 1; varje kod får bara finnas en gång "
            "i filen.",
            "omraden.geojson",
            "GeoJSON",
            4,
            "code",
            "0580R001",
        ),
    ]
    assert [f.number for f in found.features] == [1, 2]


# --- problems with one area's geometry ---------------------------------------------------------


def test_self_intersecting_polygon_is_one_error_naming_the_area():
    bow_tie = [[15.5, 58.4], [15.6, 58.5], [15.6, 58.4], [15.5, 58.5], [15.5, 58.4]]
    found = read(
        collection(
            feature(polygon(), code="0580R001", name="Berga"),
            feature(polygon(bow_tie), code="0580R005", name="Ekängen"),
        )
    )
    assert found.issues == [
        Issue(
            ERROR,
            "Område 2 (0580R005 Ekängen) har en ogiltig gräns: kanten korsar sig själv "
            "(Self-intersection[15.55 58.45]). Rätta geometrin (t.ex. med Fix geometries i QGIS) "
            "och ladda upp igen.",
            "omraden.geojson",
            "GeoJSON",
            2,
            "geometri",
            "0580R005",
        )
    ]
    assert [f.code for f in found.features] == ["0580R001"]


def test_validity_is_checked_in_the_files_own_coordinates():
    code, name, berga = gpkg_rows()[0]
    (x0, y0), (x1, y1) = shapely.get_coordinates(berga)[:2]
    bow_tie = [[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]
    crs = {"type": "name", "properties": {"name": "EPSG:3006"}}
    found = read(collection(feature(polygon(bow_tie), code=code, name=name), crs=crs))
    [issue] = found.issues
    reason = shapely.is_valid_reason(shapely.Polygon(bow_tie))  # in SWEREF99 TM metres
    assert reason.startswith("Self-intersection[") and float(reason[18:].split()[0]) > 500_000
    assert issue.message == (
        f"Område 1 (0580R001 Berga) har en ogiltig gräns: kanten korsar sig själv ({reason}). "
        "Rätta geometrin (t.ex. med Fix geometries i QGIS) och ladda upp igen."
    )
    assert found.features == []


def test_linestring_is_not_a_boundary():
    line = {"type": "LineString", "coordinates": SQUARE}
    found = read(
        collection(
            feature(polygon(), code="0580R001", name="Berga"),
            feature(polygon([[x + 1, y] for x, y in SQUARE]), code="0580R002"),
            feature(line, code="0580R003", name="Ekholmen"),
            feature({"type": "Point", "coordinates": [15.6, 58.4]}, name="Ryd"),
        )
    )
    assert [(i.severity, i.message, i.row, i.column, i.value) for i in found.issues] == [
        (
            ERROR,
            "Område 3 (0580R003 Ekholmen) är en LineString; bara polygoner och multipolygoner "
            "kan vara områdesgränser.",
            3,
            "geometri",
            "0580R003",
        ),
        (
            ERROR,
            "Område 4 (Ryd) är en Point; bara polygoner och multipolygoner kan vara "
            "områdesgränser.",
            4,
            "geometri",
            "Ryd",
        ),
    ]
    assert [f.number for f in found.features] == [1, 2]


def test_every_problem_is_reported_not_only_the_first():
    found = read(
        collection(
            feature(None, code="0580R001", name="Berga"),
            feature({"type": "Polygon", "coordinates": [[[15.5, 58.4]]]}, code="0580R002"),
            feature({"type": "Polygon", "coordinates": []}, code="0580R003"),
            "inte ett område",
            feature({"type": "LineString", "coordinates": SQUARE}),
            feature(polygon(), code="0580R006"),
        )
    )
    assert [(i.row, i.message) for i in found.issues] == [
        (1, "Område 1 (0580R001 Berga) saknar geometri."),
        (
            2,
            "Område 2 (0580R002) har en geometri som inte kan läsas. Rätta geometrin (t.ex. med "
            "Fix geometries i QGIS) och ladda upp igen.",
        ),
        (3, "Område 3 (0580R003) har en tom geometri."),
        (4, "Område 4 är inget GeoJSON-objekt av typen Feature."),
        (
            5,
            "Område 5 är en LineString; bara polygoner och multipolygoner kan vara områdesgränser.",
        ),
        (
            5,
            "Område 5 har varken kod eller namn (egenskapen regionkod/code eller namn/name).",
        ),
    ]
    assert all(i.is_error for i in found.issues)
    assert [f.number for f in found.features] == [6]


def test_geopackage_empty_and_missing_geometry(tmp_path):
    # Berga's blob with the header's empty-geometry flag (bit 4) set; Ryd's geometry NULL. The
    # R-tree triggers call SpatiaLite's ST_ functions, which plain sqlite3 lacks: dropped here.
    data = edited_gpkg(
        tmp_path,
        *(f"DROP TRIGGER {name}" for name in RTREE_TRIGGERS),
        "UPDATE RegSO_2025 SET sp_geometry = substr(sp_geometry, 1, 3) || "
        "char(unicode(substr(sp_geometry, 4, 1)) | 16) || substr(sp_geometry, 5) "
        "WHERE regsokod = '0580R001'",
        "UPDATE RegSO_2025 SET sp_geometry = CAST(sp_geometry AS BLOB) WHERE regsokod = '0580R001'",
        "UPDATE RegSO_2025 SET sp_geometry = NULL WHERE regsokod = '0580R017'",
    )
    found = read(data, "regso.gpkg")
    assert [(i.message, i.file, i.sheet, i.row, i.column, i.value) for i in found.issues] == [
        (
            "Område 1 (0580R001 Berga) har en tom geometri.",
            "regso.gpkg",
            "RegSO_2025",
            1,
            "geometri",
            "0580R001",
        ),
        (
            "Område 18 (0580R017 Ryd) saknar geometri.",
            "regso.gpkg",
            "RegSO_2025",
            18,
            "geometri",
            "0580R017",
        ),
    ]
    assert len(found.features) == 30


# --- refusals --------------------------------------------------------------------------------


def test_geopackage_without_coordinate_system(tmp_path):
    data = edited_gpkg(
        tmp_path,
        "UPDATE gpkg_geometry_columns SET srs_id = 0",
        "UPDATE gpkg_contents SET srs_id = 0",
    )
    assert refused(data, "regso.gpkg") == (
        "Filen anger inget koordinatsystem för lagret RegSO_2025 (srs_id 0, ”undefined”). Spara "
        "om den med ett koordinatsystem, t.ex. SWEREF99 TM (EPSG:3006) eller WGS84 (EPSG:4326), "
        "och ladda upp igen."
    )


def test_geopackage_crs_from_wkt_when_no_epsg_code(tmp_path):
    data = edited_gpkg(
        tmp_path,
        "UPDATE gpkg_spatial_ref_sys SET organization = 'NONE', organization_coordsys_id = 3006 "
        "WHERE srs_id = 3006",
    )
    found = read(data, "regso.gpkg")
    assert (found.crs, len(found.features), found.issues) == ("EPSG:3006", 32, [])


def test_geopackage_layers(tmp_path):
    point_layer = (
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
        "VALUES ('punkter', 'features', 'punkter', 3006)",
        "INSERT INTO gpkg_geometry_columns VALUES ('punkter', 'geom', 'POINT', 3006, 0, 0)",
        "CREATE TABLE punkter (fid INTEGER PRIMARY KEY, geom POINT)",
    )
    found = read(edited_gpkg(tmp_path, *point_layer), "regso.gpkg")
    assert found.issues == [
        Issue(
            WARNING,
            "GeoPackage-filen har flera lager med geografiska objekt (punkter, RegSO_2025); bara "
            "RegSO_2025, det enda med polygoner, läses.",
            "regso.gpkg",
            "RegSO_2025",
        )
    ]
    assert len(found.features) == 32
    second_polygons = (
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
        "VALUES ('DeSO_2025', 'features', 'DeSO_2025', 3006)",
        "INSERT INTO gpkg_geometry_columns VALUES ('DeSO_2025', 'geom', 'MULTIPOLYGON', 3006, 0, 0)",
    )
    assert refused(edited_gpkg(tmp_path, *second_polygons), "regso.gpkg") == (
        "GeoPackage-filen har flera lager med geografiska objekt (DeSO_2025, RegSO_2025). Spara "
        "lagret med områdesgränserna som en egen fil och ladda upp den."
    )
    assert refused(edited_gpkg(tmp_path, "DELETE FROM gpkg_contents"), "regso.gpkg") == (
        "GeoPackage-filen har inget lager med geografiska objekt (ingen rad i gpkg_contents med "
        "data_type ”features”)."
    )
    assert refused(edited_gpkg(tmp_path, "DELETE FROM RegSO_2025"), "regso.gpkg") == (
        "Filen innehåller inga områden."
    )


def test_broken_or_foreign_sqlite():
    data = GPKG.read_bytes()
    assert refused(data[:8192], "regso.gpkg") == (
        "GeoPackage-filen är skadad eller ofullständig och kan inte öppnas. Spara om den (t.ex. "
        "i QGIS) och ladda upp igen."
    )
    assert refused(b"SQLite format 3\x00" + b"\x00" * 200, "regso.gpkg") == (
        "GeoPackage-filen är skadad eller ofullständig och kan inte öppnas. Spara om den (t.ex. "
        "i QGIS) och ladda upp igen."
    )
    assert refused(b"not a database at all", "regso.gpkg") == (
        "Filen heter .gpkg men är ingen GeoPackage: innehållet är ingen SQLite-databas."
    )


def test_geopackage_that_reads_forever_is_stopped(tmp_path, monkeypatch):
    # A layer that is a view counting without end, with a name that needs quoting.
    data = edited_gpkg(
        tmp_path,
        'CREATE VIEW "en ""vy""" AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 '
        "FROM c) SELECT x AS fid, NULL AS geom FROM c",
        "DELETE FROM gpkg_contents",
        "DELETE FROM gpkg_geometry_columns",
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
        "VALUES ('en \"vy\"', 'features', 'vy', 3006)",
        "INSERT INTO gpkg_geometry_columns VALUES ('en \"vy\"', 'geom', 'POLYGON', 3006, 0, 0)",
    )
    monkeypatch.setattr(geodata, "_SQL_SECONDS", 0.5)
    assert refused(data, "vy.gpkg") == (
        "GeoPackage-filen tar för lång tid att läsa, så läsningen avbröts."
    )


def test_sqlite_that_is_no_geopackage(tmp_path):
    path = tmp_path / "plain.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    assert refused(path.read_bytes(), "plain.gpkg") == (
        "Filen är en SQLite-databas men ingen GeoPackage: tabellen gpkg_contents saknas."
    )


def test_projected_coordinates_without_crs():
    assert refused(sweref_collection()) == (
        "Koordinaterna ser projicerade ut (meter, inte grader), men filen anger inget "
        "koordinatsystem. Spara filen som GeoJSON i WGS84 (EPSG:4326) eller som GeoPackage och "
        "ladda upp igen."
    )


def test_unknown_legacy_crs():
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}}
    assert refused(sweref_collection(crs=crs)) == (
        "Filens koordinatsystem (urn:ogc:def:crs:EPSG::999999) känns inte igen. Spara filen som "
        "GeoJSON i WGS84 (EPSG:4326) eller som GeoPackage och ladda upp igen."
    )


def test_too_many_features():
    message = "Filen har 32 områden; högst 10 får finnas i en fil."
    assert refused(GEOJSON.read_bytes(), max_features=10) == message
    assert refused(GPKG.read_bytes(), GPKG.name, max_features=10) == message
    many = collection(*[feature(polygon(), code=str(n)) for n in range(12_000)])
    assert refused(many) == f"Filen har 12{NBSP}000 områden; högst 10{NBSP}000 får finnas i en fil."


def test_too_many_vertices():
    message = (
        f"Områdesgränserna i filen har tillsammans fler än 1{NBSP}000 hörnpunkter, mer än vad som "
        "tillåts. Förenkla gränserna (t.ex. med Simplify i QGIS) och ladda upp igen."
    )
    assert refused(GEOJSON.read_bytes(), max_vertices=1000) == message
    assert refused(GPKG.read_bytes(), GPKG.name, max_vertices=1000) == message
    assert len(read(GPKG.read_bytes(), GPKG.name, max_vertices=16_654).features) == 32


def test_too_big():
    message = "Filen är för stor (0,4 MB). Största tillåtna storlek är 0,0 MB."
    assert refused(GEOJSON.read_bytes(), max_upload_bytes=1000) == message
    assert refused(GPKG.read_bytes(), GPKG.name, max_upload_bytes=1000) == message
    assert refused(b"") == "Filen är tom."


def test_not_json():
    assert refused(b'{"type": "FeatureCollection", "features": [') == (
        "Filen är ingen giltig GeoJSON: den kan inte läsas som JSON (rad 1, kolumn 44)."
    )
    assert refused(b"Kod;Namn\n0580R001;Berga\n") == (
        "Filen är ingen giltig GeoJSON: den kan inte läsas som JSON (rad 1, kolumn 1)."
    )
    # A number of 5 000 digits is JSON (Python would refuse it as an int): here it is no Feature.
    huge = read(b'{"type": "FeatureCollection", "features": [' + b"1" * 5000 + b"]}")
    assert [i.message for i in huge.issues] == [
        "Område 1 är inget GeoJSON-objekt av typen Feature."
    ]
    assert refused(b'{"name": "\xe5"}') == (
        "Filen är ingen giltig GeoJSON: texten är inte kodad som UTF-8."
    )


JSONSTAT = {
    "version": "2.0",
    "class": "dataset",
    "id": ["Region", "Tid"],
    "size": [1, 2],
    "dimension": {
        "Region": {"label": "region", "category": {"index": {"0580": 0}}},
        "Tid": {"label": "år", "category": {"index": {"2022": 0, "2023": 1}}},
    },
    "value": [6.1, 6.4],
}


@pytest.mark.parametrize(
    "document",
    [JSONSTAT, polygon(), [feature(polygon(), code="0580R001")], {"features": []}],
    ids=["json-stat", "bare-geometry", "list-of-features", "no-type"],
)
def test_json_that_is_no_feature_collection(document):
    assert refused(json.dumps(document).encode()) == (
        "Filen är JSON men ingen GeoJSON med områdesgränser: den ska vara en FeatureCollection "
        "(”type”: ”FeatureCollection”) med ett område per Feature."
    )


def test_empty_feature_collection_and_one_feature():
    assert refused(collection()) == "Filen innehåller inga områden."
    assert refused(b'{"type": "FeatureCollection", "features": {}}') == (
        "Filen är ingen giltig GeoJSON: ”features” ska vara en lista med områden."
    )
    one = feature(polygon(), code="0580R001", name="Berga")
    found = read(json.dumps(one).encode(), "berga.json")
    assert [(f.number, f.code, f.name, f.vertices) for f in found.features] == [
        (1, "0580R001", "Berga", 5)
    ]


# --- recognising -----------------------------------------------------------------------------


def test_is_boundary_file():
    assert geodata.BOUNDARY_SUFFIXES == (".geojson", ".gpkg")
    assert geodata.is_boundary_file(GPKG.read_bytes(), GPKG.name)
    assert geodata.is_boundary_file(GPKG.read_bytes(), "regso.bin")  # by content
    assert geodata.is_boundary_file(GEOJSON.read_bytes(), GEOJSON.name)
    assert geodata.is_boundary_file(GEOJSON.read_bytes(), "regso.json")
    assert geodata.is_boundary_file(b"\xef\xbb\xbf " + collection(), "tom.json")
    assert geodata.is_boundary_file(json.dumps(feature(polygon())).encode(), "ett.json")
    assert geodata.is_boundary_file(b"broken", "omraden.geojson")  # read_boundaries says why
    assert not geodata.is_boundary_file(json.dumps(JSONSTAT).encode(), "arbetsloshet.json")
    assert not geodata.is_boundary_file(json.dumps(polygon()).encode(), "polygon.json")
    assert not geodata.is_boundary_file(make_xlsx({"Data": [["Kod", "Namn"]]}), "data.xlsx")
    assert not geodata.is_boundary_file(b'{"type": "FeatureCollection", ', "trasig.json")
    assert not geodata.is_boundary_file(b"\xff\xfe{\x00", "konstig.json")
    assert not geodata.is_boundary_file(b"", "tom.csv")
