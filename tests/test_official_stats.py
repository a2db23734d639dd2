"""Official statistics as they come (formats.md): PX-Web, Kolada and JSON-stat layouts, the
extra column names, area codes, missing-value markers, sub-year periods, the indicator given
once, extra breakdowns, names, the grouped report, sources, import profiles and options.

Every input is built here. Refused cases go through `import_refused`, which also proves the
database did not change, and assert the exact Swedish messages.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import (
    INDICATORS_HEADER,
    import_ok,
    import_refused,
    make_csv,
    make_xlsx,
    rows,
    where,
    xlsx_file,
)

from segdash.importer import UploadedFile, check_files, import_files, load_profile
from segdash.importer import options as o

DEFS = [INDICATORS_HEADER, ["ARBL", "Arbetslöshet", "%", "nej"]]
LONG = ["Indikator", "Område", "År", "Värde"]

NO_INDICATOR = (
    "Bladet har ingen kolumn för indikator. Ange vilken indikator värdena gäller med --indicator "
    "KOD (på sidan: ”Indikator för hela filen”), eller vilken kolumn som namnger den med "
    "--column Indikator=RUBRIK."
)
MUST_EXIST = " Indikatorn måste finnas sedan tidigare eller definieras på bladet Indikatorer."
ADD_AREA_HINT = (
    "Lägg till området på bladet Områden eller med --add-districts (på sidan: ”Lägg till okända "
    "områden”)."
)
KNOWN_AREAS = "Berga, Linköping, Ryd, Skäggetorp"


def workbook(
    table: list[list],
    sheet: str = "Data",
    options: o.ImportOptions | None = None,
    name: str = "statistik.xlsx",
    defs: list[list] | None = DEFS,
    **extra: list[list],
) -> UploadedFile:
    """A workbook holding one table of values (on any sheet name) and the definitions."""
    sheets = {sheet: table}
    if defs is not None:
        sheets["Indikatorer"] = defs
    sheets.update(extra)
    return UploadedFile(name, make_xlsx(sheets), options or o.ImportOptions())


def text_file(
    text: str, options: o.ImportOptions | None = None, name: str = "px.csv", encoding: str = "utf-8"
) -> UploadedFile:
    return UploadedFile(name, make_csv(text, encoding), options or o.ImportOptions())


def json_file(
    document: object, options: o.ImportOptions | None = None, name: str = "data.json"
) -> UploadedFile:
    return UploadedFile(
        name, json.dumps(document, ensure_ascii=False).encode(), options or o.ImportOptions()
    )


def stored(store) -> list[tuple]:
    """(indicator, district, year, sex, value, marker) of every current value."""
    return rows(
        store,
        "SELECT indicator_code, district_code, year, sex, value, marker "
        "FROM current_indicator_value ORDER BY 1, 2, 3, 4",
    )


def errors(issues) -> list[tuple]:
    return [where(i) for i in issues if i.is_error]


def warnings(issues) -> list[tuple]:
    return [where(i) for i in issues if not i.is_error]


def assert_warned(issues, expected: list[tuple]) -> None:
    """Each expected warning is there, exactly; others may come with it."""
    found = warnings(issues)
    for warning in expected:
        assert warning in found, (warning, found)


@pytest.fixture
def defs_store(store):
    """The store with ARBL defined, for files that cannot carry definitions (CSV, JSON)."""
    import_ok(store, xlsx_file({"Indikatorer": DEFS}, "definitioner.xlsx"))
    return store


# --- layouts ------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", ["Blad1", "Data från Kolada", "Sheet 1", "Tabell"])
def test_long_form_on_a_sheet_with_any_name(store, sheet):
    table = [LONG, ["ARBL", "Berga", 2020, 5.5], ["ARBL", "Ryd", 2021, 7]]
    import_ok(store, workbook(table, sheet))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", 5.5, None),
        ("ARBL", "Ryd", 2021, "T", 7.0, None),
    ]


def test_wide_form_with_year_headers_on_any_sheet(store):
    table = [
        ["Indikator", "Område", "Kön", "2019", "2020"],
        ["ARBL", "Ryd", "K", 1, 2],
        ["ARBL", "Ryd", "M", 3, None],
    ]
    import_ok(store, workbook(table, "Kolada export"))
    assert stored(store) == [
        ("ARBL", "Ryd", 2019, "K", 1.0, None),
        ("ARBL", "Ryd", 2019, "M", 3.0, None),
        ("ARBL", "Ryd", 2020, "K", 2.0, None),
        ("ARBL", "Ryd", 2020, "M", None, None),
    ]


PX_LONG = [
    ["Arbetslöshet 16–64 år efter region och år"],
    [],
    [None, None, "Andel (%)"],
    ["0580 Linköping", "2020", 5.5],
    ["0580 Linköping", "2021", ".."],
    ["Berga", "2020", 12],
    ["Berga", "2021", "12,5"],
    [],
    ["Källa: SCB, Arbetskraftsundersökningarna"],
    ["..  = uppgift saknas"],
]
PX_LONG_STORED = [
    ("ARBL", "Berga", 2020, "T", 12.0, None),
    ("ARBL", "Berga", 2021, "T", 12.5, None),
    ("ARBL", "Linköping", 2020, "T", 5.5, None),
    ("ARBL", "Linköping", 2021, "T", None, ".."),
]
PX_FOOTNOTES = (
    "Raderna 9–10 under tabellen läses som fotnoter och hoppas över (”Källa: SCB, "
    "Arbetskraftsundersökningarna” …).",
    "Tabell",
    9,
    "",
    "",
)
PX_VALUE_INFERRED = (
    "Kolumnen ”Andel (%)” läses som värde: den är den enda kolumnen med tal. Är "
    "det fel, ange värdekolumnen med --column Värde=RUBRIK.",
    "Tabell",
    3,
    "Andel (%)",
    "",
)


def test_pxweb_xlsx_with_title_blank_stub_headers_and_footnotes(store):
    """The area and period stub columns have no header: they are told by what they hold."""
    result = import_ok(store, workbook(PX_LONG, "Tabell", o.build(indicator="ARBL")))
    assert stored(store) == PX_LONG_STORED
    assert_warned(result.issues, [PX_VALUE_INFERRED, PX_FOOTNOTES])


def test_pxweb_xlsx_with_the_measure_column_mapped(store):
    options = o.build(indicator="ARBL", columns=["Värde=Andel"])
    result = import_ok(store, workbook(PX_LONG, "Tabell", options))
    assert stored(store) == PX_LONG_STORED
    assert_warned(result.issues, [PX_FOOTNOTES])


def test_pxweb_xlsx_wide_with_a_blank_area_header(store):
    table = [
        ["Folkmängd efter region och år"],
        [],
        [None, "2020", "2021"],
        ["0580 Linköping", 1500, 1510],
        ["Skäggetorp", 30, ".."],
        [],
        ["Källa: SCB"],
    ]
    result = import_ok(store, workbook(table, "Tabell", o.build(indicator="ARBL")))
    assert stored(store) == [
        ("ARBL", "Linköping", 2020, "T", 1500.0, None),
        ("ARBL", "Linköping", 2021, "T", 1510.0, None),
        ("ARBL", "Skäggetorp", 2020, "T", 30.0, None),
        ("ARBL", "Skäggetorp", 2021, "T", None, ".."),
    ]
    assert_warned(
        result.issues,
        [
            (
                "Raden under tabellen läses som en fotnot och hoppas över (”Källa: SCB”).",
                "Tabell",
                7,
                "",
                "",
            )
        ],
    )


PX_CSV = (
    '"Arbetslöshet 16-64 år efter region och år"\n'
    "\n"
    '"region";"2020";"2021"\n'
    '"0580 Linköping";5,5;6,1\n'
    '"Skäggetorp";..;12,0\n'
    "\n"
    '"Källa: SCB"\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_pxweb_csv_semicolons_title_line_and_footnote(defs_store, encoding):
    result = import_ok(defs_store, text_file(PX_CSV, o.build(indicator="ARBL"), encoding=encoding))
    assert stored(defs_store) == [
        ("ARBL", "Linköping", 2020, "T", 5.5, None),
        ("ARBL", "Linköping", 2021, "T", 6.1, None),
        ("ARBL", "Skäggetorp", 2020, "T", None, ".."),
        ("ARBL", "Skäggetorp", 2021, "T", 12.0, None),
    ]
    assert_warned(
        result.issues,
        [
            (
                "Raden under tabellen läses som en fotnot och hoppas över (”Källa: SCB”).",
                "px",
                7,
                "",
                "",
            )
        ],
    )


def test_pxweb_csv_with_a_period_column_and_a_sex_column(defs_store):
    text = (
        '"Arbetslöshet efter region, kön och år"\n\n"region";"kön";"år";"Andel (%)"\n'
        '"0580 Linköping";"kvinnor";"2020";5,5\n'
        '"0580 Linköping";"män";"2020";6,5\n'
    )
    import_ok(defs_store, text_file(text, o.build(indicator="ARBL", columns=["Värde=Andel"])))
    assert stored(defs_store) == [
        ("ARBL", "Linköping", 2020, "K", 5.5, None),
        ("ARBL", "Linköping", 2020, "M", 6.5, None),
    ]


@pytest.mark.parametrize(
    "table",
    [
        [
            ["Område", "År", "Värde"],
            ["Berga", 2020, 1],
            ["Berga", 2021, 2],
            ["Ryd", 2020, 3],
            ["Ryd", 2021, ".."],
        ],
        [["Område", "2020", "2021"], ["Berga", 1, 2], ["Ryd", 3, ".."]],
    ],
    ids=["period-column", "column-per-period"],
)
def test_a_period_column_and_one_column_per_period_store_the_same(store, table):
    import_ok(store, workbook(table, options=o.build(indicator="ARBL")))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", 1.0, None),
        ("ARBL", "Berga", 2021, "T", 2.0, None),
        ("ARBL", "Ryd", 2020, "T", 3.0, None),
        ("ARBL", "Ryd", 2021, "T", None, ".."),
    ]


def test_kolada_as_client_libraries_write_it_to_csv(store):
    defs = [INDICATORS_HEADER, ["N00945", "Andel arbetslösa 16-64 år (%)", "%", "nej"]]
    import_ok(store, xlsx_file({"Indikatorer": defs}, "definitioner.xlsx"))
    text = (
        "kpi,municipality_id,municipality,year,gender,value\n"
        "N00945,0580,Linköping,2020,K,7.0\nN00945,0580,Linköping,2020,M,7.2\n"
        "N00945,0580,Linköping,2020,T,7.1\n"
    )
    import_ok(store, text_file(text, name="kolada.csv"))
    assert stored(store) == [
        ("N00945", "Linköping", 2020, s, v, None) for s, v in [("K", 7.0), ("M", 7.2), ("T", 7.1)]
    ]


# --- column names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "area_header",
    [
        "region",
        "kommun",
        "län",
        "municipality",
        "stadsdel",
        "regso",
        "deso",
        "Region",
        "KOMMUN",
        " Stadsdel ",
        "Område",
    ],
)
def test_area_column_names(store, area_header):
    table = [["Indikator", area_header, "År", "Värde"], ["ARBL", "Berga", 2020, 1]]
    import_ok(store, workbook(table))
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 1.0, None)]


@pytest.mark.parametrize("period_header", ["tid", "period", "year", "år", "Tid", "YEAR"])
def test_period_column_names(store, period_header):
    import_ok(
        store,
        workbook([["Indikator", "Område", period_header, "Värde"], ["ARBL", "Berga", 2020, 1]]),
    )
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 1.0, None)]


@pytest.mark.parametrize("sex_header", ["kön", "gender", "sex", "Kön"])
def test_sex_column_names(store, sex_header):
    import_ok(
        store,
        workbook(
            [
                ["Indikator", "Område", "År", sex_header, "Värde"],
                ["ARBL", "Berga", 2020, "kvinnor", 1],
            ]
        ),
    )
    assert stored(store) == [("ARBL", "Berga", 2020, "K", 1.0, None)]


@pytest.mark.parametrize("indicator_header", ["kpi", "nyckeltal", "indikator", "mått", "KPI"])
def test_indicator_column_names(store, indicator_header):
    import_ok(
        store,
        workbook([[indicator_header, "Område", "År", "Värde"], ["Arbetslöshet", "Berga", 2020, 1]]),
    )
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 1.0, None)]


@pytest.mark.parametrize("value_header", ["värde", "value", "Value", "Värde (%)"])
def test_value_column_names(store, value_header):
    import_ok(
        store, workbook([["Indikator", "Område", "År", value_header], ["ARBL", "Berga", 2020, 1]])
    )
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 1.0, None)]


@pytest.mark.parametrize("code_header", ["regionkod", "municipality_id", "kommunkod", "Kommunkod"])
@pytest.mark.parametrize("code", ["0580", 580, "580"])
def test_code_column_matches_the_area_by_code_before_the_name(store, code_header, code):
    table = [
        ["Indikator", code_header, "Kommun", "År", "Värde"],
        ["ARBL", code, "Fel namn", 2020, 1],
    ]
    import_ok(store, workbook(table))
    assert stored(store) == [("ARBL", "Linköping", 2020, "T", 1.0, None)]


@pytest.mark.parametrize("code_header", ["regionkod", "municipality_id", "kommunkod"])
def test_code_column_alone_is_the_area(store, code_header):
    table = [["Indikator", code_header, "År", "Värde"], ["ARBL", "0580", 2020, 1]]
    import_ok(store, workbook(table))
    assert stored(store) == [("ARBL", "Linköping", 2020, "T", 1.0, None)]


@pytest.mark.parametrize(
    ("headers", "cells"),
    [
        (["Län", "Kommun"], ["Östergötlands län", "Linköping"]),
        (["Kommun", "Län"], ["Linköping", "Östergötlands län"]),
        (["Region", "Stadsdel"], ["Linköping", "Skäggetorp"]),
        (["Kommun", "RegSO"], ["Linköping", "Skäggetorp"]),
    ],
)
def test_two_area_columns_the_finer_one_is_the_area(store, headers, cells):
    expected = "Skäggetorp" if "Skäggetorp" in cells else "Linköping"
    import_ok(store, workbook([["Indikator", *headers, "År", "Värde"], ["ARBL", *cells, 2020, 1]]))
    assert stored(store) == [("ARBL", expected, 2020, "T", 1.0, None)]


@pytest.mark.parametrize(
    ("headers", "role", "option"),
    [
        (["tid", "år"], "period", "År"),
        (["Period", "Year"], "period", "År"),
        (["Indikator", "kpi"], "indikator", "Indikator"),
    ],
)
def test_two_columns_for_one_role_are_one_error_naming_both(store, headers, role, option):
    base = {"period": ["Indikator", "Område"], "indikator": ["Område", "År"]}[role]
    table = [[*base, *headers, "Värde"], ["ARBL", "Berga", 2020, 2020, 1]]
    if role == "indikator":
        table[1] = ["Berga", 2020, "ARBL", "ARBL", 1]
    first, second = headers
    assert errors(import_refused(store, workbook(table))) == [
        (
            f"Flera kolumner kan vara {role}: ”{first}”, ”{second}”. Välj en med --column "
            f"{option}={first} (på sidan: rollen för kolumnen).",
            "Data",
            1,
            first,
            "",
        )
    ]


def test_two_period_columns_in_a_csv(defs_store):
    issues = import_refused(
        defs_store, text_file("Område;Tid;År;Värde\nBerga;2020;2020;1\n", o.build(indicator="ARBL"))
    )
    assert errors(issues) == [
        (
            "Flera kolumner kan vara period: ”Tid”, ”År”. Välj en med --column År=Tid (på sidan: "
            "rollen för kolumnen).",
            "px",
            1,
            "Tid",
            "",
        )
    ]


def test_code_column_with_some_blank_cells_falls_back_to_the_name(store):
    table = [
        ["Indikator", "Regionkod", "Område", "År", "Värde"],
        ["ARBL", None, "Berga", 2020, 1],
        ["ARBL", "0580", "Fel namn", 2020, 2],
    ]
    import_ok(store, workbook(table))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", 1.0, None),
        ("ARBL", "Linköping", 2020, "T", 2.0, None),
    ]


# --- areas --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "district"),
    [
        ("Linköping", "Linköping"),
        ("linköping", "Linköping"),
        (" Berga ", "Berga"),
        ("SKÄGGETORP", "Skäggetorp"),
        ("0580 Linköping", "Linköping"),
        ("0580", "Linköping"),
        ("580", "Linköping"),
        (580, "Linköping"),
        ("0580 Fel namn", "Linköping"),  # the code decides
    ],
)
def test_area_by_code_then_name(store, cell, district):
    import_ok(store, workbook([LONG, ["ARBL", cell, 2020, 1]]))
    assert stored(store) == [("ARBL", district, 2020, "T", 1.0, None)]


AREAS_WITH_CODES = [
    ["Kod", "Namn", "Typ", "Regionkod"],
    ["Skäggetorp", "Skäggetorp", "fokus", "0580R018"],
]


@pytest.mark.parametrize(
    "cell",
    ["0580R018 Linköping (Skäggetorp-Tornby)", "0580R018_RegSO2025", "0580R018", "0580r018"],
)
def test_regso_codes_match_the_area_that_carries_them(store, cell):
    import_ok(store, workbook([LONG, ["ARBL", cell, 2020, 1]], Områden=AREAS_WITH_CODES))
    assert stored(store) == [("ARBL", "Skäggetorp", 2020, "T", 1.0, None)]
    assert rows(store, "SELECT region_code FROM current_district WHERE code = 'Skäggetorp'") == [
        ("0580R018",)
    ]


def test_regso_code_matches_in_a_later_file(store):
    import_ok(store, workbook([LONG, ["ARBL", "Ryd", 2019, 1]], Områden=AREAS_WITH_CODES))
    import_ok(
        store,
        workbook(
            [["Indikator", "RegSO", "År", "Värde"], ["ARBL", "0580R018_RegSO2025", 2020, 2]],
            defs=None,
        ),
    )
    assert stored(store)[-1] == ("ARBL", "Skäggetorp", 2020, "T", 2.0, None)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (
            "20 Dalarnas län",
            f"Okänt område ”20 Dalarnas län”. Giltiga värden: {KNOWN_AREAS}. " + ADD_AREA_HINT,
        ),
        (
            "0580R001_RegSO2025",
            f"Okänt område ”0580R001_RegSO2025”. Giltiga värden: {KNOWN_AREAS}. " + ADD_AREA_HINT,
        ),
        (
            "0580R018 Linköping (Skäggetorp-Tornby)",
            f"Okänt område ”0580R018 Linköping (Skäggetorp-Tornby)”. Giltiga värden: {KNOWN_AREAS}. "
            + ADD_AREA_HINT,
        ),
        ("Bergaa", "Okänt område ”Bergaa”. Menade du Berga? " + ADD_AREA_HINT),
    ],
)
def test_unknown_area_says_how_to_add_it(store, cell, message):
    issues = import_refused(store, workbook([LONG, ["ARBL", cell, 2020, 1]]))
    assert errors(issues) == [(message, "Data", 2, "Område", cell)]


def test_add_districts_adds_comparison_areas_in_the_same_batch(defs_store):
    text = (
        "Indikator;Kommunkod;Kommun;År;Värde\nARBL;0581;0581 Norrköping;2020;5\n"
        "ARBL;0580;Linköping;2020;7\n"
    )
    result = import_ok(defs_store, text_file(text, o.build(add_districts=True), name="jämför.csv"))
    assert_warned(
        result.issues,
        [
            (
                "1 okänt område läggs till som jämförelseområde (--add-districts): Norrköping.",
                "",
                None,
                "",
                "",
            )
        ],
    )
    (batch_id,) = result.batch_ids
    added = (
        "SELECT code, name, district_type, region_code, batch_id FROM current_district "
        "WHERE district_type = 'jämförelse'"
    )
    assert rows(defs_store, added) == [("Norrköping", "Norrköping", "jämförelse", "0581", batch_id)]
    assert stored(defs_store) == [
        ("ARBL", "Linköping", 2020, "T", 7.0, None),
        ("ARBL", "Norrköping", 2020, "T", 5.0, None),
    ]
    # A later file names it by its code alone, without the option.
    later = text_file("Indikator;Kommunkod;År;Värde\nARBL;581;2021;6\n", name="b.csv")
    import_ok(defs_store, later)
    assert stored(defs_store)[-1] == ("ARBL", "Norrköping", 2021, "T", 6.0, None)
    # Rolling back the batch removes the area with its values.
    defs_store.set_batch_state(batch_id, False, "x")
    assert rows(defs_store, added) == []
    assert ("Norrköping",) not in rows(defs_store, "SELECT code FROM current_district")


def test_add_districts_strips_the_leading_code_of_the_name(store):
    result = import_ok(
        store,
        workbook([LONG, ["ARBL", "20 Dalarnas län", 2020, 1]], options=o.build(add_districts=True)),
    )
    (batch_id,) = result.batch_ids
    assert rows(
        store,
        "SELECT code, name, district_type, region_code, batch_id FROM "
        "current_district WHERE district_type = 'jämförelse'",
    ) == [("Dalarnas län", "Dalarnas län", "jämförelse", "20", batch_id)]
    assert stored(store) == [("ARBL", "Dalarnas län", 2020, "T", 1.0, None)]
    store.set_batch_state(batch_id, False, "x")
    named = "SELECT count(*) FROM current_district WHERE name = 'Dalarnas län'"
    assert rows(store, named) == [(0,)]
    assert stored(store) == []


# --- missing values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "marker"),
    [
        (None, None),
        ("..", ".."),
        (".", "."),
        ("-", "-"),
        ("–", "–"),
        ("NA", "NA"),
        ("NaN", "NaN"),
        (" .. ", ".."),
    ],
)
def test_missing_value_markers_are_stored_as_missing(store, cell, marker):
    import_ok(store, workbook([LONG, ["ARBL", "Berga", 2020, cell], ["ARBL", "Ryd", 2020, 0]]))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", None, marker),
        ("ARBL", "Ryd", 2020, "T", 0.0, None),
    ]


def test_missing_value_markers_in_a_csv_and_a_wide_sheet(defs_store):
    import_ok(
        defs_store,
        text_file("Region;2020;2021;2022\nBerga;;NA;..\nRyd;-;.;3\n", o.build(indicator="ARBL")),
    )
    assert stored(defs_store) == [
        ("ARBL", "Berga", 2020, "T", None, None),
        ("ARBL", "Berga", 2021, "T", None, "NA"),
        ("ARBL", "Berga", 2022, "T", None, ".."),
        ("ARBL", "Ryd", 2020, "T", None, "-"),
        ("ARBL", "Ryd", 2021, "T", None, "."),
        ("ARBL", "Ryd", 2022, "T", 3.0, None),
    ]


@pytest.mark.parametrize("cell", ["hög", "Inf", "inf", "12 st", "ej"])
def test_other_text_in_a_value_cell_is_an_error(store, cell):
    issues = import_refused(store, workbook([LONG, ["ARBL", "Berga", 2020, cell]]))
    assert errors(issues) == [(f"”{cell}” är inget tal (Värde).", "Data", 2, "Värde", cell)]


def test_text_in_a_wide_value_cell_names_its_year_column(store):
    table = [["Indikator", "Område", "2019", "2020"], ["ARBL", "Berga", 1, "hög"]]
    issues = import_refused(store, workbook(table))
    assert errors(issues) == [("”hög” är inget tal (Värde).", "Data", 2, "2020", "hög")]


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["2011", "2011*", "2011***", "År 2011", "2011 prel.", "2011¹"])
def test_year_header_with_footnote_marks_or_a_prefix(store, header):
    import_ok(store, workbook([["Indikator", "Område", header], ["ARBL", "Berga", 4]]))
    assert stored(store) == [("ARBL", "Berga", 2011, "T", 4.0, None)]


@pytest.mark.parametrize("cell", ["2011*", "År 2011", 2011, "2011"])
def test_year_cell_with_footnote_marks_or_a_prefix(store, cell):
    import_ok(store, workbook([LONG, ["ARBL", "Berga", cell, 4]]))
    assert stored(store) == [("ARBL", "Berga", 2011, "T", 4.0, None)]


@pytest.mark.parametrize("header", ["2011-2013", "2023Q5", "2023M13", "2011/2012"])
def test_header_that_looks_like_a_period_but_cannot_be_read_is_an_error(store, header):
    table = [["Indikator", "Område", "2014", header], ["ARBL", "Berga", 1, 2]]
    issues = import_refused(store, workbook(table))
    assert errors(issues) == [
        (
            f"Kolumnrubriken ”{header}” ser ut som en period men kan inte läsas som ett år eller en "
            "del av ett år. Skriv t.ex. 2023, 2023K1 eller 2023M01, eller ta bort kolumnen.",
            "Data",
            1,
            header,
            header,
        )
    ]


def test_period_cell_that_cannot_be_read_is_an_error(store):
    issues = import_refused(
        store,
        workbook([["Indikator", "Område", "Period", "Värde"], ["ARBL", "Berga", "2023K5", 1]]),
    )
    assert errors(issues) == [
        (
            "”2023K5” är inget årtal eller ingen period (Period: t.ex. 2022, 2022K1 eller 2022M01).",
            "Data",
            2,
            "Period",
            "2023K5",
        )
    ]


def _per_year_needed(what: str, first: str, last: str, part: str) -> tuple:
    return (
        f"Perioderna är {what} ({first} … {last}), och delår sparas inte som år utan ett val. "
        "Välj hur ett år räknas fram: --per-year sum, mean, last eller en enskild delperiod "
        f"som {part} (på sidan: ”Från delår till år”).",
        "Data",
        None,
        "",
        "",
    )


MONTHS_2020 = [f"2020{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["2023K1", "2023K2"], _per_year_needed("kvartal", "2023K1", "2023K2", "K4")),
        (["2023Q1", "2023Q2"], _per_year_needed("kvartal", "2023K1", "2023K2", "K4")),
        (["2023 kv 1", "2023 kv 2"], _per_year_needed("kvartal", "2023K1", "2023K2", "K4")),
        (["2020M01", "2020M02"], _per_year_needed("månader", "2020M01", "2020M02", "M12")),
        (MONTHS_2020, _per_year_needed("månader", "2020M01", "2020M12", "M12")),
        (["2020H1", "2020H2"], _per_year_needed("halvår", "2020H1", "2020H2", "H2")),
    ],
)
def test_sub_year_periods_without_a_per_year_choice_are_one_error(store, headers, expected):
    table = [["Indikator", "Område", *headers], ["ARBL", "Berga", *range(1, len(headers) + 1)]]
    issues = import_refused(store, workbook(table))
    assert errors(issues) == [expected]


def test_sub_year_periods_in_a_period_column_without_a_choice(store):
    table = [
        ["Indikator", "Område", "Tid", "Värde"],
        ["ARBL", "Berga", "2020M01", 1],
        ["ARBL", "Berga", "2020M02", 2],
    ]
    assert errors(import_refused(store, workbook(table))) == [
        _per_year_needed("månader", "2020M01", "2020M02", "M12")
    ]


QUARTERS = ["2022K1", "2022K2", "2022K3", "2022K4", "2023K1", "2023K2"]
QUARTER_VALUES = [1, 2, 3, 4.5, 10, 20]
MONTHS = [f"2021M{m:02d}" for m in range(1, 13)] + ["2022M01"]


@pytest.mark.parametrize(
    ("periods", "values", "rule", "expected"),
    [
        (QUARTERS, QUARTER_VALUES, "sum", [(2022, 10.5)]),
        (QUARTERS, QUARTER_VALUES, "mean", [(2022, 2.625)]),
        (QUARTERS, QUARTER_VALUES, "last", [(2022, 4.5), (2023, 20.0)]),
        (QUARTERS, QUARTER_VALUES, "K4", [(2022, 4.5)]),
        (QUARTERS, QUARTER_VALUES, "Q4", [(2022, 4.5)]),
        (QUARTERS, QUARTER_VALUES, "K1", [(2022, 1.0), (2023, 10.0)]),
        (MONTHS, list(range(1, 14)), "sum", [(2021, 78.0)]),
        (MONTHS, list(range(1, 14)), "mean", [(2021, 6.5)]),
        (MONTHS, list(range(1, 14)), "M12", [(2021, 12.0)]),
        (MONTHS, list(range(1, 14)), "last", [(2021, 12.0), (2022, 13.0)]),
        ([f"2021{m:02d}" for m in range(1, 13)], list(range(1, 13)), "mean", [(2021, 6.5)]),
        (
            ["2020H1", "2020H2", "2021H1", "2021H2"],
            [1, 2, 3, 4],
            "mean",
            [(2020, 1.5), (2021, 3.5)],
        ),
        (["2020H1", "2020H2", "2021H1"], [1, 2, 5], "H2", [(2020, 2.0)]),
        (["2020H1", "2020H2", "2021H1"], [1, 2, 5], "H1", [(2020, 1.0), (2021, 5.0)]),
        (
            ["2023 kv 1", "2023 kv 2", "2023 kv 3", "2023 kv 4"],
            [1, 1, 1, 1.5],
            "sum",
            [(2023, 4.5)],
        ),
    ],
)
def test_per_year_makes_exact_yearly_values(store, periods, values, rule, expected):
    table = [["Indikator", "Område", "Period", "Värde"]] + [
        ["ARBL", "Berga", p, v] for p, v in zip(periods, values, strict=True)
    ]
    import_ok(store, workbook(table, options=o.build(per_year=rule)))
    assert [(year, value) for _, _, year, _, value, _ in stored(store)] == expected


def test_per_year_in_wide_form(store):
    table = [
        ["Indikator", "Område", "Kön", "2022K1", "2022K2", "2022K3", "2022K4"],
        ["ARBL", "Berga", "K", 1, 2, 3, 4],
        ["ARBL", "Berga", "M", 5, 6, 7, 8],
    ]
    import_ok(store, workbook(table, options=o.build(per_year="sum")))
    assert stored(store) == [
        ("ARBL", "Berga", 2022, "K", 10.0, None),
        ("ARBL", "Berga", 2022, "M", 26.0, None),
    ]


@pytest.mark.parametrize(
    ("rule", "label", "left_out"),
    [
        ("sum", "summan av årets delperioder", "År utan hela året tas inte med: 2023 (2 av 4)."),
        (
            "mean",
            "medelvärdet av årets delperioder",
            "År utan hela året tas inte med: 2023 (2 av 4).",
        ),
        ("K4", "kvartal 4 av varje år", "År utan delperioden K4 tas inte med: 2023 (2 av 4)."),
    ],
)
def test_incomplete_years_are_left_out_with_a_warning(store, rule, label, left_out):
    table = [["Indikator", "Område", "Period", "Värde"]] + [
        ["ARBL", "Berga", p, v] for p, v in zip(QUARTERS, QUARTER_VALUES, strict=True)
    ]
    result = import_ok(store, workbook(table, options=o.build(per_year=rule)))
    assert [year for _, _, year, *_ in stored(store)] == [2022]
    assert_warned(
        result.issues,
        [
            (
                f"Kvartal räknas om till år med --per-year {rule} ({label}): 6 värden blir 1.",
                "Data",
                None,
                "",
                "",
            ),
            (left_out, "Data", None, "", ""),
        ],
    )


def test_sum_of_a_year_with_a_suppressed_part_is_missing_with_its_marker(store):
    table = [["Indikator", "Område", "Period", "Värde"]] + [
        ["ARBL", "Berga", f"2022K{q}", v] for q, v in zip(range(1, 5), [1, "..", 3, 4], strict=True)
    ]
    import_ok(store, workbook(table, options=o.build(per_year="sum")))
    assert stored(store) == [("ARBL", "Berga", 2022, "T", None, "..")]


@pytest.mark.parametrize(
    ("periods", "rule", "message"),
    [
        (
            ["2023K1", "2023"],
            "sum",
            "Bladet blandar hela år och kvartal i perioderna (2023K1 …). Importera dem som separata "
            "filer.",
        ),
        (
            ["2023K1", "2023M01"],
            "sum",
            "Bladet blandar olika sorters delår (t.ex. kvartal och månader). Importera dem som "
            "separata filer.",
        ),
        (
            ["2020H1", "2020H2"],
            "K4",
            "--per-year K4 passar inte perioderna, som är halvår (2020H1 …). Välj t.ex. H2.",
        ),
    ],
)
def test_per_year_refusals(store, periods, rule, message):
    table = [
        ["Indikator", "Område", "Period", "Värde"],
        *(["ARBL", "Berga", p, 1] for p in periods),
    ]
    issues = import_refused(store, workbook(table, options=o.build(per_year=rule)))
    assert errors(issues) == [(message, "Data", None, "", "")]


def test_two_columns_for_the_same_year_the_later_one_is_used(store):
    table = [["Indikator", "Område", "2010*", "2010**", "2011"], ["ARBL", "Berga", 1, 2, 3]]
    result = import_ok(store, workbook(table))
    assert stored(store) == [
        ("ARBL", "Berga", 2010, "T", 2.0, None),
        ("ARBL", "Berga", 2011, "T", 3.0, None),
    ]
    assert_warned(
        result.issues,
        [
            (
                "Perioden 2010 finns i flera kolumner: ”2010*”, ”2010**”. Den sista (”2010**”) används, "
                "de andra hoppas över.",
                "Data",
                None,
                "2010**",
                "2010**",
            )
        ],
    )


def test_two_columns_for_the_same_month_the_later_one_is_used(store):
    headers = ["201001*", "201001**", *(f"2010{m:02d}" for m in range(2, 13))]
    table = [["Indikator", "Område", *headers], ["ARBL", "Berga", 1, 2, *range(3, 14)]]
    result = import_ok(store, workbook(table, options=o.build(per_year="M01")))
    assert stored(store) == [("ARBL", "Berga", 2010, "T", 2.0, None)]
    assert (
        "Perioden 201001 finns i flera kolumner: ”201001*”, ”201001**”. Den sista (”201001**”) "
        "används, de andra hoppas över.",
        "Data",
        None,
        "201001**",
        "201001**",
    ) in warnings(result.issues)


# --- sex ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("totalt", "T"),
        ("samtliga", "T"),
        ("båda könen", "T"),
        ("kvinnor och män", "T"),
        ("Kvinnor och män", "T"),
        ("alla", "T"),
        ("1+2", "T"),
        ("T", "T"),
        ("kvinnor", "K"),
        ("kvinna", "K"),
        ("flickor", "K"),
        ("2", "K"),
        (2, "K"),
        ("K", "K"),
        ("män", "M"),
        ("man", "M"),
        ("pojkar", "M"),
        ("1", "M"),
        (1, "M"),
        ("M", "M"),
    ],
)
def test_sex_aliases(store, cell, sex):
    import_ok(
        store,
        workbook([["Indikator", "Område", "År", "Kön", "Värde"], ["ARBL", "Berga", 2020, cell, 1]]),
    )
    assert stored(store) == [("ARBL", "Berga", 2020, sex, 1.0, None)]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("x", "Okänt kön ”x”. Giltiga värden: Totalt, Kvinnor, Män."),
        ("3", "Okänt kön ”3”. Giltiga värden: Totalt, Kvinnor, Män."),
        ("Kvinnorna", "Okänt kön ”Kvinnorna”. Menade du Kvinnor?"),
    ],
)
def test_unknown_sex_is_an_error(store, cell, message):
    issues = import_refused(
        store,
        workbook([["Indikator", "Område", "År", "Kön", "Värde"], ["ARBL", "Berga", 2020, cell, 1]]),
    )
    assert errors(issues) == [(message, "Data", 2, "Kön", cell)]


# --- the indicator, given once ------------------------------------------------------------


def test_file_without_an_indicator_column_is_one_error_naming_the_option(store):
    table = [["Område", "År", "Värde"], ["Berga", 2020, 1], ["Ryd", 2020, 2]]
    assert errors(import_refused(store, workbook(table))) == [(NO_INDICATOR, "Data", None, "", "")]


@pytest.mark.parametrize("indicator", ["ARBL", "arbl", "Arbetslöshet", " arbetslöshet "])
def test_indicator_given_for_the_whole_file(store, indicator):
    table = [["Område", "År", "Värde"], ["Berga", 2020, 1], ["Ryd", 2021, 2]]
    import_ok(store, workbook(table, options=o.build(indicator=indicator)))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", 1.0, None),
        ("ARBL", "Ryd", 2021, "T", 2.0, None),
    ]


@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        (
            "XYZ",
            "--indicator XYZ: Okänd indikator ”XYZ”. Giltiga värden: Arbetslöshet." + MUST_EXIST,
        ),
        (
            "Arbetslösh",
            "--indicator Arbetslösh: Okänd indikator ”Arbetslösh”. Menade du "
            "Arbetslöshet?" + MUST_EXIST,
        ),
    ],
)
def test_unknown_indicator_option_is_an_error(store, indicator, message):
    table = [["Område", "År", "Värde"], ["Berga", 2020, 1]]
    issues = import_refused(store, workbook(table, options=o.build(indicator=indicator)))
    assert errors(issues) == [(message, "Data", None, "", "")]


@pytest.mark.parametrize("header", ["Arbetslöshet", "ARBL", "arbetslöshet"])
def test_value_column_named_after_a_known_indicator(store, header):
    result = import_ok(store, workbook([["Område", "År", header], ["Berga", 2020, 3]]))
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 3.0, None)]
    assert (
        "Värdekolumnen heter som indikatorn ARBL (Arbetslöshet); värdena läses som den.",
        "Data",
        None,
        header,
        "",
    ) in warnings(result.issues)


@pytest.mark.parametrize("header", ["Andel", "Ohälsotalet", "antal nystartade företag"])
def test_measure_named_value_column_mapped_with_column_option(store, header):
    table = [["Område", "År", header, "Antal"], ["Berga", 2020, 3, 99]]
    options = o.build(indicator="ARBL", columns=[f"Värde={header}"])
    import_ok(store, workbook(table, options=options))
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 3.0, None)]


def test_the_one_numeric_extra_column_is_inferred_as_the_value(store):
    table = [
        ["Område", "År", "Ålder", "Andel"],
        ["Berga", 2020, "16-24", 3],
        ["Ryd", 2020, "16-24", ".."],
    ]
    result = import_ok(store, workbook(table, options=o.build(indicator="ARBL")))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", 3.0, None),
        ("ARBL", "Ryd", 2020, "T", None, ".."),
    ]
    assert (
        "Kolumnen ”Andel” läses som värde: den är den enda kolumnen med tal. Är det fel, ange "
        "värdekolumnen med --column Värde=RUBRIK.",
        "Data",
        1,
        "Andel",
        "",
    ) in warnings(result.issues)


def test_two_numeric_extra_columns_need_a_choice(store):
    table = [["Område", "År", "Andel", "Antal"], ["Berga", 2020, 1, 5]]
    issues = import_refused(store, workbook(table, options=o.build(indicator="ARBL")))
    assert errors(issues) == [
        (
            "Bladet har ingen kolumn med värden (Värde eller Value). Kolumner som kan vara värden: "
            "”Andel”, ”Antal”. Ange vilken kolumn som håller värdena med --column Värde=RUBRIK, t.ex. "
            "--column Värde=Antal (på sidan: rollen Värde).",
            "Data",
            None,
            "",
            "",
        )
    ]


def test_column_option_naming_no_header_is_an_error(store):
    table = [["Område", "År", "Andel"], ["Berga", 2020, 1]]
    options = o.build(indicator="ARBL", columns=["Värde=Ohälsotalet"])
    assert errors(import_refused(store, workbook(table, options=options))) == [
        ("--column Värde=Ohälsotalet: filen har ingen kolumn ”Ohälsotalet”.", "", None, "", "")
    ]


# --- extra breakdowns ---------------------------------------------------------------------

AGES = [
    ["Indikator", "Område", "År", "Ålder", "Värde"],
    ["ARBL", "Berga", 2020, "16-24", 1],
    ["ARBL", "Berga", 2020, "25-64", 2],
    ["ARBL", "Ryd", 2020, "16-24", 3],
]


def test_an_extra_column_is_ignored_with_a_warning(store):
    result = import_ok(store, workbook([AGES[0], AGES[1], AGES[3]]))
    assert stored(store) == [
        ("ARBL", "Berga", 2020, "T", 1.0, None),
        ("ARBL", "Ryd", 2020, "T", 3.0, None),
    ]
    assert_warned(
        result.issues,
        [("Kolumnen ”Ålder” ingår inte i formatet och hoppas över.", "Data", 1, "Ålder", "")],
    )


def test_rows_that_collide_name_the_extra_column_once(store):
    issues = import_refused(store, workbook(AGES))
    assert errors(issues) == [
        (
            "2 rader har samma indikator, område, period och kön som en annan rad. De skiljer sig i "
            "kolumnen ”Ålder”, som inte ingår i formatet: 16-24, 25-64. Behåll ett värde med --where "
            "Ålder=16-24 (på sidan: ”Behåll bara rader där”), eller läs bara vissa blad med --sheet.",
            "Data",
            2,
            "",
            "",
        )
    ]


def test_rows_that_collide_without_an_extra_column(store):
    table = [LONG, ["ARBL", "Berga", 2020, 1], ["ARBL", "Berga", 2020, 2]]
    issues = import_refused(store, workbook(table))
    assert errors(issues) == [
        (
            "Värdet för ARBL, Berga, 2020, kön T finns redan på rad 2.",
            "Data",
            3,
            "Indikator",
            "ARBL",
        )
    ]


@pytest.mark.parametrize(
    ("keep", "expected"),
    [
        ("Ålder=25-64", [("ARBL", "Berga", 2020, "T", 2.0, None)]),
        (
            "ålder = 16-24",
            [("ARBL", "Berga", 2020, "T", 1.0, None), ("ARBL", "Ryd", 2020, "T", 3.0, None)],
        ),
    ],
)
def test_where_keeps_one_value_of_the_extra_column(store, keep, expected):
    result = import_ok(store, workbook(AGES, options=o.build(where=[keep])))
    assert stored(store) == expected
    header, value = (part.strip() for part in keep.split("="))
    assert_warned(
        result.issues,
        [
            (
                f"Bara raderna där {header}={value} läses (--where): {len(expected)} av 3 rader.",
                "Data",
                None,
                "",
                "",
            )
        ],
    )


def test_where_matches_a_number_as_written(store):
    table = [
        ["Indikator", "Område", "År", "Månad", "Värde"],
        ["ARBL", "Berga", 2020, 9, 1],
        ["ARBL", "Berga", 2020, 10, 2],
    ]
    import_ok(store, workbook(table, options=o.build(where=["Månad=09"])))
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 1.0, None)]


@pytest.mark.parametrize(
    ("keep", "message", "column"),
    [
        (
            "Månad=09",
            "--where Månad=09: bladet har ingen kolumn ”Månad”. Kolumnerna heter "
            "”Indikator”, ”Område”, ”År”, ”Värde”, ”Ålder”. (Läs bara vissa blad med "
            "--sheet.)",
            "",
        ),
        (
            "Ålder=99",
            "--where Ålder=99: inga rader har det värdet. Kolumnen ”Ålder” har: 16-24, 25-64.",
            "Ålder",
        ),
    ],
)
def test_where_refusals(store, keep, message, column):
    issues = import_refused(store, workbook(AGES, options=o.build(where=[keep])))
    assert errors(issues) == [(message, "Data", None, column, "")]


# --- names --------------------------------------------------------------------------------

NAMED_DEFS = [
    INDICATORS_HEADER,
    ["AP", "Andel arbetslösa (%)", "%", "nej"],
    ["AA", "Andel arbetslösa (antal)", "antal", "nej"],
    ["EB", "Invånare med ekonomiskt bistånd", "%", "nej"],
    ["KV", "Kvinnor", "antal", "ja"],
]
NAMED_LISTED = (
    "Andel arbetslösa (antal), Andel arbetslösa (%), Invånare med ekonomiskt bistånd, Kvinnor"
)


def test_names_that_differ_in_their_unit_stay_apart(store):
    table = [
        LONG,
        ["Andel arbetslösa (%)", "Berga", 2020, 5],
        ["andel  arbetslösa (antal)", "Berga", 2020, 50],
        ["ANDEL ARBETSLÖSA (%)", "Ryd", 2020, 6],
        [" Andel arbetslösa (antal) ", "Ryd", 2020, 60],
    ]
    import_ok(store, workbook(table, defs=NAMED_DEFS))
    assert stored(store) == [
        ("AA", "Berga", 2020, "T", 50.0, None),
        ("AA", "Ryd", 2020, "T", 60.0, None),
        ("AP", "Berga", 2020, "T", 5.0, None),
        ("AP", "Ryd", 2020, "T", 6.0, None),
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        # Names that merely share words are not offered.
        (
            "Andel arbetslösa",
            f"Okänd indikator ”Andel arbetslösa”. Giltiga värden: {NAMED_LISTED}.",
        ),
        (
            "Invånare 0-19 år i ekonomiskt utsatta hushåll, andel (%)",
            "Okänd indikator ”Invånare 0-19 år i ekonomiskt utsatta hushåll, andel (%)”. Giltiga "
            f"värden: {NAMED_LISTED}.",
        ),
        ("Kvinnor och män", f"Okänd indikator ”Kvinnor och män”. Giltiga värden: {NAMED_LISTED}."),
        # A near-identical spelling is.
        (
            "Invånare med ekonomiskt bistand",
            "Okänd indikator ”Invånare med ekonomiskt bistand”. Menade du Invånare med ekonomiskt "
            "bistånd?",
        ),
    ],
)
def test_suggestions_only_when_very_likely_the_same(store, cell, message):
    issues = import_refused(store, workbook([LONG, [cell, "Berga", 2020, 5]], defs=NAMED_DEFS))
    assert errors(issues) == [(message + MUST_EXIST, "Data", 2, "Indikator", cell)]


def test_a_district_called_kvinnor_och_man_gets_no_kvinnor_suggestion(store):
    districts = [["Kod", "Namn", "Typ"], ["Kvinnor", "Kvinnor", "jämförelse"]]
    issues = import_refused(
        store, workbook([LONG, ["ARBL", "Kvinnor och män", 2020, 5]], Områden=districts)
    )
    assert errors(issues) == [
        (
            f"Okänt område ”Kvinnor och män”. Giltiga värden: {KNOWN_AREAS}, Kvinnor. "
            + ADD_AREA_HINT,
            "Data",
            2,
            "Område",
            "Kvinnor och män",
        )
    ]


def test_exact_name_with_unit_matches_the_indicator_without_one(store):
    import_ok(
        store,
        workbook(
            [LONG, ["Invånare med ekonomiskt bistånd (%)", "Berga", 2020, 5]], defs=NAMED_DEFS
        ),
    )
    assert stored(store) == [("EB", "Berga", 2020, "T", 5.0, None)]


# --- grouped report -----------------------------------------------------------------------


def test_the_same_problem_on_400_rows_is_one_line(store):
    table = [LONG, *(["X", "Berga", 2020, n] for n in range(400))]
    before = store.table_contents()
    result = import_files(store, [workbook(table)], "tester")
    assert result.status == "refused"
    assert store.table_contents() == before
    assert len(result.check.issues) == 400
    assert [where(i)[1:] for i in result.check.issues] == [
        ("Data", row, "Indikator", "X") for row in range(2, 402)
    ]
    (group,) = result.check.grouped
    assert (group.severity, group.sheet, group.column, group.count, group.values) == (
        "error",
        "Data",
        "Indikator",
        400,
        ("X",),
    )
    assert group.rows == tuple(range(2, 402))
    assert group.text == ("rad 2–401, 400 rader: Okänd indikator." + MUST_EXIST + " (värde: ”X”)")


# --- source -------------------------------------------------------------------------------


def test_source_is_the_cell_else_the_definition_never_the_example_source(store):
    defs = [
        [*INDICATORS_HEADER, "Källa"],
        ["A", "Alfa", "%", "nej", "SCB"],
        ["B", "Beta", "%", "nej", "Exempelvärde"],
        ["C", "Gamma", "%", "nej", None],
    ]
    table = [
        [*LONG, "Källa"],
        ["A", "Berga", 2020, 1, None],
        ["A", "Ryd", 2020, 2, "Kolada"],
        ["B", "Berga", 2020, 3, None],
        ["B", "Ryd", 2020, 4, "Egen enkät"],
        ["C", "Berga", 2020, 5, None],
    ]
    import_ok(store, workbook(table, defs=defs, name="källor.xlsx"))
    assert rows(
        store,
        "SELECT indicator_code, district_code, source FROM current_indicator_value ORDER BY 1, 2",
    ) == [
        ("A", "Berga", "SCB"),
        ("A", "Ryd", "Kolada"),
        ("B", "Berga", "Importerad fil: källor.xlsx"),
        ("B", "Ryd", "Egen enkät"),
        ("C", "Berga", "Importerad fil: källor.xlsx"),
    ]


def test_a_stored_example_source_never_labels_a_later_import(store):
    defs = [[*INDICATORS_HEADER, "Källa"], ["B", "Beta", "%", "nej", "Exempelvärde"]]
    import_ok(store, xlsx_file({"Indikatorer": defs}, "definitioner.xlsx"))
    import_ok(store, text_file("Indikator;Område;År;Värde\nB;Ryd;2021;4\n", name="beta 2021.csv"))
    assert rows(store, "SELECT source FROM current_indicator_value") == [
        ("Importerad fil: beta 2021.csv",)
    ]


# --- import profiles ----------------------------------------------------------------------

PROFILE_TABLE = [
    ["Område", "Ålder", "2020", "2021"],
    ["Berga", "16-24", 1, 2],
    ["Berga", "25-64", 3, 4],
]


def test_a_profile_is_saved_with_the_import_and_offered_for_the_same_header(defs_store):
    options = o.build(
        indicator="ARBL", where=["Ålder=16-24"], add_districts=True, save_as="AF ungdomar"
    )
    first = UploadedFile("af 2021.xlsx", make_xlsx({"Data": PROFILE_TABLE}), options)
    result = import_files(defs_store, [first], "tester")
    assert result.status == "imported"
    assert stored(defs_store) == [
        ("ARBL", "Berga", 2020, "T", 1.0, None),
        ("ARBL", "Berga", 2021, "T", 2.0, None),
    ]
    (profile_batch,) = result.profile_batch_ids
    assert profile_batch not in result.batch_ids
    assert defs_store.batch(profile_batch)["kind"] == "profile"
    profiles = defs_store.profiles()
    assert list(profiles["name"]) == ["AF ungdomar"]
    assert list(profiles["saved_by"]) == ["tester"]
    assert list(profiles["batch_id"]) == [profile_batch]
    loaded = load_profile(defs_store, "af ungdomar")
    assert loaded == replace(options, save_as=None, profile="AF ungdomar")
    assert load_profile(defs_store, "finns inte") is None

    # Next year's export: one more year column, same header otherwise.
    next_year = [[*PROFILE_TABLE[0], "2022"], [*PROFILE_TABLE[1], 5], [*PROFILE_TABLE[2], 6]]
    data = make_xlsx({"Data": next_year})
    check = check_files(defs_store, [UploadedFile("af 2022.xlsx", data)])
    assert check.files[0].matching_profiles == ["AF ungdomar"]
    import_ok(defs_store, UploadedFile("af 2022.xlsx", data, loaded))
    assert stored(defs_store)[-1] == ("ARBL", "Berga", 2022, "T", 5.0, None)


def test_a_profile_for_a_long_layout_matches_a_longer_file(defs_store):
    table = [["Område", "År", "Andel"], ["Berga", 2020, 1]]
    options = o.build(indicator="ARBL", columns=["Värde=Andel"], save_as="andel")
    import_ok(defs_store, UploadedFile("a.xlsx", make_xlsx({"Data": table}), options))
    longer = make_xlsx({"Blad1": [*table, ["Ryd", 2021, 2]]})
    assert check_files(defs_store, [UploadedFile("b.xlsx", longer)]).files[0].matching_profiles == [
        "andel"
    ]


def test_a_profile_is_not_offered_for_another_header(defs_store):
    options = o.build(indicator="ARBL", where=["Ålder=25-64"], save_as="AF ungdomar")
    import_ok(defs_store, UploadedFile("a.xlsx", make_xlsx({"Data": PROFILE_TABLE}), options))
    other = make_xlsx({"Data": [["Område", "Kön", "2020"], ["Berga", "T", 1]]})
    assert check_files(defs_store, [UploadedFile("b.xlsx", other)]).files[0].matching_profiles == []


# --- unrecognised files and sheets --------------------------------------------------------


def test_unrecognised_csv_names_what_it_lacks_and_the_accepted_names(defs_store):
    issues = import_refused(defs_store, text_file("Indikator;Område;Värde\nARBL;Berga;5\n"))
    assert errors(issues) == [
        (
            "Filen liknar indikatorvärden men saknar kolumn för år eller period. Godtagna rubriker för "
            "år eller period: År, Year, Tid, Period (eller en kolumn per år: 2018, 2019 …). Har "
            "kolumnen ett annat namn, ange den med --column År=RUBRIK (på sidan: rollen för kolumnen).",
            "",
            None,
            "",
            "",
        )
    ]


AREA_LACKING = (
    "liknar indikatorvärden men saknar kolumn för område. Godtagna rubriker för område: Område, "
    "Stadsdel, Kommun, Region, Län, RegSO, DeSO, Municipality (eller en kod: Regionkod, Kommunkod, "
    "municipality_id). Har kolumnen ett annat namn, ange den med --column Område=RUBRIK (på "
    "sidan: rollen för kolumnen)."
)


def test_unrecognised_sheet_names_what_it_lacks_and_the_accepted_names(store):
    file = xlsx_file({"Blad1": [["Namn", "2020", "2021"], ["Berga", 1, 2]]})
    issues = import_refused(store, file)
    assert errors(issues) == [
        ("Filen innehåller inget blad som känns igen, så inget kan importeras.", "", None, "", "")
    ]
    assert warnings(issues) == [(f"Bladet ”Blad1” {AREA_LACKING}", "Blad1", None, "", "")]


def test_values_sheet_by_name_lacking_its_area_column_is_an_error(store):
    file = xlsx_file({"Indikatorvärden": [["Namn", "2020", "2021"], ["Berga", 1, 2]]})
    assert errors(import_refused(store, file)) == [
        (f"Bladet ”Indikatorvärden” {AREA_LACKING}", "Indikatorvärden", None, "", "")
    ]


# --- JSON end to end ----------------------------------------------------------------------

KOLADA_DEFS = [INDICATORS_HEADER, ["N00945", "Andel arbetslösa 16-64 år (%)", "%", "nej"]]


def kolada_value(gender, value, status=""):
    return {"count": 1, "gender": gender, "status": status, "value": value}


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_kolada_json_imports_with_no_options(store, version):
    import_ok(store, xlsx_file({"Indikatorer": KOLADA_DEFS}, "definitioner.xlsx"))
    area_key, period = ("municipality", 2020) if version == "v2" else ("municipality_id", "2020")
    records = [
        {
            "kpi": "N00945",
            area_key: "0580",
            "period": period,
            "values": [kolada_value("K", 7.0), kolada_value("M", 7.25), kolada_value("T", 7.1)],
        },
        {
            "kpi": "N00945",
            area_key: "0580",
            "period": 2021,
            "values": [kolada_value("K", None), kolada_value("T", 6.9)],
        },
    ]
    document = {"count": 2, "values": records, "next_page": None, "previous_page": None}
    result = import_ok(store, json_file(document, name="kolada_N00945.json"))
    assert [i for i in result.issues if i.is_error] == []
    assert stored(store) == [
        ("N00945", "Linköping", 2020, "K", 7.0, None),
        ("N00945", "Linköping", 2020, "M", 7.25, None),
        ("N00945", "Linköping", 2020, "T", 7.1, None),
        ("N00945", "Linköping", 2021, "K", None, None),
        ("N00945", "Linköping", 2021, "T", 6.9, None),
    ]
    assert rows(store, "SELECT DISTINCT source FROM current_indicator_value") == [
        ("Importerad fil: kolada_N00945.json",)
    ]


def scb_dataset(measure: str | None) -> dict:
    """SCB's PxWebApi 2 style: Region × Kon (1, 2, 1+2) [× ContentsCode] × Tid, a '..' cell."""
    ids = ["Region", "Kon", *(["ContentsCode"] if measure else []), "Tid"]
    dimension = {
        "Region": {
            "label": "region",
            "category": {"index": {"0580": 0}, "label": {"0580": "Linköping"}},
        },
        "Kon": {
            "label": "kön",
            "category": {
                "index": {"1": 0, "2": 1, "1+2": 2},
                "label": {"1": "män", "2": "kvinnor", "1+2": "totalt"},
            },
        },
        "Tid": {"label": "år", "category": {"index": {"2022": 0, "2023": 1}}},
    }
    if measure:
        dimension["ContentsCode"] = {
            "label": "tabellinnehåll",
            "category": {"index": {"AM01": 0}, "label": {"AM01": measure}},
        }
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Arbetslöshet efter region, kön och år",
        "source": "SCB",
        "id": ids,
        "size": [1, 3, *([1] if measure else []), 2],
        "dimension": dimension,
        "role": {"time": ["Tid"], **({"metric": ["ContentsCode"]} if measure else {})},
        "value": [6.0, 6.2, 5.8, None, 5.9, 6.1],
        "status": {"3": ".."},
    }


