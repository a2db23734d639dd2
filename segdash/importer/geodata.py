"""District boundaries from a GeoJSON or GeoPackage file, as GeoJSON geometries in WGS84.

`read_boundaries` reads the whole file (no database, no Streamlit) into a `BoundaryFile`: one
`BoundaryFeature` per area, with its official code and name from the properties and its outline
as compact GeoJSON text in lon/lat, rounded to 6 decimals (about 0.1 m) and oriented as RFC 7946
says. What makes the whole file unreadable raises `FileRejected`; every problem with one area is
an `Issue` in `BoundaryFile.issues`, all of them, not only the first.

* GeoJSON: a FeatureCollection (or one Feature) in WGS84, as RFC 7946 says. The legacy
  top-level `"crs"` member (`urn:ogc:def:crs:EPSG::3006`, `EPSG:3006`, …) is honoured.
* GeoPackage: opened from the bytes in an in-memory SQLite database, read-only; the feature
  table, its geometry column and its coordinate system come from the GeoPackage's own tables,
  and each geometry blob is the GeoPackage binary header followed by WKB.

Validity is checked in the file's own coordinate system, before reprojecting; then all areas
are reprojected at once with one pyproj Transformer per file.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pyproj
import shapely
import shapely.geometry
from pyproj.exceptions import CRSError

from segdash import fmt
from segdash.config import Limits
from segdash.importer.issues import ERROR, WARNING, FileRejected, Issue, show_value

__all__ = [
    "BOUNDARY_SUFFIXES",
    "BoundaryFeature",
    "BoundaryFile",
    "is_boundary_file",
    "read_boundaries",
]

BOUNDARY_SUFFIXES = (".geojson", ".gpkg")
GEOJSON_LAYER = "GeoJSON"
WGS84 = "EPSG:4326"
GEOMETRY_COLUMN = "geometri"  # Issue.column for problems with an area's outline
DECIMALS = 6  # about 0.1 m at Linköping's latitude

# --- messages: the file as a whole (FileRejected) ----------------------------------------------
EMPTY_FILE = "Filen är tom."
TOO_BIG = "Filen är för stor ({size}). Största tillåtna storlek är {limit}."
NOT_UTF8 = "Filen är ingen giltig GeoJSON: texten är inte kodad som UTF-8."
NOT_JSON = (
    "Filen är ingen giltig GeoJSON: den kan inte läsas som JSON (rad {line}, kolumn {column})."
)
TOO_DEEP = "Filen är ingen giltig GeoJSON: den är nästlad i för många nivåer."
NOT_FEATURE_COLLECTION = (
    "Filen är JSON men ingen GeoJSON med områdesgränser: den ska vara en FeatureCollection "
    "(”type”: ”FeatureCollection”) med ett område per Feature."
)
FEATURES_NOT_A_LIST = "Filen är ingen giltig GeoJSON: ”features” ska vara en lista med områden."
NO_FEATURES = "Filen innehåller inga områden."
UNKNOWN_CRS = (
    "Filens koordinatsystem ({crs}) känns inte igen. Spara filen som GeoJSON i WGS84 "
    "(EPSG:4326) eller som GeoPackage och ladda upp igen."
)
PROJECTED_WITHOUT_CRS = (
    "Koordinaterna ser projicerade ut (meter, inte grader), men filen anger inget "
    "koordinatsystem. Spara filen som GeoJSON i WGS84 (EPSG:4326) eller som GeoPackage och "
    "ladda upp igen."
)
NOT_A_GEOPACKAGE = "Filen heter .gpkg men är ingen GeoPackage: innehållet är ingen SQLite-databas."
GPKG_CORRUPT = (
    "GeoPackage-filen är skadad eller ofullständig och kan inte öppnas. Spara om den (t.ex. i "
    "QGIS) och ladda upp igen."
)
GPKG_NO_CONTENTS = "Filen är en SQLite-databas men ingen GeoPackage: tabellen gpkg_contents saknas."
GPKG_NO_LAYER = (
    "GeoPackage-filen har inget lager med geografiska objekt (ingen rad i gpkg_contents med "
    "data_type ”features”)."
)
GPKG_SEVERAL_LAYERS = (
    "GeoPackage-filen har flera lager med geografiska objekt ({layers}). Spara lagret med "
    "områdesgränserna som en egen fil och ladda upp den."
)
GPKG_NO_GEOMETRY_COLUMN = (
    "Lagret {layer} saknas i gpkg_geometry_columns, så filen anger ingen geometrikolumn för det."
)
GPKG_LAYER_MISSING = "Lagret {layer} står i gpkg_contents, men tabellen finns inte i filen."
GPKG_TOO_SLOW = "GeoPackage-filen tar för lång tid att läsa, så läsningen avbröts."
NO_CRS = (
    "Filen anger inget koordinatsystem för lagret {layer} (srs_id {srs_id}, ”undefined”). Spara "
    "om den med ett koordinatsystem, t.ex. SWEREF99 TM (EPSG:3006) eller WGS84 (EPSG:4326), och "
    "ladda upp igen."
)
CRS_NOT_DESCRIBED = (
    "Lagret {layer} har koordinatsystemet srs_id {srs_id}, men filen beskriver det inte (i "
    "gpkg_spatial_ref_sys). Spara om filen (t.ex. i QGIS) och ladda upp igen."
)
TOO_MANY_FEATURES = "Filen har {count} områden; högst {limit} får finnas i en fil."
TOO_MANY_VERTICES = (
    "Områdesgränserna i filen har tillsammans fler än {limit} hörnpunkter, mer än vad som "
    "tillåts. Förenkla gränserna (t.ex. med Simplify i QGIS) och ladda upp igen."
)

# --- messages: a file-level warning ------------------------------------------------------------
GPKG_OTHER_LAYERS = (
    "GeoPackage-filen har flera lager med geografiska objekt ({layers}); bara {layer}, det enda "
    "med polygoner, läses."
)

# --- messages: one area (Issue); {label} is "Område 3 (0580R003 Ekholmen)" ----------------------
NOT_A_FEATURE = "{label} är inget GeoJSON-objekt av typen Feature."
NO_GEOMETRY = "{label} saknar geometri."
EMPTY_GEOMETRY = "{label} har en tom geometri."
UNREADABLE_GEOMETRY = (
    "{label} har en geometri som inte kan läsas. Rätta geometrin (t.ex. med Fix geometries i "
    "QGIS) och ladda upp igen."
)
WRONG_TYPE = "{label} är en {kind}; bara polygoner och multipolygoner kan vara områdesgränser."
INVALID_GEOMETRY = (
    "{label} har en ogiltig gräns: {reason}. Rätta geometrin (t.ex. med Fix geometries i QGIS) "
    "och ladda upp igen."
)
NOT_REPROJECTABLE = (
    "{label} kan inte räknas om från {crs} till WGS84: koordinaterna ligger utanför "
    "koordinatsystemets område."
)
INVALID_AFTER_ROUNDING = (
    "{label} får en ogiltig gräns när koordinaterna avrundas till 6 decimaler: {reason}. Den "
    "visas ändå; kontrollera den (t.ex. med Fix geometries i QGIS)."
)
NO_CODE_OR_NAME = "{label} har varken kod eller namn (egenskapen regionkod/code eller namn/name)."
DUPLICATE_CODE = (
    "{label} har samma kod som område {first}; varje kod får bara finnas en gång i filen."
)

# GEOS's validity reasons (shapely.is_valid_reason), briefly in Swedish; GEOS's own text, with
# the place it found, follows in brackets.
_REASONS = {
    "Self-intersection": "kanten korsar sig själv",
    "Ring Self-intersection": "en ring korsar sig själv",
    "Too few points in geometry component": "en ring har för få punkter",
    "Interior is disconnected": "ytan är delad i flera delar av sina hål",
    "Hole lies outside shell": "ett hål ligger utanför ytterkanten",
    "Holes are nested": "ett hål ligger inuti ett annat hål",
    "Nested shells": "en del ligger inuti en annan del",
    "Duplicate Rings": "samma ring finns två gånger",
    "Invalid Coordinate": "en koordinat är inte ett tal",
    "Ring is not closed": "en ring är inte sluten",
}
_REASON = re.compile(r"([^\[]+?)\s*(?:\[.*)?")

# Where the code and name are, by property name (compared case-insensitively); the first
# non-empty one wins. `id` counts only when it is text (a running number is no area code).
CODE_KEYS = (
    "regionkod",
    "code",
    "kod",
    "regsokod",
    "regso_kod",
    "desokod",
    "deso_kod",
    "deso",
    "kommunkod",
    "id",
)
NAME_KEYS = ("name", "namn", "regsonamn", "desonamn", "område", "omrade", "kommunnamn")
# SCB sometimes writes a code with a suffix: 0580R001_RegSO2025 is 0580R001.
_CODE_SUFFIX = re.compile(r"(\d{4}[A-Za-z]?\d*)_.*", re.DOTALL)

_SQLITE_MAGIC = b"SQLite format 3\x00"
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*\{")
_POLYGON_TYPES = ("Polygon", "MultiPolygon")
_GPKG_POLYGON_TYPES = ("POLYGON", "MULTIPOLYGON")
_UNDEFINED_SRS = (0, -1)  # the GeoPackage's "undefined cartesian/geographic" systems
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}  # by the flags' envelope indicator
_SQL_SECONDS = 60.0  # a GeoPackage whose queries take longer is refused
# A legacy GeoJSON "crs" name: urn:ogc:def:crs:EPSG::3006, EPSG:3006,
# urn:ogc:def:crs:OGC:1.3:CRS84, http://www.opengis.net/def/crs/EPSG/0/3006.
# The identifier a WKT definition gives its whole system: the last AUTHORITY (WKT 1) or ID
# (WKT 2) before the final bracket, e.g. AUTHORITY["EPSG","3006"]].
_WKT_ID = re.compile(
    r'(?:AUTHORITY|ID)\[\s*"([^"]+)"\s*,\s*"?([^",\]]+?)"?\s*(?:,[^\]]*)?\]\s*\]\s*\Z'
)
_CRS_NAME = re.compile(
    r"(?:urn:ogc:def:crs:)?(EPSG|OGC)(?::[0-9.]*)?:{1,2}([A-Za-z0-9]+)"
    r"|https?://www\.opengis\.net/def/crs/(EPSG|OGC)/[0-9.]+/([A-Za-z0-9]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BoundaryFeature:
    number: int  # 1-based position of the feature in the file (GeoPackage: row order by fid)
    code: str | None  # official area code from the properties, trimmed
    name: str | None  # area name from the properties, trimmed
    # GeoJSON geometry text (compact) in WGS84 lon/lat, coordinates rounded to 6 decimals,
    # Polygon or MultiPolygon, exterior rings counter-clockwise and holes clockwise (RFC 7946).
    geometry: str
    vertices: int  # number of coordinate points in it


@dataclass(frozen=True)
class BoundaryFile:
    layer: str  # GeoPackage table name, or "GeoJSON"
    crs: str  # what the file declared, e.g. "EPSG:3006" or "EPSG:4326"
    # The areas that can be imported: every feature without an ERROR issue, in file order.
    features: list[BoundaryFeature]
    issues: list[Issue]  # every problem found, ERROR or WARNING


@dataclass
class _Raw:
    """One feature as read, before the checks."""

    number: int
    properties: dict[str, object]
    geometry: shapely.Geometry | None = None
    problem: str | None = None  # a message template for a geometry that could not be read
    kind: str = ""  # the geometry type as the file names it


# --- recognising ---------------------------------------------------------------------------------


def is_boundary_file(data: bytes, name: str) -> bool:
    """A GeoPackage (bytes start with b"SQLite format 3\\x00", or the name ends in .gpkg), a
    .geojson file, or JSON whose top-level object has "type": "FeatureCollection" (or is a
    single "Feature"). Cheap: for other JSON only the parsed top level is looked at; never
    raises."""
    try:
        if data.startswith(_SQLITE_MAGIC):
            return True
        if PurePath(name.replace("\\", "/")).suffix.lower() in BOUNDARY_SUFFIXES:
            return True
        if _JSON_START.match(data) is None:
            return False
        document = json.loads(data.decode("utf-8-sig"))
        return isinstance(document, dict) and document.get("type") in (
            "FeatureCollection",
            "Feature",
        )
    except Exception:  # noqa: BLE001 - whatever the bytes are, the answer is "no"
        return False


# --- reading ---------------------------------------------------------------------------------------


def read_boundaries(data: bytes, name: str, limits: Limits) -> BoundaryFile:
    """Raises FileRejected(message) only when the file as a whole can't be read (not
    JSON/GeoJSON, broken SQLite, no feature table, no CRS, too many features/vertices).
    Everything per feature is an Issue in `issues`, all of them reported, not only the first."""
    if len(data) == 0:
        raise FileRejected(EMPTY_FILE)
    if len(data) > limits.max_upload_bytes:
        raise FileRejected(TOO_BIG.format(size=_mb(len(data)), limit=_mb(limits.max_upload_bytes)))
    if data.startswith(_SQLITE_MAGIC):
        return _read_geopackage(data, name, limits)
    if PurePath(name.replace("\\", "/")).suffix.lower() == ".gpkg":
        raise FileRejected(NOT_A_GEOPACKAGE)
    return _read_geojson(data, name, limits)


def _mb(n: int) -> str:
    """As the spreadsheet reader writes sizes: 1 234 567 bytes -> '1,2 MB'."""
    return f"{n / 1_000_000:.1f}".replace(".", ",") + " MB"


# --- GeoJSON ---------------------------------------------------------------------------------------


def _read_geojson(data: bytes, name: str, limits: Limits) -> BoundaryFile:
    document = _parse_json(data)
    if not isinstance(document, dict) or document.get("type") not in (
        "FeatureCollection",
        "Feature",
    ):
        raise FileRejected(NOT_FEATURE_COLLECTION)
    if document["type"] == "Feature":
        features = [document]
    else:
        features = document.get("features")
        if not isinstance(features, list):
            raise FileRejected(FEATURES_NOT_A_LIST)
    _check_feature_count(len(features), limits)
    crs_label, source = _geojson_crs(document.get("crs"))
    raws = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raws.append(_Raw(number, {}, problem=NOT_A_FEATURE))
            continue
        properties = feature.get("properties")
        raw = _Raw(number, properties if isinstance(properties, dict) else {})
        _geojson_geometry(feature.get("geometry"), raw)
        raws.append(raw)
    geometries = _count_vertices(raws, limits)
    if source is None and len(geometries):
        # RFC 7946 says degrees; numbers outside them are metres from a file saved without
        # saying its (projected) coordinate system.
        xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
        if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
            raise FileRejected(PROJECTED_WITHOUT_CRS)
    return _finish(raws, name, GEOJSON_LAYER, crs_label, source)


def _parse_json(data: bytes) -> object:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(NOT_UTF8) from None
    try:
        # Python refuses to turn more than 4 300 digits into an int; no coordinate needs 20.
        return json.loads(text, parse_int=lambda t: int(t) if len(t) <= 19 else float(t))
    except json.JSONDecodeError as e:
        raise FileRejected(NOT_JSON.format(line=e.lineno, column=e.colno)) from None
    except RecursionError:
        raise FileRejected(TOO_DEEP) from None


def _geojson_crs(member: object) -> tuple[str, pyproj.CRS | None]:
    """The declared coordinate system's label, and the CRS to reproject from (None: WGS84)."""
    if member is None:
        return WGS84, None
    properties = member.get("properties") if isinstance(member, dict) else None
    given = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(given, str):
        raise FileRejected(UNKNOWN_CRS.format(crs=show_value(json.dumps(member), 60)))
    found = _CRS_NAME.fullmatch(given.strip())
    if found is None:
        raise FileRejected(UNKNOWN_CRS.format(crs=show_value(given, 60)))
    authority = (found.group(1) or found.group(3)).upper()
    code = (found.group(2) or found.group(4)).upper()
    try:
        crs = pyproj.CRS.from_authority(authority, code)
    except CRSError:
        raise FileRejected(UNKNOWN_CRS.format(crs=show_value(given, 60))) from None
    label = f"{authority}:{code}"
    return label, None if _is_wgs84(crs) else crs


