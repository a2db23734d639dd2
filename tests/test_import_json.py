"""Reading official-statistics JSON: Kolada's API answers and JSON-stat 2.0 (SCB's PxWebApi)."""

from __future__ import annotations

import json

import pytest

from segdash.importer.issues import FileRejected
from segdash.importer.jsonformats import (
    KOLADA_HEADER,
    KOLADA_OU_HEADER,
    looks_like_json,
    read_json,
)

NBSP = "\u00a0"
JSONSTAT_HEADER = ["regionkod", "region", "tid", "mått", "värde"]


def encode(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def read(document: object, name: str = "data.json", max_rows: int = 1000):
    return read_json(encode(document), name, max_rows)


def only_rows(document: object, **kwargs) -> list[list[object]]:
    sheets = read(document, **kwargs)
    assert len(sheets) == 1
    return sheets[0].rows


def refused(data: bytes, max_rows: int = 1000) -> str:
    with pytest.raises(FileRejected) as caught:
        read_json(data, "data.json", max_rows)
    return caught.value.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"values": []}', True),
        (b"[1, 2]", True),
        (b" \r\n\t {", True),
        (b"\xef\xbb\xbf{}", True),
        (b"\xef\xbb\xbf \n[", True),
        (b"", False),
        (b"   ", False),
        (b"\xef\xbb\xbf", False),
        (b'"text"', False),
        (b"Nr;Period;Status", False),
        (b"PK\x03\x04", False),
        (b"<html>", False),
        (b"\xff\xfe{\x00", False),  # UTF-16 is not what the APIs send
    ],
)
def test_looks_like_json(data, expected):
    assert looks_like_json(data) is expected


# --- Kolada -------------------------------------------------------------------------------


def kolada_record(kpi, area, period, values, area_key="municipality"):
    return {"kpi": kpi, area_key: area, "period": period, "values": values}


def v(gender, value, status=""):
    return {"count": 1, "gender": gender, "status": status, "value": value}


KOLADA_RECORDS = [
    kolada_record("N00945", "0580", 2020, [v("K", 7.0), v("M", 7.2), v("T", 7.1)]),
    kolada_record("N00945", "0581", 2020, [v("T", None, "Missing")]),
    kolada_record("N01951", "0580", 2021, [v("K", 80), v("M", None), v("T", 81.5)]),
    kolada_record("N01951", "0581", 2021, [v("T", 79.25)]),
]
KOLADA_ROWS = [
    ["N00945", "0580", 2020, "K", 7.0, None],
    ["N00945", "0580", 2020, "M", 7.2, None],
    ["N00945", "0580", 2020, "T", 7.1, None],
    ["N00945", "0581", 2020, "T", "Missing", "Missing"],
    ["N01951", "0580", 2021, "K", 80, None],
    ["N01951", "0580", 2021, "M", None, None],
    ["N01951", "0580", 2021, "T", 81.5, None],
    ["N01951", "0581", 2021, "T", 79.25, None],
]


def test_kolada_v2_envelope():
    document = {"count": 4, "values": KOLADA_RECORDS, "next_page": None, "previous_page": None}
    sheets = read(document, name="kolada_N00945.json")
    assert [s.name for s in sheets] == ["kolada_N00945"]
    assert sheets[0].rows == [KOLADA_HEADER, *KOLADA_ROWS]
    assert KOLADA_HEADER == ["kpi", "municipality_id", "period", "gender", "value", "status"]


@pytest.mark.parametrize("area_key", ["municipality", "municipality_id"])
def test_kolada_v3_envelope(area_key):
    """v3 answers are read whichever name the area field has; the period may come as text."""
    records = [
        {**kolada_record(r["kpi"], r["municipality"], str(r["period"]), r["values"], area_key)}
        for r in KOLADA_RECORDS
    ]
    document = {"count": 4, "values": records, "next_url": "https://api.kolada.se/v3/data?page=2"}
    assert only_rows(document) == [KOLADA_HEADER, *KOLADA_ROWS]


