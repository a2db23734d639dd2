"""The preview of an upload: what it would add, change or drop, worked out before writing."""

from __future__ import annotations

import math

import pytest
from conftest import PLAN_2022, followup_file, import_ok, plan_file, values_file

from segdash.importer import check_files
from segdash.importer.preview import build_preview


def preview_of(store, *files):
    return build_preview(store, check_files(store, list(files)))


def plan_rows_with(changes: dict[tuple[str, int], object]) -> list[list]:
    """PLAN_2022 with some cells replaced: {(action number, column index): new value}."""
    out = [list(r) for r in PLAN_2022]
    for (number, column), value in changes.items():
        next(r for r in out if r[0] == number)[column] = value
    return out


def as_dict(frame, key: str) -> dict:
    return {r[key]: r for r in frame.to_dict("records")}


def blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- plan ---------------------------------------------------------------------------------


def test_plan_with_one_changed_one_new_and_one_missing(plan_store):
    plan = plan_rows_with({("1.1", 2): "Nattvandringar"})
    plan = [r for r in plan if r[0] != "4.1"]  # dropped
    plan.append(["4.2", 4, "Ny park", None, "SBF", None, "Berga", 2022, None, None])

    preview = preview_of(plan_store, plan_file(plan, name="plan-ny.xlsx"))

    # 1.1 changed; 1.10, 2.1, 3.1 unchanged; 4.1 removed; 4.2 new.
    assert preview.counts == {
        "actions_new": 1,
        "actions_changed": 1,
        "actions_removed": 1,
        "actions_unchanged": 3,
    }
    actions = preview.actions
    assert list(zip(actions["action_no"], actions["change"], strict=True)) == [
        ("1.1", "changed"),
        ("1.10", "unchanged"),
        ("2.1", "unchanged"),
        ("3.1", "unchanged"),
        ("4.1", "removed"),
        ("4.2", "new"),
    ]
    by_no = as_dict(actions, "action_no")
    assert by_no["1.1"]["fields"] == ["title"]
    assert by_no["1.1"]["title"] == "Nattvandringar"
    assert by_no["4.1"]["title"] == "Upprustade gårdar"
    assert by_no["4.2"]["title"] == "Ny park"
    assert set(actions["plan_year"]) == {2022}
    assert preview.is_empty is False


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({("1.1", 3): "Dagvandringar"}, ["description"]),
        ({("1.1", 3): None}, ["description"]),
        ({("1.1", 4): "SOF"}, ["lead_office"]),
        ({("1.1", 5): "SOF, UBF"}, ["partner_offices"]),
        ({("1.1", 6): "Berga; Ryd; Skäggetorp"}, ["districts"]),
        ({("1.1", 9): 2024}, ["end_when"]),
        ({("1.1", 2): "Nattvandringar", ("1.1", 4): "SOF"}, ["title", "lead_office"]),
    ],
)
def test_plan_names_the_changed_fields(plan_store, changes, fields):
    preview = preview_of(plan_store, plan_file(plan_rows_with(changes), name="plan-ny.xlsx"))
    assert preview.counts == {
        "actions_new": 0,
        "actions_changed": 1,
        "actions_removed": 0,
        "actions_unchanged": 4,
    }
    changed = preview.actions[preview.actions["change"] == "changed"]
    assert changed["action_no"].tolist() == ["1.1"]
    assert changed["fields"].tolist() == [fields]


def test_plan_for_another_year_leaves_the_2022_plan_out(plan_store):
    plan = [
        ["1.1", 1, "Trygghetsvandringar", None, "KFF", None, "Berga", 2023, None, None],
        ["5.1", 1, "Mötesplatser", None, "KFF", None, "Ryd", 2023, None, None],
    ]
    preview = preview_of(plan_store, plan_file(plan, name="plan-2023.xlsx"))
    assert preview.counts == {
        "actions_new": 2,
        "actions_changed": 0,
        "actions_removed": 0,
        "actions_unchanged": 0,
    }
    assert preview.actions["plan_year"].tolist() == [2023, 2023]


# --- follow-up ----------------------------------------------------------------------------


def test_followup_for_a_new_period_compares_with_the_latest_earlier_period(plan_store):
    import_ok(
        plan_store,
        followup_file(
            [
                ["1.1", "2022-T1", "pågår", 20, None],
                ["1.10", "2022-T1", "ej startad", None, None],
                ["1.1", "2022-T2", "försenad", 30, None],
                ["1.10", "2022-T2", "klar", None, None],
                ["1.1", "2023-T1", "klar", 100, None],  # later than the new period: not "before"
            ],
            name="tidigare.xlsx",
        ),
    )

    preview = preview_of(
        plan_store,
        followup_file(
            [
                ["1.1", "2022-T3", "pågår", 60, "Bättre nu"],  # changed: at_risk 30 -> on_track 60
                ["1.10", "2022-T3", "klar", None, None],  # unchanged: done -> done
                ["2.1", "2022-T3", "klar", 100, None],  # new: no earlier status
                ["3.1", "2022-T3", "ej startad", None, None],  # new
            ],
            name="t3.xlsx",
        ),
    )

    assert preview.counts == {"statuses_new": 2, "statuses_changed": 1, "statuses_unchanged": 1}
    rows = as_dict(preview.statuses, "action_no")
    assert {n: r["change"] for n, r in rows.items()} == {
        "1.1": "changed",
        "1.10": "unchanged",
        "2.1": "new",
        "3.1": "new",
    }
    first = rows["1.1"]
    assert (first["period"], first["before_period"], first["status_before"], first["status"]) == (
        "2022-T3",
        "2022-T2",
        "at_risk",
        "on_track",
    )
    assert (first["progress_before"], first["progress"]) == (30, 60)
    assert first["comment"] == "Bättre nu"
    assert (rows["1.10"]["before_period"], rows["1.10"]["status_before"]) == ("2022-T2", "done")
    assert blank(rows["2.1"]["before_period"]) and blank(rows["2.1"]["status_before"])
    assert preview.statuses["replaces"].tolist() == [False, False, False, False]