def _geojson_geometry(geometry: object, raw: _Raw) -> None:
    """Fill in raw.geometry (a Polygon or MultiPolygon), raw.kind, or raw.problem."""
    if geometry is None:
        raw.problem = NO_GEOMETRY
        return
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(kind, str):
        raw.problem = UNREADABLE_GEOMETRY
        return
    raw.kind = kind
    if kind not in _POLYGON_TYPES:
        return  # the type check names it
    try:
        raw.geometry = shapely.geometry.shape(geometry)
    except Exception:  # noqa: BLE001 - shapely and numpy refuse malformed coordinates variously
        raw.problem = UNREADABLE_GEOMETRY


# --- GeoPackage ------------------------------------------------------------------------------------


def _read_geopackage(data: bytes, name: str, limits: Limits) -> BoundaryFile:
    con = sqlite3.connect(":memory:")
    try:
        try:
            con.deserialize(data)
            con.execute("PRAGMA query_only = ON")
            con.execute("PRAGMA trusted_schema = OFF")
            # Nothing read from the file can be longer than the file itself.
            con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(len(data), 1_000_000))
            deadline = time.monotonic() + _SQL_SECONDS
            con.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
            return _read_gpkg_tables(con, name, limits)
        except sqlite3.OperationalError as e:
            if "interrupted" in str(e):
                raise FileRejected(GPKG_TOO_SLOW) from None
            raise FileRejected(GPKG_CORRUPT) from None
        except (sqlite3.Error, OverflowError, MemoryError):
            raise FileRejected(GPKG_CORRUPT) from None
    finally:
        con.close()


