"""The DuckDB database: opening and migrating it, read cursors, and the one write path.

Nothing else in segdash opens a connection. DuckDB lets one process at a time have a file
open, so a Store holds its connection only while it is used, and for a moment after (the
linger, so that a page's queries share one opening): the running app and the CLI take turns.
A Store that finds the file taken leaves a marker beside it (`<file>.wait.<pid>`) and retries
until its wait runs out; a holder that sees a marker lets go at once after its current
operation. One writer at a time stays true: whoever has the file open is the only one that can
write, and every write is one transaction. Every import is a batch; every fact row carries
its batch id; the current data is "the newest active batch wins per key", exposed as the
`current_*` views. Rolling a batch back only marks it inactive, so nothing is ever deleted.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import re
import shutil
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from segdash import config, domain, fmt

DEFAULT_DB_PATH = config.DEFAULT_DB_PATH
SYSTEM_BATCH_ID = 0

T = TypeVar("T")


class StoreError(Exception):
    """A problem with the database file that the user can act on; the message is Swedish."""


def db_path_from_env() -> str:
    return config.settings().db_path


# --- Schema --------------------------------------------------------------------------------
# Each entry migrates from version i to i + 1. Never edit a released entry; append a new one.

_V1 = """
CREATE TABLE import_batch (
    batch_id     INTEGER PRIMARY KEY,
    kind         VARCHAR NOT NULL,   -- workbook kinds in the file, comma separated
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    imported_by  VARCHAR NOT NULL,
    imported_at  TIMESTAMP NOT NULL,
    row_counts   VARCHAR NOT NULL,   -- JSON object: sheet kind -> rows
    state        VARCHAR NOT NULL CHECK (state IN ('active', 'inactive')),
    is_demo      BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE batch_event (
    event_no  INTEGER PRIMARY KEY,   -- order of events, also within one second
    batch_id  INTEGER NOT NULL,
    event     VARCHAR NOT NULL CHECK (event IN ('import', 'rollback', 'restore')),
    actor     VARCHAR NOT NULL,
    event_at  TIMESTAMP NOT NULL
);
CREATE TABLE development_area (
    batch_id INTEGER NOT NULL, area_no INTEGER NOT NULL, name VARCHAR NOT NULL
);
CREATE TABLE office (
    batch_id INTEGER NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL
);
CREATE TABLE district (
    batch_id INTEGER NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL,
    district_type VARCHAR NOT NULL
);
CREATE TABLE indicator (
    batch_id INTEGER NOT NULL, code VARCHAR NOT NULL, name VARCHAR NOT NULL, unit VARCHAR,
    higher_is_better BOOLEAN, area_no INTEGER, source VARCHAR, definition VARCHAR
);
CREATE TABLE action (
    batch_id INTEGER NOT NULL, plan_year INTEGER NOT NULL, action_no VARCHAR NOT NULL,
    area_no INTEGER NOT NULL, title VARCHAR NOT NULL, description VARCHAR,
    lead_office VARCHAR NOT NULL, partner_offices VARCHAR[] NOT NULL,
    districts VARCHAR[] NOT NULL, start_when VARCHAR, end_when VARCHAR
);
CREATE TABLE action_status (
    batch_id INTEGER NOT NULL, plan_year INTEGER NOT NULL, action_no VARCHAR NOT NULL,
    period VARCHAR NOT NULL, status VARCHAR NOT NULL, progress DOUBLE, comment VARCHAR,
    reported_office VARCHAR
);
CREATE TABLE indicator_value (
    batch_id INTEGER NOT NULL, indicator_code VARCHAR NOT NULL, district_code VARCHAR NOT NULL,
    year INTEGER NOT NULL, sex VARCHAR NOT NULL, value DOUBLE, target DOUBLE, source VARCHAR
);

-- The current data: rows of active batches, the newest batch winning per key.
CREATE VIEW current_development_area AS
    SELECT t.area_no, t.name, t.batch_id FROM development_area t
    JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY t.area_no ORDER BY t.batch_id DESC) = 1;
CREATE VIEW current_office AS
    SELECT t.code, t.name, t.batch_id FROM office t
    JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY t.code ORDER BY t.batch_id DESC) = 1;
CREATE VIEW current_district AS
    SELECT t.code, t.name, t.district_type, t.batch_id FROM district t
    JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY t.code ORDER BY t.batch_id DESC) = 1;
CREATE VIEW current_indicator AS
    SELECT t.code, t.name, t.unit, t.higher_is_better, t.area_no, t.source, t.definition,
           t.batch_id
    FROM indicator t JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY t.code ORDER BY t.batch_id DESC) = 1;
-- A plan year is replaced as a whole: the newest active batch holding that year wins.
CREATE VIEW current_action AS
    SELECT t.plan_year, t.action_no, t.area_no, t.title, t.description, t.lead_office,
           t.partner_offices, t.districts, t.start_when, t.end_when, t.batch_id
    FROM action t
    JOIN (SELECT a.plan_year, max(a.batch_id) AS batch_id
          FROM action a JOIN import_batch b USING (batch_id)
          WHERE b.state = 'active' GROUP BY a.plan_year) newest
      USING (plan_year, batch_id);
CREATE VIEW current_action_status AS
    SELECT t.plan_year, t.action_no, t.period, t.status, t.progress, t.comment,
           t.reported_office, t.batch_id
    FROM action_status t JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (
        PARTITION BY t.plan_year, t.action_no, t.period ORDER BY t.batch_id DESC) = 1;
CREATE VIEW current_indicator_value AS
    SELECT t.indicator_code, t.district_code, t.year, t.sex, t.value, t.target, t.source,
           t.batch_id
    FROM indicator_value t JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (
        PARTITION BY t.indicator_code, t.district_code, t.year, t.sex
        ORDER BY t.batch_id DESC) = 1;
