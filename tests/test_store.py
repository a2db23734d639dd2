"""The store: schema and migrations, batches, supersede, rollback and restore, open errors."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import HELD_MESSAGE, import_ok, plan_file

from segdash import domain
from segdash.store import SCHEMA_VERSION, Store, StoreError


def _values(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["indicator_code", "district_code", "year", "sex", "value", "target", "source"],
    )


def _insert(store: Store, frames: dict[str, pd.DataFrame], sha: str = "x") -> int:
    return store.write(
        lambda cur: store.insert_batch(
            cur,
            kind="indicators",
            file_name=f"{sha}.xlsx",
            sha256=sha,
            imported_by="test",
            frames=frames,
        )
    )


def _current_values(store: Store) -> list[tuple]:
    return [
        tuple(r)
        for r in store.df(
            "SELECT district_code, year, value FROM current_indicator_value ORDER BY ALL"
        ).itertuples(index=False)
    ]


@pytest.fixture
def db(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        yield store


def test_new_database_has_schema_version_and_builtin_master_data(db):
    assert db.schema_version() == SCHEMA_VERSION
    offices = db.df("SELECT code, name FROM current_office ORDER BY code")
    assert sorted(map(tuple, offices.to_numpy())) == sorted(domain.OFFICES)
    areas = db.df("SELECT area_no, name FROM current_development_area ORDER BY area_no")
    assert list(map(tuple, areas.to_numpy())) == list(domain.DEVELOPMENT_AREAS)
    assert db.has_data() is False
    assert db.batches().empty  # the built-in batch is not part of the history


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        _insert(store, {"indicator_value": _values([("A", "Ryd", 2020, "T", 6.5, None, None)])})
    with Store(path) as store:
        assert _current_values(store) == [("Ryd", 2020, 6.5)]
        assert store.df("SELECT count(*) AS n FROM schema_version")["n"].iloc[0] == 1


def test_a_version_2_database_gains_the_reporting_round_and_keeps_its_offices(tmp_path):
    """A database made before the reporting round (schema 2) is migrated on open: its offices
    stay, with no contact address yet, and the round's tables are there and empty."""
    from segdash.store import MIGRATIONS, _seed_system_batch

    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    con.execute(MIGRATIONS[0])
    _seed_system_batch(con)
    con.execute(MIGRATIONS[1])
    con.execute("INSERT INTO schema_version VALUES (2)")
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        offices = store.df("SELECT code, name, contact_email FROM current_office ORDER BY code")
        assert sorted((c, n) for c, n, _ in offices.itertuples(index=False)) == sorted(
            domain.OFFICES
        )
        assert offices["contact_email"].isna().all()
        for table in ("reporting_round", "round_event", "reminder", "boundary"):
            assert store.df(f"SELECT count(*) AS n FROM {table}")["n"].iloc[0] == 0
        assert store.df("SELECT * FROM current_reporting_round").empty


def test_later_batch_supersedes_per_key_and_rollback_restores_previous_values(db):
    first = _insert(
        db,
        {
            "indicator_value": _values(
                [
                    ("A", "Ryd", 2020, "T", 6.5, None, None),
                    ("A", "Ryd", 2021, "T", 6.0, None, None),
                ]
            )
        },
        "one",
    )
    second = _insert(
        db, {"indicator_value": _values([("A", "Ryd", 2021, "T", 5.1, None, None)])}, "two"
    )
    assert _current_values(db) == [("Ryd", 2020, 6.5), ("Ryd", 2021, 5.1)]
    # Nothing was deleted: both versions of 2021 are stored.
    assert db.df("SELECT count(*) AS n FROM indicator_value")["n"].iloc[0] == 3

    db.set_batch_state(second, active=False, actor="anna")
    assert _current_values(db) == [("Ryd", 2020, 6.5), ("Ryd", 2021, 6.0)]
    db.set_batch_state(second, active=True, actor="anna")
    assert _current_values(db) == [("Ryd", 2020, 6.5), ("Ryd", 2021, 5.1)]
    db.set_batch_state(first, active=False, actor="anna")
    assert _current_values(db) == [("Ryd", 2021, 5.1)]

    history = db.batches().set_index("batch_id")
    assert history.loc[second, "state"] == "active"
    assert history.loc[second, "last_event"] == "restore"
    assert history.loc[first, "last_event"] == "rollback"
    assert history.loc[first, "last_actor"] == "anna"
    events = db.df("SELECT batch_id, event FROM batch_event ORDER BY event_no")
    assert list(events["event"]) == ["import", "import", "rollback", "restore", "rollback"]