def _read_gpkg_tables(con: sqlite3.Connection, name: str, limits: Limits) -> BoundaryFile:
    tables = {
        r[0].lower() for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if "gpkg_contents" not in tables:
        raise FileRejected(GPKG_NO_CONTENTS)
    layers = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' "
            "ORDER BY lower(table_name)"
        )
        if isinstance(r[0], str)
    ]
    if not layers:
        raise FileRejected(GPKG_NO_LAYER)
    columns: dict[str, tuple[str, str, int]] = {}
    if "gpkg_geometry_columns" in tables:
        for table, column, kind, srs_id in con.execute(
            "SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns"
        ):
            if isinstance(table, str) and isinstance(column, str):
                columns.setdefault(table.lower(), (column, str(kind or "").upper(), srs_id))
    issues: list[Issue] = []
    layer = layers[0]
    if len(layers) > 1:
        polygons = [t for t in layers if columns.get(t.lower(), ("", ""))[1] in _GPKG_POLYGON_TYPES]
        shown = ", ".join(show_value(t, 60) for t in layers[:10]) + (
            " …" if len(layers) > 10 else ""
        )
        if len(polygons) != 1:
            raise FileRejected(GPKG_SEVERAL_LAYERS.format(layers=shown))
        layer = polygons[0]
        issues.append(
            Issue(WARNING, GPKG_OTHER_LAYERS.format(layers=shown, layer=layer), name, layer)
        )
    if layer.lower() not in columns:
        raise FileRejected(GPKG_NO_GEOMETRY_COLUMN.format(layer=layer))
    column, _kind, srs_id = columns[layer.lower()]
    crs_label, source = _gpkg_crs(con, layer, srs_id)
    found = con.execute(
        "SELECT type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE",
        (layer,),
    ).fetchone()
    if found is None:
        raise FileRejected(GPKG_LAYER_MISSING.format(layer=layer))
    table = _quote(layer)
    (count,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    _check_feature_count(count, limits)
    # The properties: every stored column but the geometry (a virtual generated column would be
    # computed by the file's own expression, so it is not read).
    info = con.execute(f"PRAGMA table_xinfo({table})").fetchall()
    keys = [r[1] for r in info if r[6] in (0, 3) and str(r[1]).lower() != column.lower()]
    primary = [r[1] for r in info if r[5] > 0]
    order = f" ORDER BY {_quote(primary[0])}" if found[0] == "table" and len(primary) == 1 else ""
    selected = ", ".join([_quote(column), *(_quote(k) for k in keys)])
    raws = []
    for number, row in enumerate(con.execute(f"SELECT {selected} FROM {table}{order}"), start=1):
        if number > limits.max_features:  # the table grew between the two queries: never
            _check_feature_count(number, limits)
        raw = _Raw(number, dict(zip(keys, row[1:], strict=True)))
        _gpkg_geometry(row[0], raw)
        raws.append(raw)
    _count_vertices(raws, limits)
    result = _finish(raws, name, layer, crs_label, source)
    return BoundaryFile(result.layer, result.crs, result.features, issues + result.issues)


def _quote(identifier: str) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


def _gpkg_crs(con: sqlite3.Connection, layer: str, srs_id: object) -> tuple[str, pyproj.CRS | None]:
    """The layer's coordinate system, from gpkg_spatial_ref_sys: the EPSG code where the file
    gives one, else its WKT definition."""
    if not isinstance(srs_id, int) or srs_id in _UNDEFINED_SRS:
        raise FileRejected(NO_CRS.format(layer=layer, srs_id=show_value(srs_id, 20)))
    row = con.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
        "WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None:
        raise FileRejected(CRS_NOT_DESCRIBED.format(layer=layer, srs_id=srs_id))
    organization, code, definition = row
    if isinstance(organization, str) and organization.upper() == "EPSG" and isinstance(code, int):
        try:
            crs = pyproj.CRS.from_epsg(code)
            return f"EPSG:{code}", None if _is_wgs84(crs) else crs
        except CRSError:
            pass
    if not isinstance(definition, str) or definition.strip().lower() in ("", "undefined"):
        raise FileRejected(NO_CRS.format(layer=layer, srs_id=srs_id))
    try:
        crs = pyproj.CRS.from_wkt(definition)
    except CRSError:
        raise FileRejected(UNKNOWN_CRS.format(crs=f"srs_id {srs_id}")) from None
    declared = _WKT_ID.search(definition)
    authority = (declared.group(1), declared.group(2)) if declared else crs.to_authority()
    label = f"{authority[0]}:{authority[1]}" if authority else show_value(crs.name, 60)
    return label, None if _is_wgs84(crs) else crs


def _gpkg_geometry(blob: object, raw: _Raw) -> None:
    """Fill in raw.geometry and raw.kind from a GeoPackage geometry blob, or raw.problem."""
    if blob is None:
        raw.problem = NO_GEOMETRY
        return
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        raw.problem = UNREADABLE_GEOMETRY
        return
    # The header: "GP", version, flags, srs_id (int32), envelope (0, 4, 6 or 8 doubles). Flags:
    # bit 5 extended type, bit 4 empty geometry, bits 3-1 envelope contents, bit 0 byte order.
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if flags & 0b0010_0000 or envelope is None or len(blob) < 8 + envelope:
        raw.problem = UNREADABLE_GEOMETRY
        return
    if flags & 0b0001_0000:
        raw.problem = EMPTY_GEOMETRY
        return
    # The header's srs_id (bytes 4-8) is not read: the layer's, from gpkg_geometry_columns, is.
    try:
        geometry = shapely.from_wkb(blob[8 + envelope :])
    except Exception:  # noqa: BLE001 - GEOS refuses malformed WKB with several error types
        raw.problem = UNREADABLE_GEOMETRY
        return
    if geometry is None:
        raw.problem = NO_GEOMETRY
        return
    raw.kind = geometry.geom_type
    if raw.kind in _POLYGON_TYPES:
        raw.geometry = geometry


# --- shared checks -------------------------------------------------------------------------------


def _is_wgs84(crs: pyproj.CRS) -> bool:
    return crs.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True)