"""

# Version 2: official statistics. Areas carry their official code (kommunkod, RegSO/DeSO code;
# Linköping is 0580 from the start), a missing value keeps the marker the source gave it
# ('..' suppressed, '.' not applicable, …), and the analyst's choices for a file layout can be
# saved as a named import profile (a batch of its own, so who saved what is known).
_V2 = """
ALTER TABLE district ADD COLUMN region_code VARCHAR;
UPDATE district SET region_code = '0580' WHERE batch_id = 0 AND code = 'Linköping';
ALTER TABLE indicator_value ADD COLUMN marker VARCHAR;
CREATE TABLE import_profile (
    batch_id INTEGER NOT NULL, name VARCHAR NOT NULL, signature VARCHAR NOT NULL,
    options VARCHAR NOT NULL   -- JSON: the choices of the mapping step
);
CREATE OR REPLACE VIEW current_district AS
    SELECT t.code, t.name, t.district_type, t.region_code, t.batch_id FROM district t
    JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY t.code ORDER BY t.batch_id DESC) = 1;
CREATE OR REPLACE VIEW current_indicator_value AS
    SELECT t.indicator_code, t.district_code, t.year, t.sex, t.value, t.target, t.source,
           t.marker, t.batch_id
    FROM indicator_value t JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (
        PARTITION BY t.indicator_code, t.district_code, t.year, t.sex
        ORDER BY t.batch_id DESC) = 1;
CREATE VIEW current_import_profile AS
    SELECT t.name, t.signature, t.options, t.batch_id, b.imported_by AS saved_by,
           b.imported_at AS saved_at
    FROM import_profile t JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY lower(t.name) ORDER BY t.batch_id DESC) = 1;
"""

# Version 3: the reporting round. Offices carry a contact address for reminders; a round for a
# follow-up period (its plan year, deadline and message to the offices) is a batch of its own,
# so who opened it and when is known, and opening it again with another deadline supersedes it;
# closing and reopening are events; every reminder sent is kept (who, when, to, which actions).
_V3 = """
ALTER TABLE office ADD COLUMN contact_email VARCHAR;
-- A later office sheet without an address keeps the one given before.
CREATE OR REPLACE VIEW current_office AS
    SELECT t.code, t.name,
           last_value(t.contact_email IGNORE NULLS) OVER (
               PARTITION BY t.code ORDER BY t.batch_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS contact_email,
           t.batch_id
    FROM office t
    JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY t.code ORDER BY t.batch_id DESC) = 1;
CREATE TABLE reporting_round (
    batch_id INTEGER NOT NULL, period VARCHAR NOT NULL, plan_year INTEGER NOT NULL,
    deadline DATE NOT NULL, message VARCHAR
);
CREATE TABLE round_event (
    event_no  INTEGER PRIMARY KEY,
    period    VARCHAR NOT NULL,
    event     VARCHAR NOT NULL CHECK (event IN ('open', 'close', 'reopen')),
    actor     VARCHAR NOT NULL,
    event_at  TIMESTAMP NOT NULL
);
CREATE TABLE reminder (
    reminder_no INTEGER PRIMARY KEY,
    period      VARCHAR NOT NULL,
    office_code VARCHAR NOT NULL,
    recipient   VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    body        VARCHAR NOT NULL,
    action_nos  VARCHAR[] NOT NULL,
    sent_by     VARCHAR NOT NULL,
    sent_at     TIMESTAMP NOT NULL
);
-- A round is open unless its latest event closed it.
CREATE VIEW current_reporting_round AS
    SELECT r.period, r.plan_year, r.deadline, r.message, r.batch_id,
           b.imported_by AS opened_by, b.imported_at AS opened_at,
           coalesce(e.event, 'open') <> 'close' AS is_open,
           e.actor AS changed_by, e.event_at AS changed_at
    FROM reporting_round r JOIN import_batch b USING (batch_id)
    LEFT JOIN (SELECT * FROM round_event
               QUALIFY row_number() OVER (PARTITION BY period ORDER BY event_no DESC) = 1) e
      USING (period)
    WHERE b.state = 'active'
    QUALIFY row_number() OVER (PARTITION BY r.period ORDER BY r.batch_id DESC) = 1;
"""

# Version 4: district boundaries. A boundary file is a batch like any other; its areas'
# outlines are GeoJSON geometries in WGS84, and the newest active boundary file is the map as a
# whole (uploading the municipality's own district layer replaces SCB's areas, not some of them).
_V4 = """
CREATE TABLE boundary (
    batch_id INTEGER NOT NULL, district_code VARCHAR NOT NULL,
    geometry VARCHAR NOT NULL,   -- GeoJSON Polygon or MultiPolygon, WGS84 lon/lat
    vertices INTEGER NOT NULL, source_crs VARCHAR
);
CREATE VIEW current_boundary AS
    SELECT t.district_code, t.geometry, t.vertices, t.source_crs, t.batch_id
    FROM boundary t
    JOIN (SELECT max(x.batch_id) AS batch_id FROM boundary x
          JOIN import_batch b USING (batch_id) WHERE b.state = 'active') newest
      USING (batch_id);
"""

# Version 5: national scale (every DeSO area of Sweden: ~22.5 M values). The current indicator
# values are kept in a table rather than ranked on every query; each import and rollback that
# touches values brings it up to date for the indicators concerned, in the same transaction
# (`refresh_current_values`). Per indicator, area and sex, a summary row (how many values, the
# first and latest year with a value, that latest value and its target) answers the catalogue,
# the map's list of indicators, the trends and the nearest areas without reading every value.
# The trend runs over the last TREND_YEARS years with a value (the districts page, the report).
TREND_YEARS = 5
_V5 = """
CREATE VIEW ranked_indicator_value AS
    SELECT t.indicator_code, t.district_code, t.year, t.sex, t.value, t.target, t.source,
           t.marker, t.batch_id
    FROM indicator_value t JOIN import_batch b USING (batch_id) WHERE b.state = 'active'
    QUALIFY row_number() OVER (
        PARTITION BY t.indicator_code, t.district_code, t.year, t.sex
        ORDER BY t.batch_id DESC) = 1;
CREATE TABLE indicator_value_current AS
    SELECT * FROM ranked_indicator_value ORDER BY indicator_code, district_code, year, sex;
