"""Finding sheets and their header rows: names in two languages, headers alone, titles above."""

from __future__ import annotations

import pytest
from conftest import (
    FOLLOWUP_HEADER,
    INDICATOR_DEFS,
    INDICATORS_HEADER,
    PLAN_2022,
    PLAN_HEADER,
    import_ok,
    import_refused,
    make_csv,
    plan_file,
    rows,
    where,
    xlsx_file,
)

from segdash.importer import UploadedFile

UNKNOWN_SHEET = (
    "Bladet ”{}” känns inte igen och hoppas över. Bladen ska heta Åtgärder, Uppföljning, "
    "Indikatorvärden, Indikatorer, Förvaltningar, Områden eller Utvecklingsområden, eller ha en "
    "rubrikrad med de obligatoriska kolumnerna."
)
ONE_FOLLOWUP = ["1.1", "2022-T1", "klar", None, None]


def stored_followup(store):
    return rows(store, "SELECT action_no, period, status FROM action_status ORDER BY action_no")


# --- sheet names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sheet",
    [
        "Uppföljning",
        "Follow-up",
        "Followup",
        "Follow up",
        "uppföljning",
        "UPPFÖLJNING",
        "  Uppföljning  ",
        "follow-UP",
        "Blad1",
    ],  # no known name: recognised by its header row alone
)
def test_followup_sheet_recognised(plan_store, sheet):
    result = import_ok(plan_store, xlsx_file({sheet: [FOLLOWUP_HEADER, ONE_FOLLOWUP]}))
    assert result.issues == []
    assert stored_followup(plan_store) == [("1.1", "2022-T1", "done")]


@pytest.mark.parametrize("sheet", ["Åtgärder", "Actions", "Åtgärdsplan", "åtgärder ", "Plan 2022"])
def test_plan_sheet_recognised(store, sheet):
    result = import_ok(store, xlsx_file({sheet: [PLAN_HEADER, *PLAN_2022]}))
    assert result.issues == []
    assert rows(store, "SELECT count(*) FROM action") == [(5,)]


@pytest.mark.parametrize("sheet", ["Indikatorvärden", "Indicator values", "Värden", "Kolada"])
def test_indicator_values_sheet_recognised(store, sheet):
    result = import_ok(
        store,
        xlsx_file(
            {
                sheet: [["Indikator", "Område", "År", "Värde"], ["ARBL", "Berga", 2021, 7]],
                "Indikatorer": [INDICATORS_HEADER, *INDICATOR_DEFS],
            }
        ),
    )
    assert result.issues == []
    stored = rows(store, "SELECT indicator_code, district_code, year, value FROM indicator_value")
    assert stored == [("ARBL", "Berga", 2021, 7.0)]


@pytest.mark.parametrize("name", ["uppföljning.csv", "export (3).csv", "data.txt"])
def test_csv_named_anything_recognised_by_header(plan_store, name):
    data = make_csv("Nr;Period;Status\n1.1;2022-T1;klar\n")
    import_ok(plan_store, UploadedFile(name, data))
    assert stored_followup(plan_store) == [("1.1", "2022-T1", "done")]


def test_unrecognised_csv_is_an_error(plan_store):
    issues = import_refused(plan_store, UploadedFile("lista.csv", make_csv("a;b;c\n1;2;3\n")))
    assert [(i.severity, i.message, i.file, i.sheet) for i in issues] == [
        (
            "error",
            "Filen känns inte igen: ingen av de första 30 raderna har rubrikerna för någon av "
            "tabellerna. Indikatorvärden behöver kolumner för område (Område, Stadsdel, Kommun, "
            "Region, Län, RegSO, DeSO, Municipality (eller en kod: Regionkod, Kommunkod, "
            "municipality_id)), år (År, Year, Tid, Period (eller en kolumn per år: 2018, 2019 …)) och "
            "värde (Värde, Value); en uppföljning Nr, Period och Status; en åtgärdsplan Nr, "
            "Utvecklingsområde, Åtgärd, Ansvarig förvaltning, Områden och Planår. Har kolumnerna "
            "andra namn, ange dem med --column, t.ex. --column Område=RUBRIK. En CSV-fil kan också "
            "döpas efter bladet den motsvarar, t.ex. Uppföljning.csv.",
            "lista.csv",
            "",
        )
    ]


