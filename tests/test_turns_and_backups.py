"""Processes take turns with the database file (segdash.store), and backups that hold.

The real server with a viewer in Chromium is in tests/e2e/test_cli_beside_app.py; here the same
rules with plain processes: a Store lets go when another waits, a CLI command succeeds while
another process uses the database, a viewer whose wait runs out gets a plain message, and
backups are consistent, checked and never restored over a database.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_analyst_flow import env, start  # noqa: F401 - env is a fixture

from segdash import i18n
from segdash.store import SCHEMA_VERSION, Store, StoreError, check_backup, restore_backup

ROOT = Path(__file__).resolve().parents[1]

# A process that uses the database the way the app does: a query every 0.2 s for `seconds`.
BUSY_READER = """
import sys, time
sys.path.insert(0, {root!r})
from segdash.store import Store
store = Store({path!r})
print("ready", flush=True)
end = time.monotonic() + {seconds}
while time.monotonic() < end:
    store.revision()
    time.sleep(0.2)
"""


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "segdash", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_cli_write_succeeds_while_another_process_keeps_reading(demo_db, tmp_path):
    reader = subprocess.Popen(
        [sys.executable, "-c", BUSY_READER.format(root=str(ROOT), path=str(demo_db), seconds=20)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        start_at = time.monotonic()
        done = cli(demo_db, "rollback", "1", "--who", "nattjobbet")
        took = time.monotonic() - start_at
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "Import 1 är återkallad; de tidigare värdena gäller igen."
        assert took < 15  # the reader let go between its queries; it did not wait it out
        assert reader.poll() is None  # and the reader goes on, no lock error
    finally:
        reader.kill()
        reader.wait()
    with Store(demo_db) as store:
        state = store.df("SELECT state FROM import_batch WHERE batch_id = 1")["state"].iloc[0]
    assert state == "inactive"


def test_a_store_reading_all_along_sees_another_processs_write_at_once(demo_db):
    """The app's Store reads the revision from the file only after it opened the file again:
    while it holds the file no other process can write. A command-line write, which it lets
    go of the file for, shows in its very next revision, and nothing before."""
    store = Store(demo_db, linger_seconds=30)  # would hold the file for half a minute
    try:
        before = store.revisions()
        assert store.revisions() == before  # read again under the same connection
        writer = subprocess.Popen(
            [sys.executable, "-m", "segdash", "--db", str(demo_db), "rollback", "1"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seen = []
        deadline = time.monotonic() + 60
        while writer.poll() is None and time.monotonic() < deadline:
            seen.append(store.revisions())  # as the pages do: lets go when a process waits
            time.sleep(0.05)
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.strip() == "Import 1 är återkallad; de tidigare värdena gäller igen."
        after = store.revisions()
    finally:
        store.close()
    with Store(demo_db) as fresh:
        assert after == fresh.revisions()
    assert after[0] > before[0] and after[1] > before[1]  # the demo's import 1 holds values
    assert set(seen) <= {before, after}


def test_a_viewer_whose_wait_runs_out_gets_a_plain_message(env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SEGDASH_DB_WAIT_SECONDS", "1")
    at = start()  # the app opens its database, then lets go of it after its linger
    assert not at.exception and not at.warning[1:]
    time.sleep(1.5)
    holder = subprocess.Popen(  # another process takes the file and keeps it
        [sys.executable, "-c", HOLDER.format(path=str(env["db"]))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        at.run()
        assert not at.exception
        assert i18n.SV["error.db_busy"] in [w.value for w in at.warning]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    at.run()  # the file is free again: the page is back
    assert not at.exception
    assert i18n.SV["error.db_busy"] not in [w.value for w in at.warning]
    assert at.title[0].value == i18n.SV["overview.title"]


HOLDER = """
import sys, duckdb
con = duckdb.connect({path!r})
print("ready", flush=True)
sys.stdin.read()
"""


def test_backup_and_restore_keep_every_table(demo_db, tmp_path):
    with Store(demo_db) as store:
        before = store.table_contents()
        made = store.backup(tmp_path / "kopia.duckdb")
    assert (made.schema_version, made.size) == (
        SCHEMA_VERSION,
        (tmp_path / "kopia.duckdb").stat().st_size,
    )
    assert oct((tmp_path / "kopia.duckdb").stat().st_mode & 0o777) == "0o600"
    restored = restore_backup(made.path, tmp_path / "ny" / "segdash.duckdb")
    assert restored.sha256 == made.sha256 == check_backup(made.path).sha256
    with Store(restored.path) as copy:
        assert copy.table_contents() == before


def test_a_backup_never_overwrites_a_file(demo_db, tmp_path):
    taken = tmp_path / "kopia.duckdb"
    taken.write_bytes(b"annat")
    with Store(demo_db) as store, pytest.raises(StoreError) as err:
        store.backup(taken)
    assert str(err.value) == f"{taken} finns redan; välj ett nytt filnamn för säkerhetskopian."
    assert taken.read_bytes() == b"annat"


def test_a_restore_never_replaces_a_database(demo_db, tmp_path):
    with Store(demo_db) as store:
        made = store.backup(tmp_path / "kopia.duckdb")
        before = store.table_contents()
    done = cli(demo_db, "restore-backup", str(made.path))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"segdash: {demo_db} finns redan. Återställ till en ny sökväg (--db), eller flytta undan "
        "den gamla databasen först; inget har ändrats."
    )
    with Store(demo_db) as store:
        assert store.table_contents() == before


def test_a_restore_checks_the_backup_first(tmp_path):
    not_a_backup = tmp_path / "anteckningar.duckdb"
    not_a_backup.write_text("inte en databas", encoding="utf-8")
    target = tmp_path / "ny.duckdb"
    done = cli(target, "restore-backup", str(not_a_backup))
    assert done.returncode == 1
    assert done.stderr.startswith(f"segdash: {not_a_backup} är ingen segdash-databas")
    assert not target.exists()