@pytest.mark.parametrize("area_key", ["ou", "ou_id"])
def test_kolada_organisational_units(area_key):
    document = {
        "count": 2,
        "values": [
            kolada_record("N15419", "V15E058000101", 2022, [v("T", 92)], area_key),
            kolada_record("N15419", "V15E058000202", 2022, [v("T", None, "Missing")], area_key),
        ],
    }
    assert only_rows(document) == [
        KOLADA_OU_HEADER,
        ["N15419", "V15E058000101", 2022, "T", 92, None],
        ["N15419", "V15E058000202", 2022, "T", "Missing", "Missing"],
    ]
    assert KOLADA_OU_HEADER[1] == "ou_id"


def test_kolada_bare_list_with_bom():
    data = b"\xef\xbb\xbf\n" + encode(KOLADA_RECORDS[:2])
    sheets = read_json(data, "uttag.json", 1000)
    assert sheets[0].rows == [KOLADA_HEADER, *KOLADA_ROWS[:4]]


def test_kolada_keeps_ids_as_text_and_tolerates_missing_fields():
    document = [
        {
            "kpi": "N00945",
            "municipality": "0114",
            "period": 2019,
            "values": [{"gender": "T", "value": 3}, {"value": None, "status": None}],
        },
    ]
    assert only_rows(document) == [
        KOLADA_HEADER,
        ["N00945", "0114", 2019, "T", 3, None],
        ["N00945", "0114", 2019, None, None, None],
    ]


@pytest.mark.parametrize(
    "document",
    [
        {"count": 0, "values": []},
        {"values": []},
        [],
        {"count": 1, "values": [kolada_record("N00945", "0580", 2020, [])]},
        {"count": 1, "values": [kolada_record("N00945", "0580", 2020, [v("T", None)])]},
    ],
    ids=["count-zero", "values-only", "bare-empty-list", "no-inner-values", "only-nulls"],
)
def test_kolada_without_values(document):
    assert refused(encode(document)) == "Filen innehåller inga värden."


def test_kolada_mixing_municipalities_and_units():
    document = [
        kolada_record("N15419", "0580", 2022, [v("T", 1)]),
        kolada_record("N15419", "V15E058000101", 2022, [v("T", 2)], "ou"),
    ]
    assert refused(encode(document)) == (
        "Filen blandar värden för kommuner och för organisatoriska enheter. Ladda upp dem som "
        "två filer."
    )


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [kolada_record("N1", "0580", 2020, [v("T", 1)]), {"kpi": "N1", "period": 2020}],
            "Kolada-svaret har ett oväntat format: post 2 saknar kpi, period eller values.",
        ),
        (
            [{"kpi": "N1", "period": 2020, "values": [v("T", 1)]}],
            "Kolada-svaret har ett oväntat format: post 1 saknar kommun (municipality) eller "
            "enhet (ou).",
        ),
        (
            [kolada_record("N1", "0580", 2020, [7.1])],
            "Kolada-svaret har ett oväntat format: post 1 har ett värde som inte är ett objekt.",
        ),
    ],
)
def test_kolada_malformed_records(records, message):
    assert refused(encode({"count": 1, "values": records})) == message


def test_kolada_row_limit():
    records = [kolada_record("N1", f"{n:04d}", 2020, [v("K", 1), v("M", 2)]) for n in range(3)]
    assert len(read(records, max_rows=6)[0].rows) == 7
    assert refused(encode(records), max_rows=5) == ("Filen har fler än 5 rader, som är gränsen.")
    many = [kolada_record("N1", "0580", 2020, [v("T", 1)] * 1001)]
    assert refused(encode(many)) == f"Filen har fler än 1{NBSP}000 rader, som är gränsen."


def test_kolada_metadata_is_not_data():
    kpis = {"count": 1, "values": [{"id": "N00945", "title": "Invånare totalt, antal"}]}
    assert refused(encode(kpis)) == (
        "Filen är JSON men i ett format som inte känns igen. Godkända format är Koladas "
        "API-svar (values) och JSON-stat 2.0 från SCB:s PxWebApi."
    )


# --- JSON-stat ----------------------------------------------------------------------------


def category(codes, labels=None, as_object=True):
    index = {c: i for i, c in enumerate(codes)} if as_object else list(codes)
    node = {"index": index}
    if labels is not None:
        node["label"] = dict(zip(codes, labels, strict=True))
    return node