def test_unknown_sheet_is_a_warning_and_the_rest_is_imported(plan_store):
    result = import_ok(
        plan_store,
        xlsx_file(
            {
                "Uppföljning": [FOLLOWUP_HEADER, ONE_FOLLOWUP],
                "Anteckningar": [["Att göra"], ["ringa Anna"]],
            }
        ),
    )
    assert [(i.severity, i.message, i.sheet) for i in result.issues] == [
        ("warning", UNKNOWN_SHEET.format("Anteckningar"), "Anteckningar")
    ]
    assert stored_followup(plan_store) == [("1.1", "2022-T1", "done")]


@pytest.mark.parametrize("helper", ["Instruktioner", "Listor", "Instructions", "lists"])
def test_template_helper_sheets_are_ignored_silently(plan_store, helper):
    result = import_ok(
        plan_store,
        xlsx_file(
            {
                helper: [["Så här fyller du i mallen"], ["Ej påbörjad", "Berga"]],
                "Uppföljning": [FOLLOWUP_HEADER, ONE_FOLLOWUP],
            }
        ),
    )
    assert result.issues == []


def test_blank_extra_sheet_is_ignored_silently(plan_store):
    result = import_ok(
        plan_store, xlsx_file({"Uppföljning": [FOLLOWUP_HEADER, ONE_FOLLOWUP], "Blad2": []})
    )
    assert result.issues == []


def test_workbook_without_any_known_sheet(plan_store):
    issues = import_refused(
        plan_store,
        xlsx_file({"Blad1": [["Namn", "Telefon"], ["Anna", "123"]]}, name="kontakter.xlsx"),
    )
    assert [(i.severity, i.message, i.sheet) for i in issues] == [
        ("error", "Filen innehåller inget blad som känns igen, så inget kan importeras.", ""),
        ("warning", UNKNOWN_SHEET.format("Blad1"), "Blad1"),
    ]


def test_header_without_rows(plan_store):
    issues = import_refused(plan_store, xlsx_file({"Uppföljning": [FOLLOWUP_HEADER]}))
    assert [(i.severity, i.message, i.sheet) for i in issues] == [
        ("error", "Filen innehåller inga rader att importera.", ""),
        ("warning", "Bladet har inga rader under rubrikraden.", "Uppföljning"),
    ]


# --- header rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("above", "data_row"),
    [
        ([], 2),
        ([["Uppföljning av åtgärdsplanen 2022"]], 3),
        ([["Uppföljning 2022"], [], ["Fyll i en rad per åtgärd och period."], []], 6),
        ([[], [], []], 5),  # blank rows only
        ([[None, "Senast ändrad", "2022-05-01"]], 3),
    ],
)
def test_title_and_blank_rows_above_header_keep_excel_row_numbers(plan_store, above, data_row):
    sheet = [*above, FOLLOWUP_HEADER, ["9.9", "2022", "klar", None, None]]
    issues = import_refused(plan_store, xlsx_file({"Uppföljning": sheet}))
    assert [where(i) for i in issues] == [
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "Uppföljning", data_row, "Nr", "9.9")
    ]


def test_blank_rows_below_header_are_skipped_and_rows_keep_their_numbers(plan_store):
    sheet = [
        FOLLOWUP_HEADER,
        [],
        ONE_FOLLOWUP,
        [None, None, None],
        [],
        ["9.9", "2022", "klar"],
        [],
        [],
    ]
    issues = import_refused(plan_store, xlsx_file({"Uppföljning": sheet}))
    assert [where(i) for i in issues] == [
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 6, "Nr", "9.9")
    ]


def test_table_starting_in_a_later_column(plan_store):
    sheet = [[None, None, "Nr", "Period", "Status"], [None, None, "9.9", "2022", "klar"]]
    issues = import_refused(plan_store, xlsx_file({"Uppföljning": sheet}))
    assert [where(i) for i in issues] == [
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 2, "Nr", "9.9")
    ]


