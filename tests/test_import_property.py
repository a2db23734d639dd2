"""Whatever a sheet of any kind, or an uploaded CSV's bytes, hold, the importer answers with a
clean import or a list of issues, never an exception; and a valid sheet, however the contract
lets an analyst write it, is imported and stored exactly as written."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import (
    INDICATOR_DEFS,
    INDICATORS_HEADER,
    PLAN_2022,
    PLAN_HEADER,
    import_ok,
    plan_file,
    rows,
    run_import,
    xlsx_file,
)
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from segdash import domain
from segdash.domain import EXAMPLE_SOURCE
from segdash.importer import UploadedFile
from segdash.importer.reader import _UTF8_SEQUENCE as UTF8_SEQUENCE
from segdash.store import Store

SHEETS = [
    (
        "Uppföljning",
        [
            "Nr",
            "Period",
            "Status",
            "Andel genomfört",
            "Kommentar",
            "Ansvarig förvaltning",
            "Planår",
        ],
    ),
    ("Follow-up", ["Nr", "Period", "Status"]),
    ("Indikatorvärden", ["Indikator", "Område", "År", "Värde", "Kön", "Mål", "Källa"]),
    ("Indikatorvärden", ["Indikator", "Område", "Kön", "2019", "2020"]),  # wide form
    ("Åtgärder", PLAN_HEADER),
    ("Actions", ["Id", "Development area", "Action", "Lead office", "Districts", "Plan year"]),
    ("Indikatorer", [*INDICATORS_HEADER, "Utvecklingsområde", "Källa", "Definition"]),
    ("Förvaltningar", ["Kod", "Namn"]),
    ("Områden", ["Kod", "Namn", "Typ"]),
    ("Utvecklingsområden", ["Nr", "Namn"]),
]
# Values close to valid ones reach deeper into the checks than random text does.
NEAR_MISSES = [
    "1.1",
    "1.10",
    "2.1",
    "9.9",
    "2021",
    "2022",
    "2023",
    "2022-T1",
    "2022-T4",
    "Delår 2022",
    "Helår 2022",
    "klar",
    "pågår",
    "Genomförd",
    "kanske",
    "50 %",
    "12,5",
    "1.234,5",
    "−3",
    "ARBL",
    "Arbetslöshet",
    "BEH",
    "Berga",
    "Skäggetorp",
    "Linköping",
    "Alla",
    "K",
    "Män",
    "T",
    "KFF",
    "UBF",
    "x",
    "",
    "  ",
    "%",
    "Berga; Ryd",
    "Alla",
    "SOF, UBF",
    "1 Ökad trygghet",
    "Trivsamma livsmiljöer",
    "fokus",
    "jämförelse",
    "ja",
    "nej",
    "2022-08-31",
    "2023-13-01",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).filter(
    lambda s: not s.startswith("=")
)  # openpyxl would write "=…" as a formula
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


# --- valid sheets round-trip ------------------------------------------------------------------
# Sheets that the contract (formats.md) says must be accepted, written the many ways analysts
# write them, each drawn together with the rows the contract says are stored: status words as
# codes, periods in their canonical form, decimal commas and percent signs as numbers, office
# names as codes, an empty Kön as T, a missing-value marker kept as the marker. An importer that
# refuses, drops, duplicates or alters a row fails here, whatever the any-input tests accept.

PLAN_LEADS = {row[0]: row[4] for row in PLAN_2022}  # the template database's 2022 plan
OFFICE_NAMES = dict(domain.OFFICES)
SPELLINGS = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])


def spelled(words: list[str]):
    """One of the words, in any letter case (codes match case-insensitively)."""
    return st.tuples(st.sampled_from(words), SPELLINGS).map(lambda t: t[1](t[0]))


def period_spellings(canonical: str) -> list[object]:
    year, _, part = canonical.partition("-")
    if not part:
        return [canonical, int(year), f"Helår {year}", f"helår {year}"]
    ways = [canonical, f"{year} {part}", f"{part} {year}", f"{year}-{part.lower()}"]
    return [*ways, f"Delår {year}"] if part == "H1" else ways


PERIODS = [
    f"{year}{part}"
    for year in (2022, 2023, 2024)  # the 2022 plan is in force for all
    for part in ("", "-T1", "-T2", "-T3", "-H1", "-H2", "-Q1", "-Q2", "-Q3", "-Q4")
]
free_text = st.text(
    alphabet=st.sampled_from(list("abcåäöÅÄÖ 019.,;:!?()<>*_[]#&\"'é€-")), max_size=15
).filter(lambda s: not s.lstrip().startswith("="))  # "=…" would be written as a formula


@st.composite
def decimal(draw, low: int, high: int, point: str = ",") -> tuple[object, float]:
    """A number with at most one decimal as a cell (a number, or text: decimal comma (or point),
    spaces or non-breaking spaces between thousands, maybe a trailing %) and its value."""
    tenths = draw(st.integers(low * 10, high * 10))
    value = tenths / 10
    if draw(st.booleans()):
        return (value if tenths % 10 else draw(st.sampled_from([value, tenths // 10]))), value
    whole, tenth = divmod(abs(tenths), 10)
    digits = f"{whole:,}".replace(",", draw(st.sampled_from(["", " ", "\u00a0"])))
    decimals = f"{point}{tenth}" if tenth or draw(st.booleans()) else ""
    percent = draw(st.sampled_from(["", "%", " %"]))
    return ("-" if tenths < 0 else "") + digits + decimals + percent, value


@st.composite
def followup_rows(draw, text=free_text, point: str = ","):
    """A valid `Uppföljning` sheet for the 2022 plan: (sheet name, header, body, stored rows)."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(PLAN_LEADS)), st.sampled_from(PERIODS)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    english = draw(st.booleans())
    optional = [
        c for c in ("progress", "comment", "lead_office", "plan_year") if draw(st.booleans())
    ]
    columns = draw(st.permutations(["action_no", "period", "status", *optional]))
    body, stored = [], []
    for action_no, period in keys:
        status = draw(st.sampled_from(domain.STATUSES))
        cells = {
            "action_no": action_no,
            "period": draw(st.sampled_from(period_spellings(period))),
            "status": draw(spelled([status.code, status.label, *status.aliases])),
        }
        progress = comment = office = None
        if "progress" in columns and draw(st.booleans()):
            cells["progress"], progress = draw(decimal(0, 100, point))
        if "comment" in columns:
            cells["comment"] = draw(st.none() | text)
            comment = (cells["comment"] or "").strip() or None
        if "lead_office" in columns and draw(st.booleans()):
            office = PLAN_LEADS[action_no]
            cells["lead_office"] = draw(spelled([office, OFFICE_NAMES[office]]))
        if "plan_year" in columns:
            cells["plan_year"] = draw(st.sampled_from([None, 2022, "2022"]))
        body.append([cells.get(c) for c in columns])
        stored.append((2022, action_no, period, status.code, progress, comment, office))
    header = [FOLLOWUP_COLUMNS[c][english] for c in columns]
    return draw(st.sampled_from(["Uppföljning", "Follow-up"])), header, body, stored


