"""Official-statistics JSON as plain tables of cells: Kolada's API and JSON-stat 2.0.

Two formats are read, told apart by their content:

* Kolada's API answer for data (v2 and v3): `{"values": [{"kpi", "municipality", "period",
  "values": [{"gender", "status", "value"}, ...]}, ...]}`, with `"ou"` instead of
  `"municipality"` for organisational units (`municipality_id` and `ou_id` are read too), or a
  bare list of those objects. One table, one row per inner value.
* JSON-stat 2.0, which SCB's PxWebApi 2 answers by default: a dataset, a collection of embedded
  datasets, or a JSON-stat 1.x bundle of datasets. One table per dataset, one row per cell.

The tables get fixed header names (`KOLADA_HEADER`, `KOLADA_OU_HEADER` and the columns described
in `_header_and_parts`), so that the rest of the importer recognises them by their header row
like any sheet. The text goes through `json.loads` and nothing else.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import NoReturn

from segdash import fmt
from segdash.importer.issues import FileRejected
from segdash.importer.reader import RawSheet

__all__ = ["ACCEPTED_FORMATS", "KOLADA_HEADER", "KOLADA_OU_HEADER", "looks_like_json", "read_json"]

KOLADA_HEADER = ["kpi", "municipality_id", "period", "gender", "value", "status"]
KOLADA_OU_HEADER = ["kpi", "ou_id", "period", "gender", "value", "status"]
ACCEPTED_FORMATS = "Koladas API-svar (values) och JSON-stat 2.0 från SCB:s PxWebApi"

_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*[\[{]")
_DIGITS = re.compile(r"[0-9]{1,18}")
_COLLECTION_DEPTH = 4  # how deep collections may sit inside collections
_SEX_NAMES = frozenset({"kön", "kon", "sex", "gender"})
# SCB's PxWebApi names these dimensions alike in every table; they stand in for a missing `role`.
_SCB_ROLES = {"region": "geo", "tid": "time", "contentscode": "metric"}
_ROLE_ORDER = ("geo", "time", "metric", "sex", None)
_JSON_ERRORS = {
    "Expecting value": "ett värde saknas",
    "Expecting property name enclosed in double quotes": (
        "ett fältnamn inom dubbla citattecken saknas"
    ),
    "Expecting ':' delimiter": "ett kolon (:) saknas",
    "Expecting ',' delimiter": "ett kommatecken (,) saknas",
    "Unterminated string starting at": "en text saknar sitt avslutande citattecken",
    "Invalid control character at": "en text innehåller ett otillåtet styrtecken",
    "Invalid \\escape": "en text innehåller en ogiltig \\-sekvens",
    "Invalid \\uXXXX escape": "en text innehåller en ogiltig \\u-sekvens",
    "Extra data": "det kommer mer text efter JSON-värdet",
    "Illegal trailing comma before end of object": "ett kommatecken står sist i ett objekt",
    "Illegal trailing comma before end of array": "ett kommatecken står sist i en lista",
}


def looks_like_json(data: bytes) -> bool:
    """Whether the bytes start (after an optional UTF-8 BOM and whitespace) with `{` or `[`."""
    return _JSON_START.match(data) is not None


def read_json(data: bytes, file_name: str, max_rows: int) -> list[RawSheet]:
    """The tables a Kolada or JSON-stat file holds; rows[0] of each is its header row.

    Raises FileRejected with a Swedish message when the file is not valid JSON, is neither
    format, is inconsistent or empty, or has more than `max_rows` rows in all its tables.
    """
    document = _parse(data)
    stem = PurePath(file_name.replace("\\", "/")).stem or "data"
    if _is_kolada(document):
        return [_read_kolada(document, stem, max_rows)]
    datasets = _jsonstat_datasets(document, stem)
    if datasets is not None:
        return _read_jsonstat(datasets, max_rows)
    error = _api_error(document)
    if error:
        raise FileRejected(
            f"Filen innehåller ett felmeddelande i stället för statistik: ”{error}”. Hämta "
            "datan på nytt och ladda upp den nya filen."
        )
    raise FileRejected(
        "Filen är JSON men i ett format som inte känns igen. Godkända format är "
        f"{ACCEPTED_FORMATS}."
    )


# --- parsing ------------------------------------------------------------------------------


def _parse(data: bytes) -> object:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        column = len(data[line_start : e.start].decode("utf-8-sig", errors="replace")) + 1
        raise FileRejected(
            "Filen är ingen giltig JSON: texten är inte kodad som UTF-8 "
            f"(rad {line}, kolumn {column})."
        ) from None
    try:
        # The C parser refuses nesting deeper than Python's recursion limit (about a thousand
        # levels) with RecursionError; nothing below walks the document recursively.
        return json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
    except json.JSONDecodeError as e:
        reason = _JSON_ERRORS.get(e.msg, e.msg)
        raise FileRejected(
            f"Filen är ingen giltig JSON: {reason} (rad {e.lineno}, kolumn {e.colno})."
        ) from None
    except RecursionError:
        raise FileRejected(
            "Filen är ingen giltig JSON för statistik: den är nästlad i för många nivåer."
        ) from None


def _api_error(document: object) -> str | None:
    """The message of an API's error answer saved as the file: PxWebApi 1 writes
    `{"error": "..."}`, PxWebApi 2 a problem report `{"title", "status", "detail"}`."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("error"), str | dict | list) and document["error"]:
        return _short(document["error"])
    if isinstance(document.get("title"), str) and isinstance(document.get("status"), int):
        detail = document.get("detail")
        return _short(document["title"] + (f": {detail}" if isinstance(detail, str) else ""))
    return None


