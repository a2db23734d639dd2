"""Whatever a sheet of any kind, or an uploaded CSV's bytes, hold, the importer answers with a
clean import or a list of issues, never an exception."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import (
    INDICATOR_DEFS,
    INDICATORS_HEADER,
    PLAN_HEADER,
    import_ok,
    plan_file,
    run_import,
    xlsx_file,
)
from segdash.importer import UploadedFile
from segdash.store import Store

SHEETS = [
    ("Uppföljning", ["Nr", "Period", "Status", "Andel genomfört", "Kommentar",
                     "Ansvarig förvaltning", "Planår"]),
    ("Follow-up", ["Nr", "Period", "Status"]),
    ("Indikatorvärden", ["Indikator", "Område", "År", "Värde", "Kön", "Mål", "Källa"]),
    ("Indikatorvärden", ["Indikator", "Område", "Kön", "2019", "2020"]),  # wide form
    ("Åtgärder", PLAN_HEADER),
    ("Actions", ["Id", "Development area", "Action", "Lead office", "Districts", "Plan year"]),
    ("Indikatorer", [*INDICATORS_HEADER, "Utvecklingsområde", "Källa", "Definition"]),
    ("Förvaltningar", ["Kod", "Namn"]),
    ("Områden", ["Kod", "Namn", "Typ"]),
    ("Utvecklingsområden", ["Nr", "Namn"]),
]  # fmt: skip
# Values close to valid ones reach deeper into the checks than random text does.
NEAR_MISSES = [
    "1.1", "1.10", "2.1", "9.9", "2021", "2022", "2023", "2022-T1", "2022-T4", "Delår 2022",
    "Helår 2022", "klar", "pågår", "Genomförd", "kanske", "50 %", "12,5", "1.234,5", "−3",
    "ARBL", "Arbetslöshet", "BEH", "Berga", "Skäggetorp", "Linköping", "Alla", "K", "Män", "T",
    "KFF", "UBF", "x", "", "  ", "%", "Berga; Ryd", "Alla", "SOF, UBF", "1 Ökad trygghet",
    "Trivsamma livsmiljöer", "fokus", "jämförelse", "ja", "nej", "2022-08-31", "2023-13-01",
]  # fmt: skip
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
).filter(lambda s: not s.startswith("="))  # openpyxl would write "=…" as a formula
cell = st.one_of(
    st.none(),
    st.sampled_from(NEAR_MISSES),
    st.integers(min_value=-10, max_value=3000),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    text,
)


@st.composite
def sheets(draw):
    name, header = draw(st.sampled_from(SHEETS))
    width = len(header)
    body = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=6))
    return name, header, body


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """A database holding the 2022 plan and two indicators, copied fresh for every example."""
    path = tmp_path_factory.mktemp("template") / "t.duckdb"
    with Store(path) as store:
        import_ok(store, plan_file())
        import_ok(store, xlsx_file({"Indikatorer": [INDICATORS_HEADER, *INDICATOR_DEFS]}))
    return path


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=sheets())
# Repeated keys, the shape random tables rarely hit: one follow-up and one indicator value twice.
@example(sheet=("Follow-up", ["Nr", "Period", "Status"], [["1.1", "2022", "klar"]] * 2))
@example(sheet=("Indikatorvärden", SHEETS[2][1], [["ARBL", "Berga", 2020, 1, None, None, None]] * 2))
def test_any_small_sheet_imports_cleanly_or_reports_issues(template_db, sheet):
    name, header, body = sheet
    assert_clean_import_or_issues(template_db, xlsx_file({name: [header, *body]}))


def assert_clean_import_or_issues(template_db: Path, upload: UploadedFile) -> None:
    with fresh_store(template_db) as store:
        before = store.table_contents()
        result = run_import(store, upload)
        assert result.status in ("imported", "refused")
        if result.status == "refused":
            assert result.check.errors
            assert all(i.message.strip() for i in result.issues)
            assert store.table_contents() == before
        else:
            assert all(not i.is_error for i in result.issues)
            assert len(result.batch_ids) == 1


@contextmanager
def fresh_store(template_db: Path):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.duckdb"
        shutil.copyfile(template_db, path)
        with Store(path) as store:
            yield store


# --- CSV bytes ------------------------------------------------------------------------------

CSV_HEADERS = [header for name, header in SHEETS if name in ("Uppföljning", "Indikatorvärden",
                                                             "Åtgärder")]  # fmt: skip
# Cells that fight the CSV reader: quotes, delimiters, line breaks, markup, formula starts.
csv_text = st.text(alphabet=st.sampled_from(list('ab1,;\t"\n\r åÄ€<>=-+@\x00')), max_size=8)


@st.composite
def csv_files(draw):
    header = draw(st.sampled_from(CSV_HEADERS))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    body = draw(st.lists(st.lists(st.one_of(st.sampled_from(NEAR_MISSES), csv_text),
                                  min_size=len(header), max_size=len(header)), max_size=5))
    text = "\n".join(delimiter.join(row) for row in [header, *body])  # unquoted on purpose
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]))
    return UploadedFile(draw(st.sampled_from(["u.csv", "u.txt", "u"])),
                        text.encode(encoding, errors="replace"))  # fmt: skip


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(upload=csv_files())
def test_any_csv_imports_cleanly_or_reports_issues(template_db, upload):
    assert_clean_import_or_issues(template_db, upload)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf", b"\xff\xfe",
                           b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF", b"<"]),
    rest=st.binary(max_size=600),
    name=st.sampled_from(["u.csv", "u.xlsx", "u.ods", "u.xls", "u"]),
)  # fmt: skip
def test_any_bytes_import_cleanly_or_report_issues(template_db, start, rest, name):
    assert_clean_import_or_issues(template_db, UploadedFile(name, start + rest))
