"""An import is all or nothing even when its process is killed, and readers never see half of it.

Crash: a child process commits a small batch, then starts importing 302 400 indicator values
and is killed with SIGKILL at three points inside the write: while the rows are being checked,
while they are being inserted, and once they are inserted but not yet committed. The database
must then open and hold exactly what it held before that import.

Concurrency: eight threads read through `store.snapshot()` while the main thread imports a
second batch; each snapshot sees the state before or the state after, never a mix.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import import_ok, make_xlsx, plan_file, rows

from segdash.importer import UploadedFile
from segdash.store import Store

ROOT = Path(__file__).resolve().parents[1]
CODES = [f"IND{n:03d}" for n in range(400)]
DISTRICTS = ["Berga", "Ryd", "Skäggetorp", "Linköping"]


def values_csv(codes: list[str], years: range, value=lambda year: f"{year % 97},5") -> bytes:
    """Indicator values, one per code, district, sex and year (400 codes x 63 years: 302 400)."""
    lines = ["Indikator;Område;År;Kön;Värde"]
    lines += [
        f"{code};{district};{year};{sex};{value(year)}"
        for code in codes
        for district in DISTRICTS
        for sex in "TKM"
        for year in years
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def indicators_db(tmp_path_factory) -> Path:
    """The 2022 plan and 400 indicator definitions, committed and checkpointed."""
    path = tmp_path_factory.mktemp("template") / "indicators.duckdb"
    with Store(path) as store:
        import_ok(store, plan_file())
        definitions = make_xlsx(
            {"Indikatorer": [["Kod", "Namn"], *[[c, f"Indikator {c}"] for c in CODES]]}
        )
        import_ok(store, UploadedFile("definitioner.xlsx", definitions))
    return path


# --- crash safety -------------------------------------------------------------------------

# The child commits a small batch (it stays in DuckDB's write-ahead log), prints the state, and
# starts the large import. A wrapper around insert_batch reports when rows are being written
# and, once they are, holds the transaction open so that the kill lands before the commit.
CHILD = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {root!r})
    from segdash.importer import UploadedFile, import_files
    from segdash.store import Store

    db, small, large = sys.argv[1:4]
    store = Store(db)
    result = import_files(store, [UploadedFile("liten.csv", open(small, "rb").read())], "test")
    assert result.status == "imported", [i.message for i in result.issues]
    print("before", json.dumps(store.table_contents()), flush=True)

    insert_batch = Store.insert_batch
    def reporting_insert_batch(self, *args, **kwargs):
        print("inserting", flush=True)
        batch_id = insert_batch(self, *args, **kwargs)
        print("inserted", flush=True)
        time.sleep(120)
        return batch_id
    Store.insert_batch = reporting_insert_batch

    print("started", flush=True)
    import_files(store, [UploadedFile("stor.csv", open(large, "rb").read())], "test")
    print("committed", flush=True)
""")


@pytest.mark.parametrize(
    ("marker", "delay"),
    [("started", 1.5), ("inserting", 0.0), ("inserted", 0.2)],
    ids=["while checking", "while inserting", "inserted, not committed"],
)
def test_killed_import_leaves_the_state_from_before(tmp_path, indicators_db, marker, delay):
    db = tmp_path / "t.duckdb"
    shutil.copyfile(indicators_db, db)
    small = tmp_path / "liten.csv"
    small.write_bytes(values_csv(CODES[:2], range(2020, 2022)))
    large = tmp_path / "stor.csv"
    large.write_bytes(values_csv(CODES, range(1950, 2013)))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), str(db), str(small), str(large)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = []
        before = None
        for line in child.stdout:
            word, _, rest = line.partition(" ")
            seen.append(word.strip())
            if word == "before":
                before = json.loads(rest)
            if seen[-1] == marker:
                break
        assert seen[-1] == marker, (seen, child.stderr.read() if child.poll() is not None else "")
        time.sleep(delay)
        assert child.poll() is None  # still inside the import: it never commits on its own
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert "committed" not in seen

    with Store(db) as store:
        after_crash = store.table_contents()
        assert after_crash == before
        assert rows(store, "SELECT count(*) FROM indicator_value") == [
            (2 * 4 * 3 * 2,)
        ]  # the small batch
        # The database is usable again.
        import_ok(store, UploadedFile("sedan.csv", values_csv(CODES[:1], range(2030, 2031))))
        assert rows(store, "SELECT count(*) FROM current_indicator_value") == [(48 + 12,)]


# --- concurrent readers -------------------------------------------------------------------

READERS = 8


def test_readers_see_the_state_before_or_after_an_import_never_a_mix(tmp_path, indicators_db):
    db = tmp_path / "t.duckdb"
    shutil.copyfile(indicators_db, db)
    with Store(db) as store:
        import_ok(store, UploadedFile("forsta.csv", values_csv(CODES[:100], range(2000, 2020))))
        # The second batch replaces half of the first batch's values and adds new years.
        second = values_csv(CODES[50:150], range(2010, 2030), value=lambda year: "1000")

        def state() -> tuple[int, float]:
            # Two statements: a snapshot must give both from the same state.
            with store.snapshot() as cur:
                count = cur.execute("SELECT count(*) FROM current_indicator_value").fetchone()[0]
                total = cur.execute("SELECT sum(value) FROM current_indicator_value").fetchone()[0]
            return count, round(total, 6)

        before = state()
        observed: list[set[tuple[int, float]]] = [set() for _ in range(READERS)]
        failures: list[BaseException] = []
        stop = threading.Event()
        reads = [0] * READERS

        def read(n: int) -> None:
            try:
                while not stop.is_set():
                    observed[n].add(state())
                    reads[n] += 1
                    time.sleep(0.001)  # let the importing thread have the GIL too
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                failures.append(exc)

        threads = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
        for thread in threads:
            thread.start()
        try:
            while min(reads) == 0 and not failures:
                time.sleep(0.01)
            import_ok(store, UploadedFile("andra.csv", second))
            after = state()
            seen_after = list(reads)
            deadline = time.monotonic() + 30
            while (
                any(r <= s for r, s in zip(reads, seen_after, strict=True))
                and not failures
                and time.monotonic() < deadline
            ):
                time.sleep(0.01)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)

    assert failures == []
    assert before != after
    # 24 000 values; the second batch replaces 6 000 of them and adds 12 000 + 6 000 new ones.
    assert after[0] == 24_000 + 18_000
    everything = set().union(*observed)
    assert everything <= {before, after}
    assert before in everything and after in everything  # readers ran across the import
    assert sum(reads) > 2 * READERS