FOLLOWUP_COLUMNS = {
    "action_no": ("Nr", "Id"),
    "period": ("Period", "Period"),
    "status": ("Status", "Status"),
    "progress": ("Andel genomfört (%)", "Progress"),
    "comment": ("Kommentar", "Comment"),
    "lead_office": ("Ansvarig förvaltning", "Lead office"),
    "plan_year": ("Planår", "Plan year"),
}
VALUE_COLUMNS = {
    "indicator": ("Indikator", "Indicator"),
    "district": ("Område", "District"),
    "year": ("År", "Year"),
    "value": ("Värde", "Value"),
    "sex": ("Kön", "Sex"),
    "target": ("Mål", "Target"),
    "source": ("Källa", "Source"),
}
SEX_WORDS = {code: [code, name, *aliases] for code, name, aliases in domain.SEXES}
VALUES_FILE = "värden.xlsx"
FILE_SOURCE = "Importerad fil: {file}"


def as_stored(rows: list[tuple], file_name: str) -> list[tuple]:
    """The expected rows, sorted, with the file's name where a value's source names it."""
    source = FILE_SOURCE.format(file=file_name)
    return sorted(tuple(source if c == FILE_SOURCE else c for c in row) for row in rows)


@st.composite
def value_rows(draw, text=free_text, point: str = ","):
    """A valid long-form `Indikatorvärden` sheet for the template's two indicators and the four
    built-in areas: (sheet name, header, body, stored rows)."""
    indicators = {code: [code, name] for code, name, *_ in INDICATOR_DEFS}
    districts = [code for code, *_ in domain.DISTRICTS]
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(indicators)),
                st.sampled_from(districts),
                st.integers(2015, 2024),
                st.sampled_from(sorted(SEX_WORDS)),
            ),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    english = draw(st.booleans())
    optional = [c for c in ("target", "source") if draw(st.booleans())]
    if any(sex != "T" for *_, sex in keys) or draw(st.booleans()):
        optional.append("sex")
    columns = draw(st.permutations(["indicator", "district", "year", "value", *optional]))
    body, stored = [], []
    for code, district, year, sex in keys:
        cells = {
            "indicator": draw(spelled(indicators[code])),
            "district": draw(spelled([district])),
            "year": draw(st.sampled_from([year, str(year)])),
        }
        value = marker = target = None
        kind = draw(st.sampled_from(["number", "empty", "marker"]))
        if kind == "number":
            cells["value"], value = draw(decimal(-100, 20000, point))
        elif kind == "marker":
            cells["value"] = marker = draw(st.sampled_from(["..", ".", "-", "–", "NA", "NaN"]))
        if "sex" in columns:
            written = sex != "T" or draw(st.booleans())  # an empty Kön is T
            cells["sex"] = draw(spelled(SEX_WORDS[sex])) if written else None
        if "target" in columns and draw(st.booleans()):
            cells["target"], target = draw(decimal(0, 100, point))
        source = FILE_SOURCE  # no source in the cell nor in the definition: the file is named
        if "source" in columns:
            cells["source"] = draw(st.none() | text.filter(lambda s: s.strip() != EXAMPLE_SOURCE))
            source = (cells["source"] or "").strip() or source
        body.append([cells.get(c) for c in columns])
        stored.append((code, district, year, sex, value, target, source, marker))
    header = [VALUE_COLUMNS[c][english] for c in columns]
    return draw(st.sampled_from(["Indikatorvärden", "Indicator values"])), header, body, stored


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """A database holding the 2022 plan and two indicators, copied fresh for every example."""
    path = tmp_path_factory.mktemp("template") / "t.duckdb"
    with Store(path) as store:
        import_ok(store, plan_file())
        import_ok(store, xlsx_file({"Indikatorer": [INDICATORS_HEADER, *INDICATOR_DEFS]}))
    return path


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Random sheets may go either way; valid ones (about half the draws) must be imported.
@given(
    sheet=st.one_of(
        sheets().map(lambda s: (*s, False)),
        (followup_rows() | value_rows()).map(lambda s: (*s[:3], True)),
    )
)
# Repeated keys, the shape random tables rarely hit: one follow-up and one indicator value twice.
@example(sheet=("Follow-up", ["Nr", "Period", "Status"], [["1.1", "2022", "klar"]] * 2, False))
@example(
    sheet=(
        "Indikatorvärden",
        SHEETS[2][1],
        [["ARBL", "Berga", 2020, 1, None, None, None]] * 2,
        False,
    )
)
def test_any_small_sheet_imports_cleanly_or_reports_issues(template_db, sheet):
    name, header, body, valid = sheet
    assert_clean_import_or_issues(template_db, xlsx_file({name: [header, *body]}), valid)