CREATE OR REPLACE VIEW current_indicator_value AS
    SELECT indicator_code, district_code, year, sex, value, target, source, marker, batch_id
    FROM indicator_value_current;
CREATE TABLE indicator_area_summary (
    indicator_code VARCHAR NOT NULL, district_code VARCHAR NOT NULL, sex VARCHAR NOT NULL,
    n_values BIGINT NOT NULL, first_year INTEGER, last_year INTEGER, last_value DOUBLE,
    last_target DOUBLE,
    trend_year INTEGER, trend_value DOUBLE,  -- the first value in the trend's years
    batch_ids INTEGER[] NOT NULL  -- the imports the area's current values come from
);
"""

# Version 6: the other current data as tables too. Every page asks for the current actions,
# statuses, areas, offices, districts and indicators, and DuckDB binds and ranks a view of all
# batches on each of those questions (a few milliseconds each, a dozen times in a page's first
# run). The views that rank them keep their rules under the name ranked_<table>; the current
# rows are kept in <table>_current, refreshed in the same transaction as every import,
# rollback and restore (`refresh_current_tables`), and current_<table> reads them as before.
CURRENT_TABLES = ("development_area", "office", "district", "indicator", "action", "action_status")
_V6 = "".join(
    f"ALTER VIEW current_{name} RENAME TO ranked_{name};\n"
    f"CREATE TABLE {name}_current AS SELECT * FROM ranked_{name};\n"
    f"CREATE VIEW current_{name} AS SELECT * FROM {name}_current;\n"
    for name in CURRENT_TABLES
)

# Version 7: what a map needs of each area, written with the boundary file (`_add_drawn`):
# its extent (west, south, east, north), which picks the areas a map draws, and its outline as
# drawn, simplified to DRAWN_TOLERANCE. Working the extents out of the GeoJSON on every page's
# first run took 0.7 s for a national DeSO layer as SCB draws it (6 000 areas, 1.8 M vertices,
# 43 MB of text), and every vertex drawn goes to every viewer's browser on every run: SCB's
# RegSO outlines for Linköping keep 23 % of their vertices. The outlines as imported stay in
# `boundary`. Filled for the boundaries already stored when the database is opened.
_V7 = """
CREATE TABLE boundary_drawn (
    batch_id INTEGER NOT NULL, district_code VARCHAR NOT NULL,
    west DOUBLE NOT NULL, south DOUBLE NOT NULL, east DOUBLE NOT NULL, north DOUBLE NOT NULL,
    outline VARCHAR NOT NULL  -- GeoJSON Polygon or MultiPolygon, WGS84 lon/lat, simplified
);
"""
# Degrees: about 6 m east-west and 11 m north-south in Linköping. A drawn outline keeps within
# 1.5 times that of the imported one (SCB's RegSO for Linköping): under a pixel on the closest
# map the app draws (a few DeSO areas across 420 pixels).
DRAWN_TOLERANCE = 1e-4

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
SCHEMA_VERSION = len(MIGRATIONS)

# Frame columns for each fact table, in table order after batch_id. The importer's normalised
# frames carry exactly these columns.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "development_area": ("area_no", "name"),
    "office": ("code", "name", "contact_email"),
    "district": ("code", "name", "district_type", "region_code"),
    "indicator": (
        "code",
        "name",
        "unit",
        "higher_is_better",
        "area_no",
        "source",
        "definition",
    ),
    "action": (
        "plan_year",
        "action_no",
        "area_no",
        "title",
        "description",
        "lead_office",
        "partner_offices",
        "districts",
        "start_when",
        "end_when",
    ),
    "action_status": (
        "plan_year",
        "action_no",
        "period",
        "status",
        "progress",
        "comment",
        "reported_office",
    ),
    "indicator_value": (
        "indicator_code",
        "district_code",
        "year",
        "sex",
        "value",
        "target",
        "source",
        "marker",
    ),
    "import_profile": ("name", "signature", "options"),
    "reporting_round": ("period", "plan_year", "deadline", "message"),
    "boundary": ("district_code", "geometry", "vertices", "source_crs"),
}
# Batches that hold no data of their own: they do not end "example data only".
NON_DATA_KINDS = ("profile", "round")


@contextmanager
def _private_files() -> Iterator[None]:
    """Files DuckDB creates meanwhile (the database, its WAL) are readable by the owner only:
    they hold every import, and who made it."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _make_private(path: Path) -> None:
    """An existing database file (made before this rule, or copied in) gets mode 0600 too."""
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except OSError:  # not ours to change (a read-only mount): reading still works
            pass


def _is_lock_conflict(exc: Exception) -> bool:
    return "lock" in str(exc).lower()


def _marker_prefix(path: str) -> str:
    return Path(path).name + ".wait."


def _leave_marker(path: str) -> Path:
    """Say "I am waiting for this file" to whoever has it (see the module docstring)."""
    marker = Path(path).with_name(f"{_marker_prefix(path)}{os.getpid()}-{threading.get_ident()}")
    try:
        marker.touch()
    except OSError:  # a read-only folder: the holder lets go after its linger anyway
        pass
    return marker


def _someone_waits(path: str) -> bool:
    """Whether another live process has left a marker for this file (stale ones are removed)."""
    prefix = _marker_prefix(path)
    folder = Path(path).parent
    try:
        names = [e.name for e in os.scandir(folder) if e.name.startswith(prefix)]
    except OSError:
        return False
    for name in names:
        pid_text = name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
            return True
        except ProcessLookupError:
            (folder / name).unlink(missing_ok=True)
        except PermissionError:  # alive, another user's
            return True
    return False