SCB_STORED = [
    ("ARBL", "Linköping", 2022, "K", 5.8, None),
    ("ARBL", "Linköping", 2022, "M", 6.0, None),
    ("ARBL", "Linköping", 2022, "T", 5.9, None),
    ("ARBL", "Linköping", 2023, "K", None, ".."),
    ("ARBL", "Linköping", 2023, "M", 6.2, None),
    ("ARBL", "Linköping", 2023, "T", 6.1, None),
]


def test_jsonstat_without_a_measure_imports_with_indicator_only(defs_store):
    import_ok(defs_store, json_file(scb_dataset(None), o.build(indicator="ARBL"), name="scb.json"))
    assert stored(defs_store) == SCB_STORED


def test_jsonstat_without_a_measure_needs_the_indicator(defs_store):
    issues = import_refused(defs_store, json_file(scb_dataset(None), name="scb.json"))
    assert errors(issues) == [(NO_INDICATOR, "scb", None, "", "")]


@pytest.mark.parametrize(
    "options", [o.ImportOptions(), o.build(indicator="ARBL")], ids=["no-options", "indicator"]
)
def test_jsonstat_measure_label_naming_a_defined_indicator(defs_store, options):
    import_ok(defs_store, json_file(scb_dataset("Arbetslöshet"), options, name="scb.json"))
    assert stored(defs_store) == SCB_STORED