def assert_clean_import_or_issues(
    template_db: Path, upload: UploadedFile, must_import: bool = False
) -> None:
    with fresh_store(template_db) as store:
        before = store.table_contents()
        result = run_import(store, upload)
        if must_import:
            assert result.status == "imported", [i.message for i in result.issues]
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(followups=st.none() | followup_rows(), values=st.none() | value_rows())
def test_any_valid_sheet_is_imported_and_stored_as_written(template_db, followups, values):
    assume(followups or values)
    sheets = {name: [header, *body] for name, header, body, _ in filter(None, [followups, values])}
    with fresh_store(template_db) as store:
        result = run_import(store, xlsx_file(sheets, VALUES_FILE))
        assert result.status == "imported", [i.message for i in result.issues]
        assert not any(i.is_error for i in result.issues)
        assert len(result.batch_ids) == 1
        assert sorted(rows(store, FOLLOWUP_QUERY)) == sorted(followups[3] if followups else [])
        assert sorted(rows(store, VALUES_QUERY)) == as_stored(
            values[3] if values else [], VALUES_FILE
        )


FOLLOWUP_QUERY = """SELECT plan_year, action_no, period, status, progress, comment, reported_office
                    FROM current_action_status"""
VALUES_QUERY = """SELECT indicator_code, district_code, year, sex, value, target, source, marker
                  FROM current_indicator_value"""


# --- CSV bytes ------------------------------------------------------------------------------