def _translate_open_error(path: str, exc: Exception, waited: float = 0) -> StoreError:
    text = str(exc)
    pid = re.search(r"PID (\d+)", text)
    if _is_lock_conflict(exc):
        who = f" (process {pid.group(1)})" if pid else ""
        return StoreError(
            f"Databasen {path} används av en annan process{who}, som inte släppte den inom "
            f"{fmt.number(waited, 0)} sekunder. Försök igen om en stund; inget har ändrats."
        )
    if "not a valid DuckDB database" in text or "not a duckdb" in text.lower():
        return StoreError(
            f"Filen {path} är ingen segdash-databas (inte en DuckDB-fil). "
            "Ange en annan fil med SEGDASH_DB eller flytta undan den här."
        )
    if "version" in text.lower() and "storage" in text.lower():
        return StoreError(
            f"Databasen {path} är skapad av en nyare DuckDB-version än den som är installerad. "
            "Uppdatera segdash."
        )
    return StoreError(f"Databasen {path} kunde inte öppnas: {text}")


@dataclass(frozen=True)
class Backup:
    path: Path
    sha256: str
    schema_version: int
    size: int  # bytes


def check_backup(path: str | Path) -> Backup:
    """Open a backup read-only and check that it is a segdash database this version can use."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"Säkerhetskopian {path} finns inte.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(
            f"{path} är ingen segdash-databas: den går inte att öppna ({exc})."
        ) from None
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"schema_version", "import_batch", "batch_event"} <= tables:
            raise StoreError(f"{path} är en DuckDB-fil men ingen segdash-databas.")
        version = int(con.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)
    finally:
        con.close()
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Säkerhetskopian {path} har schemaversion {version}, men den här versionen av "
            f"segdash känner bara till version {SCHEMA_VERSION}. Uppdatera segdash först."
        )
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return Backup(path, digest.hexdigest(), version, path.stat().st_size)


def restore_backup(backup: str | Path, target: str | Path) -> Backup:
    """Put a checked backup in place as the database `target`, which must not exist yet."""
    target = Path(target)
    for existing in (target, target.with_name(target.name + ".wal")):
        if existing.exists():
            raise StoreError(
                f"{existing} finns redan. Återställ till en ny sökväg (--db), eller flytta undan "
                "den gamla databasen först; inget har ändrats."
            )
    checked = check_backup(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with _private_files():
        shutil.copyfile(checked.path, partial)
    partial.chmod(0o600)
    partial.rename(target)
    with Store(target):  # migrates a backup from an older version
        pass
    return Backup(target, checked.sha256, checked.schema_version, checked.size)


_open_stores: weakref.WeakSet[Store] = weakref.WeakSet()

# Every commit through any Store of this process adds one (two Stores of one file in a process
# share DuckDB's database, so a write through one is a write under the other's open connection).
_commits = 0
_commits_lock = threading.Lock()


def _count_commit() -> None:
    global _commits
    with _commits_lock:
        _commits += 1


@atexit.register
def _close_all_at_exit() -> None:
    """Close every connection still open before the interpreter finalizes: a closer thread
    (a daemon) must never be inside DuckDB's C++ code when the process ends."""
    for store in list(_open_stores):
        with store._lock:
            store._close_connection()
        closer = store._closer
        if closer is not None:
            closer.join(timeout=2)