def test_followup_with_only_progress_changed_is_a_change(plan_store):
    import_ok(plan_store, followup_file([["1.1", "2022-T1", "pågår", 20, None]], name="t1.xlsx"))
    preview = preview_of(
        plan_store, followup_file([["1.1", "2022-T2", "pågår", 40, None]], name="t2.xlsx")
    )
    assert preview.counts == {"statuses_new": 0, "statuses_changed": 1, "statuses_unchanged": 0}


def test_followup_for_an_existing_period_replaces_its_rows(plan_store):
    import_ok(
        plan_store,
        followup_file(
            [
                ["1.1", "2022-T1", "pågår", 20, None],
                ["1.1", "2022-T2", "pågår", 40, None],
                ["1.10", "2022-T2", "försenad", None, None],
            ],
            name="t1-t2.xlsx",
        ),
    )

    preview = preview_of(
        plan_store,
        followup_file(
            [
                ["1.1", "2022-T2", "klar", 100, None],  # changed: compared with its own T2 row
                ["1.10", "2022-T2", "försenad", None, None],  # unchanged
                ["2.1", "2022-T2", "pågår", None, None],  # new
            ],
            name="t2-rättad.xlsx",
        ),
    )

    assert preview.counts == {"statuses_new": 1, "statuses_changed": 1, "statuses_unchanged": 1}
    rows = as_dict(preview.statuses, "action_no")
    assert (
        rows["1.1"]["before_period"],
        rows["1.1"]["status_before"],
        rows["1.1"]["progress_before"],
    ) == ("2022-T2", "on_track", 40)
    assert rows["1.1"]["change"] == "changed"
    assert (rows["1.10"]["before_period"], rows["1.10"]["change"]) == ("2022-T2", "unchanged")
    assert {n: r["replaces"] for n, r in rows.items()} == {"1.1": True, "1.10": True, "2.1": False}


# --- indicator values ---------------------------------------------------------------------


def test_values_added_replaced_and_unchanged(plan_store):
    import_ok(
        plan_store,
        values_file(
            [
                ["ARBL", "Berga", 2020, 5],
                ["ARBL", "Ryd", 2020, None],
                ["ARBL", "Berga", 2021, 6],
                ["BEH", "Ryd", 2021, 80],
            ],
            name="värden-2021.xlsx",
        ),
    )

    preview = preview_of(
        plan_store,
        values_file(
            [
                ["ARBL", "Berga", 2020, 5],  # unchanged
                ["ARBL", "Ryd", 2020, None],  # unchanged: missing stays missing
                ["ARBL", "Berga", 2021, 7.5],  # replaced 6 -> 7.5
                ["BEH", "Ryd", 2021, None],  # replaced 80 -> missing
                ["ARBL", "Ryd", 2021, 3],  # added
                ["BEH", "Berga", 2022, 91],  # added
            ],
            name="värden-2022.xlsx",
        ),
    )

    assert {k: v for k, v in preview.counts.items() if k.startswith("values_")} == {
        "values_added": 2,
        "values_replaced": 2,
        "values_unchanged": 2,
    }
    values = preview.values
    replaced = values[values["change"] == "replaced"]
    assert [
        (r.indicator_code, r.year, r.value_before, None if blank(r.value) else r.value)
        for r in replaced.itertuples()
    ] == [("ARBL", 2021, 6.0, 7.5), ("BEH", 2021, 80.0, None)]
    added = values[values["change"] == "added"]
    assert [(r.indicator_code, r.year, r.value) for r in added.itertuples()] == [
        ("ARBL", 2021, 3.0),
        ("BEH", 2022, 91.0),
    ]
    assert all(blank(v) for v in added["value_before"])


def test_a_changed_target_replaces_the_value(plan_store):
    header = ["Indikator", "Område", "År", "Värde", "Mål"]
    import_ok(plan_store, values_file([["ARBL", "Berga", 2021, 6, 5]], header, name="a.xlsx"))
    preview = preview_of(
        plan_store, values_file([["ARBL", "Berga", 2021, 6, 4]], header, name="b.xlsx")
    )
    assert preview.counts["values_replaced"] == 1
    assert preview.counts["values_unchanged"] == 0
    row = preview.values.iloc[0]
    assert (row["target_before"], row["target"]) == (5, 4)


# --- files already imported ---------------------------------------------------------------


def test_an_already_imported_file_changes_nothing(plan_store):
    followup = followup_file([["1.1", "2022-T1", "klar", 100, None]])
    values = values_file([["ARBL", "Berga", 2020, 5]])
    import_ok(plan_store, followup, values)

    preview = preview_of(plan_store, followup, values)

    assert preview.counts == {}
    assert preview.is_empty is True
    assert preview.statuses.empty and preview.values.empty and preview.actions.empty


def test_only_the_new_file_of_an_upload_is_previewed(plan_store):
    old = followup_file([["1.1", "2022-T1", "klar", 100, None]], name="gammal.xlsx")
    import_ok(plan_store, old)
    new = followup_file([["1.10", "2022-T1", "pågår", 10, None]], name="ny.xlsx")
    preview = preview_of(plan_store, old, new)
    assert preview.counts == {"statuses_new": 1, "statuses_changed": 0, "statuses_unchanged": 0}
    assert preview.statuses["action_no"].tolist() == ["1.10"]
