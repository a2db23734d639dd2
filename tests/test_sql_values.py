"""SQL-looking values in every import column and every filter: stored or refused as plain
values, never run. Values only ever reach DuckDB as parameters or registered frames."""

from __future__ import annotations

import pytest
from conftest import PLAN_HEADER, import_ok, import_refused, rows, xlsx_file

from segdash import queries as q
from segdash.queries import Filters

SQL = "x'); DROP TABLE action; --"


def test_sql_in_free_text_columns_is_stored_verbatim(store):
    plan = [["1.1", 1, SQL, SQL, "KFF", None, "Ryd", 2022, None, None]]
    import_ok(
        store,
        xlsx_file({"Åtgärder": [PLAN_HEADER, *plan]}),
        xlsx_file(
            {
                "Uppföljning": [
                    ["Nr", "Period", "Status", "Kommentar"],
                    ["1.1", "2022", "Pågår", SQL],
                ]
            },
            "f.xlsx",
        ),
    )
    assert rows(store, "SELECT title, description FROM current_action") == [(SQL, SQL)]
    assert rows(store, "SELECT comment FROM current_action_status") == [(SQL,)]
    assert rows(store, "SELECT count(*) FROM action") == [(1,)]  # the table is still there


@pytest.mark.parametrize(
    "column",
    [
        "Nr",
        "Utvecklingsområde",
        "Ansvarig förvaltning",
        "Samverkande förvaltningar",
        "Områden",
        "Planår",
        "Start",
    ],
)
def test_sql_in_coded_plan_columns_is_refused_as_a_value(store, column):
    good = {
        "Nr": "1.1",
        "Utvecklingsområde": 1,
        "Åtgärd": "t",
        "Beskrivning": None,
        "Ansvarig förvaltning": "KFF",
        "Samverkande förvaltningar": None,
        "Områden": "Ryd",
        "Planår": 2022,
        "Start": None,
        "Slut": None,
    }
    good[column] = SQL
    row = [good[h] for h in PLAN_HEADER]
    if column == "Nr":  # a long text is no action number
        errors = import_refused(store, xlsx_file({"Åtgärder": [PLAN_HEADER, row]}))
        assert errors[0].message == f"”{SQL}” är inget åtgärdsnummer."
        return
    errors = import_refused(store, xlsx_file({"Åtgärder": [PLAN_HEADER, row]}))
    assert [e.value for e in errors] == [SQL] and errors[0].column == column


@pytest.mark.parametrize("column", ["Indikator", "Område", "År", "Värde", "Kön", "Mål"])
def test_sql_in_indicator_columns_is_refused_as_a_value(store, column):
    header = ["Indikator", "Område", "År", "Värde", "Kön", "Mål"]
    good = {"Indikator": "A", "Område": "Ryd", "År": 2020, "Värde": 1.0, "Kön": "T", "Mål": None}
    good[column] = SQL
    errors = import_refused(
        store,
        xlsx_file(
            {
                "Indikatorer": [["Kod", "Namn"], ["A", "Indikator A"]],
                "Indikatorvärden": [header, [good[h] for h in header]],
            }
        ),
    )
    assert [(e.column, e.value) for e in errors] == [(column, SQL)]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(period=SQL),
        Filters(period="2022", districts=(SQL,)),
        Filters(period="2022", offices=(SQL,)),
        Filters(period="2022", districts=("Ryd",), offices=("KFF", SQL)),
    ],
)
def test_sql_in_filters_matches_nothing_and_harms_nothing(plan_store, filters):
    before = plan_store.table_contents()
    if filters.period == SQL:
        with pytest.raises(ValueError):  # not a period at all: the page never asks this
            q.action_status(plan_store, filters)
    else:
        frame = q.action_status(plan_store, filters)
        assert set(frame["action_no"]) <= {"1.1"}
    assert q.indicator_values(plan_store, SQL, (SQL,), SQL).empty
    assert plan_store.table_contents() == before