def test_a_plan_year_is_replaced_as_a_whole(db):
    def plan(numbers: list[str]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "plan_year": 2022,
                "action_no": numbers,
                "area_no": 1,
                "title": "t",
                "description": None,
                "lead_office": "KLF",
                "partner_offices": [[] for _ in numbers],
                "districts": [["Ryd"] for _ in numbers],
                "start_when": None,
                "end_when": None,
            }
        )

    _insert(db, {"action": plan(["1.1", "1.2", "1.3"])}, "p1")
    second = _insert(db, {"action": plan(["1.1", "1.4"])}, "p2")
    current = db.df("SELECT action_no, districts FROM current_action ORDER BY action_no")
    assert list(current["action_no"]) == ["1.1", "1.4"]
    assert list(current["districts"].iloc[0]) == ["Ryd"]
    db.set_batch_state(second, active=False, actor="t")
    assert list(db.df("SELECT action_no FROM current_action ORDER BY 1")["action_no"]) == [
        "1.1",
        "1.2",
        "1.3",
    ]


@pytest.mark.parametrize(
    ("batch_id", "active", "message"),
    [
        (0, False, "Den inbyggda grunddatan kan inte återkallas."),
        (99, False, "Det finns ingen import med nummer 99."),
        (1, True, "Import 1 är redan aktiv."),
    ],
)
def test_state_changes_that_cannot_be_done_say_why(db, batch_id, active, message):
    _insert(db, {"indicator_value": _values([("A", "Ryd", 2020, "T", 1.0, None, None)])})
    before = db.table_contents()
    with pytest.raises(StoreError) as err:
        db.set_batch_state(batch_id, active, "t")
    assert str(err.value) == message
    assert db.table_contents() == before


def test_failed_write_leaves_every_table_unchanged(db):
    before = db.table_contents()

    def half_then_fail(cur):
        db.insert_batch(
            cur,
            kind="indicators",
            file_name="f",
            sha256="s",
            imported_by="t",
            frames={"indicator_value": _values([("A", "Ryd", 2020, "T", 1.0, None, None)])},
        )
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        db.write(half_then_fail)
    assert db.table_contents() == before


def test_missing_value_is_stored_as_null_not_zero(db):
    _insert(db, {"indicator_value": _values([("A", "Ryd", 2020, "T", None, None, None)])})
    assert db.df("SELECT value FROM current_indicator_value")["value"].isna().all()


def test_demo_flag(db):
    assert db.shows_demo_data() is False
    frames = {"indicator_value": _values([("A", "Ryd", 2020, "T", 1.0, None, None)])}
    demo = db.write(
        lambda cur: db.insert_batch(
            cur,
            kind="indicators",
            file_name="demo",
            sha256="d",
            imported_by="t",
            frames=frames,
            is_demo=True,
        )
    )
    assert db.shows_demo_data() is True
    real = _insert(db, frames, "real")
    assert db.shows_demo_data() is False
    db.set_batch_state(real, False, "t")
    assert db.shows_demo_data() is True
    db.set_batch_state(demo, False, "t")
    assert db.shows_demo_data() is False


def test_not_a_duckdb_file_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("this is a text file, not a database\n" * 200)
    with pytest.raises(StoreError) as err:
        Store(path)
    assert str(err.value) == (
        f"Filen {path} är ingen segdash-databas (inte en DuckDB-fil). "
        "Ange en annan fil med SEGDASH_DB eller flytta undan den här."
    )


def test_schema_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    with Store(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(StoreError) as err:
        Store(path)
    assert str(err.value) == (
        f"Databasen {path} har schemaversion {SCHEMA_VERSION + 1}, men den här versionen av "
        f"segdash känner bara till version {SCHEMA_VERSION}. Uppdatera segdash."
    )


def test_database_held_by_another_process_is_a_clear_error(held_db):
    path, pid = held_db
    with pytest.raises(StoreError) as err:
        Store(path)
    assert str(err.value) == HELD_MESSAGE.format(path=path, pid=pid)


def test_snapshot_reads_see_one_state_while_a_write_commits(db):
    _insert(db, {"indicator_value": _values([("A", "Ryd", 2020, "T", 1.0, None, None)])}, "a")
    with db.snapshot() as cur:
        before = cur.execute("SELECT count(*) FROM current_indicator_value").fetchone()[0]
        _insert(db, {"indicator_value": _values([("A", "Ryd", 2021, "T", 2.0, None, None)])}, "b")
        during = cur.execute("SELECT count(*) FROM current_indicator_value").fetchone()[0]
    assert before == during == 1
    assert db.df("SELECT count(*) AS n FROM current_indicator_value")["n"].iloc[0] == 2


def test_revision_changes_on_import_and_rollback(db):
    r0 = db.revision()
    batch = _insert(db, {"indicator_value": _values([("A", "Ryd", 2020, "T", 1.0, None, None)])})
    r1 = db.revision()
    db.set_batch_state(batch, False, "t")
    assert r0 < r1 < db.revision()


def test_database_files_are_readable_by_their_owner_only(tmp_path):
    """The database and its WAL hold every import and who made it: mode 0600, not 0644."""
    import stat

    path = tmp_path / "privat.duckdb"
    with Store(path) as db:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        import_ok(db, plan_file())
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    older = tmp_path / "äldre.duckdb"
    with Store(older):
        pass
    older.chmod(0o644)  # a file from before this rule
    with Store(older):
        assert stat.S_IMODE(older.stat().st_mode) == 0o600