def test_jsonstat_measure_label_that_is_no_indicator_is_reported_in_the_mått_column(defs_store):
    issues = import_refused(
        defs_store, json_file(scb_dataset("Andel arbetslösa, procent"), name="scb.json")
    )
    message = (
        "Okänd indikator ”Andel arbetslösa, procent”. Giltiga värden: Arbetslöshet." + MUST_EXIST
    )
    assert errors(issues) == [
        (message, "scb", row, "mått", "Andel arbetslösa, procent") for row in range(2, 8)
    ]


# --- options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"columns": ["Färg=Andel"]},
            "--column Färg=Andel: okänd roll ”Färg”. Välj en av Område, Regionkod, År, Period, Värde, "
            "Kön, Indikator, Mål, Källa.",
        ),
        (
            {"columns": ["Värde"]},
            "--column Värde: skriv ROLL=VÄRDE, t.ex. --column Värde=Ohälsotalet.",
        ),
        (
            {"columns": ["=Andel"]},
            "--column =Andel: skriv ROLL=VÄRDE, t.ex. --column Värde=Ohälsotalet.",
        ),
        (
            {"columns": ["Värde=Andel", "value=Antal"]},
            "--column: rollen Värde är given 2 gånger; ge den en gång.",
        ),
        (
            {"columns": ["År=Tid", "Period=År"]},
            "--column: rollen År är given 2 gånger; ge den en gång.",
        ),
        (
            {"per_year": "median"},
            "--per-year median: välj sum, mean, last, K1–K4, Q1–Q4, M01–M12, H1 eller H2.",
        ),
        (
            {"per_year": "K5"},
            "--per-year K5: välj sum, mean, last, K1–K4, Q1–Q4, M01–M12, H1 eller H2.",
        ),
        (
            {"per_year": "M13"},
            "--per-year M13: välj sum, mean, last, K1–K4, Q1–Q4, M01–M12, H1 eller H2.",
        ),
        ({"where": ["Månad"]}, "--where Månad: skriv KOLUMN=VÄRDE, t.ex. --where Månad=09."),
        ({"save_as": "  "}, "--save-profile: ge profilen ett namn."),
    ],
)
def test_option_errors(kwargs, message):
    with pytest.raises(o.OptionError) as caught:
        o.build(**kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("per_year", "expected"),
    [
        ("sum", "sum"),
        (" SUM ", "sum"),
        ("Mean", "mean"),
        ("last", "last"),
        ("k4", "K4"),
        ("Q4", "K4"),
        ("M12", "M12"),
        ("m01", "M01"),
        ("h2", "H2"),
    ],
)
def test_per_year_choices_are_normalised(per_year, expected):
    assert o.build(per_year=per_year).per_year == expected