FOLLOWUP_VALUES = ["1.1", "2022-Q2", "pågår", "12,5", "ok", "KFF", 2022]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            [
                "Nr",
                "Period",
                "Status",
                "Andel genomfört",
                "Kommentar",
                "Ansvarig förvaltning",
                "Planår",
            ],
            FOLLOWUP_VALUES,
        ),
        (
            ["Id", "Period", "Status", "Progress", "Comment", "Lead office", "Plan year"],
            FOLLOWUP_VALUES,
        ),
        (
            [
                "NR",
                "period",
                "STATUS",
                "andel GENOMFÖRT",
                "kommentar",
                "ANSVARIG förvaltning",
                "planår",
            ],
            FOLLOWUP_VALUES,
        ),
        (
            [
                " Nr ",
                "Period ",
                "  Status",
                "Andel   genomfört",
                "Kommentar",
                "Ansvarig\u00a0förvaltning",
                "Planår",
            ],
            FOLLOWUP_VALUES,
        ),
        (
            [
                "Nr",
                "Period",
                "Status",
                "Andel genomfört (%)",
                "Kommentar (fritext)",
                "Ansvarig förvaltning (kod)",
                "Planår (åååå)",
            ],
            FOLLOWUP_VALUES,
        ),
        (
            [
                "Planår",
                "Kommentar",
                "Status",
                "Ansvarig förvaltning",
                "Andel genomfört",
                "Nr",
                "Period",
            ],
            [2022, "ok", "pågår", "KFF", "12,5", "1.1", "2022-Q2"],
        ),
    ],
)
def test_header_spelling_and_order_do_not_matter(plan_store, header, row):
    result = import_ok(plan_store, xlsx_file({"Uppföljning": [header, row]}))
    assert result.issues == []
    assert rows(
        plan_store,
        "SELECT plan_year, action_no, period, status, progress, comment, "
        "reported_office FROM action_status",
    ) == [(2022, "1.1", "2022-Q2", "on_track", 12.5, "ok", "KFF")]


def test_english_plan_headers(store):
    header = [
        "Id",
        "Development area",
        "Action",
        "Description",
        "Lead office",
        "Partner offices",
        "Districts",
        "Plan year",
        "Start",
        "End",
    ]
    import_ok(
        store,
        xlsx_file(
            {"Actions": [header, ["1.1", 1, "T", "D", "KFF", "SOF", "All", 2022, 2022, 2023]]}
        ),
    )
    assert rows(
        store,
        "SELECT plan_year, action_no, area_no, title, description, lead_office, "
        "partner_offices, districts, start_when, end_when FROM action",
    ) == [
        (2022, "1.1", 1, "T", "D", "KFF", ["SOF"], ["Berga", "Ryd", "Skäggetorp"], "2022", "2023")
    ]


def test_extra_columns_are_a_warning(plan_store):
    sheet = [
        ["Uppföljning 2022"],
        [*FOLLOWUP_HEADER, "Handläggare", "Ansvarig"],
        [*ONE_FOLLOWUP, "Anna", "x"],
    ]
    result = import_ok(plan_store, xlsx_file({"Uppföljning": sheet}))
    assert [(i.severity, *where(i)) for i in result.issues] == [
        (
            "warning",
            "Kolumnen ”Handläggare” känns inte igen och hoppas över.",
            "Uppföljning",
            2,
            "Handläggare",
            "",
        ),
        (
            "warning",
            "Kolumnen ”Ansvarig” känns inte igen och hoppas över.",
            "Uppföljning",
            2,
            "Ansvarig",
            "",
        ),
    ]
    assert stored_followup(plan_store) == [("1.1", "2022-T1", "done")]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["Nr", "Period"], "Status"),
        (["Nr"], "Period, Status"),
        (["Nummer", "Tid", "Läge"], "Period, Status"),
        (["Åtgärd", "Kommentar"], "Nr, Period, Status"),
    ],
)
def test_named_sheet_missing_required_columns(plan_store, header, missing):
    issues = import_refused(plan_store, xlsx_file({"Uppföljning": [header, ["1.1"] * len(header)]}))
    assert [(i.severity, i.message, i.sheet, i.row) for i in issues] == [
        (
            "error",
            f"Bladet ”Uppföljning” saknar rubrikraden: kolumnerna {missing} hittades inte bland de "
            "första 30 raderna.",
            "Uppföljning",
            None,
        )
    ]


def test_plan_sheet_missing_required_columns(store):
    header = ["Nr", "Åtgärd", "Ansvarig förvaltning", "Planår"]
    issues = import_refused(store, xlsx_file({"Åtgärder": [header, ["1.1", "T", "KFF", 2022]]}))
    assert [i.message for i in issues] == [
        "Bladet ”Åtgärder” saknar rubrikraden: kolumnerna Utvecklingsområde, Områden hittades "
        "inte bland de första 30 raderna."
    ]


# --- several sheets in one workbook -------------------------------------------------------