def dataset(dimensions, value, *, role=None, status=None, label=None, as_object=True):
    """A JSON-stat 2.0 dataset; dimensions is [(id, label, codes, labels)]."""
    tree = {
        "version": "2.0",
        "class": "dataset",
        "id": [d[0] for d in dimensions],
        "size": [len(d[2]) for d in dimensions],
        "dimension": {
            d[0]: {
                **({"label": d[1]} if d[1] is not None else {}),
                "category": category(d[2], d[3], as_object),
            }
            for d in dimensions
        },
        "value": value,
    }
    if role is not None:
        tree["role"] = role
    if status is not None:
        tree["status"] = status
    if label is not None:
        tree["label"] = label
    return tree


REGION = ("Region", "region", ["0580", "0581"], ["Linköping", "Norrköping"])
TID = ("Tid", "år", ["2022", "2023"], None)
CONTENTS = ("ContentsCode", "tabellinnehåll", ["AM0210A1"], ["Andel arbetslösa, procent"])
SCB_ROLE = {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]}
# Region × ContentsCode × Tid, the last fastest.
UNEMPLOYMENT = [
    JSONSTAT_HEADER,
    ["0580", "Linköping", "2022", "Andel arbetslösa, procent", 6.1],
    ["0580", "Linköping", "2023", "Andel arbetslösa, procent", 6.4],
    ["0581", "Norrköping", "2022", "Andel arbetslösa, procent", 8.2],
    ["0581", "Norrköping", "2023", "Andel arbetslösa, procent", 8.0],
]


@pytest.mark.parametrize("as_object", [True, False], ids=["object-index", "array-index"])
def test_jsonstat_index_as_object_or_array(as_object):
    tree = dataset(
        [REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], role=SCB_ROLE, as_object=as_object
    )
    sheets = read(tree, name="arbetsloshet.json")
    assert [s.name for s in sheets] == ["arbetsloshet"]
    assert sheets[0].rows == UNEMPLOYMENT


def test_jsonstat_index_object_in_any_key_order():
    tree = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], role=SCB_ROLE)
    tree["dimension"]["Region"]["category"]["index"] = {"0581": 1, "0580": 0}
    assert only_rows(tree) == UNEMPLOYMENT


def test_jsonstat_scb_roles_by_default():
    """Without `role`, SCB's dimension ids Region, Tid and ContentsCode give the roles."""
    tree = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0])
    assert only_rows(tree) == UNEMPLOYMENT


def test_jsonstat_roles_given_for_other_ids():
    tree = dataset(
        [
            ("ar", "år", ["2023"], None),
            ("omrade", "område", ["0580"], ["Linköping"]),
            ("matt", "mått", ["m1", "m2"], ["Invånare, antal", "Andel utrikes födda, procent"]),
        ],
        [164616, 20.1],
        role={"time": ["ar"], "geo": ["omrade"], "metric": ["matt"]},
    )
    assert only_rows(tree) == [
        JSONSTAT_HEADER,
        ["0580", "Linköping", "2023", "Invånare, antal", 164616],
        ["0580", "Linköping", "2023", "Andel utrikes födda, procent", 20.1],
    ]


def test_jsonstat_role_given_overrides_the_scb_default():
    """A `role` naming another geo dimension leaves Region an ordinary dimension."""
    tree = dataset(
        [
            ("Region", "region", ["0580"], ["Linköping"]),
            ("Deso", "DeSO", ["0580C1010"], ["Skäggetorp 1"]),
            TID,
        ],
        [1.5, 2.5],
        role={"geo": ["Deso"], "time": ["Tid"]},
    )
    assert only_rows(tree) == [
        ["regionkod", "region", "tid", "region (Region)", "värde"],
        ["0580C1010", "Skäggetorp 1", "2022", "Linköping", 1.5],
        ["0580C1010", "Skäggetorp 1", "2023", "Linköping", 2.5],
    ]


def test_jsonstat_single_category_without_index():
    tree = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], role=SCB_ROLE)
    tree["dimension"]["ContentsCode"]["category"] = {
        "label": {"AM0210A1": "Andel arbetslösa, procent"},
        "unit": {"AM0210A1": {"label": "procent", "decimals": 1}},
    }
    assert only_rows(tree) == UNEMPLOYMENT