def test_build_keeps_every_choice():
    options = o.build(
        indicator=" ARBL ",
        columns=["värde=Andel", "area=Kommun"],
        where=["Månad=09"],
        per_year="K4",
        add_districts=True,
        sheets=["Blad 1"],
        save_as=" AF ",
    )
    assert options == o.ImportOptions(
        indicator="ARBL",
        columns=(("Värde", "Andel"), ("Område", "Kommun")),
        where=(("Månad", "09"),),
        per_year="K4",
        add_districts=True,
        sheets=("Blad 1",),
        save_as="AF",
    )


# --- cases found when the rules above were first run ----------------------------------------


def test_pxweb_with_the_period_column_first_and_a_footnote(store):
    """The note under the table is not taken for the period column's content."""
    table = [
        ["Arbetslöshet efter år och region"],
        [],
        [None, None, "Andel (%)"],
        ["2020", "0580 Linköping", 5.5],
        ["2021", "0580 Linköping", ".."],
        [],
        ["Källa: SCB"],
    ]
    result = import_ok(store, workbook(table, "Tabell", o.build(indicator="ARBL")))
    assert stored(store) == [
        ("ARBL", "Linköping", 2020, "T", 5.5, None),
        ("ARBL", "Linköping", 2021, "T", None, ".."),
    ]
    assert (
        "Raden under tabellen läses som en fotnot och hoppas över (”Källa: SCB”).",
        "Tabell",
        7,
        "",
        "",
    ) in warnings(result.issues)


