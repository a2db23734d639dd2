"""The dashboard's questions, on a small fixture whose answers are worked out by hand.

The fixture (see `dashboard_store`): plan 2022 with five actions, plan 2023 with two, and three
follow-ups. Every expected number below is counted from those rows, not from the code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import FOLLOWUP_HEADER, PLAN_2022, PLAN_HEADER, import_ok, xlsx_file

from segdash import domain
from segdash import queries as q
from segdash.queries import Filters

FOLLOWUP_ROWS = [
    # 2022-T2: 4.1 has no row, so it counts as "missing"
    ["1.1", "2022-T2", "Pågår enligt plan", 40, "Startat"],
    ["1.10", "2022-T2", "Ej påbörjad", 0, None],
    ["2.1", "2022-T2", "Pågår enligt plan", 50, None],
    ["3.1", "2022-T2", "Pågår med avvikelse", 20, "Rekrytering dröjer"],
    ["1.1", "2022", "Genomförd", 100, "Klart i december"],
    ["1.10", "2022", "Pågår enligt plan", 30, None],
    ["2.1", "2022", "Pågår med avvikelse", 50, "Försenad"],
    ["3.1", "2022", "Pågår med avvikelse", 40, None],
    ["4.1", "2022", "Avbruten", None, "Ersatt av annan åtgärd"],
]
PLAN_2023 = [
    ["1.10", 1, "Fältassistenter", None, "SOF", None, "Skäggetorp", 2023, None, None],
    ["5.1", 5, "Lovaktiviteter", None, "KFF", None, "Alla", 2023, None, None],
]
FOLLOWUP_2023 = [["1.10", "2023", "Genomförd", 100, "Fyra fältassistenter på plats"]]
INDICATORS = [
    ["Kod", "Namn", "Enhet", "Högre är bättre", "Utvecklingsområde", "Källa"],
    ["ARBL", "Arbetslöshet", "%", "nej", 2, "SCB"],
    ["BEH", "Behörighet gymnasiet", "%", "ja", 3, "Skolverket"],
]
VALUES = [
    ["Indikator", "Område", "År", "Värde", "Mål"],
    ["ARBL", "Ryd", 2019, 8.0, None],
    ["ARBL", "Ryd", 2020, 6.5, None],
    ["ARBL", "Ryd", 2021, 6.0, 5.5],
    ["ARBL", "Linköping", 2020, 5.2, None],
    ["ARBL", "Linköping", 2021, 5.0, None],
    ["BEH", "Ryd", 2020, 70.0, None],
    ["BEH", "Ryd", 2021, 65.0, 80.0],
    ["BEH", "Skäggetorp", 2021, None, None],
]


@pytest.fixture
def dashboard_store(store):
    import_ok(store, xlsx_file({"Åtgärder": [PLAN_HEADER, *PLAN_2022, *PLAN_2023]}, "plan.xlsx"))
    import_ok(
        store,
        xlsx_file({"Uppföljning": [FOLLOWUP_HEADER, *FOLLOWUP_ROWS, *FOLLOWUP_2023]}, "f.xlsx"),
    )
    import_ok(store, xlsx_file({"Indikatorer": INDICATORS, "Indikatorvärden": VALUES}, "i.xlsx"))
    return store


def counts(frame) -> dict:
    return {row.status: row.count for row in frame.itertuples() if row.count}


def test_periods_in_order_and_the_plan_in_force(dashboard_store):
    assert q.periods(dashboard_store) == ["2022-T2", "2022", "2023"]
    assert q.plan_years(dashboard_store) == [2022, 2023]
    assert q.previous_period(["2022-T2", "2022", "2023"], "2022") == "2022-T2"
    assert q.previous_period(["2022-T2", "2022", "2023"], "2022-T2") is None
    assert domain.plan_in_force([2022, 2023], "2022-T2") == 2022
    assert domain.plan_in_force([2022, 2023], "2024") == 2023
    assert domain.plan_in_force([2022, 2023], "2021") is None


def test_action_status_lists_every_action_with_missing_follow_ups(dashboard_store):
    frame = q.action_status(dashboard_store, Filters(period="2022-T2"))
    assert list(frame["action_no"]) == ["1.1", "1.10", "2.1", "3.1", "4.1"]  # 1.10 after 1.1
    assert dict(zip(frame["action_no"], frame["status"], strict=True))["4.1"] == "missing"
    row = frame.iloc[0]
    assert (row.title, row.lead_office_name, row.area_no, row.progress, row.comment) == (
        "Trygghetsvandringar",
        "Kultur- och fritidsförvaltningen",
        1,
        40.0,
        "Startat",
    )
    assert row.districts == ["Berga", "Ryd"] and row.partner_offices == ["SOF"]


def test_key_figures_with_change_since_previous_follow_up(dashboard_store):
    figures = q.key_figures(dashboard_store, Filters(period="2022"))
    assert (figures.actions, figures.previous_period, figures.previous_actions) == (5, "2022-T2", 5)
    table = figures.statuses.set_index("status")
    assert table["count"].to_dict() == {
        "not_started": 0,
        "on_track": 1,
        "at_risk": 2,
        "done": 1,
        "cancelled": 1,
        "missing": 0,
    }
    assert table["change"].to_dict() == {
        "not_started": -1,
        "on_track": -1,
        "at_risk": 1,
        "done": 1,
        "cancelled": 1,
        "missing": -1,
    }
    assert table.loc["at_risk", "share"] == pytest.approx(0.4)
    assert table.loc["at_risk", "share_change"] == pytest.approx(0.2)


def test_first_follow_up_has_no_change(dashboard_store):
    figures = q.key_figures(dashboard_store, Filters(period="2022-T2"))
    assert figures.previous_period is None
    assert counts(figures.statuses) == {"on_track": 2, "not_started": 1, "at_risk": 1, "missing": 1}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(period="2022", districts=("Berga",)), ["1.1", "2.1", "4.1"]),
        (Filters(period="2022", districts=("Ryd",)), ["1.1", "2.1", "3.1"]),
        (
            Filters(period="2022", districts=("Berga", "Skäggetorp")),
            ["1.1", "1.10", "2.1", "3.1", "4.1"],
        ),
        (Filters(period="2022", areas=(1,)), ["1.1", "1.10"]),
        (Filters(period="2022", offices=("KFF",)), ["1.1", "4.1"]),  # leads 1.1, partner in 4.1
        (Filters(period="2022", offices=("KLF",)), ["2.1"]),
        (Filters(period="2022", districts=("Ryd",), areas=(3,), offices=("UBF",)), ["3.1"]),
        (Filters(period="2023"), ["1.10", "5.1"]),
        (Filters(period="2022", districts=("'; DROP TABLE action; --",)), []),
    ],
)
def test_filters_narrow_the_actions(dashboard_store, filters, expected):
    assert list(q.action_status(dashboard_store, filters)["action_no"]) == expected


def test_status_by_area_and_by_office(dashboard_store):
    by_area = q.status_by(dashboard_store, Filters(period="2022"), "area")
    assert [tuple(r) for r in by_area[["group", "status", "count"]].itertuples(index=False)] == [
        (1, "on_track", 1),
        (1, "done", 1),
        (2, "at_risk", 1),
        (3, "at_risk", 1),
        (4, "cancelled", 1),
    ]
    by_office = q.status_by(dashboard_store, Filters(period="2022"), "office")
    assert list(by_office["label"]) == [
        "Integrations- och arbetsmarknadsförvaltningen",
        "Kultur- och fritidsförvaltningen",
        "Samhällsbyggnadsförvaltningen",
        "Social- och omsorgsförvaltningen",
        "Utbildningsförvaltningen",
    ]
    assert list(by_office["status"]) == ["at_risk", "done", "cancelled", "on_track", "at_risk"]


def test_status_over_all_periods(dashboard_store):
    frame = q.status_over_periods(dashboard_store, Filters())
    got = {(r.period, r.status): r.count for r in frame.itertuples()}
    assert got == {
        ("2022-T2", "not_started"): 1,
        ("2022-T2", "on_track"): 2,
        ("2022-T2", "at_risk"): 1,
        ("2022-T2", "missing"): 1,
        ("2022", "on_track"): 1,
        ("2022", "at_risk"): 2,
        ("2022", "done"): 1,
        ("2022", "cancelled"): 1,
        ("2023", "done"): 1,
        ("2023", "missing"): 1,
    }


def test_status_over_periods_by_area_is_each_areas_own_in_one_question(dashboard_store):
    by_area = q.status_over_periods(dashboard_store, Filters(), by_area=True)
    assert sorted(by_area["area_no"].unique()) == [1, 2, 3, 4, 5]
    for area, rows in by_area.groupby("area_no"):
        alone = q.status_over_periods(dashboard_store, Filters(areas=(int(area),)))
        pd.testing.assert_frame_equal(rows.drop(columns="area_no").reset_index(drop=True), alone)
    # the shares are within each area and period
    sums = by_area.groupby(["area_no", "period"])["share"].sum()
    assert sums.round(9).eq(1).all()


def test_changes_since_previous(dashboard_store):
    changes = q.changes_since_previous(dashboard_store, Filters(period="2022"))
    assert [
        tuple(r) for r in changes[["action_no", "status_before", "status"]].itertuples(index=False)
    ] == [
        ("1.1", "on_track", "done"),
        ("1.10", "not_started", "on_track"),
        ("2.1", "on_track", "at_risk"),
        ("4.1", "missing", "cancelled"),
    ]
    new_plan = q.changes_since_previous(dashboard_store, Filters(period="2023"))
    assert list(new_plan["action_no"]) == ["1.10", "5.1"]
    assert new_plan["status_before"].isna().tolist() == [False, True]  # 5.1 is new in the plan


def test_search_finds_number_title_and_comment(dashboard_store):
    frame = q.action_status(dashboard_store, Filters(period="2022"))
    assert list(q.search_actions(frame, "försenad")["action_no"]) == ["2.1"]
    assert list(q.search_actions(frame, "LÄXHJÄLP")["action_no"]) == ["3.1"]
    assert list(q.search_actions(frame, "1.10")["action_no"]) == ["1.10"]
    assert len(q.search_actions(frame, "  ")) == 5


def test_action_detail_and_history(dashboard_store):
    detail = q.action_detail(dashboard_store, 2022, "2.1")
    assert detail.partner_offices == ["UBF", "KLF"]
    assert detail.districts == ["Berga", "Ryd", "Skäggetorp"]  # "Alla"
    assert detail.lead_office_name == "Integrations- och arbetsmarknadsförvaltningen"
    assert q.action_detail(dashboard_store, 2022, "9.9") is None
    history = q.action_history(dashboard_store, "1.10")
    assert [tuple(r) for r in history[["period", "status"]].itertuples(index=False)] == [
        ("2022-T2", "not_started"),
        ("2022", "on_track"),
        ("2023", "done"),
    ]


def test_office_actions_with_role(dashboard_store):
    frame = q.office_actions(dashboard_store, Filters(period="2022"), "KFF")
    assert [tuple(r) for r in frame[["action_no", "role", "status"]].itertuples(index=False)] == [
        ("1.1", "lead", "done"),
        ("4.1", "partner", "cancelled"),
    ]


def test_indicator_trends_are_direction_aware(dashboard_store):
    trends = q.indicator_trends(dashboard_store, "Ryd").set_index("code")
    arbl = trends.loc["ARBL"]
    assert (arbl.latest_year, arbl.latest_value, arbl.start_year, arbl.latest_target) == (
        2021,
        6.0,
        2019,
        5.5,
    )
    assert arbl.change == pytest.approx(-2.0)
    assert arbl.improving is True  # unemployment went down: the right way
    assert arbl.municipality_value == 5.0
    beh = trends.loc["BEH"]
    assert beh.change == pytest.approx(-5.0) and beh.improving is False
    assert math.isnan(beh.municipality_value)


def test_area_summary_for_a_district(dashboard_store):
    summary = q.area_summary(dashboard_store, Filters(period="2022"), "Ryd").set_index("area_no")
    assert summary["actions"].to_dict() == {1: 1, 2: 1, 3: 1, 4: 0, 5: 0}
    assert summary.loc[1, "done"] == 1 and summary.loc[2, "at_risk"] == 1
    assert summary[["indicators", "improving", "worsening"]].loc[2].tolist() == [1, 1, 0]
    assert summary[["indicators", "improving", "worsening"]].loc[3].tolist() == [1, 0, 1]


def test_indicator_values_keep_missing_as_missing(dashboard_store):
    values = q.indicator_values(dashboard_store, "BEH")
    assert [(r.district, r.year) for r in values.itertuples()] == [
        ("Ryd", 2020),
        ("Ryd", 2021),
        ("Skäggetorp", 2021),
    ]
    assert math.isnan(values.iloc[2]["value"])
    assert values.iloc[0]["source"] == "Skolverket"  # the indicator's source when none per value
    only = q.indicator_values(dashboard_store, "ARBL", ("Linköping",))
    assert list(only["value"]) == [5.2, 5.0]


def test_catalogue_counts_values(dashboard_store):
    catalogue = q.indicator_catalogue(dashboard_store).set_index("code")
    assert catalogue.loc["ARBL", "n_values"] == 5
    assert catalogue.loc["BEH", "n_values"] == 2  # the missing one does not count
    assert (
        catalogue.loc["BEH", "area_name"]
        == "Utbildning för att barn och vuxna ska nå sin fulla potential"
    )


def test_empty_database_gives_empty_answers(store):
    assert q.periods(store) == []
    assert q.action_status(store, Filters(period="2022")).empty
    assert q.key_figures(store, Filters()).actions == 0
    assert q.status_over_periods(store, Filters()).empty
    assert q.changes_since_previous(store, Filters(period="2022")).empty
    assert q.indicator_catalogue(store).empty


def test_viewers_asking_the_same_question_at_once_share_one_query(dashboard_store):
    """After an import every open page asks again at the same moment: one query answers all."""
    import threading
    import time

    q.clear_memo()
    asked = []
    started = threading.Barrier(8)

    def compute():
        asked.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every other viewer to arrive meanwhile
        return ["2022", "2023"]

    answers = []

    def viewer():
        started.wait()
        answers.append(q._memoised(dashboard_store, ("years_for_test",), compute))

    threads = [threading.Thread(target=viewer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(asked) == 1
    assert answers == [["2022", "2023"]] * 8
    assert len({id(a) for a in answers}) == 8  # each its own copy, to change as it likes
    assert q._COMPUTING == {}


def test_a_failed_question_is_asked_again_by_the_next_viewer(dashboard_store):
    q.clear_memo()
    calls = []

    def compute():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database busy")
        return ["2023"]

    with pytest.raises(RuntimeError, match="database busy"):
        q._memoised(dashboard_store, ("fails_once",), compute)
    assert q._memoised(dashboard_store, ("fails_once",), compute) == ["2023"]
    assert len(calls) == 2