def test_jsonstat_labels_fall_back_to_ids():
    tree = dataset(
        [
            ("Region", None, ["0580"], None),
            ("Alder", None, ["16-19", "20-24"], None),
            ("ContentsCode", None, ["BE0101N1"], None),
            ("Tid", None, ["2023"], None),
        ],
        [100, 200],
    )
    assert only_rows(tree) == [
        ["regionkod", "region", "tid", "mått", "Alder", "värde"],
        ["0580", "0580", "2023", "BE0101N1", "16-19", 100],
        ["0580", "0580", "2023", "BE0101N1", "20-24", 200],
    ]


@pytest.mark.parametrize(
    ("dim_id", "dim_label"),
    [("Kon", "kön"), ("Kon", None), ("sex", "Sex"), ("Gender", "gender"), ("x1", "Kön")],
)
def test_jsonstat_sex_dimension_keeps_codes(dim_id, dim_label):
    sex = (dim_id, dim_label, ["1", "2", "1+2"], ["män", "kvinnor", "totalt"])
    tree = dataset([REGION, sex, TID], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    assert only_rows(tree) == [
        ["regionkod", "region", "tid", "kön", "värde"],
        ["0580", "Linköping", "2022", "1", 1],
        ["0580", "Linköping", "2023", "1", 2],
        ["0580", "Linköping", "2022", "2", 3],
        ["0580", "Linköping", "2023", "2", 4],
        ["0580", "Linköping", "2022", "1+2", 5],
        ["0580", "Linköping", "2023", "1+2", 6],
        ["0581", "Norrköping", "2022", "1", 7],
        ["0581", "Norrköping", "2023", "1", 8],
        ["0581", "Norrköping", "2022", "2", 9],
        ["0581", "Norrköping", "2023", "2", 10],
        ["0581", "Norrköping", "2022", "1+2", 11],
        ["0581", "Norrköping", "2023", "1+2", 12],
    ]


SHARE = "Förvärvsarbetande, procent"


def test_jsonstat_extra_dimensions_hold_labels_after_the_known_ones():
    tree = dataset(
        [
            ("Alder", "ålder", ["20-64"], ["20-64 år"]),
            ("Fodelseregion", "födelseregion", ["in", "ut"], ["född i Sverige", "utrikes född"]),
            ("Tid", "år", ["2023"], None),
            ("Region", "region", ["0580"], ["Linköping"]),
            ("ContentsCode", "tabellinnehåll", ["X"], [SHARE]),
        ],
        [80.1, 62.3],
    )
    assert only_rows(tree) == [
        ["regionkod", "region", "tid", "mått", "ålder", "födelseregion", "värde"],
        ["0580", "Linköping", "2023", SHARE, "20-64 år", "född i Sverige", 80.1],
        ["0580", "Linköping", "2023", SHARE, "20-64 år", "utrikes född", 62.3],
    ]


def test_jsonstat_second_geo_dimension_is_named_by_its_label():
    tree = dataset(
        [
            ("Region", "region", ["05"], ["Östergötlands län"]),
            ("Kommun", "kommun", ["0580", "0581"], ["Linköping", "Norrköping"]),
            TID,
        ],
        [1, 2, 3, 4],
        role={"geo": ["Region", "Kommun"], "time": ["Tid"]},
    )
    assert only_rows(tree) == [
        ["regionkod", "region", "kommun kod", "kommun", "tid", "värde"],
        ["05", "Östergötlands län", "0580", "Linköping", "2022", 1],
        ["05", "Östergötlands län", "0580", "Linköping", "2023", 2],
        ["05", "Östergötlands län", "0581", "Norrköping", "2022", 3],
        ["05", "Östergötlands län", "0581", "Norrköping", "2023", 4],
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("..", ["..", "..", 8.2, 8.0]),
        ([".", "..", "", None], [".", "..", 8.2, 8.0]),
        (["-"], ["-", "-", 8.2, 8.0]),  # one marker for every cell
        ({"1": ".."}, [None, "..", 8.2, 8.0]),
        ({"0": "", "3": "p"}, [None, None, 8.2, 8.0]),  # markers on numbers are not shown
    ],
    ids=["string", "array", "array-of-one", "object", "object-empty-marker"],
)
def test_jsonstat_status_fills_missing_values(status, expected):
    tree = dataset([REGION, CONTENTS, TID], [None, None, 8.2, 8.0], status=status)
    assert [row[-1] for row in only_rows(tree)[1:]] == expected