def test_pxweb_repeats_a_stub_value_only_on_the_first_row_of_its_group(store):
    table = [
        ["Arbetslöshet efter region och år"],
        [],
        ["region", "år", "Andel (%)"],
        ["0580 Linköping", "2020", 5.5],
        [None, "2021", 6],
        ["Berga", "2020", 7],
        [None, "2021", 8],
    ]
    result = import_ok(store, workbook(table, "Tabell", o.build(indicator="ARBL")))
    assert [r[1:5] for r in stored(store)] == [
        ("Berga", 2020, "T", 7.0),
        ("Berga", 2021, "T", 8.0),
        ("Linköping", 2020, "T", 5.5),
        ("Linköping", 2021, "T", 6.0),
    ]
    assert (
        "2 tomma celler i kolumnen ”region” får värdet ovanför (PX-Web skriver ett upprepat "
        "värde bara på gruppens första rad).",
        "Tabell",
        5,
        "region",
        "",
    ) in warnings(result.issues)


def test_a_template_sheet_keeps_a_blank_area_an_error(store):
    """Filling down is for PX-Web's layout (title rows above the header), not the template."""
    issues = import_refused(
        store,
        workbook([LONG, ["ARBL", "Berga", 2020, 1], ["ARBL", None, 2021, 2]], "Indikatorvärden"),
    )
    assert errors(issues) == [
        ("Värde saknas i den obligatoriska kolumnen Område.", "Indikatorvärden", 3, "Område", "")
    ]