def _parse_int(text: str) -> int | float:
    # Python refuses to turn more than 4 300 digits into an int; no statistic needs 19.
    return int(text) if len(text) <= 19 else float(text)


def _parse_constant(_name: str) -> None:
    return None  # NaN, Infinity and -Infinity are not JSON; read them as missing


def _short(value: object, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number_or_text(value: object) -> object:
    """A value cell: numbers and text as given; anything else (lists, objects, true/false,
    infinity) as missing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if isinstance(value, int | float | str) else None


def _marker(status: object) -> str | None:
    return status if isinstance(status, str) and status.strip() else None


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _short(value)


def _too_many_rows(max_rows: int) -> FileRejected:
    return FileRejected(f"Filen har fler än {fmt.number(max_rows)} rader, som är gränsen.")


def _no_values() -> FileRejected:
    return FileRejected("Filen innehåller inga värden.")


# --- Kolada -------------------------------------------------------------------------------

# Which field names the area; v2 answers `municipality` / `ou`, the `_id` spellings are read too.
_KOLADA_AREAS = {"municipality": "m", "municipality_id": "m", "ou": "ou", "ou_id": "ou"}


def _kolada_records(document: object) -> list | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("values"), list):
        return document["values"]
    return None


def _is_kolada_record(record: object) -> bool:
    return (
        isinstance(record, dict)
        and ("kpi" in record or "kpi_id" in record)
        and "period" in record
        and isinstance(record.get("values"), list)
    )


def _is_kolada(document: object) -> bool:
    records = _kolada_records(document)
    if records is None:
        return False
    if not records:  # nothing found: {"count": 0, "values": []}, or []
        return isinstance(document, list) or "count" in document or len(document) == 1
    return _is_kolada_record(records[0])


def _read_kolada(document: object, stem: str, max_rows: int) -> RawSheet:
    area_kind = None
    rows: list[list[object]] = []
    for n, record in enumerate(_kolada_records(document) or [], 1):
        if not _is_kolada_record(record):
            raise FileRejected(
                f"Kolada-svaret har ett oväntat format: post {n} saknar kpi, period eller values."
            )
        area_key = next((key for key in _KOLADA_AREAS if key in record), None)
        if area_key is None:
            raise FileRejected(
                f"Kolada-svaret har ett oväntat format: post {n} saknar kommun (municipality) "
                "eller enhet (ou)."
            )
        if area_kind not in (None, _KOLADA_AREAS[area_key]):
            raise FileRejected(
                "Filen blandar värden för kommuner och för organisatoriska enheter. Ladda upp "
                "dem som två filer."
            )
        area_kind = _KOLADA_AREAS[area_key]
        kpi = _text(record["kpi"] if "kpi" in record else record["kpi_id"])
        area, period = _text(record[area_key]), _period(record["period"])
        for inner in record["values"]:
            if not isinstance(inner, dict):
                raise FileRejected(
                    f"Kolada-svaret har ett oväntat format: post {n} har ett värde som inte är "
                    "ett objekt."
                )
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            status = _marker(inner.get("status"))
            value = _number_or_text(inner.get("value"))
            rows.append(
                [
                    kpi,
                    area,
                    period,
                    _text(inner.get("gender")),
                    status if value is None else value,
                    status,
                ]
            )
    if all(row[4] is None for row in rows):
        raise _no_values()
    header = KOLADA_OU_HEADER if area_kind == "ou" else KOLADA_HEADER
    return RawSheet(stem, [list(header), *rows])


def _period(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return _text(value)


# --- JSON-stat: finding the datasets ------------------------------------------------------


@dataclass
class _Dataset:
    name: str
    tree: dict


def _looks_like_dataset(node: object) -> bool:
    return (
        isinstance(node, dict)
        and isinstance(node.get("dimension"), dict)
        and (node.get("class") == "dataset" or "value" in node)
    )


def _jsonstat_datasets(document: object, stem: str) -> list[_Dataset] | None:
    """The datasets of a JSON-stat dataset, collection or bundle; None if it is none of them."""
    if not isinstance(document, dict):
        return None
    kind = document.get("class")
    if kind == "dataset" or (kind is None and _looks_like_dataset(document)):
        return [_Dataset(stem, document)]
    if kind == "collection":
        datasets = list(_collection_items(document, stem, 0))
        if not datasets:
            raise FileRejected(
                "Filen är en JSON-stat-samling (collection) utan inbäddade datamängder, bara "
                "länkar till dem. Hämta datamängderna och ladda upp dem i stället."
            )
        return _unique_names(datasets)
    if kind is None:  # a bundle: {"<dataset id>": {dataset}, ...}
        bundle = [
            _Dataset(_label(node) or key, node)
            for key, node in document.items()
            if _looks_like_dataset(node)
        ]
        return _unique_names(bundle) if bundle else None
    return None


def _collection_items(collection: dict, stem: str, depth: int) -> Iterator[_Dataset]:
    link = collection.get("link")
    items = link.get("item") if isinstance(link, dict) else None
    if not isinstance(items, list) or depth > _COLLECTION_DEPTH:
        return
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            continue
        if item.get("class") == "collection":
            yield from _collection_items(item, stem, depth + 1)
        elif _looks_like_dataset(item):
            yield _Dataset(_label(item) or f"{stem} {n}", item)


def _label(node: dict) -> str | None:
    label = node.get("label")
    return " ".join(label.split()) if isinstance(label, str) and label.strip() else None


def _unique_names(datasets: list[_Dataset]) -> list[_Dataset]:
    seen: set[str] = set()
    for dataset in datasets:
        name, n = dataset.name, 1
        while name.casefold() in seen:
            n += 1
            name = f"{dataset.name} ({n})"
        seen.add(name.casefold())
        dataset.name = name
    return datasets


# --- JSON-stat: one dataset as a table ----------------------------------------------------


@dataclass
class _Dimension:
    id: str
    label: str
    role: str | None  # geo, time, metric, sex, or None for any other dimension
    codes: list[str]
    names: list[str]


class _Cube:
    """One dataset, checked: its dimensions, and which of its cells become rows."""

    def __init__(self, dataset: _Dataset) -> None:
        self.name = dataset.name
        tree = dataset.tree
        dimension = tree["dimension"]
        # JSON-stat 1.x keeps id, size and role inside `dimension`.
        ids = tree.get("id", dimension.get("id"))
        sizes = tree.get("size", dimension.get("size"))
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            self._invalid("listan över dimensioner (id) saknas eller är felaktig")
        if not isinstance(sizes, list) or not all(_is_count(s) for s in sizes):
            self._invalid("dimensionernas storlek (size) saknas eller är felaktig")
        if len(ids) != len(sizes) or not ids:
            self._invalid(f"id har {len(ids)} dimensioner men size har {len(sizes)}")
        if len(set(ids)) != len(ids):
            self._invalid("samma dimension står två gånger i id")
        roles = _roles(tree.get("role", dimension.get("role")), ids)
        self.dimensions = [
            self._dimension(dim_id, dimension.get(dim_id), size, roles.get(dim_id))
            for dim_id, size in zip(ids, sizes, strict=True)
        ]
        self.sizes: list[int] = sizes
        self.cell_count = math.prod(sizes)
        self.value = tree.get("value")
        self.status = tree.get("status")
        self.empty = False
        self.sparse_cells = self._check_values()

    def _invalid(self, detail: str) -> NoReturn:
        raise FileRejected(f"Datamängden ”{self.name}” är inte giltig JSON-stat: {detail}.")

    def _dimension(self, dim_id: str, node: object, size: int, role: str | None) -> _Dimension:
        category = node.get("category") if isinstance(node, dict) else None
        if not isinstance(category, dict):
            self._invalid(f"dimensionen ”{dim_id}” saknar kategorier (category)")
        index, labels = category.get("index"), category.get("label")
        labels = labels if isinstance(labels, dict) else {}
        if isinstance(index, list):
            codes = index
        elif isinstance(index, dict):
            positions = sorted((p, c) for c, p in index.items() if _is_count(p))
            codes = [c for _, c in positions]
            if [p for p, _ in positions] != list(range(len(index))):
                self._invalid(f"dimensionen ”{dim_id}” har ett felaktigt index")
        elif index is None and labels:
            codes = list(labels)  # no index: a single category, named by its label's key
        else:
            self._invalid(f"dimensionen ”{dim_id}” saknar kategorier (category)")
        if not all(isinstance(c, str) for c in codes) or len(set(codes)) != len(codes):
            self._invalid(f"dimensionen ”{dim_id}” har felaktiga kategorikoder")
        if len(codes) != size:
            self._invalid(f"dimensionen ”{dim_id}” har {len(codes)} kategorier men storlek {size}")
        label = _label(node) or dim_id
        if role is None and (dim_id.casefold() in _SEX_NAMES or label.casefold() in _SEX_NAMES):
            role = "sex"
        names = [_label({"label": labels.get(code)}) or code for code in codes]
        return _Dimension(dim_id, label, role, codes, names)

    def _check_values(self) -> list[int] | None:
        """Checks value and status against the size; returns the flat indexes of the cells of
        a sparse (object) value, None when value is a full list."""
        value, status, n = self.value, self.status, self.cell_count
        if value is None or n == 0 or (isinstance(value, list | dict) and not value):
            self.empty = True
            return []
        if isinstance(value, list):
            if len(value) != n:
                self._wrong_length(len(value), "värden")
            cells = None
        elif isinstance(value, dict):
            cells = self._flat_keys(value, "value")
        else:
            self._invalid("value är varken en lista eller ett objekt")
        if isinstance(status, list):
            if len(status) not in (1, n):
                self._wrong_length(len(status), "statusmarkeringar")
        elif isinstance(status, dict):
            marked = self._flat_keys(status, "status")
            if cells is not None:  # a cell with a marker but no value is still a cell
                cells = sorted(set(cells) | set(marked))
        elif status is not None and not isinstance(status, str):
            self._invalid("status är varken text, en lista eller ett objekt")
        return cells

    def _wrong_length(self, count: int, what: str) -> NoReturn:
        raise FileRejected(
            f"Datamängden ”{self.name}” har {fmt.number(count)} {what}, men dimensionernas "
            f"storlek ({' × '.join(map(str, self.sizes))}) ger {fmt.number(self.cell_count)}."
        )

    def _flat_keys(self, mapping: dict, what: str) -> list[int]:
        for key in mapping:
            if not (_DIGITS.fullmatch(key) and int(key) < self.cell_count):
                self._invalid(f"{what} har nyckeln ”{_short(key, 40)}”, som inte är en cell")
        by_index = {int(key): item for key, item in mapping.items()}
        if what == "value":
            self.value = by_index
        else:
            self.status = by_index
        return sorted(by_index)

    @property
    def row_count(self) -> int:
        return self.cell_count if self.sparse_cells is None else len(self.sparse_cells)

    def _cell(self, flat: int) -> object:
        value = self.value[flat] if isinstance(self.value, list) else self.value.get(flat)
        value = _number_or_text(value)
        if value is not None:
            return value
        status = self.status
        if isinstance(status, list):
            status = status[0] if len(status) == 1 else status[flat]
        elif isinstance(status, dict):
            status = status.get(flat)
        return _marker(status)

    def table(self) -> RawSheet | None:
        """The dataset as a sheet; None when no cell holds a value or a marker."""
        header, parts, order = _header_and_parts(self.dimensions)
        rows: list[list[object]] = [header]
        if self.sparse_cells is None:
            cells = enumerate(itertools.product(*parts))
        else:
            strides = _strides(self.sizes)
            cells = (
                (
                    flat,
                    [
                        part[flat // stride % len(part)]
                        for part, stride in zip(parts, strides, strict=True)
                    ],
                )
                for flat in self.sparse_cells
            )
        any_value = False
        for flat, combo in cells:
            value = self._cell(flat)
            any_value = any_value or value is not None
            row = [cell for i in order for cell in combo[i]]
            row.append(value)
            rows.append(row)
        return RawSheet(self.name, rows) if any_value else None


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _strides(sizes: list[int]) -> list[int]:
    """How far apart, in the flat value list, neighbouring categories of each dimension are."""
    strides, step = [], 1
    for size in reversed(sizes):
        strides.append(step)
        step *= size
    return strides[::-1]


def _roles(role: object, ids: list[str]) -> dict[str, str]:
    """Each dimension's role: as `role` gives it, else SCB's convention by id (Region, Tid,
    ContentsCode) unless `role` already names other dimensions for that role."""
    roles: dict[str, str] = {}
    given: set[str] = set()
    if isinstance(role, dict):
        for name in ("geo", "time", "metric"):
            listed = role.get(name)
            if isinstance(listed, list) and listed:
                given.add(name)
                for dim_id in listed:
                    if isinstance(dim_id, str) and dim_id in ids:
                        roles.setdefault(dim_id, name)
    for dim_id in ids:
        default = _SCB_ROLES.get(dim_id.casefold())
        if dim_id not in roles and default and default not in given:
            roles[dim_id] = default
    return roles


def _header_and_parts(
    dimensions: list[_Dimension],
) -> tuple[list[object], list[list[tuple[object, ...]]], list[int]]:
    """The header row; per dimension (in `id` order) the cells each category puts in a row;
    and the order in which the dimensions' cells are laid out in the row.

    Columns, grouped by role:

    * geo: `regionkod`, `region` (the code and the label); a second geo dimension is named
      by its own label: `<label> kod`, `<label>`.
    * time: `tid`, the code (2023, 2023K1, 2020M01).
    * metric: `mått`, the label ("Andel arbetslösa, procent").
    * sex (id or label kön, kon, sex or gender): `kön`, the code as given (SCB: 1, 2, 1+2).
    * any other dimension: its label (or id), holding the category labels.
    * `värde` last: the number, or the status marker (.., ., -) where it is missing.

    A second dimension of the time, metric or sex role is named by its label; a name already
    taken gets the dimension's id in brackets.
    """
    used = {"värde"}

    def name(wanted: str, dim: _Dimension) -> str:
        candidate, n = wanted, 1
        if candidate.casefold() in used:
            candidate = f"{wanted} ({dim.id})"
        while candidate.casefold() in used:
            n += 1
            candidate = f"{wanted} ({dim.id}) {n}"
        used.add(candidate.casefold())
        return candidate

    header: list[object] = []
    parts: list[list[tuple[object, ...]]] = [[] for _ in dimensions]
    order: list[int] = []
    for role in _ROLE_ORDER:
        first = True
        for i, dim in enumerate(dimensions):
            if dim.role != role:
                continue
            order.append(i)
            if role == "geo":
                header.append(name("regionkod" if first else f"{dim.label} kod", dim))
                header.append(name("region" if first else dim.label, dim))
                parts[i] = list(zip(dim.codes, dim.names, strict=True))
            elif role in ("time", "sex"):
                wanted = {"time": "tid", "sex": "kön"}[role]
                header.append(name(wanted if first else dim.label, dim))
                parts[i] = [(code,) for code in dim.codes]
            else:
                header.append(name("mått" if role == "metric" and first else dim.label, dim))
                parts[i] = [(label,) for label in dim.names]
            first = False
    header.append("värde")
    return header, parts, order


def _read_jsonstat(datasets: list[_Dataset], max_rows: int) -> list[RawSheet]:
    cubes = [_Cube(dataset) for dataset in datasets]
    if sum(cube.row_count for cube in cubes) > max_rows:
        raise _too_many_rows(max_rows)
    tables = [table for cube in cubes if not cube.empty and (table := cube.table())]
    if not tables:
        raise _no_values()
    return tables
