"""Shared fixtures and helpers for the importer tests: a fresh store, and files built in memory.

Test modules import the helpers with `from conftest import ...` (pytest puts this folder on
the path), so every test builds its own input in a line or two.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb
import openpyxl
import pytest

from segdash import store as store_module
from segdash.config import Limits
from segdash.importer import ImportResult, Issue, UploadedFile, import_files
from segdash.store import Store

IMPORTER = "test"

PLAN_HEADER = [
    "Nr",
    "Utvecklingsområde",
    "Åtgärd",
    "Beskrivning",
    "Ansvarig förvaltning",
    "Samverkande förvaltningar",
    "Områden",
    "Planår",
    "Start",
    "Slut",
]
# The small valid plan that follow-up and indicator tests refer to.
PLAN_2022 = [
    [
        "1.1",
        1,
        "Trygghetsvandringar",
        "Kvällsvandringar",
        "KFF",
        "SOF",
        "Berga; Ryd",
        2022,
        2022,
        2023,
    ],
    ["1.10", 1, "Fältassistenter", None, "SOF", None, "Skäggetorp", 2022, None, None],
    ["2.1", 2, "Sommarjobb", None, "IAF", "UBF, KLF", "Alla", 2022, 2022, "2022-08-31"],
    ["3.1", 3, "Läxhjälp", None, "UBF", None, "Ryd, Skäggetorp", 2022, None, None],
    ["4.1", 4, "Upprustade gårdar", None, "SBF", "KFF", "Berga", 2022, None, None],
]
FOLLOWUP_HEADER = ["Nr", "Period", "Status", "Andel genomfört", "Kommentar"]
VALUES_HEADER = ["Indikator", "Område", "År", "Värde"]
INDICATORS_HEADER = ["Kod", "Namn", "Enhet", "Högre är bättre"]
INDICATOR_DEFS = [["ARBL", "Arbetslöshet", "%", "nej"], ["BEH", "Behörighet gymnasiet", "%", "ja"]]


# --- building files -----------------------------------------------------------------------


def make_xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with one sheet per entry, rows appended as given (None = empty cell)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SICKNESS_HEADER = ["År", "Månad", "Län", "Kommun", "Ålder", "Kön", "Ohälsotalet"]


def sickness_absence_xlsx(year: int = 2024, scale: float = 1.0) -> bytes:
    """A file in Försäkringskassan's layout, not the template's (values made up): one row per
    month, area and sex, and the value column named after the measure."""
    body = []
    for month in ("08", "09"):
        for area, county, base in (
            ("Riket", "Riket", 22.3),
            ("0580 Linköping", "05 Östergötlands län", 19.5),
        ):
            for sex, offset in (("Kvinnor och män", 0.0), ("Kvinnor", 3.1), ("Män", -2.9)):
                value = round((base + offset + (0.1 if month == "09" else 0.0)) * scale, 1)
                body.append([str(year), month, county, area, "Samtliga 16-64 år", sex, value])
    return make_xlsx({"tabell": [SICKNESS_HEADER, *body]})


def make_csv(text: str, encoding: str = "utf-8") -> bytes:
    """CSV bytes as a given program would save them ('utf-8-sig' for a BOM, 'cp1252', …)."""
    return text.encode(encoding)


def xlsx_file(sheets: dict[str, list[list]], name: str = "fil.xlsx") -> UploadedFile:
    return UploadedFile(name, make_xlsx(sheets))


def plan_file(
    rows: Sequence[list] = PLAN_2022, name: str = "plan.xlsx", **extra_sheets: list[list]
) -> UploadedFile:
    return xlsx_file({"Åtgärder": [PLAN_HEADER, *rows], **extra_sheets}, name)


def followup_file(
    rows: Sequence[list], header: Sequence[str] = FOLLOWUP_HEADER, name: str = "uppfoljning.xlsx"
) -> UploadedFile:
    return xlsx_file({"Uppföljning": [list(header), *rows]}, name)


def values_file(
    rows: Sequence[list],
    header: Sequence[str] = VALUES_HEADER,
    definitions: Sequence[list] | None = INDICATOR_DEFS,
    name: str = "indikatorer.xlsx",
) -> UploadedFile:
    sheets = {"Indikatorvärden": [list(header), *rows]}
    if definitions is not None:
        sheets["Indikatorer"] = [INDICATORS_HEADER, *definitions]
    return xlsx_file(sheets, name)


# --- running imports ----------------------------------------------------------------------


def run_import(store: Store, *files: UploadedFile, limits: Limits | None = None) -> ImportResult:
    return import_files(store, list(files), IMPORTER, limits=limits or Limits())


def import_ok(store: Store, *files: UploadedFile) -> ImportResult:
    """Import that must succeed; the issues are shown when it doesn't."""
    result = run_import(store, *files)
    assert result.status == "imported", [i.message for i in result.issues]
    return result