def test_plan_and_followup_in_one_workbook_are_one_batch(store):
    result = import_ok(
        store,
        xlsx_file(
            {
                "Uppföljning": [
                    FOLLOWUP_HEADER,
                    ["1.10", "2022-T2", "försenad", "30", "Väntar på lokal"],
                ],
                "Åtgärder": [PLAN_HEADER, *PLAN_2022],
            },
            name="allt.xlsx",
        ),
    )
    assert len(result.batch_ids) == 1
    assert rows(
        store,
        "SELECT kind, file_name, row_counts FROM import_batch WHERE batch_id = ?",
        result.batch_ids,
    ) == [("plan,followup", "allt.xlsx", '{"action": 5, "action_status": 1}')]
    current = "SELECT plan_year, action_no, status, progress FROM current_action_status"
    assert rows(store, current) == [(2022, "1.10", "at_risk", 30.0)]


def test_error_on_one_sheet_refuses_every_sheet(store):
    issues = import_refused(
        store,
        xlsx_file(
            {
                "Åtgärder": [PLAN_HEADER, *PLAN_2022],
                "Uppföljning": [FOLLOWUP_HEADER, ["1.1", "2022", "kanske", None, None]],
            }
        ),
    )
    assert [where(i) for i in issues] == [
        (
            "Okänd status ”kanske”. Giltiga värden: Ej påbörjad, Pågår enligt plan, "
            "Pågår med avvikelse, Genomförd, Avbruten.",
            "Uppföljning",
            2,
            "Status",
            "kanske",
        )
    ]


def test_indicator_definitions_and_values_in_one_workbook(store):
    import_ok(
        store,
        xlsx_file(
            {
                "Indikatorvärden": [
                    ["Indikator", "Område", "År", "Värde"],
                    ["Arbetslöshet", "Ryd", 2021, 9],
                ],
                "Indikatorer": [
                    [
                        "Kod",
                        "Namn",
                        "Enhet",
                        "Högre är bättre",
                        "Utvecklingsområde",
                        "Källa",
                        "Definition",
                    ],
                    ["ARBL", "Arbetslöshet", "%", "nej", 2, "AF", "Andel inskrivna"],
                ],
            }
        ),
    )
    assert rows(
        store,
        "SELECT code, name, unit, higher_is_better, area_no, source, definition "
        "FROM current_indicator",
    ) == [("ARBL", "Arbetslöshet", "%", False, 2, "AF", "Andel inskrivna")]
    assert rows(store, "SELECT indicator_code, district_code, value FROM indicator_value") == [
        ("ARBL", "Ryd", 9.0)
    ]


# --- master data --------------------------------------------------------------------------


def test_master_data_sheets_add_and_rename_known_values(store):
    import_ok(
        store,
        plan_file(
            [
                [
                    "1.1",
                    6,
                    "Digitala lotsar",
                    None,
                    "Nya förvaltningen",
                    "UBF",
                    "Lambohov; Berga",
                    2024,
                    None,
                    None,
                ]
            ],
            **{
                "Förvaltningar": [
                    ["Kod", "Namn"],
                    ["NYF", "Nya förvaltningen"],
                    ["UBF", "Barn- och utbildningsförvaltningen"],
                ],
                "Områden": [
                    ["Kod", "Namn", "Typ"],
                    ["Lambohov", "Lambohov", "fokus"],
                    ["Ekholmen", "Ekholmen", "jämförelse"],
                ],
                "Utvecklingsområden": [["Nr", "Namn"], [6, "Digital delaktighet"], [1, "Trygghet"]],
            },
        ),
    )
    assert rows(
        store, "SELECT code, name FROM current_office WHERE code IN ('NYF', 'UBF') ORDER BY code"
    ) == [("NYF", "Nya förvaltningen"), ("UBF", "Barn- och utbildningsförvaltningen")]
    assert rows(store, "SELECT code, district_type FROM current_district ORDER BY code") == [
        ("Berga", "fokus"),
        ("Ekholmen", "jämförelse"),
        ("Lambohov", "fokus"),
        ("Linköping", "referens"),
        ("Ryd", "fokus"),
        ("Skäggetorp", "fokus"),
    ]
    assert rows(
        store,
        "SELECT area_no, name FROM current_development_area WHERE area_no IN (1, 6) ORDER BY 1",
    ) == [(1, "Trygghet"), (6, "Digital delaktighet")]
    assert rows(store, "SELECT area_no, lead_office, partner_offices, districts FROM action") == [
        (6, "NYF", ["UBF"], ["Lambohov", "Berga"])
    ]