def _check_feature_count(count: int, limits: Limits) -> None:
    if count == 0:
        raise FileRejected(NO_FEATURES)
    if count > limits.max_features:
        raise FileRejected(
            TOO_MANY_FEATURES.format(count=fmt.number(count), limit=fmt.number(limits.max_features))
        )


def _count_vertices(raws: list[_Raw], limits: Limits) -> np.ndarray:
    """The polygons read, after refusing the file once their points pass the limit (counted in
    the file's own coordinates, before anything else is done with them)."""
    total = 0
    for raw in raws:
        if raw.geometry is None:
            continue
        total += int(shapely.get_num_coordinates(raw.geometry))
        if total > limits.max_vertices:
            raise FileRejected(TOO_MANY_VERTICES.format(limit=fmt.number(limits.max_vertices)))
    return np.array([r.geometry for r in raws if r.geometry is not None], dtype=object)


def _finish(
    raws: list[_Raw], file: str, layer: str, crs_label: str, source: pyproj.CRS | None
) -> BoundaryFile:
    """Every check of every feature, then the good ones reprojected, rounded and oriented."""
    issues: list[Issue] = []
    failed: set[int] = set()
    first_with_code: dict[str, int] = {}
    good: list[tuple[_Raw, str | None, str | None]] = []

    def issue(raw: _Raw, severity: str, message: str, column: str, value: str) -> None:
        issues.append(Issue(severity, message, file, layer, raw.number, column, value))
        if severity == ERROR:
            failed.add(raw.number)

    for raw in raws:
        code_key, code = _code(raw.properties)
        name_key, area_name = _property(raw.properties, NAME_KEYS)
        label = _label(raw.number, code, area_name)
        value = code or area_name or ""
        if raw.problem is not None:
            issue(raw, ERROR, raw.problem.format(label=label), GEOMETRY_COLUMN, value)
        elif raw.kind not in _POLYGON_TYPES:
            kind = show_value(raw.kind, 40)
            issue(raw, ERROR, WRONG_TYPE.format(label=label, kind=kind), GEOMETRY_COLUMN, value)
        else:
            geometry = shapely.force_2d(raw.geometry)
            if shapely.is_empty(geometry):
                issue(raw, ERROR, EMPTY_GEOMETRY.format(label=label), GEOMETRY_COLUMN, value)
            elif not shapely.is_valid(geometry):
                reason = _reason(shapely.is_valid_reason(geometry))
                message = INVALID_GEOMETRY.format(label=label, reason=reason)
                issue(raw, ERROR, message, GEOMETRY_COLUMN, value)
            else:
                raw.geometry = geometry
        if code is None and area_name is None and raw.problem is not NOT_A_FEATURE:
            issue(raw, ERROR, NO_CODE_OR_NAME.format(label=label), "", "")
        if code is not None:
            if code in first_with_code:
                message = DUPLICATE_CODE.format(label=label, first=first_with_code[code])
                issue(raw, ERROR, message, code_key, code)
            else:
                first_with_code[code] = raw.number
        if raw.number not in failed:
            good.append((raw, code, area_name))

    features: list[BoundaryFeature] = []
    if good:
        geometries = np.array([raw.geometry for raw, _, _ in good], dtype=object)
        if source is not None:
            geometries = _reproject(geometries, source)
        finite = _finite(geometries)
        geometries = shapely.transform(geometries, lambda c: np.round(c, DECIMALS))
        geometries = shapely.orient_polygons(geometries, exterior_cw=False)
        valid = shapely.is_valid(geometries)
        vertices = shapely.get_num_coordinates(geometries)
        for (raw, code, area_name), geometry, ok, still_valid, count in zip(
            good, geometries, finite, valid, vertices, strict=True
        ):
            label = _label(raw.number, code, area_name)
            value = code or area_name or ""
            if not ok:
                message = NOT_REPROJECTABLE.format(label=label, crs=crs_label)
                issue(raw, ERROR, message, GEOMETRY_COLUMN, value)
                continue
            if not still_valid:
                reason = _reason(shapely.is_valid_reason(geometry))
                message = INVALID_AFTER_ROUNDING.format(label=label, reason=reason)
                issue(raw, WARNING, message, GEOMETRY_COLUMN, value)
            text = json.dumps(shapely.geometry.mapping(geometry), separators=(",", ":"))
            features.append(BoundaryFeature(raw.number, code, area_name, text, int(count)))
    issues.sort(key=lambda i: i.row or 0)
    return BoundaryFile(layer, crs_label, features, issues)