def import_refused(store: Store, *files: UploadedFile, limits: Limits | None = None) -> list[Issue]:
    """Import that must be refused without changing a single row; returns every issue."""
    before = store.table_contents()
    result = run_import(store, *files, limits=limits)
    assert result.status == "refused"
    assert result.batch_ids == []
    assert store.table_contents() == before
    return result.issues


def where(issue: Issue) -> tuple:
    """An issue as (message, sheet, row, column, value), the way the report shows it."""
    return (issue.message, issue.sheet, issue.row, issue.column, issue.value)


def database_at_schema(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """A database file as a segdash of schema `version` left it (its migrations and the built-in
    master data), open for the test to add rows before segdash opens it again."""
    con = duckdb.connect(str(path))
    for target, migration in enumerate(store_module.MIGRATIONS[:version], start=1):
        con.execute(migration)
        if target == 1:
            store_module._seed_system_batch(con)  # as the store does
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    con.execute("INSERT INTO schema_version VALUES (?)", [version])
    return con


def rows(store: Store, sql: str, params: list | None = None) -> list[tuple]:
    cur = store.read()
    try:
        return cur.execute(sql, params or []).fetchall()
    finally:
        cur.close()


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def checked_figures(monkeypatch):
    """Every figure built in a test is checked by plotly, property by property (the app skips
    that for speed: `charts.VALIDATE`); an invalid property fails the test that built it."""
    from segdash import charts

    monkeypatch.setattr(charts, "VALIDATE", True)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def plan_db_template(tmp_path_factory) -> Path:
    """A database file holding the 2022 plan, built once; tests get a copy of it."""
    path = tmp_path_factory.mktemp("template") / "plan.duckdb"
    with Store(path) as template:
        import_ok(template, plan_file())
    return path


@pytest.fixture
def plan_store(tmp_path, plan_db_template):
    """A store holding the small 2022 plan (five actions over several areas and offices)."""
    path = tmp_path / "t.duckdb"
    shutil.copyfile(plan_db_template, path)
    s = Store(path)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory):
    """A database holding the demo data, built once per test session; copy it, don't write."""
    from segdash.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as store:
        assert load_demo(store).status == "imported"
    return path


@pytest.fixture
def demo_db(demo_path, tmp_path, monkeypatch):
    """A private copy of the demo database, which the app under test (SEGDASH_DB) opens."""
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_path, path)
    monkeypatch.setenv("SEGDASH_DB", str(path))
    return path


@pytest.fixture
def demo_store(demo_path, tmp_path):
    """A Store on a private copy of the demo database (without SEGDASH_DB: not the app's)."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_path, path)
    with Store(path) as store:
        yield store


HELD_MESSAGE = (
    "Databasen {path} används av en annan process (process {pid}), som inte släppte den inom 2 "
    "sekunder. Försök igen om en stund; inget har ändrats."
)


@pytest.fixture
def held_db(tmp_path, monkeypatch):
    """A database file that another process holds open and never lets go (not a Store: a raw
    connection); yields (path, that process's pid). A Store waits 2 seconds for it here."""
    import subprocess
    import sys

    monkeypatch.setenv("SEGDASH_DB_WAIT_SECONDS", "2")
    path = tmp_path / "held.duckdb"
    code = (
        "import sys, duckdb\n"
        f"con = duckdb.connect({str(path)!r})\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield path, holder.pid
    finally:
        holder.communicate("\n", timeout=10)