MEASURE = ["mått", "region", "år", "värde"]


def test_indicator_option_names_a_one_measure_column(store):
    """JSON-stat's ContentsCode and PX-Web's measure: one value, which --indicator names."""
    table = [
        MEASURE,
        ["Andel arbetslösa, procent", "Berga", 2020, 7.5],
        ["Andel arbetslösa, procent", "Ryd", 2020, 4.5],
    ]
    result = import_ok(store, workbook(table, options=o.build(indicator="ARBL")))
    assert [r[:5] for r in stored(store)] == [
        ("ARBL", "Berga", 2020, "T", 7.5),
        ("ARBL", "Ryd", 2020, "T", 4.5),
    ]
    assert (
        "Kolumnen ”mått” (”Andel arbetslösa, procent”) läses som indikatorn ARBL (--indicator).",
        "Data",
        None,
        "mått",
        "",
    ) in warnings(result.issues)


def test_indicator_option_with_several_measures_is_an_error(store):
    table = [MEASURE, ["Folkmängd", "Berga", 2020, 4800], ["Andel arbetslösa", "Berga", 2020, 7.5]]
    issues = import_refused(store, workbook(table, options=o.build(indicator="ARBL")))
    assert errors(issues) == [
        (
            "--indicator ARBL kan inte användas: kolumnen ”mått” har 2 olika indikatorer "
            "(”Folkmängd”, ”Andel arbetslösa”). Låt kolumnen ange dem, eller behåll en med --where.",
            "Data",
            None,
            "mått",
            "",
        )
    ]