def _reproject(geometries: np.ndarray, source: pyproj.CRS) -> np.ndarray:
    """All geometries to WGS84 lon/lat in one call, with one Transformer for the file."""
    transformer = pyproj.Transformer.from_crs(source, WGS84, always_xy=True)

    def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = transformer.transform(x, y, errcheck=False)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    return shapely.transform(geometries, to_wgs84, interleaved=False)


def _finite(geometries: np.ndarray) -> np.ndarray:
    """Per geometry: whether every coordinate is a finite number (pyproj gives inf where a
    point is outside what the transformation covers)."""
    coordinates, index = shapely.get_coordinates(geometries, return_index=True)
    bad = ~np.isfinite(coordinates).all(axis=1)
    ok = np.ones(len(geometries), dtype=bool)
    ok[np.unique(index[bad])] = False
    return ok


def _reason(text: str) -> str:
    """GEOS's validity reason, briefly in Swedish with GEOS's text (and place) after it."""
    found = _REASON.fullmatch(text)
    swedish = _REASONS.get(found.group(1)) if found else None
    return f"{swedish} ({text})" if swedish else text


def _label(number: int, code: str | None, name: str | None) -> str:
    """'Område 3 (0580R003 Ekholmen)', 'Område 3 (Ekholmen)', 'Område 3'."""
    shown = " ".join(show_value(part, 60) for part in (code, name) if part)
    return f"Område {number} ({shown})" if shown else f"Område {number}"


def _lookup(properties: dict[str, object]) -> dict[str, tuple[str, object]]:
    """Property names casefolded, each to its name as written and its value (first one wins)."""
    found: dict[str, tuple[str, object]] = {}
    for key, value in properties.items():
        found.setdefault(str(key).casefold(), (str(key), value))
    return found


def _property(
    properties: dict[str, object],
    keys: Iterable[str],
    accept: Callable[[str, object], bool] | None = None,
) -> tuple[str, str | None]:
    """The first non-empty text among `keys` (integers count as text, bar where `accept` says
    no): the property's name as written, and the value trimmed."""
    lookup = _lookup(properties)
    for key in keys:
        if key not in lookup:
            continue
        written, value = lookup[key]
        if accept is not None and not accept(key, value):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return written, value.strip()
    return "", None


def _code(properties: dict[str, object]) -> tuple[str, str | None]:
    key, code = _property(properties, CODE_KEYS, lambda k, v: k != "id" or isinstance(v, str))
    if code is not None:
        suffixed = _CODE_SUFFIX.fullmatch(code)
        if suffixed:
            code = suffixed.group(1)
    return key, code