def test_jsonstat_sparse_value_object():
    """A value object lists only some cells; those and the cells with a marker become rows."""
    tree = dataset([REGION, CONTENTS, TID], {"0": 6.1, "3": 8.0}, status={"2": ".."})
    assert only_rows(tree) == [
        JSONSTAT_HEADER,
        ["0580", "Linköping", "2022", "Andel arbetslösa, procent", 6.1],
        ["0581", "Norrköping", "2022", "Andel arbetslösa, procent", ".."],
        ["0581", "Norrköping", "2023", "Andel arbetslösa, procent", 8.0],
    ]


def test_jsonstat_sparse_keys_are_numbers():
    tree = dataset([REGION, CONTENTS, TID], {"03": 8.0}, status={"001": ".."})
    assert [row[-1] for row in only_rows(tree)[1:]] == ["..", 8.0]


def test_jsonstat_null_without_marker_is_empty():
    tree = dataset([REGION, CONTENTS, TID], [6.1, None, 8.2, 8.0])
    assert [row[-1] for row in only_rows(tree)[1:]] == [6.1, None, 8.2, 8.0]


def test_jsonstat_collection_gives_one_sheet_per_dataset():
    first = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], label="Arbetslöshet")
    second = dataset(
        [("Region", "region", ["0580"], ["Linköping"]), TID], [164616, 165527], label="Folkmängd"
    )
    unlabelled = dataset([("Tid", "år", ["2023"], None)], [1])
    collection = {
        "version": "2.0",
        "class": "collection",
        "label": "Linköping i siffror",
        "link": {
            "item": [
                first,
                second,
                {"class": "dataset", "href": "https://example.org/other.json"},
                unlabelled,
                dict(second),
            ]
        },
    }
    sheets = read(collection, name="samling.json")
    names = ["Arbetslöshet", "Folkmängd", "samling 4", "Folkmängd (2)"]
    assert [s.name for s in sheets] == names
    assert sheets[0].rows == UNEMPLOYMENT
    assert sheets[1].rows == [
        ["regionkod", "region", "tid", "värde"],
        ["0580", "Linköping", "2022", 164616],
        ["0580", "Linköping", "2023", 165527],
    ]
    assert sheets[2].rows == [["tid", "värde"], ["2023", 1]]


def test_jsonstat_bundle_of_version_1_datasets():
    """JSON-stat 1.x: datasets keyed by id, with id, size and role inside `dimension`."""
    old = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], label="Arbetslöshet")
    for key in ("version", "class"):
        del old[key]
    old["dimension"].update(id=old.pop("id"), size=old.pop("size"), role=SCB_ROLE)
    unlabelled = dataset([("Tid", "år", ["2023"], None)], [1])
    del unlabelled["class"]
    sheets = read({"arbetsloshet": old, "befolkning": unlabelled})
    assert [s.name for s in sheets] == ["Arbetslöshet", "befolkning"]
    assert sheets[0].rows == UNEMPLOYMENT


def test_jsonstat_collection_skips_empty_datasets():
    empty = dataset([REGION, TID], [None, None, None, None], label="Tom")
    full = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], label="Arbetslöshet")
    collection = {"class": "collection", "link": {"item": [empty, full]}}
    assert [s.name for s in read(collection)] == ["Arbetslöshet"]
    only_empty = {"class": "collection", "link": {"item": [empty]}}
    assert refused(encode(only_empty)) == "Filen innehåller inga värden."