def test_kolada_missing_status_is_a_missing_value(store):
    document = {
        "values": [
            {
                "kpi": "ARBL",
                "municipality": "0580",
                "period": 2020,
                "values": [
                    {"gender": "T", "status": "", "value": 6.1, "count": 1},
                    {"gender": "K", "status": "Missing", "value": None, "count": 0},
                ],
            }
        ]
    }
    import_ok(
        store, workbook([["Kod", "Namn"], ["ARBL", "Arbetslöshet"]], "Indikatorer", defs=None)
    )
    import_ok(store, json_file(document))
    assert stored(store) == [
        ("ARBL", "Linköping", 2020, "K", None, "Missing"),
        ("ARBL", "Linköping", 2020, "T", 6.1, None),
    ]


def test_six_digits_past_twelve_is_an_error_not_a_dropped_column(store):
    table = [["Område", "202001", "202002", "202013"], ["Berga", 1, 2, 3]]
    issues = import_refused(
        store, workbook(table, options=o.build(indicator="ARBL", per_year="sum"))
    )
    assert errors(issues) == [
        (
            "Kolumnrubriken ”202013” ser ut som en period men kan inte läsas som ett år eller en del "
            "av ett år. Skriv t.ex. 2023, 2023K1 eller 2023M01, eller ta bort kolumnen.",
            "Data",
            1,
            "202013",
            "202013",
        )
    ]


