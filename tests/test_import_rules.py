"""The contract's rules per kind of sheet: what is accepted, and the exact error for what is not.

Refused cases go through `import_refused`, which also proves the database did not change.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from conftest import (
    FOLLOWUP_HEADER,
    INDICATOR_DEFS,
    PLAN_2022,
    PLAN_HEADER,
    VALUES_HEADER,
    followup_file,
    import_ok,
    import_refused,
    plan_file,
    rows,
    run_import,
    values_file,
    where,
    xlsx_file,
)

OFFICES_LISTED = (
    "Integrations- och arbetsmarknadsförvaltningen, Kultur- och fritidsförvaltningen, "
    "Kommunledningsförvaltningen, Samhällsbyggnadsförvaltningen, Social- och "
    "omsorgsförvaltningen, Utbildningsförvaltningen, Utförarförvaltningen"
)
AREAS_LISTED = (
    "1 Ökad trygghet, gemenskap och delaktighet i samhället, 2 Fler i arbete eller meningsfull "
    "sysselsättning, 3 Utbildning för att barn och vuxna ska nå sin fulla potential, 4 Trivsamma "
    "livsmiljöer för ett sammanhållet Linköping, 5 En rikare fritid för alla"
)
STATUSES_LISTED = "Ej påbörjad, Pågår enligt plan, Pågår med avvikelse, Genomförd, Avbruten"
PERIOD_HINT = "Skriv t.ex. 2022, 2022-T1, 2022-H1, 2022-Q3, Delår 2022 eller Helår 2022."


# --- the plan -----------------------------------------------------------------------------

PLAN_BASE = dict(
    zip(
        PLAN_HEADER,
        ["7.1", 1, "Språkcafé", None, "KFF", None, "Berga", 2023, None, None],
        strict=True,
    )
)


def plan_row(**cells) -> list:
    """The base 2023 plan row with some cells changed (keys are the Swedish headers)."""
    changed = {**PLAN_BASE, **cells}
    return [changed[h] for h in PLAN_HEADER]


def stored_action(store, column: str):
    return rows(store, f"SELECT {column} FROM action WHERE plan_year = 2023")


@pytest.mark.parametrize(
    ("cells", "column", "expected"),
    [
        ({"Nr": "1.10"}, "action_no", "1.10"),
        ({"Nr": " 7.2 "}, "action_no", "7.2"),
        ({"Nr": 2}, "action_no", "2"),
        ({"Nr": "A3"}, "action_no", "A3"),
        ({"Utvecklingsområde": 2}, "area_no", 2),
        ({"Utvecklingsområde": "2"}, "area_no", 2),
        ({"Utvecklingsområde": "Fler i arbete eller meningsfull sysselsättning"}, "area_no", 2),
        ({"Utvecklingsområde": "FLER I ARBETE ELLER MENINGSFULL SYSSELSÄTTNING"}, "area_no", 2),
        (
            {"Utvecklingsområde": "1. Ökad trygghet, gemenskap och delaktighet i samhället"},
            "area_no",
            1,
        ),
        ({"Utvecklingsområde": "3: Utbildning"}, "area_no", 3),
        ({"Utvecklingsområde": "5 En rikare fritid för alla"}, "area_no", 5),
        (
            {"Beskrivning": "Träffar <b>varje</b> vecka"},
            "description",
            "Träffar <b>varje</b> vecka",
        ),
        ({"Ansvarig förvaltning": "UBF"}, "lead_office", "UBF"),
        ({"Ansvarig förvaltning": "ubf"}, "lead_office", "UBF"),
        ({"Ansvarig förvaltning": " Ubf "}, "lead_office", "UBF"),
        ({"Ansvarig förvaltning": "Utbildningsförvaltningen"}, "lead_office", "UBF"),
        ({"Ansvarig förvaltning": "UTBILDNINGSFÖRVALTNINGEN"}, "lead_office", "UBF"),
        ({"Samverkande förvaltningar": None}, "partner_offices", []),
        ({"Samverkande förvaltningar": "SOF; UBF"}, "partner_offices", ["SOF", "UBF"]),
        (
            {"Samverkande förvaltningar": "SOF, ubf,Kommunledningsförvaltningen"},
            "partner_offices",
            ["SOF", "UBF", "KLF"],
        ),
        ({"Samverkande förvaltningar": "SOF; sof"}, "partner_offices", ["SOF"]),
        ({"Områden": "Berga; Ryd"}, "districts", ["Berga", "Ryd"]),
        ({"Områden": "berga,RYD"}, "districts", ["Berga", "Ryd"]),
        ({"Områden": "Skäggetorp\nBerga"}, "districts", ["Skäggetorp", "Berga"]),
        ({"Områden": "Alla"}, "districts", ["Berga", "Ryd", "Skäggetorp"]),
        ({"Områden": "alla"}, "districts", ["Berga", "Ryd", "Skäggetorp"]),
        ({"Områden": "All"}, "districts", ["Berga", "Ryd", "Skäggetorp"]),
        ({"Områden": "ALL"}, "districts", ["Berga", "Ryd", "Skäggetorp"]),
        ({"Planår": "2023"}, "plan_year", 2023),
        ({"Planår": " 2023 "}, "plan_year", 2023),
        ({"Planår": 2023.0}, "plan_year", 2023),
        ({"Start": 2022, "Slut": 2024}, "start_when, end_when", ("2022", "2024")),
        ({"Start": "2022", "Slut": "2024"}, "start_when, end_when", ("2022", "2024")),
        (
            {"Start": "2022-03-01", "Slut": "2023-12-31"},
            "start_when, end_when",
            ("2022-03-01", "2023-12-31"),
        ),
        (
            {"Start": datetime(2022, 3, 1), "Slut": datetime(2023, 6, 30)},
            "start_when, end_when",
            ("2022-03-01", "2023-06-30"),
        ),
        ({"Start": None, "Slut": None}, "start_when, end_when", (None, None)),
    ],
)
def test_plan_accepts(plan_store, cells, column, expected):
    result = import_ok(plan_store, plan_file([plan_row(**cells)]))
    assert result.issues == []
    stored = stored_action(plan_store, column)
    assert stored == [expected if isinstance(expected, tuple) else (expected,)]


def _plan_error(message, column, value, row=2):
    return (message, "Åtgärder", row, column, value)


PLAN_REFUSALS = {
    "number missing": (
        {"Nr": None},
        _plan_error("Värde saknas i den obligatoriska kolumnen Nr.", "Nr", ""),
    ),
    "number too long": (
        {"Nr": "x" * 25},
        _plan_error(f"”{'x' * 25}” är inget åtgärdsnummer.", "Nr", "x" * 25),
    ),
    "area missing": (
        {"Utvecklingsområde": None},
        _plan_error(
            "Värde saknas i den obligatoriska kolumnen Utvecklingsområde.", "Utvecklingsområde", ""
        ),
    ),
    "area number unknown": (
        {"Utvecklingsområde": 6},
        _plan_error(
            f"Okänt utvecklingsområde ”6”. Giltiga värden: {AREAS_LISTED}.",
            "Utvecklingsområde",
            "6",
        ),
    ),
    "area name partial": (
        {"Utvecklingsområde": "Fler i arbete"},
        _plan_error(
            "Okänt utvecklingsområde ”Fler i arbete”. Menade du 2 Fler i arbete eller "
            "meningsfull sysselsättning?",
            "Utvecklingsområde",
            "Fler i arbete",
        ),
    ),
    "title missing": (
        {"Åtgärd": None},
        _plan_error("Värde saknas i den obligatoriska kolumnen Åtgärd.", "Åtgärd", ""),
    ),
    "lead office missing": (
        {"Ansvarig förvaltning": None},
        _plan_error(
            "Värde saknas i den obligatoriska kolumnen Ansvarig förvaltning.",
            "Ansvarig förvaltning",
            "",
        ),
    ),
    "lead office misspelt": (
        {"Ansvarig förvaltning": "Utbildningsförvaltning"},
        _plan_error(
            "Okänd förvaltning ”Utbildningsförvaltning”. Menade du Utbildningsförvaltningen?",
            "Ansvarig förvaltning",
            "Utbildningsförvaltning",
        ),
    ),
    "two lead offices": (
        {"Ansvarig förvaltning": "KFF, SOF"},
        _plan_error(
            f"Okänd förvaltning ”KFF, SOF”. Giltiga värden: {OFFICES_LISTED}.",
            "Ansvarig förvaltning",
            "KFF, SOF",
        ),
    ),
    "partner unknown": (
        {"Samverkande förvaltningar": "SOF; XYZ"},
        _plan_error(
            f"Okänd förvaltning ”XYZ”. Giltiga värden: {OFFICES_LISTED}.",
            "Samverkande förvaltningar",
            "SOF; XYZ",
        ),
    ),
    "partner misspelt": (
        {"Samverkande förvaltningar": "SOF, Utbildningsförvaltning"},
        _plan_error(
            "Okänd förvaltning ”Utbildningsförvaltning”. Menade du Utbildningsförvaltningen?",
            "Samverkande förvaltningar",
            "SOF, Utbildningsförvaltning",
        ),
    ),
    "districts missing": (
        {"Områden": None},
        _plan_error("Värde saknas i den obligatoriska kolumnen Områden.", "Områden", ""),
    ),
    "district misspelt": (
        {"Områden": "Skäggetorpp"},
        _plan_error("Okänt område ”Skäggetorpp”. Menade du Skäggetorp?", "Områden", "Skäggetorpp"),
    ),
    "district cut short": (
        {"Områden": "Berga, Skägg, Ryd"},
        _plan_error("Okänt område ”Skägg”. Menade du Skäggetorp?", "Områden", "Berga, Skägg, Ryd"),
    ),
    "two unknown districts": (
        {"Områden": "Berga; Vallastaden; Rydd"},
        _plan_error(
            "Okänt område ”Vallastaden”. Giltiga värden: Berga, Linköping, Ryd, "
            "Skäggetorp. Okänt område ”Rydd”. Menade du Ryd?",
            "Områden",
            "Berga; Vallastaden; Rydd",
        ),
    ),
    "plan year missing": (
        {"Planår": None},
        _plan_error("Värde saknas i den obligatoriska kolumnen Planår.", "Planår", ""),
    ),
    "plan year in words": (
        {"Planår": "tjugo"},
        _plan_error(
            "”tjugo” är inget årtal (Planår: fyra siffror, t.ex. 2022).", "Planår", "tjugo"
        ),
    ),
    "plan year out of range": (
        {"Planår": 1850},
        _plan_error("”1850” är inget årtal (Planår: fyra siffror, t.ex. 2022).", "Planår", "1850"),
    ),
    "plan year two digits": (
        {"Planår": "23"},
        _plan_error("”23” är inget årtal (Planår: fyra siffror, t.ex. 2022).", "Planår", "23"),
    ),
    "start in words": (
        {"Start": "våren 2022"},
        _plan_error("”våren 2022” är inget år eller datum.", "Start", "våren 2022"),
    ),
    "end no date": (
        {"Slut": "2022-13-01"},
        _plan_error("”2022-13-01” är inget år eller datum.", "Slut", "2022-13-01"),
    ),
}


@pytest.mark.parametrize(("cells", "expected"), PLAN_REFUSALS.values(), ids=PLAN_REFUSALS.keys())
def test_plan_refuses(plan_store, cells, expected):
    issues = import_refused(plan_store, plan_file([plan_row(**cells)]))
    assert [where(i) for i in issues] == [expected]


def test_plan_number_typed_as_a_number_is_a_warning(plan_store):
    result = import_ok(plan_store, plan_file([plan_row(Nr=7.1)]))
    assert [(i.severity, *where(i)) for i in result.issues] == [
        (
            "warning",
            "Nr 7.1 är sparat som tal i Excel. Om det ska vara t.ex. 7.10, formatera "
            "kolumnen som text.",
            "Åtgärder",
            2,
            "Nr",
            "7.1",
        )
    ]
    assert stored_action(plan_store, "action_no") == [("7.1",)]


def test_plan_numbers_are_text_so_1_10_is_not_1_1(plan_store):
    assert rows(
        plan_store,
        "SELECT action_no, title FROM action WHERE action_no LIKE '1.1%' ORDER BY action_no",
    ) == [("1.1", "Trygghetsvandringar"), ("1.10", "Fältassistenter")]
    import_ok(
        plan_store,
        followup_file(
            [["1.1", "2022", "klar", None, None], ["1.10", "2022", "avbruten", None, None]]
        ),
    )
    assert rows(plan_store, "SELECT action_no, status FROM action_status ORDER BY action_no") == [
        ("1.1", "done"),
        ("1.10", "cancelled"),
    ]


def test_plan_duplicate_numbers(plan_store):
    issues = import_refused(plan_store, plan_file([plan_row(), plan_row(Nr="7.2"), plan_row()]))
    assert [where(i) for i in issues] == [
        _plan_error("Åtgärd 7.1 för planår 2023 finns redan på rad 2.", "Nr", "7.1", row=4)
    ]


def test_plan_same_number_in_two_plan_years_is_fine(plan_store):
    import_ok(plan_store, plan_file([plan_row(), plan_row(Planår=2024)]))
    assert rows(
        plan_store,
        "SELECT plan_year, action_no FROM current_action WHERE plan_year > 2022 ORDER BY 1",
    ) == [(2023, "7.1"), (2024, "7.1")]


def test_plan_duplicate_hidden_by_a_number_cell(plan_store):
    issues = import_refused(plan_store, plan_file([plan_row(), plan_row(Nr=7.1)]))
    assert [(i.severity, *where(i)) for i in issues] == [
        (
            "warning",
            "Nr 7.1 är sparat som tal i Excel. Om det ska vara t.ex. 7.10, formatera "
            "kolumnen som text.",
            "Åtgärder",
            3,
            "Nr",
            "7.1",
        ),
        ("error", "Åtgärd 7.1 för planår 2023 finns redan på rad 2.", "Åtgärder", 3, "Nr", "7.1"),
    ]


# --- follow-up ----------------------------------------------------------------------------


def stored_status(store):
    return rows(store, "SELECT plan_year, action_no, period, status, progress FROM action_status")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Ej påbörjad", "not_started"),
        ("ej påbörjad", "not_started"),
        ("ej startad", "not_started"),
        ("not started", "not_started"),
        ("Not Started", "not_started"),
        ("Pågår enligt plan", "on_track"),
        ("pågår", "on_track"),
        ("påbörjad", "on_track"),
        ("pågående", "on_track"),
        ("ongoing", "on_track"),
        ("on track", "on_track"),
        ("ON TRACK", "on_track"),
        ("Pågår med avvikelse", "at_risk"),
        ("försenad", "at_risk"),
        ("avvikelse", "at_risk"),
        ("delayed", "at_risk"),
        ("at risk", "at_risk"),
        ("At Risk", "at_risk"),
        ("Genomförd", "done"),
        ("klar", "done"),
        ("KLAR", "done"),
        (" klar ", "done"),
        ("avslutad", "done"),
        ("slutförd", "done"),
        ("done", "done"),
        ("completed", "done"),
        ("Completed", "done"),
        ("Avbruten", "cancelled"),
        ("utgår", "cancelled"),
        ("stoppad", "cancelled"),
        ("cancelled", "cancelled"),
        ("CANCELLED", "cancelled"),
    ],
)
def test_followup_status_aliases(plan_store, cell, code):
    import_ok(plan_store, followup_file([["1.1", "2022", cell, None, None]]))
    assert rows(plan_store, "SELECT status FROM action_status") == [(code,)]


@pytest.mark.parametrize(
    ("progress", "stored"),
    [
        (50, 50.0),
        ("50 %", 50.0),
        ("50%", 50.0),
        ("12,5", 12.5),
        (12.5, 12.5),
        (0, 0.0),
        ("0", 0.0),
        (100, 100.0),
        ("100 %", 100.0),
        (None, None),
    ],
)
def test_followup_progress_accepted(plan_store, progress, stored):
    import_ok(plan_store, followup_file([["1.1", "2022", "pågår", progress, None]]))
    assert rows(plan_store, "SELECT progress FROM action_status") == [(stored,)]


@pytest.mark.parametrize(
    ("progress", "message"),
    [
        (120, "Andel genomfört ska vara mellan 0 och 100 (var 120)."),
        ("100,5", "Andel genomfört ska vara mellan 0 och 100 (var 100,5)."),
        (-1, "Andel genomfört ska vara mellan 0 och 100 (var -1)."),
        ("mycket", "”mycket” är inget tal (Andel genomfört)."),
        ("50 procent", "”50 procent” är inget tal (Andel genomfört)."),
    ],
)
def test_followup_progress_refused(plan_store, progress, message):
    issues = import_refused(plan_store, followup_file([["1.1", "2022", "pågår", progress, None]]))
    value = str(progress)
    assert [where(i) for i in issues] == [(message, "Uppföljning", 2, "Andel genomfört", value)]


@pytest.mark.parametrize(
    ("cell", "period"),
    [
        ("2022", "2022"),
        (2022, "2022"),
        ("2022-T1", "2022-T1"),
        ("2022-T3", "2022-T3"),
        ("2022-H1", "2022-H1"),
        ("2022-H2", "2022-H2"),
        ("2022-Q1", "2022-Q1"),
        ("2022-Q4", "2022-Q4"),
        ("2022 T2", "2022-T2"),
        ("T1 2022", "2022-T1"),
        ("Delår 2022", "2022-H1"),
        ("Helår 2022", "2022"),
        ("q3 2022", "2022-Q3"),
    ],
)
def test_followup_period_formats(plan_store, cell, period):
    import_ok(plan_store, followup_file([["1.1", cell, "pågår", None, None]]))
    assert rows(plan_store, "SELECT plan_year, period FROM action_status") == [(2022, period)]


FOLLOWUP_REFUSALS = {
    "status unknown": (
        ["1.1", "2022", "hmm", None, None],
        (
            f"Okänd status ”hmm”. Giltiga värden: {STATUSES_LISTED}.",
            "Uppföljning",
            2,
            "Status",
            "hmm",
        ),
    ),
    "status misspelt": (
        ["1.1", "2022", "Genomförda", None, None],
        (
            "Okänd status ”Genomförda”. Menade du Genomförd?",
            "Uppföljning",
            2,
            "Status",
            "Genomförda",
        ),
    ),
    "status near english": (
        ["1.1", "2022", "complete", None, None],
        ("Okänd status ”complete”. Menade du Genomförd?", "Uppföljning", 2, "Status", "complete"),
    ),
    "status missing": (
        ["1.1", "2022", None, None, None],
        ("Värde saknas i den obligatoriska kolumnen Status.", "Uppföljning", 2, "Status", ""),
    ),
    "period fourth tertial": (
        ["1.1", "2022-T4", "klar", None, None],
        (
            f"”2022-T4” är ingen giltig period (Period). {PERIOD_HINT}",
            "Uppföljning",
            2,
            "Period",
            "2022-T4",
        ),
    ),
    "period in words": (
        ["1.1", "första kvartalet", "klar", None, None],
        (
            f"”första kvartalet” är ingen giltig period (Period). {PERIOD_HINT}",
            "Uppföljning",
            2,
            "Period",
            "första kvartalet",
        ),
    ),
    "period missing": (
        ["1.1", None, "klar", None, None],
        ("Värde saknas i den obligatoriska kolumnen Period.", "Uppföljning", 2, "Period", ""),
    ),
    "number missing": (
        [None, "2022", "klar", None, None],
        ("Värde saknas i den obligatoriska kolumnen Nr.", "Uppföljning", 2, "Nr", ""),
    ),
    "number not in plan": (
        ["9.9", "2022", "klar", None, None],
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 2, "Nr", "9.9"),
    ),
    "number 1.100 is not 1.10": (
        ["1.100", "2022", "klar", None, None],
        ("Åtgärd 1.100 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 2, "Nr", "1.100"),
    ),
    "period before every plan": (
        ["1.1", "2021-T3", "klar", None, None],
        (
            "Det finns ingen åtgärdsplan för 2021 eller tidigare att koppla uppföljningen till. "
            "Importera åtgärdsplanen först.",
            "Uppföljning",
            2,
            "Period",
            "2021-T3",
        ),
    ),
}


@pytest.mark.parametrize(
    ("row", "expected"), FOLLOWUP_REFUSALS.values(), ids=FOLLOWUP_REFUSALS.keys()
)
def test_followup_refuses(plan_store, row, expected):
    issues = import_refused(plan_store, followup_file([row]))
    assert [where(i) for i in issues] == [expected]


def test_followup_without_any_plan(store):
    issues = import_refused(store, followup_file([["1.1", "2022", "klar", None, None]]))
    assert [where(i) for i in issues] == [
        (
            "Det finns ingen åtgärdsplan för 2022 eller tidigare att koppla uppföljningen till. "
            "Importera åtgärdsplanen först.",
            "Uppföljning",
            2,
            "Period",
            "2022",
        )
    ]


PLAN_2023 = [
    ["1.1", 1, "Nya trygghetsvandringar", None, "KFF", None, "Alla", 2023, None, None],
    ["5.1", 5, "Lovaktiviteter", None, "KFF", None, "Alla", 2023, None, None],
]
FOLLOWUP_PLAN_HEADER = [*FOLLOWUP_HEADER, "Ansvarig förvaltning", "Planår"]


@pytest.mark.parametrize(
    ("row", "plan_year"),
    [
        (["1.10", "2022-T3", "klar", None, None, None, None], 2022),  # latest plan not after 2022
        (["5.1", "2023-T1", "klar", None, None, None, None], 2023),
        (["5.1", "2024-H1", "klar", None, None, None, None], 2023),  # no 2024 plan: 2023's
        (["1.10", "2023", "klar", None, None, None, 2022], 2022),  # Planår named explicitly
        (["1.10", "2024", "klar", None, None, None, "2022"], 2022),
    ],
)
def test_followup_refers_to_the_plan_in_force(plan_store, row, plan_year):
    import_ok(plan_store, plan_file(PLAN_2023, name="plan2023.xlsx"))
    import_ok(plan_store, followup_file([row], FOLLOWUP_PLAN_HEADER))
    stored = rows(plan_store, "SELECT plan_year, action_no FROM action_status")
    assert stored == [(plan_year, row[0])]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["1.10", "2023-T1", "klar", None, None, None, None],
            ("Åtgärd 1.10 finns inte i åtgärdsplanen för 2023.", "Uppföljning", 2, "Nr", "1.10"),
        ),
        (
            ["5.1", "2023", "klar", None, None, None, 2022],
            ("Åtgärd 5.1 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 2, "Nr", "5.1"),
        ),
        (
            ["1.1", "2023", "klar", None, None, None, 2021],
            ("Det finns ingen åtgärdsplan för planår 2021.", "Uppföljning", 2, "Planår", "2021"),
        ),
        (
            ["1.1", "2023", "klar", None, None, None, "tjugo"],
            (
                "”tjugo” är inget årtal (Planår: fyra siffror, t.ex. 2022).",
                "Uppföljning",
                2,
                "Planår",
                "tjugo",
            ),
        ),
    ],
)
def test_followup_plan_resolution_errors(plan_store, row, expected):
    import_ok(plan_store, plan_file(PLAN_2023, name="plan2023.xlsx"))
    issues = import_refused(plan_store, followup_file([row], FOLLOWUP_PLAN_HEADER))
    assert [where(i) for i in issues] == [expected]


def test_followup_may_refer_to_a_plan_in_the_same_upload(store):
    result = import_ok(
        store,
        plan_file(PLAN_2023, name="plan2023.xlsx"),
        followup_file([["5.1", "2023-T2", "pågår", 40, None]]),
    )
    assert len(result.batch_ids) == 2
    assert stored_status(store) == [(2023, "5.1", "2023-T2", "on_track", 40.0)]


@pytest.mark.parametrize("office", ["KFF", "kff", "Kultur- och fritidsförvaltningen", None])
def test_followup_lead_office_matching_the_plan(plan_store, office):
    result = import_ok(
        plan_store,
        followup_file([["1.1", "2022", "klar", None, None, office, None]], FOLLOWUP_PLAN_HEADER),
    )
    assert result.issues == []
    assert rows(plan_store, "SELECT reported_office FROM action_status") == [
        ("KFF" if office else None,)
    ]


def test_followup_lead_office_differing_from_the_plan_is_a_warning(plan_store):
    result = import_ok(
        plan_store,
        followup_file([["1.1", "2022", "klar", None, None, "UBF", None]], FOLLOWUP_PLAN_HEADER),
    )
    assert [(i.severity, *where(i)) for i in result.issues] == [
        (
            "warning",
            "Ansvarig förvaltning skiljer sig från planen, där den är Kultur- och "
            "fritidsförvaltningen.",
            "Uppföljning",
            2,
            "Ansvarig förvaltning",
            "UBF",
        )
    ]
    assert rows(plan_store, "SELECT reported_office FROM action_status") == [("UBF",)]


def test_followup_lead_office_unknown(plan_store):
    issues = import_refused(
        plan_store,
        followup_file([["1.1", "2022", "klar", None, None, "XYZ", None]], FOLLOWUP_PLAN_HEADER),
    )
    assert [where(i) for i in issues] == [
        (
            f"Okänd förvaltning ”XYZ”. Giltiga värden: {OFFICES_LISTED}.",
            "Uppföljning",
            2,
            "Ansvarig förvaltning",
            "XYZ",
        )
    ]


@pytest.mark.parametrize(
    ("first", "second", "period"),
    [
        ("2022-T1", "2022-T1", "2022-T1"),
        ("Delår 2022", "2022-H1", "2022-H1"),
        ("Helår 2022", 2022, "2022"),
        ("T2 2022", "2022 t2", "2022-T2"),
    ],
)
def test_followup_duplicates(plan_store, first, second, period):
    issues = import_refused(
        plan_store,
        followup_file(
            [
                ["1.1", first, "pågår", None, None],
                ["2.1", first, "klar", None, None],
                ["1.1", second, "klar", None, None],
            ]
        ),
    )
    assert [where(i) for i in issues] == [
        (
            f"Uppföljning av åtgärd 1.1 (planår 2022) för period {period} finns redan på rad 2.",
            "Uppföljning",
            4,
            "Nr",
            "1.1",
        )
    ]


def test_followup_comment_is_kept_as_written(plan_store):
    comment = "<script>alert('x')</script> & **fet**\nrad två"
    import_ok(plan_store, followup_file([["1.1", "2022", "klar", None, comment]]))
    assert rows(plan_store, "SELECT comment FROM action_status") == [(comment,)]


def test_every_error_of_a_file_is_reported_at_once(plan_store):
    issues = import_refused(
        plan_store,
        followup_file(
            [
                ["1.1", "2022-T1", "pågår", 10, None],
                ["9.9", "2022-T1", "pågår", 10, None],
                ["1.10", "2022-T1", "kanske", 10, None],
                ["2.1", "2022-T1", "pågår", 10, None],
                ["3.1", "2022-T1", "pågår", 120, None],
            ]
        ),
    )
    assert [where(i) for i in issues] == [
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 3, "Nr", "9.9"),
        (
            f"Okänd status ”kanske”. Giltiga värden: {STATUSES_LISTED}.",
            "Uppföljning",
            4,
            "Status",
            "kanske",
        ),
        (
            "Andel genomfört ska vara mellan 0 och 100 (var 120).",
            "Uppföljning",
            6,
            "Andel genomfört",
            "120",
        ),
    ]


def test_errors_in_several_files_are_all_reported(plan_store):
    issues = import_refused(
        plan_store,
        followup_file([["9.9", "2022", "klar", None, None]], name="a.xlsx"),
        plan_file([plan_row(Planår="tjugo")], name="b.xlsx"),
    )
    assert [(i.file, i.message) for i in issues] == [
        ("a.xlsx", "Åtgärd 9.9 finns inte i åtgärdsplanen för 2022."),
        ("b.xlsx", "”tjugo” är inget årtal (Planår: fyra siffror, t.ex. 2022)."),
    ]


# --- indicator values ---------------------------------------------------------------------

LONG_HEADER = [*VALUES_HEADER, "Kön", "Mål"]


def stored_values(store):
    return rows(
        store,
        "SELECT indicator_code, district_code, year, sex, value, target "
        "FROM indicator_value ORDER BY ALL",
    )


@pytest.mark.parametrize(
    ("row", "stored"),
    [
        (["ARBL", "Berga", 2021, 7, None, None], ("ARBL", "Berga", 2021, "T", 7.0, None)),
        (["ARBL", "Berga", 2021, 7.25, None, None], ("ARBL", "Berga", 2021, "T", 7.25, None)),
        (["ARBL", "Berga", 2021, "12,5", None, None], ("ARBL", "Berga", 2021, "T", 12.5, None)),
        (
            ["ARBL", "Berga", 2021, "1 234,5", None, None],
            ("ARBL", "Berga", 2021, "T", 1234.5, None),
        ),
        (
            ["ARBL", "Berga", 2021, "1\u00a0234", None, None],
            ("ARBL", "Berga", 2021, "T", 1234.0, None),
        ),
        (["ARBL", "Berga", 2021, "12 %", None, None], ("ARBL", "Berga", 2021, "T", 12.0, None)),
        (
            ["ARBL", "Berga", 2021, "\u22122,5", None, None],
            ("ARBL", "Berga", 2021, "T", -2.5, None),
        ),
        (["ARBL", "Berga", 2021, 0, None, None], ("ARBL", "Berga", 2021, "T", 0.0, None)),
        (["ARBL", "Berga", 2021, None, None, None], ("ARBL", "Berga", 2021, "T", None, None)),
        (["ARBL", "Berga", 2021, "  ", None, None], ("ARBL", "Berga", 2021, "T", None, None)),
        (["ARBL", "Berga", "2021", 7, None, None], ("ARBL", "Berga", 2021, "T", 7.0, None)),
        (["arbl", "berga", 2021, 7, None, None], ("ARBL", "Berga", 2021, "T", 7.0, None)),
        (["Arbetslöshet", "Berga", 2021, 7, None, None], ("ARBL", "Berga", 2021, "T", 7.0, None)),
        (["ARBL", "Linköping", 2021, 7, None, None], ("ARBL", "Linköping", 2021, "T", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "T", None], ("ARBL", "Berga", 2021, "T", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "Totalt", None], ("ARBL", "Berga", 2021, "T", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "K", None], ("ARBL", "Berga", 2021, "K", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "Kvinnor", None], ("ARBL", "Berga", 2021, "K", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "kvinnor", None], ("ARBL", "Berga", 2021, "K", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "M", None], ("ARBL", "Berga", 2021, "M", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "Män", None], ("ARBL", "Berga", 2021, "M", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, "m", None], ("ARBL", "Berga", 2021, "M", 7.0, None)),
        (["ARBL", "Berga", 2021, 7, None, 5], ("ARBL", "Berga", 2021, "T", 7.0, 5.0)),
        (["ARBL", "Berga", 2021, 7, None, "4,5 %"], ("ARBL", "Berga", 2021, "T", 7.0, 4.5)),
        (["ARBL", "Berga", 2021, None, None, 5], ("ARBL", "Berga", 2021, "T", None, 5.0)),
    ],
)
def test_indicator_values_accepted(plan_store, row, stored):
    result = import_ok(plan_store, values_file([row], LONG_HEADER))
    assert result.issues == []
    assert stored_values(plan_store) == [stored]


def test_empty_value_is_missing_not_zero(plan_store):
    import_ok(plan_store, values_file([["ARBL", "Berga", 2020, None], ["ARBL", "Berga", 2021, 0]]))
    stored = rows(plan_store, "SELECT year, value, value IS NULL FROM indicator_value ORDER BY 1")
    assert stored == [(2020, None, True), (2021, 0.0, False)]


INDICATOR_MUST_EXIST = (
    " Indikatorn måste finnas sedan tidigare eller definieras på bladet Indikatorer."
)
VALUE_REFUSALS = {
    "indicator misspelt": (
        ["ARBLX", "Berga", 2020, 1, None, None],
        (
            "Okänd indikator ”ARBLX”. Menade du Arbetslöshet?" + INDICATOR_MUST_EXIST,
            "Indikatorvärden",
            2,
            "Indikator",
            "ARBLX",
        ),
    ),
    "indicator missing": (
        [None, "Berga", 2020, 1, None, None],
        (
            "Värde saknas i den obligatoriska kolumnen Indikator.",
            "Indikatorvärden",
            2,
            "Indikator",
            "",
        ),
    ),
    "district misspelt": (
        ["ARBL", "Bergaa", 2020, 1, None, None],
        (
            "Okänt område ”Bergaa”. Menade du Berga? Lägg till området på bladet Områden eller med --add-districts (på sidan: ”Lägg till okända områden”).",
            "Indikatorvärden",
            2,
            "Område",
            "Bergaa",
        ),
    ),
    "district unknown": (
        ["ARBL", "Vallastaden", 2020, 1, None, None],
        (
            "Okänt område ”Vallastaden”. Giltiga värden: Berga, Linköping, Ryd, Skäggetorp."
            " Lägg till området på bladet Områden eller med --add-districts (på sidan: ”Lägg till okända områden”).",
            "Indikatorvärden",
            2,
            "Område",
            "Vallastaden",
        ),
    ),
    "year in words": (
        ["ARBL", "Berga", "tjugo", 1, None, None],
        (
            "”tjugo” är inget årtal eller ingen period (År: t.ex. 2022, 2022K1 eller 2022M01).",
            "Indikatorvärden",
            2,
            "År",
            "tjugo",
        ),
    ),
    "year missing": (
        ["ARBL", "Berga", None, 1, None, None],
        ("Värde saknas i den obligatoriska kolumnen År.", "Indikatorvärden", 2, "År", ""),
    ),
    "value not a number": (
        ["ARBL", "Berga", 2020, "x", None, None],
        ("”x” är inget tal (Värde).", "Indikatorvärden", 2, "Värde", "x"),
    ),
    "value two commas": (
        ["ARBL", "Berga", 2020, "1,2,3", None, None],
        ("”1,2,3” är inget tal (Värde).", "Indikatorvärden", 2, "Värde", "1,2,3"),
    ),
    "sex unknown": (
        ["ARBL", "Berga", 2020, 1, "X", None],
        ("Okänt kön ”X”. Giltiga värden: Totalt, Kvinnor, Män.", "Indikatorvärden", 2, "Kön", "X"),
    ),
    "target not a number": (
        ["ARBL", "Berga", 2020, 1, None, "mål"],
        ("”mål” är inget tal (Mål).", "Indikatorvärden", 2, "Mål", "mål"),
    ),
}


@pytest.mark.parametrize(("row", "expected"), VALUE_REFUSALS.values(), ids=VALUE_REFUSALS.keys())
def test_indicator_values_refused(plan_store, row, expected):
    issues = import_refused(plan_store, values_file([row], LONG_HEADER))
    assert [where(i) for i in issues] == [expected]


def test_indicator_neither_known_nor_defined(plan_store):
    issues = import_refused(plan_store, values_file([["ARBL", "Berga", 2020, 1]], definitions=None))
    assert [where(i) for i in issues] == [
        (
            "Okänd indikator ”ARBL”." + INDICATOR_MUST_EXIST,
            "Indikatorvärden",
            2,
            "Indikator",
            "ARBL",
        )
    ]


def test_indicator_defined_earlier_is_known_later(plan_store):
    definitions = [["Kod", "Namn"], *[d[:2] for d in INDICATOR_DEFS]]
    import_ok(plan_store, xlsx_file({"Indikatorer": definitions}))
    import_ok(plan_store, values_file([["BEH", "Ryd", 2020, 80]], definitions=None))
    assert rows(plan_store, "SELECT indicator_code, value FROM indicator_value") == [("BEH", 80.0)]


@pytest.mark.parametrize(
    ("second_sex", "sex"), [(None, "T"), ("T", "T"), ("Totalt", "T"), ("total", "T")]
)
def test_indicator_value_duplicates(plan_store, second_sex, sex):
    issues = import_refused(
        plan_store,
        values_file(
            [
                ["ARBL", "Berga", 2020, 1, "T", None],
                ["ARBL", "Ryd", 2020, 1, None, None],
                ["Arbetslöshet", "berga", 2020, 2, second_sex, None],
            ],
            LONG_HEADER,
        ),
    )
    assert [(i.message, i.sheet, i.row) for i in issues] == [
        (f"Värdet för ARBL, Berga, 2020, kön {sex} finns redan på rad 2.", "Indikatorvärden", 4)
    ]


def test_indicator_values_for_women_and_men_are_not_duplicates(plan_store):
    import_ok(
        plan_store,
        values_file(
            [
                ["ARBL", "Berga", 2020, 1, "K", None],
                ["ARBL", "Berga", 2020, 2, "M", None],
                ["ARBL", "Berga", 2020, 3, None, None],
            ],
            LONG_HEADER,
        ),
    )
    assert rows(plan_store, "SELECT sex, value FROM indicator_value ORDER BY value") == [
        ("K", 1.0),
        ("M", 2.0),
        ("T", 3.0),
    ]


# --- wide form (Kolada / SCB) -------------------------------------------------------------


def test_indicator_values_wide_form(plan_store):
    import_ok(
        plan_store,
        values_file(
            [
                ["ARBL", "Berga", None, "12,5", 11, None],
                ["BEH", "Ryd", "Kvinnor", None, "70", 71.5],
            ],
            ["Indikator", "Område", "Kön", 2019, "2020", 2021],
        ),
    )
    assert stored_values(plan_store) == [
        ("ARBL", "Berga", 2019, "T", 12.5, None),
        ("ARBL", "Berga", 2020, "T", 11.0, None),
        ("ARBL", "Berga", 2021, "T", None, None),  # empty cell: missing, not zero
        ("BEH", "Ryd", 2019, "K", None, None),
        ("BEH", "Ryd", 2020, "K", 70.0, None),
        ("BEH", "Ryd", 2021, "K", 71.5, None),
    ]


def test_indicator_values_wide_form_with_english_headers_without_sex(plan_store):
    import_ok(
        plan_store,
        values_file([["ARBL", "Skäggetorp", "3,5", 4]], ["Indicator", "District", "2019", "2020"]),
    )
    assert stored_values(plan_store) == [
        ("ARBL", "Skäggetorp", 2019, "T", 3.5, None),
        ("ARBL", "Skäggetorp", 2020, "T", 4.0, None),
    ]


def test_indicator_values_wide_form_bad_value_names_its_year_column(plan_store):
    issues = import_refused(
        plan_store,
        values_file(
            [["ARBL", "Berga", "3,5", 4], ["ARBL", "Ryd", 1, "saknas"]],
            ["Indikator", "Område", 2019, 2020],
        ),
    )
    assert [where(i) for i in issues] == [
        ("”saknas” är inget tal (Värde).", "Indikatorvärden", 3, "2020", "saknas")
    ]


def test_indicator_values_wide_form_reports_a_bad_district_once(plan_store):
    issues = import_refused(
        plan_store,
        values_file(
            [["ARBL", "Berga", 1, 2, 3], ["ARBL", "Bergaa", 1, 2, 3]],
            ["Indikator", "Område", 2019, 2020, 2021],
        ),
    )
    assert [where(i) for i in issues] == [
        (
            "Okänt område ”Bergaa”. Menade du Berga? Lägg till området på bladet Områden eller med --add-districts (på sidan: ”Lägg till okända områden”).",
            "Indikatorvärden",
            3,
            "Område",
            "Bergaa",
        )
    ]


# --- supersede, re-import, rollback -------------------------------------------------------


def current_plan(store, year=2022):
    sql = "SELECT action_no FROM current_action WHERE plan_year = ? ORDER BY 1"
    return rows(store, sql, [year])


def test_reimporting_a_plan_year_replaces_its_actions(plan_store):
    import_ok(plan_store, plan_file(PLAN_2023, name="plan2023.xlsx"))
    smaller = import_ok(plan_store, plan_file(PLAN_2022[:2], name="plan2022-v2.xlsx"))
    assert current_plan(plan_store) == [("1.1",), ("1.10",)]
    assert current_plan(plan_store, 2023) == [("1.1",), ("5.1",)]  # other years untouched
    # The old version stays in the history.
    assert rows(
        plan_store,
        "SELECT batch_id, count(*) FROM action WHERE plan_year = 2022 GROUP BY 1 ORDER BY 1",
    ) == [(1, 5), (smaller.batch_ids[0], 2)]


def test_followup_after_supersede_checks_the_new_plan(plan_store):
    import_ok(plan_store, plan_file(PLAN_2022[:2], name="plan2022-v2.xlsx"))
    issues = import_refused(plan_store, followup_file([["2.1", "2022", "klar", None, None]]))
    assert [i.message for i in issues] == ["Åtgärd 2.1 finns inte i åtgärdsplanen för 2022."]


def test_identical_file_is_not_imported_twice(plan_store):
    upload = followup_file([["1.1", "2022", "klar", None, None]])
    first = import_ok(plan_store, upload)
    before = plan_store.table_contents()
    again = run_import(plan_store, upload)
    assert again.status == "already_imported"
    assert again.batch_ids == []
    assert plan_store.table_contents() == before
    batch = plan_store.batch(first.batch_ids[0])
    when = pd.Timestamp(batch["imported_at"]).strftime("%Y-%m-%d %H:%M")
    assert [(i.severity, i.message, i.file) for i in again.issues] == [
        (
            "warning",
            f"Filen är redan importerad: import {first.batch_ids[0]} (uppfoljning.xlsx, "
            f"{when}, av test). Den hoppas över.",
            "uppfoljning.xlsx",
        )
    ]


def test_identical_file_of_a_rolled_back_import_points_to_restore(plan_store):
    upload = followup_file([["1.1", "2022", "klar", None, None]])
    (batch_id,) = import_ok(plan_store, upload).batch_ids
    plan_store.set_batch_state(batch_id, False, "anna")
    issues = import_refused(plan_store, upload)
    when = pd.Timestamp(plan_store.batch(batch_id)["imported_at"]).strftime("%Y-%m-%d %H:%M")
    assert [i.message for i in issues] == [
        f"Filen är redan importerad: import {batch_id} (uppfoljning.xlsx, {when}, av test). "
        f"Den importen är återkallad; återaktivera import {batch_id} i stället för att importera "
        "filen igen."
    ]


def test_rollback_shows_the_previous_plan_and_restore_brings_it_back(plan_store):
    (newer,) = import_ok(plan_store, plan_file(PLAN_2022[:2], name="v2.xlsx")).batch_ids
    plan_store.set_batch_state(newer, False, "anna")
    assert current_plan(plan_store) == [("1.1",), ("1.10",), ("2.1",), ("3.1",), ("4.1",)]
    plan_store.set_batch_state(newer, True, "anna")
    assert current_plan(plan_store) == [("1.1",), ("1.10",)]
    assert rows(
        plan_store,
        "SELECT event, actor FROM batch_event WHERE batch_id = ? ORDER BY event_no",
        [newer],
    ) == [("import", "test"), ("rollback", "anna"), ("restore", "anna")]


def test_rollback_shows_the_previous_followup_values(plan_store):
    import_ok(plan_store, followup_file([["1.1", "2022", "pågår", 50, None]], name="maj.xlsx"))
    (newer,) = import_ok(
        plan_store, followup_file([["1.1", "2022", "klar", 100, None]], name="dec.xlsx")
    ).batch_ids
    current = "SELECT status, progress FROM current_action_status"
    assert rows(plan_store, current) == [("done", 100.0)]
    plan_store.set_batch_state(newer, False, "anna")
    assert rows(plan_store, current) == [("on_track", 50.0)]
    plan_store.set_batch_state(newer, True, "anna")
    assert rows(plan_store, current) == [("done", 100.0)]


def test_rollback_of_indicator_values(plan_store):
    import_ok(plan_store, values_file([["ARBL", "Berga", 2020, 10]], name="v1.xlsx"))
    (newer,) = import_ok(
        plan_store, values_file([["ARBL", "Berga", 2020, "9,5"]], name="v2.xlsx", definitions=None)
    ).batch_ids
    current = "SELECT value FROM current_indicator_value"
    assert rows(plan_store, current) == [(9.5,)]
    plan_store.set_batch_state(newer, False, "anna")
    assert rows(plan_store, current) == [(10.0,)]