def test_jsonstat_realistic_scb_pxwebapi2_answer():
    """The shape SCB's PxWebApi 2 answers for /tables/TAB638/data: notes, extensions, units,
    dimension labels in lower case, `role` without geo and a status object for missing cells."""
    answer = {
        "version": "2.0",
        "class": "dataset",
        "href": "https://api.scb.se/OV0104/v2beta/api/v2/tables/TAB638/data?lang=sv",
        "label": "Folkmängden efter region, kön, ålder och år",
        "source": "SCB",
        "updated": "2024-02-21T07:00:00Z",
        "note": ["Uppgifterna avser förhållandena den 31 december."],
        "link": {"alternate": [{"type": "text/html", "href": "https://www.scb.se/"}]},
        "id": ["Region", "Kon", "Alder", "ContentsCode", "Tid"],
        "size": [2, 2, 1, 1, 2],
        "dimension": {
            "Region": {
                "label": "region",
                "note": ["Kommunindelning per 2024-01-01."],
                "category": {
                    "index": {"0580": 0, "0581": 1},
                    "label": {"0580": "Linköping", "0581": "Norrköping"},
                },
                "extension": {
                    "elimination": True,
                    "noteMandatory": {"0580": False},
                    "show": "value",
                },
                "link": {"describedby": [{"extension": {"Region": "RegionKommun07"}}]},
            },
            "Kon": {
                "label": "kön",
                "category": {"index": {"1": 0, "2": 1}, "label": {"1": "män", "2": "kvinnor"}},
                "extension": {"elimination": True, "show": "value"},
            },
            "Alder": {
                "label": "ålder",
                "category": {"index": {"tot": 0}, "label": {"tot": "totalt ålder"}},
                "extension": {"elimination": True, "show": "value"},
            },
            "ContentsCode": {
                "label": "tabellinnehåll",
                "category": {
                    "index": {"BE0101N1": 0},
                    "label": {"BE0101N1": "Folkmängd"},
                    "unit": {"BE0101N1": {"base": "antal", "decimals": 0}},
                },
                "extension": {"elimination": False, "refperiod": {"BE0101N1": "31 december"}},
            },
            "Tid": {
                "label": "år",
                "category": {
                    "index": {"2022": 0, "2023": 1},
                    "label": {"2022": "2022", "2023": "2023"},
                },
                "extension": {"elimination": False, "show": "code"},
            },
        },
        "extension": {
            "px": {
                "infofile": "BE0101",
                "tableid": "TAB638",
                "decimals": 0,
                "official-statistics": True,
            },
            "contact": [{"name": "Statistikservice", "mail": "information@scb.se"}],
        },
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "value": [82791, 83437, 81825, 82340, 73164, 73648, None, 72930],
        "status": {"6": ".."},
    }
    sheets = read(answer, name="TAB638.json")
    assert [s.name for s in sheets] == ["TAB638"]
    assert sheets[0].rows == [
        ["regionkod", "region", "tid", "mått", "kön", "ålder", "värde"],
        ["0580", "Linköping", "2022", "Folkmängd", "1", "totalt ålder", 82791],
        ["0580", "Linköping", "2023", "Folkmängd", "1", "totalt ålder", 83437],
        ["0580", "Linköping", "2022", "Folkmängd", "2", "totalt ålder", 81825],
        ["0580", "Linköping", "2023", "Folkmängd", "2", "totalt ålder", 82340],
        ["0581", "Norrköping", "2022", "Folkmängd", "1", "totalt ålder", 73164],
        ["0581", "Norrköping", "2023", "Folkmängd", "1", "totalt ålder", 73648],
        ["0581", "Norrköping", "2022", "Folkmängd", "2", "totalt ålder", ".."],
        ["0581", "Norrköping", "2023", "Folkmängd", "2", "totalt ålder", 72930],
    ]


def test_jsonstat_row_limit():
    tid = ("Tid", "år", [str(y) for y in range(1000)], None)
    assert len(only_rows(dataset([tid], list(range(1000))))) == 1001
    more = ("Tid", "år", [str(y) for y in range(1001)], None)
    assert refused(encode(dataset([more], list(range(1001))))) == (
        f"Filen har fler än 1{NBSP}000 rader, som är gränsen."
    )
    # The limit counts every table of a collection together.
    half = dataset([("Tid", "år", [str(y) for y in range(600)], None)], [1] * 600)
    collection = {"class": "collection", "link": {"item": [half, dict(half)]}}
    assert refused(encode(collection)) == f"Filen har fler än 1{NBSP}000 rader, som är gränsen."