CSV_HEADERS = [
    header for name, header in SHEETS if name in ("Uppföljning", "Indikatorvärden", "Åtgärder")
]
# Cells that fight the CSV reader: quotes, delimiters, line breaks, markup, formula starts.
csv_text = st.text(alphabet=st.sampled_from(list('ab1,;\t"\n\r åÄ€<>=-+@\x00')), max_size=8)


@st.composite
def csv_files(draw):
    header = draw(st.sampled_from(CSV_HEADERS))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    body = draw(
        st.lists(
            st.lists(
                st.one_of(st.sampled_from(NEAR_MISSES), csv_text),
                min_size=len(header),
                max_size=len(header),
            ),
            max_size=5,
        )
    )
    text = "\n".join(delimiter.join(row) for row in [header, *body])  # unquoted on purpose
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]))
    return UploadedFile(
        draw(st.sampled_from(["u.csv", "u.txt", "u"])), text.encode(encoding, errors="replace")
    )


@st.composite
def valid_csv_files(draw, kinds=("followup", "values")):
    """A valid sheet saved as CSV the way Excel or LibreOffice save one (cells quoted where
    needed; a decimal point with the ',' delimiter, as English Excel saves), named after its
    sheet; with the rows the contract says are stored."""
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    sheet = followup_rows if draw(st.sampled_from(kinds)) == "followup" else value_rows
    # Free text, delimiters, quotes and line breaks included: the writer quotes a cell that
    # holds the delimiter, and the reader must not count what is inside quotes.
    name, header, body, stored = draw(sheet(free_text, "." if delimiter == "," else ","))
    buffer = io.StringIO()
    end = draw(st.sampled_from(["\r\n", "\n"]))
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=end)
    writer.writerows([header, *([("" if c is None else c) for c in row] for row in body)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    data = buffer.getvalue().encode(encoding)
    if encoding == "cp1252" and UTF8_SEQUENCE.search(data):
        # Windows-1252 bytes that also spell UTF-8 ("Ä€" is the bytes of "Ā") are read as
        # UTF-8, as the reader must for a UTF-8 file with a few stray bytes: no reader can tell
        # the two apart. Such text is saved as UTF-8 here.
        data = buffer.getvalue().encode("utf-8")
    return UploadedFile(f"{name}.csv", data), stored


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Random text may go either way; valid files (about half the draws) must be imported.
@given(
    upload=st.one_of(
        csv_files().map(lambda u: (u, False)), valid_csv_files().map(lambda f: (f[0], True))
    )
)
def test_any_csv_imports_cleanly_or_reports_issues(template_db, upload):
    assert_clean_import_or_issues(template_db, *upload)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(["followup", "values"]))
def test_any_valid_csv_is_imported_and_stored_as_written(template_db, data, kind):
    upload, stored = data.draw(valid_csv_files((kind,)))
    with fresh_store(template_db) as store:
        result = run_import(store, upload)
        assert result.status == "imported", [i.message for i in result.issues]
        query = FOLLOWUP_QUERY if kind == "followup" else VALUES_QUERY
        assert sorted(rows(store, query)) == as_stored(stored, upload.name)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.sampled_from(
        [
            b"",
            b"PK\x03\x04",
            b"PK\x05\x06",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            b"%PDF",
            b"<",
        ]
    ),
    rest=st.binary(max_size=600),
    name=st.sampled_from(["u.csv", "u.xlsx", "u.ods", "u.xls", "u"]),
)
def test_any_bytes_import_cleanly_or_report_issues(template_db, start, rest, name):
    assert_clean_import_or_issues(template_db, UploadedFile(name, start + rest))


def test_a_quoted_delimiter_in_a_comment_does_not_change_the_delimiter(template_db):
    # As English Excel saves it: the comma inside the first comment is quoted, the ';' in the
    # second is plain text. Counted per line, ',' and ';' each split one line the most.
    text = (
        'Nr,Period,Status,Kommentar\r\n1.1,2022,klar,"Klart, men sent"\r\n'
        "2.1,2022,pågår,Se plan; bilaga 2\r\n"
    )
    with fresh_store(template_db) as store:
        result = run_import(store, UploadedFile("Uppföljning.csv", text.encode("utf-8")))
        assert result.status == "imported", [i.message for i in result.issues]
        stored = rows(store, "SELECT action_no, status, comment FROM current_action_status")
        assert sorted(stored) == [
            ("1.1", "done", "Klart, men sent"),
            ("2.1", "on_track", "Se plan; bilaga 2"),
        ]
