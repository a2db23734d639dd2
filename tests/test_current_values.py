"""The current indicator values are a table kept up to date by every import, rollback and
restore (schema 5), with a summary per indicator, area and sex. Whatever the sequence of
writes, they must equal what ranking every active batch gives, and the summary what the
current values give; and a database of schema 4 gets both when it is opened."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import database_at_schema

from segdash import queries
from segdash import store as store_module
from segdash.store import Store

KEY = ["indicator_code", "district_code", "year", "sex"]
COLUMNS = [*KEY, "value", "target", "source", "marker", "batch_id"]


def values(rows: list[tuple]) -> pd.DataFrame:
    """(indicator, district, year, sex, value[, target]) rows as an indicator_value frame."""
    frame = pd.DataFrame(
        [(*r, None)[:6] if len(r) == 5 else r for r in rows],
        columns=[*KEY, "value", "target"],
    )
    return frame.assign(source=None, marker=None)


def add(store: Store, name: str, rows: list[tuple]) -> int:
    return store.write(
        lambda cur: store.insert_batch(
            cur,
            kind="indicators",
            file_name=name,
            sha256=name,
            imported_by="test",
            frames={"indicator_value": values(rows)},
        )
    )


def table(store: Store, sql: str) -> pd.DataFrame:
    return store.df(sql).reset_index(drop=True)


def assert_consistent(store: Store) -> pd.DataFrame:
    """The kept table equals the ranking of every active batch; the summary equals the
    figures computed here from the current values. Returns the current values."""
    order = ", ".join(KEY)
    kept = table(
        store, f"SELECT {', '.join(COLUMNS)} FROM indicator_value_current ORDER BY {order}"
    )
    ranked = table(
        store, f"SELECT {', '.join(COLUMNS)} FROM ranked_indicator_value ORDER BY {order}"
    )
    pd.testing.assert_frame_equal(kept, ranked)

    expected = []
    for (code, district, sex), rows in kept.groupby(["indicator_code", "district_code", "sex"]):
        with_value = rows.dropna(subset=["value"]).sort_values("year")
        last = with_value.iloc[-1] if len(with_value) else None
        recent = (
            with_value[with_value["year"] >= last["year"] - store_module.TREND_YEARS]
            if last is not None
            else with_value
        )
        expected.append(
            {
                "indicator_code": code,
                "district_code": district,
                "sex": sex,
                "n_values": len(with_value),
                "first_year": with_value["year"].min() if last is not None else None,
                "last_year": last["year"] if last is not None else None,
                "last_value": last["value"] if last is not None else None,
                "last_target": last["target"] if last is not None else None,
                "trend_year": recent["year"].iloc[0] if len(recent) else None,
                "trend_value": recent["value"].iloc[0] if len(recent) else None,
                "batch_ids": sorted(int(b) for b in rows["batch_id"].unique()),
            }
        )
    summary = table(
        store,
        "SELECT * FROM indicator_area_summary ORDER BY indicator_code, district_code, sex",
    )
    assert len(summary) == len(expected)
    for got, want in zip(summary.to_dict("records"), expected, strict=True):
        got["batch_ids"] = [int(b) for b in got["batch_ids"]]
        for field, value in want.items():
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert pd.isna(got[field]), (field, got)
            else:
                assert got[field] == value, (field, got, want)
    return kept


@pytest.fixture
def db(tmp_path) -> Store:
    with Store(tmp_path / "values.duckdb") as store:
        yield store


def current(store: Store) -> dict[tuple, float]:
    kept = assert_consistent(store)
    return {tuple(r[:4]): r[4] for r in kept[[*KEY, "value"]].itertuples(index=False)}


def test_imports_rollbacks_and_restores_keep_the_current_values_and_summary(db):
    first = add(
        db,
        "a.xlsx",
        [
            ("ARBL", "Berga", 2019, "T", 10.0),
            ("ARBL", "Berga", 2020, "T", 11.0, 9.0),
            ("ARBL", "Berga", 2024, "T", 8.0, 7.5),
            ("ARBL", "Ryd", 2024, "T", None),  # a missing value: a row, but no value
            ("ARBL", "Ryd", 2024, "K", 5.0),
        ],
    )
    assert current(db)[("ARBL", "Berga", 2024, "T")] == 8.0
    berga = queries.indicator_coverage(db, "ARBL").set_index(["district", "sex"])
    assert berga.loc[("Berga", "T"), "n_values"] == 3
    assert berga.loc[("Ryd", "T"), "n_values"] == 0  # shown as an area without values

    # A newer file changes one value, adds a year and another indicator.
    second = add(
        db,
        "b.xlsx",
        [
            ("ARBL", "Berga", 2024, "T", 9.5),
            ("ARBL", "Berga", 2025, "T", 9.0),
            ("FORV", "Ryd", 2024, "T", 61.0),
        ],
    )
    now = current(db)
    assert now[("ARBL", "Berga", 2024, "T")] == 9.5
    assert now[("ARBL", "Berga", 2019, "T")] == 10.0  # from the first file still
    assert now[("FORV", "Ryd", 2024, "T")] == 61.0

    db.set_batch_state(second, active=False, actor="test")
    now = current(db)
    assert now[("ARBL", "Berga", 2024, "T")] == 8.0
    assert ("FORV", "Ryd", 2024, "T") not in now and ("ARBL", "Berga", 2025, "T") not in now

    db.set_batch_state(second, active=True, actor="test")
    assert current(db)[("ARBL", "Berga", 2025, "T")] == 9.0

    db.set_batch_state(first, active=False, actor="test")
    assert sorted(current(db)) == [
        ("ARBL", "Berga", 2024, "T"),
        ("ARBL", "Berga", 2025, "T"),
        ("FORV", "Ryd", 2024, "T"),
    ]


def test_a_failed_write_leaves_the_current_values_as_they_were(db):
    add(db, "a.xlsx", [("ARBL", "Berga", 2024, "T", 8.0)])
    before = assert_consistent(db)

    def half_an_import(cur):
        db.insert_batch(
            cur,
            kind="indicators",
            file_name="b.xlsx",
            sha256="b",
            imported_by="test",
            frames={"indicator_value": values([("ARBL", "Berga", 2024, "T", 1.0)])},
        )
        raise RuntimeError("the import stopped half-way")

    with pytest.raises(RuntimeError):
        db.write(half_an_import)
    pd.testing.assert_frame_equal(assert_consistent(db), before)


def test_a_schema_4_database_gets_its_current_values_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    con = database_at_schema(path, 4)
    for batch in (1, 2):
        con.execute(
            "INSERT INTO import_batch VALUES (?, 'indicators', ?, ?, 'test', now(), '{}',"
            " 'active', false)",
            [batch, f"{batch}.xlsx", str(batch)],
        )
    con.execute(
        "INSERT INTO indicator_value (batch_id, indicator_code, district_code, year, sex, value)"
        " VALUES (1, 'ARBL', 'Berga', 2023, 'T', 7.0), (1, 'ARBL', 'Berga', 2024, 'T', 8.0),"
        " (2, 'ARBL', 'Berga', 2024, 'T', 8.5)"
    )
    con.close()
    with Store(path) as store:
        assert store.schema_version() == store_module.SCHEMA_VERSION
        assert current(store) == {
            ("ARBL", "Berga", 2023, "T"): 7.0,
            ("ARBL", "Berga", 2024, "T"): 8.5,
        }
        coverage = queries.indicator_coverage(store, "ARBL")
        assert coverage[["district", "sex", "n_values", "last_year", "last_value"]].to_dict(
            "records"
        ) == [
            {"district": "Berga", "sex": "T", "n_values": 2, "last_year": 2024, "last_value": 8.5}
        ]