def test_jsonstat_sparse_cube_is_counted_by_its_cells():
    """A huge cube with a few values is fine; its size is never walked."""
    huge = [
        ("Region", "region", [f"{n:04d}" for n in range(300)], None),
        ("Alder", "ålder", [str(n) for n in range(101)], None),
        ("Tid", "år", [str(y) for y in range(1968, 2024)], None),
    ]
    tree = dataset(huge, {"0": 1, str(300 * 101 * 56 - 1): 2})
    assert only_rows(tree) == [
        ["regionkod", "region", "tid", "ålder", "värde"],
        ["0000", "0000", "1968", "0", 1],
        ["0299", "0299", "2023", "100", 2],
    ]


# --- refused files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"values": }', "Filen är ingen giltig JSON: ett värde saknas (rad 1, kolumn 12)."),
        (
            b'{\n  "values": [1, 2\n}',
            "Filen är ingen giltig JSON: ett kommatecken (,) saknas (rad 3, kolumn 1).",
        ),
        (
            b"{'values': []}",
            "Filen är ingen giltig JSON: ett fältnamn inom dubbla citattecken saknas "
            "(rad 1, kolumn 2).",
        ),
        (
            b'{"a": "abc',
            "Filen är ingen giltig JSON: en text saknar sitt avslutande "
            "citattecken (rad 1, kolumn 7).",
        ),
        (
            b"{} {}",
            "Filen är ingen giltig JSON: det kommer mer text efter JSON-värdet (rad 1, kolumn 4).",
        ),
        (b"\xef\xbb\xbf[1,]", "Filen är ingen giltig JSON: ett värde saknas (rad 1, kolumn 4)."),
        (
            b'{"a":\n "v\xe4rde"}',
            "Filen är ingen giltig JSON: texten är inte kodad som UTF-8 (rad 2, kolumn 4).",
        ),
        (
            b"[" * 100_000,
            "Filen är ingen giltig JSON för statistik: den är nästlad i för många nivåer.",
        ),
    ],
    ids=[
        "missing-value",
        "missing-comma",
        "single-quotes",
        "unterminated",
        "extra-data",
        "trailing-comma",
        "latin-1",
        "too-deep",
    ],
)
def test_invalid_json(data, message):
    assert refused(data) == message


UNKNOWN = (
    "Filen är JSON men i ett format som inte känns igen. Godkända format är Koladas API-svar "
    "(values) och JSON-stat 2.0 från SCB:s PxWebApi."
)


@pytest.mark.parametrize(
    "document",
    [
        {"name": "Linköping", "rows": [[1, 2]]},
        [1, 2, 3],
        [{"Nr": "1.1", "Status": "klar"}],
        {"class": "dimension", "category": {"index": ["T"]}},
        {"columns": [{"code": "Region"}], "data": [{"key": ["0580"], "values": ["1"]}]},
    ],
    ids=["object", "numbers", "records", "jsonstat-dimension", "pxwebapi1-json"],
)
def test_unknown_json(document):
    assert refused(encode(document)) == UNKNOWN


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"error": "Too many values selected"},
            "Filen innehåller ett felmeddelande i stället för statistik: ”Too many values "
            "selected”. Hämta datan på nytt och ladda upp den nya filen.",
        ),
        (
            {
                "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "Bad Request",
                "status": 400,
                "detail": "Non-existent table",
            },
            "Filen innehåller ett felmeddelande i stället för statistik: ”Bad Request: "
            "Non-existent table”. Hämta datan på nytt och ladda upp den nya filen.",
        ),
    ],
)
def test_saved_api_error(document, message):
    assert refused(encode(document)) == message


def test_jsonstat_value_length_must_match_size():
    tree = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2])
    assert refused(encode(tree)) == (
        "Datamängden ”data” har 3 värden, men dimensionernas storlek (2 × 1 × 2) ger 4."
    )
    big = dataset([("Tid", "år", [str(n) for n in range(1200)], None)], [1] * 1199)
    assert refused(encode(big), max_rows=10_000) == (
        f"Datamängden ”data” har 1{NBSP}199 värden, men dimensionernas storlek (1200) ger "
        f"1{NBSP}200."
    )


def test_jsonstat_status_length_must_match_size():
    tree = dataset([REGION, CONTENTS, TID], [6.1, None, 8.2, 8.0], status=["..", ".."])
    assert refused(encode(tree)) == (
        "Datamängden ”data” har 2 statusmarkeringar, men dimensionernas storlek (2 × 1 × 2) ger 4."
    )


