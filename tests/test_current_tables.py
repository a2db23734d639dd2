"""The current actions, statuses, areas, offices, districts and indicators are tables kept up
to date by every import, rollback and restore (schema 6). Whatever the sequence of writes, each
must hold exactly what ranking every active batch gives, the pages' queries must answer from
them, and a database of schema 5 gets them when it is opened."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import PLAN_2022, database_at_schema, followup_file, import_ok, plan_file

from segdash import queries
from segdash import store as store_module
from segdash.queries import Filters
from segdash.store import CURRENT_TABLES, Store


def assert_kept(store: Store, empty: tuple[str, ...] = ()) -> None:
    """Every kept table equals its ranking view, row for row; only those named `empty` have
    no rows (a comparison of two empty tables would prove nothing)."""
    for name in CURRENT_TABLES:
        kept = store.df(f"SELECT * FROM {name}_current ORDER BY ALL")
        ranked = store.df(f"SELECT * FROM ranked_{name} ORDER BY ALL")
        assert (len(ranked) == 0) == (name in empty), name
        pd.testing.assert_frame_equal(kept, ranked, obj=name)


def statuses(store: Store, period: str) -> dict[str, str]:
    frame = queries.action_status(store, Filters(period=period))
    return dict(zip(frame["action_no"], frame["status"], strict=True))


def test_imports_rollbacks_and_restores_keep_the_current_tables(plan_store):
    assert_kept(plan_store, empty=("indicator", "action_status"))
    first = import_ok(
        plan_store,
        followup_file(
            [["1.1", "2022", "Pågår", 40, None], ["2.1", "2022", "Genomförd", 100, None]],
            name="forsta.xlsx",
        ),
    ).batch_ids[0]
    assert_kept(plan_store, empty=("indicator",))
    assert statuses(plan_store, "2022")["1.1"] == "on_track"

    # A later report of the same period wins; the action it leaves out keeps the first one's.
    second = import_ok(
        plan_store,
        followup_file([["1.1", "2022", "Genomförd", 100, "Klar"]], name="andra.xlsx"),
    ).batch_ids[0]
    assert_kept(plan_store, empty=("indicator",))
    now = statuses(plan_store, "2022")
    assert (now["1.1"], now["2.1"], now["3.1"]) == ("done", "done", "missing")

    plan_store.set_batch_state(second, active=False, actor="test")
    assert_kept(plan_store, empty=("indicator",))
    assert statuses(plan_store, "2022")["1.1"] == "on_track"

    plan_store.set_batch_state(second, active=True, actor="test")
    assert_kept(plan_store, empty=("indicator",))
    assert statuses(plan_store, "2022")["1.1"] == "done"

    plan_store.set_batch_state(first, active=False, actor="test")
    assert_kept(plan_store, empty=("indicator",))
    now = statuses(plan_store, "2022")
    assert (now["1.1"], now["2.1"]) == ("done", "missing")


def test_a_new_plan_replaces_the_current_actions_and_a_rollback_brings_them_back(plan_store):
    changed = [list(r) for r in PLAN_2022[:2]]
    changed[0][2] = "Trygghetsvandringar med boende"
    batch = import_ok(plan_store, plan_file(changed, name="ny_plan.xlsx")).batch_ids[0]
    assert_kept(plan_store, empty=("indicator", "action_status"))
    titles = plan_store.df("SELECT action_no, title FROM current_action ORDER BY action_no")
    assert titles.values.tolist() == [
        ["1.1", "Trygghetsvandringar med boende"],
        ["1.10", "Fältassistenter"],
    ]

    plan_store.set_batch_state(batch, active=False, actor="test")
    assert_kept(plan_store, empty=("indicator", "action_status"))
    titles = plan_store.df("SELECT action_no FROM current_action ORDER BY action_no")
    assert titles["action_no"].tolist() == ["1.1", "1.10", "2.1", "3.1", "4.1"]


def test_a_failed_write_leaves_the_current_tables_as_they_were(plan_store):
    before = plan_store.table_contents()

    def half_an_import(cur):
        plan_store.insert_batch(
            cur,
            kind="followup",
            file_name="halv.xlsx",
            sha256="halv",
            imported_by="test",
            frames={
                "action_status": pd.DataFrame(
                    {
                        "plan_year": [2022],
                        "action_no": ["1.1"],
                        "period": ["2022"],
                        "status": ["done"],
                        "progress": [100],
                        "comment": [None],
                    }
                )
            },
        )
        assert cur.execute("SELECT count(*) FROM action_status_current").fetchone()[0] == 1
        raise RuntimeError("the import stopped half-way")

    with pytest.raises(RuntimeError):
        plan_store.write(half_an_import)
    assert_kept(plan_store, empty=("indicator", "action_status"))
    assert plan_store.table_contents() == before
    assert statuses(plan_store, "2022")["1.1"] == "missing"


def test_a_schema_5_database_gets_its_current_tables_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    con = database_at_schema(path, 5)
    for batch in (1, 2):
        con.execute(
            "INSERT INTO import_batch VALUES (?, 'plan', ?, ?, 'test', now(), '{}',"
            " 'active', false)",
            [batch, f"{batch}.xlsx", str(batch)],
        )
        con.execute(
            "INSERT INTO action (batch_id, plan_year, action_no, area_no, title, lead_office,"
            " partner_offices, districts) VALUES (?, 2024, '1.1', 1, ?, 'KFF', [], ['Berga'])",
            [batch, f"Plan {batch}"],
        )
        con.execute(
            "INSERT INTO action_status (batch_id, plan_year, action_no, period, status)"
            " VALUES (?, 2024, '1.1', '2024', ?)",
            [batch, "on_track" if batch == 1 else "done"],
        )
    con.close()
    with Store(path) as store:
        assert store.schema_version() == store_module.SCHEMA_VERSION >= 6
        assert_kept(store, empty=("indicator",))
        frame = queries.action_status(store, Filters(period="2024"))
        assert frame[["action_no", "title", "status"]].values.tolist() == [
            ["1.1", "Plan 2", "done"]
        ]
        assert store.df("SELECT count(*) AS n FROM office_current")["n"].iloc[0] == 7


def test_the_demo_database_keeps_every_current_table(demo_store):
    assert_kept(demo_store)
    kinds = demo_store.df("SELECT DISTINCT kind FROM import_batch ORDER BY kind")["kind"].tolist()
    assert {"plan", "followup", "indicators"} <= set(kinds)


def test_the_values_revision_moves_with_values_and_master_data_not_with_follow_ups(plan_store):
    """What pages make of indicator values alone is kept while follow-ups come in: the values
    revision stays through a follow-up's import, rollback and restore, and moves with values."""
    from conftest import values_file

    before, values = plan_store.revisions()  # a plan (actions only) and the built-in data
    followup = import_ok(
        plan_store, followup_file([["1.1", "2022", "Pågår", 40, None]], name="f.xlsx")
    ).batch_ids[0]
    after = plan_store.revisions()
    assert after[0] > before and after[1] == values
    plan_store.set_batch_state(followup, active=False, actor="test")
    assert plan_store.revisions()[1] == values
    plan_store.set_batch_state(followup, active=True, actor="test")
    moved, still = plan_store.revisions()
    assert moved > after[0] and still == values
    batch = import_ok(plan_store, values_file([["ARBL", "Berga", 2023, 9.5]])).batch_ids[0]
    now, newer = plan_store.revisions()
    assert now > moved and newer > values
    plan_store.set_batch_state(batch, active=False, actor="test")
    assert plan_store.revisions()[1] > newer
    assert plan_store.revision() == plan_store.revisions()[0]


def test_the_values_revision_follows_writes_made_through_another_store(plan_store):
    """The command line writes beside the app through a Store of its own: the app's Store,
    which keeps the values revision while no batch event is added, still sees each write."""
    from conftest import values_file

    before, values = plan_store.revisions()
    with Store(plan_store.path) as other:
        import_ok(other, values_file([["ARBL", "Berga", 2023, 9.5]]))
    moved, newer = plan_store.revisions()
    assert moved > before and newer > values
    with Store(plan_store.path) as other:
        import_ok(other, followup_file([["1.1", "2022", "Pågår", 40, None]], name="f.xlsx"))
    later, still = plan_store.revisions()
    assert later > moved and still == newer