class _Cursor:
    """A read cursor that gives its use of the connection back when closed (or collected)."""

    def __init__(self, store: Store, cursor: duckdb.DuckDBPyConnection) -> None:
        self._store, self._cursor = store, cursor

    def __getattr__(self, name: str):
        attr = getattr(self._cursor, name)
        # A method comes back bound to this proxy, so that the proxy lives until the call
        # returns: `store.read().execute(q).df()` must not give the connection back (the proxy
        # collected) between execute and df.
        return functools.partial(self._call, name) if callable(attr) else attr

    def _call(self, name: str, *args, **kwargs):
        return getattr(self._cursor, name)(*args, **kwargs)

    def execute(self, *args, **kwargs):
        self._cursor.execute(*args, **kwargs)
        return self

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            try:
                self._cursor.close()
            finally:
                store._release()

    def __del__(self) -> None:
        self.close()

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Store:
    """The owner of one DuckDB file: `read()` gives a cursor, `write(fn)` is the write path."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        wait_seconds: float | None = None,
        linger_seconds: float | None = None,
    ) -> None:
        self.path = str(path) if path is not None else db_path_from_env()
        self._in_memory = self.path == ":memory:" or self.path.startswith("md:")
        if not self._in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        settings = config.settings()
        self._wait = settings.db_wait_seconds if wait_seconds is None else wait_seconds
        self._linger = settings.db_linger_seconds if linger_seconds is None else linger_seconds
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._idle_since = 0.0
        self._closed = False
        self._lock = threading.RLock()  # guards the connection and its users
        self._idle = threading.Condition(self._lock)
        self._closer: threading.Thread | None = None  # lets go after the linger; one at a time
        self._write_lock = threading.RLock()
        # (when read, revision, values revision, the connection it was read under, the
        # process's commits before it was read)
        self._known_revision: tuple[float, int, int, int, int] | None = None
        self._opened = 0  # how many times the file has been opened: which connection this is
        # (the newest batch event, the values revision it gives): batch events are only ever
        # added and a batch's row counts never change, so while no event is added the values
        # revision stays, and it is not worked out again (the JSON of every batch, ~3 ms)
        self._values_at: tuple[int, int] | None = None
        with self._connection():  # opened now: a file that is no database is refused here
            if not self._in_memory:
                _make_private(Path(self.path))
            try:
                with _private_files():  # the migration's first statement makes the WAL
                    self._migrate()
            except StoreError:
                self._closed = True
                raise

    # -- the connection, held while used ---------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._acquire()
        try:
            yield con
        finally:
            self._release()

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._con is None:
                if self._closed:
                    raise StoreError(f"Databasen {self.path} är stängd.")
                self._con = self._open()
                self._opened += 1
            self._users += 1
            return self._con

    def _release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._con is None:
                return
            if self._closed:
                self._close_connection()
                return
            if self._in_memory:  # closing would lose it: held until close()
                return
            if self._linger <= 0 or _someone_waits(self.path):
                self._close_connection()
                return
            self._idle_since = time.monotonic()
            if self._closer is None:
                _open_stores.add(self)
                self._closer = threading.Thread(target=self._close_when_idle, daemon=True)
                self._closer.start()

    def _close_when_idle(self) -> None:
        """The closer: lives as long as the connection, and closes it after the linger."""
        with self._idle:
            try:
                while self._con is not None:
                    left = self._linger
                    if self._users == 0:
                        left = self._idle_since + self._linger - time.monotonic()
                        if left <= 0:
                            self._close_connection()
                            break
                    self._idle.wait(left)
            finally:
                self._closer = None

    def _close_connection(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            with _private_files():  # closing checkpoints the WAL into the file
                con.close()
            self._idle.notify_all()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting (up to the wait) while another process has it."""
        deadline = time.monotonic() + self._wait
        marker = None
        try:
            while True:
                try:
                    with _private_files():
                        return duckdb.connect(self.path)
                except (
                    duckdb.IOException,
                    duckdb.InvalidInputException,
                    duckdb.SerializationException,
                ) as exc:
                    if not _is_lock_conflict(exc) or time.monotonic() >= deadline:
                        raise _translate_open_error(self.path, exc, self._wait) from None
                    if marker is None:
                        marker = _leave_marker(self.path)
                    time.sleep(0.05)
                except duckdb.Error as exc:
                    raise _translate_open_error(self.path, exc, self._wait) from None
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._users <= 0:
                self._close_connection()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        con = self._con
        assert con is not None  # called while the connection is held
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
        version = row[0] or 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Databasen {self.path} har schemaversion {version}, men den här versionen av "
                f"segdash känner bara till version {SCHEMA_VERSION}. Uppdatera segdash."
            )
        if version == SCHEMA_VERSION:
            return

        def migrate(cur: duckdb.DuckDBPyConnection) -> None:
            for target in range(version + 1, SCHEMA_VERSION + 1):
                cur.execute(MIGRATIONS[target - 1])
                if target == 1:
                    _seed_system_batch(cur)
                if target == 5:
                    _summarise_values(cur, None)
                if target == 7:
                    _add_drawn(cur, None)
            cur.execute("DELETE FROM schema_version")
            cur.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])

        self.write(migrate)

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> duckdb.DuckDBPyConnection:
        """A cursor for reading in the calling thread (each thread needs its own); close it
        when done, which lets the connection go."""
        con = self._acquire()
        try:
            return _Cursor(self, con.cursor())  # type: ignore[return-value]
        except BaseException:
            self._release()
            raise

    @contextmanager
    def snapshot(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor whose reads all see one consistent state, even while an import commits."""
        with self._connection() as con:
            cur = con.cursor()
            cur.begin()
            try:
                yield cur
            finally:
                cur.rollback()
                cur.close()

    def df(self, sql: str, params: list | tuple | dict | None = None) -> pd.DataFrame:
        cur = self.read()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def schema_version(self) -> int:
        return self.df("SELECT max(version) AS v FROM schema_version")["v"].iloc[0]

    def revision(self, max_age: float = 0.0) -> int:
        """A number that changes whenever the current data may have changed (for caches).

        `max_age`: a revision read that many seconds ago or less will do (what one page run
        asks again and again; a write through this handle forgets it at once). A cache keyed
        on a revision read earlier may hold newer data than its key says, never older."""
        return self.revisions(max_age)[0]

    def revisions(self, max_age: float = 0.0) -> tuple[int, int]:
        """(`revision`, the values revision): the second changes only with an import, rollback
        or restore of a batch that holds anything but actions and their statuses (indicator
        values, indicators, areas, boundaries, offices, development areas). What is made of
        those alone may be kept while the offices' follow-ups come in.

        Read from the file only when it may have changed: after the file was opened again (it
        is let go for other processes' turns) or after a commit in this process."""
        known = self._known_revision
        if max_age > 0 and known is not None and time.monotonic() - known[0] <= max_age:
            return known[1], known[2]
        read_at = time.monotonic()
        commits = _commits  # before the read: a commit meanwhile makes the next call read again
        con = self._acquire()  # held: the connection cannot change while it is compared
        try:
            opened = self._opened
            # While this process holds the file open no other process can write to it (DuckDB
            # locks the file), and every commit in this process is counted: what was read
            # under this same connection with no commit since is still the revision, exactly.
            if (
                known is not None
                and not self.path.startswith("md:")  # a service that others write to
                and known[3] == opened
                and known[4] == commits
            ):
                self._known_revision = (read_at, *known[1:])
                return known[1], known[2]
            cur = con.cursor()
            try:
                events, rounds, reminders = cur.execute(
                    "SELECT (SELECT coalesce(max(event_no), 0) FROM batch_event),"
                    " (SELECT coalesce(max(event_no), 0) FROM round_event),"
                    " (SELECT coalesce(max(reminder_no), 0) FROM reminder)"
                ).fetchone()
                known_values = self._values_at
                if known_values is not None and known_values[0] == events:
                    values = known_values[1]
                else:
                    (values,) = cur.execute(
                        "SELECT coalesce(max(e.event_no), 0) FROM batch_event e"
                        " JOIN import_batch b USING (batch_id)"
                        " WHERE NOT list_has_all(['action', 'action_status'],"
                        "                        json_keys(b.row_counts::JSON))"
                    ).fetchone()
                    self._values_at = (int(events), int(values))
            finally:
                cur.close()
        finally:
            self._release()
        revision = int(events) + int(rounds) + int(reminders)
        self._known_revision = (read_at, revision, int(values), opened, commits)
        return revision, int(values)

    # -- the write path --------------------------------------------------------------------

    def write(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run fn(cursor) under the write lock inside one transaction; all or nothing."""
        with self._write_lock, self._connection() as con, _private_files():  # WAL: owner only
            cur = con.cursor()
            try:
                cur.begin()
                try:
                    result = fn(cur)
                except BaseException:
                    cur.rollback()
                    raise
                cur.commit()
                return result
            finally:
                _count_commit()  # also after a rollback: harmless, one more read
                self._known_revision = None
                cur.close()

    # -- batches ---------------------------------------------------------------------------

    def insert_batch(
        self,
        cur: duckdb.DuckDBPyConnection,
        *,
        kind: str,
        file_name: str,
        sha256: str,
        imported_by: str,
        frames: Mapping[str, pd.DataFrame],
        is_demo: bool = False,
    ) -> int:
        """Insert one batch and its rows; call inside `write`. Returns the new batch id."""
        batch_id = cur.execute(
            "SELECT coalesce(max(batch_id), 0) + 1 FROM import_batch"
        ).fetchone()[0]
        counts = {table: len(frame) for table, frame in frames.items() if len(frame)}
        now = datetime.now().replace(microsecond=0)
        cur.execute(
            "INSERT INTO import_batch VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)",
            [batch_id, kind, file_name, sha256, imported_by, now, json.dumps(counts), is_demo],
        )
        _add_event(cur, batch_id, "import", imported_by)
        for table, frame in frames.items():
            if table not in TABLE_COLUMNS:
                raise ValueError(f"unknown table {table!r}")
            if not len(frame):
                continue
            columns = TABLE_COLUMNS[table]
            # Columns added by later schema versions may be absent from a caller's frame.
            rows = frame.reindex(columns=list(columns)).astype(
                {c: object for c in columns if c not in frame}
            )
            rows.insert(0, "batch_id", batch_id)
            cur.register("incoming_rows", rows)
            try:
                # Identifiers come from TABLE_COLUMNS, a fixed list in code.
                column_list = ", ".join(f'"{c}"' for c in ("batch_id", *columns))
                cur.execute(
                    f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM incoming_rows"
                )
            finally:
                cur.unregister("incoming_rows")
        if len(frames.get("indicator_value", ())):
            refresh_current_values(cur, batch_id)
        if len(frames.get("boundary", ())):
            _add_drawn(cur, batch_id)
        refresh_current_tables(cur, [n for n in CURRENT_TABLES if len(frames.get(n, ()))])
        return batch_id

    def batches(self) -> pd.DataFrame:
        """Every import batch, newest first, with its latest state change."""
        return self.df(
            """
            SELECT b.batch_id, b.kind, b.file_name, b.sha256, b.imported_by, b.imported_at,
                   b.row_counts, b.state, b.is_demo,
                   e.event AS last_event, e.actor AS last_actor, e.event_at AS last_event_at
            FROM import_batch b
            LEFT JOIN (SELECT * FROM batch_event
                       QUALIFY row_number() OVER (PARTITION BY batch_id ORDER BY event_no DESC) = 1) e
              USING (batch_id)
            WHERE b.batch_id <> ?
            ORDER BY b.batch_id DESC
            """,
            [SYSTEM_BATCH_ID],
        )

    def batch(self, batch_id: int) -> dict | None:
        frame = self.df("SELECT * FROM import_batch WHERE batch_id = ?", [batch_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def find_batch_by_sha256(self, sha256: str) -> dict | None:
        frame = self.df(
            "SELECT * FROM import_batch WHERE sha256 = ? ORDER BY batch_id DESC LIMIT 1", [sha256]
        )
        return None if frame.empty else frame.iloc[0].to_dict()

    def set_batch_state(self, batch_id: int, active: bool, actor: str) -> None:
        """Roll a batch back (active=False) or re-activate it; both are recorded as events."""
        if batch_id == SYSTEM_BATCH_ID:
            raise StoreError("Den inbyggda grunddatan kan inte återkallas.")

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            row = cur.execute(
                "SELECT state FROM import_batch WHERE batch_id = ?", [batch_id]
            ).fetchone()
            if row is None:
                raise StoreError(f"Det finns ingen import med nummer {batch_id}.")
            wanted = "active" if active else "inactive"
            if row[0] == wanted:
                raise StoreError(
                    f"Import {batch_id} är redan " + ("aktiv." if active else "återkallad.")
                )
            cur.execute("UPDATE import_batch SET state = ? WHERE batch_id = ?", [wanted, batch_id])
            _add_event(cur, batch_id, "restore" if active else "rollback", actor)
            refresh_current_values(cur, batch_id)
            refresh_current_tables(cur, CURRENT_TABLES)

        self.write(change)

    # -- the reporting round ---------------------------------------------------------------

    def open_round(
        self,
        *,
        period: str,
        plan_year: int,
        deadline: date,
        message: str | None,
        opened_by: str,
        authorise: Callable[[], None] | None = None,
    ) -> int:
        """Open the round for a period, or open it again with a new deadline or message (a new
        batch, which supersedes the earlier one; rolling it back brings that one back).
        `authorise` runs inside the write, at the moment of writing, and raises to refuse."""

        def change(cur: duckdb.DuckDBPyConnection) -> int:
            if authorise is not None:
                authorise()
            frame = pd.DataFrame(
                [
                    {
                        "period": period,
                        "plan_year": plan_year,
                        "deadline": deadline,
                        "message": message or None,
                    }
                ]
            )
            digest = hashlib.sha256(
                f"round\n{period}\n{plan_year}\n{deadline}\n{message}\n{opened_by}\n"
                f"{datetime.now().isoformat()}".encode()
            ).hexdigest()
            batch_id = self.insert_batch(
                cur,
                kind="round",
                file_name=f"Rapporteringsomgång {period}",
                sha256=digest,
                imported_by=opened_by,
                frames={"reporting_round": frame},
            )
            _add_round_event(cur, period, "open", opened_by)
            return batch_id

        return self.write(change)

    def set_round_open(
        self,
        period: str,
        is_open: bool,
        actor: str,
        authorise: Callable[[], None] | None = None,
    ) -> None:
        """Close a period's round, or reopen it; both are recorded as events."""

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            if authorise is not None:
                authorise()
            row = cur.execute(
                "SELECT is_open FROM current_reporting_round WHERE period = ?", [period]
            ).fetchone()
            if row is None:
                raise StoreError(f"Det finns ingen rapporteringsomgång för {period}.")
            if bool(row[0]) == is_open:
                raise StoreError(
                    f"Rapporteringsomgången för {period} är redan "
                    + ("öppen." if is_open else "stängd.")
                )
            _add_round_event(cur, period, "reopen" if is_open else "close", actor)

        self.write(change)

    def record_reminders(
        self, rows: Sequence[Mapping], sent_by: str, authorise: Callable[[], None] | None = None
    ) -> None:
        """Keep the reminders that were sent: period, office_code, recipient, subject, body,
        action_nos (a list) per row."""

        def change(cur: duckdb.DuckDBPyConnection) -> None:
            if authorise is not None:
                authorise()
            now = datetime.now().replace(microsecond=0)
            for row in rows:
                cur.execute(
                    "INSERT INTO reminder SELECT coalesce(max(reminder_no), 0) + 1, ?, ?, ?, ?, ?,"
                    " ?, ?, ? FROM reminder",
                    [
                        row["period"],
                        row["office_code"],
                        row["recipient"],
                        row["subject"],
                        row["body"],
                        list(row["action_nos"]),
                        sent_by,
                        now,
                    ],
                )

        self.write(change)

    # -- backups ---------------------------------------------------------------------------

    def backup(self, out: str | Path) -> Backup:
        """A consistent copy of everything, the latest commit included, written to `out` (which
        must not exist). While it is made this Store has the file, so no one writes meanwhile;
        the WAL is checkpointed into the file first, so the copy needs nothing beside it."""
        out = Path(out)
        if out.exists():
            raise StoreError(f"{out} finns redan; välj ett nytt filnamn för säkerhetskopian.")
        if self._in_memory:
            raise StoreError("En databas i minnet kan inte säkerhetskopieras.")
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with self._write_lock, self._connection() as con, _private_files():
            con.execute("CHECKPOINT")
            shutil.copyfile(self.path, partial)
        partial.chmod(0o600)
        backup = check_backup(partial)
        partial.rename(out)
        return Backup(out, backup.sha256, backup.schema_version, backup.size)

    def has_data(self) -> bool:
        """True when anything beyond the built-in master data has been imported."""
        n = self.df(
            "SELECT count(*) AS n FROM import_batch WHERE batch_id <> ?", [SYSTEM_BATCH_ID]
        )["n"].iloc[0]
        return bool(n)

    def shows_demo_data(self) -> bool:
        """True while the active data comes from the demo workbooks only."""
        row = self.df(
            """
            SELECT count(*) FILTER (WHERE is_demo) AS demo,
                   count(*) FILTER (WHERE NOT is_demo) AS real
            FROM import_batch
            WHERE state = 'active' AND batch_id <> ? AND kind NOT IN (SELECT unnest(?))
            """,
            [SYSTEM_BATCH_ID, list(NON_DATA_KINDS)],
        ).iloc[0]
        return bool(row["demo"]) and not row["real"]

    # -- reference data for checking an import --------------------------------------------

    def reference_data(self) -> dict[str, pd.DataFrame]:
        """The current master data and plans that an incoming file is checked against."""
        with self.snapshot() as cur:
            return {
                "areas": cur.execute(
                    "SELECT area_no, name FROM current_development_area ORDER BY area_no"
                ).df(),
                "offices": cur.execute("SELECT code, name FROM current_office ORDER BY code").df(),
                "districts": cur.execute(
                    "SELECT code, name, district_type, region_code FROM current_district "
                    "ORDER BY code"
                ).df(),
                "indicators": cur.execute(
                    "SELECT code, name, unit, source FROM current_indicator ORDER BY code"
                ).df(),
                "actions": cur.execute(
                    "SELECT plan_year, action_no, lead_office, title FROM current_action"
                ).df(),
            }

    def profiles(self) -> pd.DataFrame:
        """The saved import profiles (newest version of each name), by name."""
        return self.df(
            "SELECT name, signature, options, batch_id, saved_by, saved_at "
            "FROM current_import_profile ORDER BY lower(name)"
        )

    def table_contents(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted: to compare two databases (a copy and its source), and to
        prove that a refused import changed nothing."""
        cur = self.read()
        try:
            names = [
                r[0]
                for r in cur.execute(
                    "SELECT table_name FROM duckdb_tables() ORDER BY table_name"
                ).fetchall()
            ]
            return {
                name: sorted(map(repr, cur.execute(f'SELECT * FROM "{name}"').fetchall()))
                for name in names
            }
        finally:
            cur.close()


# One pass over the values: a group's years are unique (the current values' key), so the
# trend's years (the last TREND_YEARS + 1 with a value) are among the TREND_YEARS + 1 latest,
# which max(year, n) and arg_max(value, year, n) keep (newest first). Joining the values back
# to their group's last year for the trend took six times as long over a national file.
_SUMMARY_SELECT = f"""
    WITH g AS (
        SELECT indicator_code, district_code, sex, count(value) AS n_values,
               min(year) FILTER (WHERE value IS NOT NULL) AS first_year,
               max(year, {TREND_YEARS + 1}) FILTER (WHERE value IS NOT NULL) AS years,
               arg_max(value, year, {TREND_YEARS + 1}) FILTER (WHERE value IS NOT NULL) AS vals,
               arg_max_null(target, year) FILTER (WHERE value IS NOT NULL) AS last_target,
               list_sort(list_distinct(list(batch_id))) AS batch_ids
        FROM indicator_value_current WHERE list_contains($codes::VARCHAR[], indicator_code)
        GROUP BY ALL
    ), t AS (
        SELECT *, len(list_filter(years, lambda y: y >= years[1] - {TREND_YEARS})) AS n_trend
        FROM g
    )
    SELECT indicator_code, district_code, sex, n_values, first_year, years[1], vals[1],
           last_target, years[n_trend], vals[n_trend], batch_ids
    FROM t ORDER BY ALL"""


def refresh_current_tables(cur: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    """Rank these tables' current rows again from every active batch (schema 6: small tables,
    a few thousand rows at most); call inside `Store.write`."""
    for name in tables:
        if name not in CURRENT_TABLES:  # identifiers only from the fixed list
            raise ValueError(f"{name} has no table of current rows")
        cur.execute(f"DELETE FROM {name}_current")
        cur.execute(f"INSERT INTO {name}_current SELECT * FROM ranked_{name}")


def refresh_current_values(cur: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Bring the current values (and their summary) up to date for the indicators that a batch
    just imported, rolled back or restored holds values of; call inside `Store.write`.

    A batch whose indicators have no current values yet (a first import of them) is the current
    data as it stands, since a file's keys are unique (the importer refuses duplicates): its rows
    are copied. Otherwise those indicators are ranked again from every active batch."""
    codes = [
        row[0]
        for row in cur.execute(
            "SELECT DISTINCT indicator_code FROM indicator_value WHERE batch_id = ?", [batch_id]
        ).fetchall()
    ]
    if not codes:
        return
    params = {"codes": codes}
    state = cur.execute("SELECT state FROM import_batch WHERE batch_id = ?", [batch_id]).fetchone()[
        0
    ]
    known = cur.execute(
        "SELECT count(*) FROM indicator_value_current"
        " WHERE list_contains($codes::VARCHAR[], indicator_code)",
        params,
    ).fetchone()[0]
    if known == 0 and state == "active":
        cur.execute(
            "INSERT INTO indicator_value_current SELECT indicator_code, district_code, year, sex,"
            " value, target, source, marker, batch_id FROM indicator_value WHERE batch_id = ?",
            [batch_id],
        )
    else:
        cur.execute(
            "DELETE FROM indicator_value_current"
            " WHERE list_contains($codes::VARCHAR[], indicator_code)",
            params,
        )
        cur.execute(
            "INSERT INTO indicator_value_current SELECT * FROM ranked_indicator_value"
            " WHERE list_contains($codes::VARCHAR[], indicator_code)"
            " ORDER BY indicator_code, district_code, year, sex",
            params,
        )
    _summarise_values(cur, codes)


def _summarise_values(cur: duckdb.DuckDBPyConnection, codes: list[str] | None) -> None:
    """Write the summary rows of these indicators (all, for None) from the current values."""
    if codes is None:
        codes = [
            r[0]
            for r in cur.execute(
                "SELECT DISTINCT indicator_code FROM indicator_value_current"
            ).fetchall()
        ]
    params = {"codes": codes}
    cur.execute(
        "DELETE FROM indicator_area_summary WHERE list_contains($codes::VARCHAR[], indicator_code)",
        params,
    )
    cur.execute("INSERT INTO indicator_area_summary" + _SUMMARY_SELECT, params)


def drawn_outlines(geometries: Sequence[str]) -> pd.DataFrame:
    """Each GeoJSON outline's extent (west, south, east, north) and the outline as a map draws
    it: simplified to DRAWN_TOLERANCE (Douglas-Peucker; where that would leave an area empty
    or its outline crossing itself, the slower simplification that keeps it valid)."""
    import numpy as np
    import shapely

    shapes = shapely.from_geojson(np.asarray(list(geometries), dtype=object))
    bounds = shapely.bounds(shapes)
    drawn = shapely.simplify(shapes, DRAWN_TOLERANCE, preserve_topology=False)
    broken = shapely.is_empty(drawn) | ~shapely.is_valid(drawn)
    if broken.any():
        drawn[broken] = shapely.simplify(shapes[broken], DRAWN_TOLERANCE, preserve_topology=True)
    return pd.DataFrame(
        {
            "west": bounds[:, 0],
            "south": bounds[:, 1],
            "east": bounds[:, 2],
            "north": bounds[:, 3],
            "outline": shapely.to_geojson(drawn),
        }
    )


def _add_drawn(cur: duckdb.DuckDBPyConnection, batch_id: int | None) -> None:
    """Store what a map needs of a boundary batch's areas (of every stored boundary, for
    None): their extents and outlines as drawn."""
    rows = cur.execute(
        "SELECT batch_id, district_code, geometry FROM boundary"
        " WHERE batch_id = $batch OR $batch IS NULL",
        {"batch": batch_id},
    ).fetchall()
    if not rows:
        return
    batches, codes, geometries = zip(*rows, strict=True)
    drawn = drawn_outlines(geometries)
    drawn.insert(0, "district_code", list(codes))
    drawn.insert(0, "batch_id", list(batches))
    cur.register("incoming_drawn", drawn)
    try:
        cur.execute("INSERT INTO boundary_drawn SELECT * FROM incoming_drawn")
    finally:
        cur.unregister("incoming_drawn")


def _add_event(cur: duckdb.DuckDBPyConnection, batch_id: int, event: str, actor: str) -> None:
    cur.execute(
        "INSERT INTO batch_event SELECT coalesce(max(event_no), 0) + 1, ?, ?, ?, ? FROM batch_event",
        [batch_id, event, actor, datetime.now().replace(microsecond=0)],
    )


def _add_round_event(cur: duckdb.DuckDBPyConnection, period: str, event: str, actor: str) -> None:
    cur.execute(
        "INSERT INTO round_event SELECT coalesce(max(event_no), 0) + 1, ?, ?, ?, ? FROM round_event",
        [period, event, actor, datetime.now().replace(microsecond=0)],
    )


def _seed_system_batch(cur: duckdb.DuckDBPyConnection) -> None:
    """The built-in master data from `domain`, as batch 0, which cannot be rolled back."""
    now = datetime.now().replace(microsecond=0)
    cur.execute(
        "INSERT INTO import_batch VALUES (?, 'system', '(inbyggd grunddata)', '', 'segdash', ?,"
        " '{}', 'active', false)",
        [SYSTEM_BATCH_ID, now],
    )
    cur.executemany(
        "INSERT INTO development_area VALUES (?, ?, ?)",
        [[SYSTEM_BATCH_ID, no, name] for no, name in domain.DEVELOPMENT_AREAS],
    )
    cur.executemany(
        "INSERT INTO office (batch_id, code, name) VALUES (?, ?, ?)",
        [[SYSTEM_BATCH_ID, code, name] for code, name in domain.OFFICES],
    )
    cur.executemany(
        "INSERT INTO district VALUES (?, ?, ?, ?)",
        [[SYSTEM_BATCH_ID, code, name, kind] for code, name, kind in domain.DISTRICTS],
    )