def test_new_focus_district_is_part_of_alla(store):
    import_ok(
        store,
        plan_file(
            [["1.1", 1, "T", None, "KFF", None, "Alla", 2024, None, None]],
            Områden=[["Kod", "Namn", "Typ"], ["Lambohov", "Lambohov", "Fokusområde"]],
        ),
    )
    assert rows(store, "SELECT districts FROM action") == [
        (["Berga", "Ryd", "Skäggetorp", "Lambohov"],)
    ]


def test_master_data_sheet_recognised_by_english_name(store):
    import_ok(store, xlsx_file({"Offices": [["Code", "Name"], ["NYF", "Nya förvaltningen"]]}))
    name = rows(store, "SELECT name FROM current_office WHERE code = 'NYF'")
    assert name == [("Nya förvaltningen",)]


def test_master_data_sheet_is_not_recognised_by_header_alone(store):
    result = import_ok(
        store,
        xlsx_file(
            {
                "Förvaltningar": [["Kod", "Namn"], ["NYF", "Ny"]],
                "Blad1": [["Kod", "Namn"], ["ABC", "Abc"]],
            }
        ),
    )
    assert [i.message for i in result.issues] == [UNKNOWN_SHEET.format("Blad1")]
    assert rows(store, "SELECT code FROM office WHERE code IN ('NYF', 'ABC')") == [("NYF",)]


def test_renaming_a_district_keeps_its_type(store):
    # Only the name is given; Ryd must stay a focus district (and so stay part of "Alla").
    import_ok(
        store,
        plan_file(
            [["1.1", 1, "T", None, "KFF", None, "Alla", 2024, None, None]],
            Områden=[["Kod", "Namn", "Typ"], ["Ryd", "Ryd norra", None]],
        ),
    )
    assert rows(store, "SELECT name, district_type FROM current_district WHERE code = 'Ryd'") == [
        ("Ryd norra", "fokus")
    ]
    assert rows(store, "SELECT districts FROM action") == [(["Berga", "Ryd", "Skäggetorp"],)]


MASTER_DATA_ERRORS = {
    "office without name": (
        "Förvaltningar",
        [["Kod", "Namn"], ["NYF", None]],
        ("Värde saknas i den obligatoriska kolumnen Namn.", "Förvaltningar", 2, "Namn", ""),
    ),
    "office twice": (
        "Förvaltningar",
        [["Kod", "Namn"], ["NYF", "A"], ["NYF", "B"]],
        ("Förvaltningen NYF finns redan på rad 2.", "Förvaltningar", 3, "Kod", "NYF"),
    ),
    "district without code": (
        "Områden",
        [["Kod", "Namn", "Typ"], [None, "Lambohov", "fokus"]],
        ("Värde saknas i den obligatoriska kolumnen Kod.", "Områden", 2, "Kod", ""),
    ),
    "district type unknown": (
        "Områden",
        [["Kod", "Namn", "Typ"], ["Lambohov", "Lambohov", "konstig"]],
        (
            "Okänd områdestyp ”konstig”. Giltiga värden: fokus, referens, jämförelse.",
            "Områden",
            2,
            "Typ",
            "konstig",
        ),
    ),
    "area number as text": (
        "Utvecklingsområden",
        [["Nr", "Namn"], ["sex", "Digital delaktighet"]],
        ("”sex” är inget områdesnummer (1–99).", "Utvecklingsområden", 2, "Nr", "sex"),
    ),
    "area twice": (
        "Utvecklingsområden",
        [["Nr", "Namn"], [6, "A"], [6, "B"]],
        ("Utvecklingsområde 6 finns redan på rad 2.", "Utvecklingsområden", 3, "Nr", "6"),
    ),
    "indicator without name": (
        "Indikatorer",
        [["Kod", "Namn"], ["ARBL", None]],
        ("Värde saknas i den obligatoriska kolumnen Namn.", "Indikatorer", 2, "Namn", ""),
    ),
    "indicator yes/no": (
        "Indikatorer",
        [["Kod", "Namn", "Högre är bättre"], ["ARBL", "A", "kanske"]],
        (
            "Skriv ja eller nej i Högre är bättre (var ”kanske”).",
            "Indikatorer",
            2,
            "Högre är bättre",
            "kanske",
        ),
    ),
}


@pytest.mark.parametrize(
    ("sheet", "table", "expected"), MASTER_DATA_ERRORS.values(), ids=MASTER_DATA_ERRORS.keys()
)
def test_master_data_errors(plan_store, sheet, table, expected):
    issues = import_refused(plan_store, xlsx_file({sheet: table}))
    assert [where(i) for i in issues] == [expected]