@pytest.mark.parametrize(
    "tree",
    [
        dataset([REGION, CONTENTS, TID], []),
        dataset([REGION, CONTENTS, TID], {}),
        dataset([REGION, CONTENTS, TID], None),
        dataset([REGION, CONTENTS, TID], [None, None, None, None]),
        dataset([REGION, CONTENTS, TID], [None, None, None, None], status={"1": ""}),
        dataset([REGION, ("Tid", "år", [], None)], []),
    ],
    ids=["empty-list", "empty-object", "null", "all-null", "empty-markers", "size-zero"],
)
def test_jsonstat_empty_dataset(tree):
    assert refused(encode(tree)) == "Filen innehåller inga värden."


def broken(change):
    tree = dataset([REGION, CONTENTS, TID], [6.1, 6.4, 8.2, 8.0], label="Arbetslöshet")
    change(tree)
    return tree


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda t: t.pop("id"), "listan över dimensioner (id) saknas eller är felaktig"),
        (
            lambda t: t.update(size=[2, 1, "2"]),
            "dimensionernas storlek (size) saknas eller är felaktig",
        ),
        (lambda t: t.update(size=[2, 2]), "id har 3 dimensioner men size har 2"),
        (
            lambda t: t.update(id=["Region", "Region", "Tid"]),
            "samma dimension står två gånger i id",
        ),
        (lambda t: t["dimension"].pop("Tid"), "dimensionen ”Tid” saknar kategorier (category)"),
        (
            lambda t: t["dimension"]["Tid"]["category"].update(index={"2022": 0, "2023": 2}),
            "dimensionen ”Tid” har ett felaktigt index",
        ),
        (
            lambda t: t["dimension"]["Tid"]["category"].update(index=["2022", 2023]),
            "dimensionen ”Tid” har felaktiga kategorikoder",
        ),
        (
            lambda t: t.update(size=[2, 1, 3], value=[1] * 6),
            "dimensionen ”Tid” har 2 kategorier men storlek 3",
        ),
        (lambda t: t.update(value={"0": 1, "4": 2}), "value har nyckeln ”4”, som inte är en cell"),
        (
            lambda t: t.update(value=[1, 2, 3, 4], status={"x": ".."}),
            "status har nyckeln ”x”, som inte är en cell",
        ),
        (lambda t: t.update(value="1,2,3,4"), "value är varken en lista eller ett objekt"),
        (lambda t: t.update(status=7), "status är varken text, en lista eller ett objekt"),
    ],
    ids=[
        "no-id",
        "bad-size",
        "id-size-lengths",
        "repeated-id",
        "no-dimension",
        "bad-index",
        "bad-codes",
        "size-vs-categories",
        "value-key",
        "status-key",
        "value-text",
        "status-number",
    ],
)
def test_jsonstat_inconsistent_dataset(change, detail):
    assert refused(encode(broken(change))) == (
        f"Datamängden ”data” är inte giltig JSON-stat: {detail}."
    )


def test_jsonstat_collection_of_links_only():
    collection = {
        "version": "2.0",
        "class": "collection",
        "link": {"item": [{"class": "dataset", "href": "https://json-stat.org/samples/oecd.json"}]},
    }
    assert refused(encode(collection)) == (
        "Filen är en JSON-stat-samling (collection) utan inbäddade datamängder, bara länkar "
        "till dem. Hämta datamängderna och ladda upp dem i stället."
    )


def test_values_are_data_never_code():
    """Text that looks like code stays text; nothing is evaluated."""
    tree = dataset([("Tid", "år", ["__import__('os').system('x')"], None)], ["1+1"])
    assert only_rows(tree) == [["tid", "värde"], ["__import__('os').system('x')", "1+1"]]
    odd = (
        b'{"class": "dataset", "id": ["Tid"], "size": [1], "value": [NaN],'
        b' "dimension": {"Tid": {"category": {"index": ["2023"]}}}, "status": "..", "x": 1e999}'
    )
    assert read_json(odd, "odd.json", 10)[0].rows == [["tid", "värde"], ["2023", ".."]]