def test_a_named_month_reads_six_digits_as_months(store):
    """202001–202003 could be quarters (as Tillväxtanalys writes them); --per-year M03 says
    they are months."""
    table = [["Område", "202001", "202002", "202003"], ["Berga", 1, 2, 3]]
    result = import_ok(store, workbook(table, options=o.build(indicator="ARBL", per_year="M03")))
    assert stored(store) == [("ARBL", "Berga", 2020, "T", 3.0, None)]
    assert any("läses som månader (01–12)" in i.message for i in result.issues)


def test_an_example_source_cell_never_labels_an_imported_value(store):
    table = [
        [*LONG, "Källa"],
        ["ARBL", "Berga", 2020, 1, "Exempelvärde"],
        ["ARBL", "Ryd", 2020, 2, "SCB"],
    ]
    result = import_ok(store, workbook(table, name="riktig.xlsx"))
    assert rows(store, "SELECT district_code, source FROM current_indicator_value ORDER BY 1") == [
        ("Berga", "Importerad fil: riktig.xlsx"),
        ("Ryd", "SCB"),
    ]
    assert (
        "Källan ”Exempelvärde” är förbehållen exempeldata; 1 värde får källan ”Importerad "
        "fil: riktig.xlsx”.",
        "Data",
        None,
        "Källa",
        "",
    ) in warnings(result.issues)


# --- nothing readable is dropped unsaid -----------------------------------------------------


def test_cells_under_no_header_are_named_in_a_warning(plan_store):
    from conftest import followup_file

    result = import_ok(
        plan_store,
        followup_file(
            [
                ["1.1", "2022", "klar", None, None, None, "extra"],
                [None, None, None, None, None, None, "bara här"],
                ["1.10", "2022", "klar"],
            ]
        ),
    )
    assert warnings(result.issues) == [
        (
            "Kolumn G har 2 ifyllda celler men ingen rubrik och läses inte (rad 2–3). Ge den en "
            "rubrik om den ska läsas.",
            "Uppföljning",
            2,
            "kolumn G",
            "",
        ),
        (
            "1 rad har innehåll bara i kolumner som inte läses och hoppas över (rad 3).",
            "Uppföljning",
            3,
            "",
            "",
        ),
    ]
    assert rows(plan_store, "SELECT action_no FROM action_status ORDER BY 1") == [
        ("1.1",),
        ("1.10",),
    ]


def test_a_csv_row_longer_than_its_header_is_said(store):
    text = "Indikator;Område;År;Värde\nARBL;Berga;2020;1\nARBL;Ryd;2020;2;glömd anteckning\n"
    result = import_ok(
        store,
        workbook([["Kod", "Namn"], ["ARBL", "Arbetslöshet"]], "Indikatorer", defs=None),
        text_file(text, name="värden.csv"),
    )
    assert (
        "Kolumn E har 1 ifylld cell men ingen rubrik och läses inte (rad 3). Ge den en "
        "rubrik om den ska läsas.",
        "värden",
        3,
        "kolumn E",
        "",
    ) in warnings(result.issues)
    assert [r[1:5] for r in stored(store)] == [("Berga", 2020, "T", 1.0), ("Ryd", 2020, "T", 2.0)]


# --- bounds on what one check may cost --------------------------------------------------------


def test_a_report_keeps_a_thousand_issues_and_counts_the_rest(store):
    from segdash.importer import MAX_ISSUES

    table = [LONG, *(["OKÄND", "Berga", 2020, n] for n in range(1_500))]
    issues = import_refused(store, workbook(table, defs=None))
    result = check_files(store, [workbook(table, defs=None)])
    assert len(issues) == MAX_ISSUES + 1 == 1_001
    assert issues[-1].message == "… och 500 till. Den grupperade rapporten räknar med alla."
    assert result.error_count == 1_500  # every row, kept or not
    (group,) = [g for g in result.grouped if g.message.startswith("Okänd indikator")]
    assert group.count == 1_500 and group.where == "rad 2–1501, 1\u00a0500 rader"


def test_a_third_check_at_once_waits_then_is_told_to_come_back(store, monkeypatch):
    import segdash.importer as importer

    monkeypatch.setattr(importer, "CHECK_WAIT_SECONDS", 0.05)
    held = [importer._checks.acquire(blocking=False) for _ in range(importer.PARALLEL_CHECKS)]
    try:
        assert all(held)
        before = store.table_contents()
        result = import_files(store, [workbook([LONG, ["ARBL", "Berga", 2020, 1]])], "tester")
        assert result.status == "refused"
        assert [i.message for i in result.issues] == [importer.BUSY_MESSAGE]
        assert store.table_contents() == before
    finally:
        for _ in held:
            importer._checks.release()
    import_ok(store, workbook([LONG, ["ARBL", "Berga", 2020, 1]]))  # free again
