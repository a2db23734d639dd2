"""Reading whole files: each accepted format, and one clear error per hostile or broken file."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from xml.sax.saxutils import escape

import pytest
from conftest import (
    FOLLOWUP_HEADER,
    import_ok,
    import_refused,
    make_csv,
    make_xlsx,
    rows,
    run_import,
    where,
)

from segdash.config import Limits
from segdash.importer import UploadedFile, check_files

FOLLOWUP_ROWS = [
    ["1.1", "2022-T1", "Pågår", "50", "Trygghetsvandring i Skäggetorp"],
    ["1.10", "2022", "klar", None, None],
]
STORED_FOLLOWUP = [
    ("1.1", "2022-T1", "on_track", 50.0, "Trygghetsvandring i Skäggetorp"),
    ("1.10", "2022", "done", None, None),
]


def stored_followup(store):
    return rows(
        store,
        "SELECT action_no, period, status, progress, comment FROM action_status ORDER BY action_no",
    )


# --- workbooks ----------------------------------------------------------------------------


def make_ods(sheets: dict[str, list[list]]) -> bytes:
    """A minimal OpenDocument spreadsheet: mimetype first (stored), a manifest, content.xml."""

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(f"<table:table-row>{''.join(map(cell, row))}</table:table-row>" for row in sheet)
        + "</table:table>"
        for name, sheet in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("uppföljning.xlsx", make_xlsx),
        ("uppföljning.xlsm", make_xlsx),  # the same bytes with macros allowed
        ("UPPFÖLJNING.XLSX", make_xlsx),
        ("uppföljning.ods", make_ods),
    ],
)
def test_workbook_formats_are_imported(plan_store, name, build):
    data = build({"Uppföljning": [FOLLOWUP_HEADER, *FOLLOWUP_ROWS]})
    result = import_ok(plan_store, UploadedFile(name, data))
    assert result.issues == []
    assert stored_followup(plan_store) == STORED_FOLLOWUP


def test_ods_with_title_and_blank_rows_reports_the_rows_libreoffice_shows(plan_store):
    data = make_ods(
        {
            "Uppföljning": [
                ["Uppföljning 2022"],
                [],
                FOLLOWUP_HEADER,
                [],
                ["9.9", "2022", "klar", None, None],
            ]
        }
    )
    issues = import_refused(plan_store, UploadedFile("u.ods", data))
    assert [where(i) for i in issues] == [
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "Uppföljning", 5, "Nr", "9.9")
    ]


def test_workbook_recognised_by_content_not_by_name(plan_store):
    # A workbook saved with a .csv name is still read as a workbook.
    data = make_xlsx({"Uppföljning": [FOLLOWUP_HEADER, *FOLLOWUP_ROWS]})
    import_ok(plan_store, UploadedFile("uppföljning.csv", data))
    assert stored_followup(plan_store) == STORED_FOLLOWUP


# --- CSV ----------------------------------------------------------------------------------

PLAN_CSV = (
    "Nr{d}Utvecklingsområde{d}Åtgärd{d}Ansvarig förvaltning{d}Områden{d}Planår\n"
    "1.1{d}1{d}Öppen förskola i Skäggetorp{d}KFF{d}Skäggetorp{d}2023\n"
    '1.2{d}5{d}Läxhjälp för åk 7–9{d}Utbildningsförvaltningen{d}"Berga; Ryd"{d}2023\n'
)
STORED_PLAN = [
    ("1.1", 1, "Öppen förskola i Skäggetorp", "KFF", ["Skäggetorp"]),
    ("1.2", 5, "Läxhjälp för åk 7–9", "UBF", ["Berga", "Ryd"]),
]


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize(
    "encoding",
    [
        "utf-8",
        "utf-8-sig",  # UTF-8 with BOM, as Excel's "CSV UTF-8" writes it
        "cp1252",  # Windows-1252, Swedish Excel's plain "CSV"
        "utf-16",  # with BOM
    ],
)
def test_csv_delimiters_and_encodings_keep_swedish_letters(store, encoding, delimiter):
    data = make_csv(PLAN_CSV.format(d=delimiter), encoding)
    result = import_ok(store, UploadedFile("plan.csv", data))
    assert result.issues == []
    assert (
        rows(
            store, "SELECT action_no, area_no, title, lead_office, districts FROM action ORDER BY 1"
        )
        == STORED_PLAN
    )


def test_csv_with_windows_line_endings_and_decimal_comma(plan_store):
    text = "Nr;Period;Status;Andel genomfört\r\n1.1;2022-T1;Pågår;12,5\r\n"
    import_ok(plan_store, UploadedFile("u.csv", make_csv(text, "cp1252")))
    assert rows(plan_store, "SELECT status, progress FROM action_status") == [("on_track", 12.5)]


def test_csv_semicolon_file_with_commas_in_comments(plan_store):
    text = "Nr;Period;Status;Kommentar\n1.1;2022;klar;Bra, men sent, tyvärr\n1.10;2022;klar;Ok\n"
    import_ok(plan_store, UploadedFile("u.csv", make_csv(text)))
    assert rows(plan_store, "SELECT comment FROM action_status ORDER BY action_no") == [
        ("Bra, men sent, tyvärr",),
        ("Ok",),
    ]


def test_csv_delimiters_inside_quoted_comments_do_not_count(plan_store):
    # As English Excel saves it: commas split the cells, and a comment holds more commas than
    # a row has cells, a doubled quote and a line break inside its quotes; the other comment
    # has semicolons as plain text. Only what is outside quotes tells the delimiter.
    text = (
        "Nr,Period,Status,Kommentar\r\n"
        '1.1,2022,klar,"Klart, men sent, efter ""omtag"",\r\nse bilaga, sid 2"\r\n'
        "1.10,2022,pågår,Se plan; bilaga 2; sid 4\r\n"
    )
    import_ok(plan_store, UploadedFile("u.csv", make_csv(text)))
    assert rows(plan_store, "SELECT action_no, status, comment FROM action_status ORDER BY 1") == [
        ("1.1", "done", 'Klart, men sent, efter "omtag",\r\nse bilaga, sid 2'),
        ("1.10", "on_track", "Se plan; bilaga 2; sid 4"),
    ]


def test_csv_row_numbers_are_line_numbers(plan_store):
    text = "Uppföljning T1 2022,,\nNr,Period,Status\n1.1,2022,klar\n\n9.9,2022,klar\n"
    issues = import_refused(plan_store, UploadedFile("export.csv", make_csv(text)))
    assert [where(i) for i in issues] == [
        ("Åtgärd 9.9 finns inte i åtgärdsplanen för 2022.", "export", 5, "Nr", "9.9")
    ]


# --- hostile and broken files: one exact error each, nothing written ----------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the compound-file header of .xls/.doc
VALID_XLSX = make_xlsx({"Uppföljning": [FOLLOWUP_HEADER, *FOLLOWUP_ROWS]})


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in the central directory changed to `size`."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46 : at + 46 + name_length] == member.encode():
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} not in zip")


CORRUPT = (
    "Filen är skadad eller ofullständig och kan inte öppnas som kalkylark. "
    "Spara om den i Excel och försök igen."
)
HOSTILE = [
    ("tom.xlsx", b"", "Filen är tom."),
    ("tom.csv", b"", "Filen är tom."),
    (
        "rapport.xlsx",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "Filen är en PDF, inte ett kalkylark. Ladda upp en .xlsx-, .ods- eller .csv-fil.",
    ),
    ("halv.xlsx", VALID_XLSX[: len(VALID_XLSX) // 2], CORRUPT),
    (
        "brus.xlsx",
        random.Random(1).randbytes(4096),
        "Filen heter .xlsx men är inget kalkylark: innehållet känns inte igen. Är den skadad, "
        "eller en annan sorts fil med fel ändelse?",
    ),
    (
        "brus.csv",
        b"ab\x00\x01\x02" * 100,
        "Filen är varken ett kalkylark eller en textfil (CSV). Ladda upp .xlsx, .ods eller .csv.",
    ),
    (
        "hemlig.xlsx",
        OLE2 + "EncryptedInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le"),
        "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet i Excel "
        "(Arkiv > Info > Skydda arbetsbok) och ladda upp den igen.",
    ),
    (
        "gammal.xls",
        OLE2 + "Workbook".encode("utf-16-le"),
        "Filen är i det gamla Excel-formatet (.xls). Spara den som .xlsx och ladda upp igen.",
    ),
    (
        "arkiv.xlsx",
        _zip({"readme.txt": b"hej", "bild.png": b"\x89PNG"}),
        "Filen är ett zip-arkiv men inget kalkylark (.xlsx eller .ods).",
    ),
    (
        # A zip bomb: tiny on disk, but declares 600 MB once unpacked (default limit 500 MB).
        "bomb.xlsx",
        _declare_size(
            _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<x/>"}),
            "xl/worksheets/sheet1.xml",
            600_000_000 - len(b"<workbook/>"),
        ),
        "Filen packas upp till 600,0 MB, mer än gränsen 500,0 MB. Den kan vara en så kallad "
        "zip-bomb; dela upp den i mindre filer om den är äkta.",
    ),
    ("blank.csv", b"  \r\n \n\t\n", "Filen innehåller ingen text."),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_gets_one_exact_error_and_changes_nothing(plan_store, name, data, message):
    issues = import_refused(plan_store, UploadedFile(name, data))
    assert [(i.severity, i.message, i.file) for i in issues] == [("error", message, name)]


def test_decompression_bomb_is_refused_before_parsing_with_a_small_limit(plan_store):
    data = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * 3_000_000})
    assert len(data) < 20_000  # it really is a bomb: small packed, large unpacked
    issues = import_refused(
        plan_store, UploadedFile("bomb.xlsx", data), limits=Limits(max_unpacked_bytes=2_000_000)
    )
    assert [i.message for i in issues] == [
        "Filen packas upp till 3,0 MB, mer än gränsen 2,0 MB. Den kan vara en så kallad "
        "zip-bomb; dela upp den i mindre filer om den är äkta."
    ]


def test_oversized_upload_is_refused_before_reading(plan_store):
    data = VALID_XLSX + b"\0" * (1_500_000 - len(VALID_XLSX))
    issues = import_refused(
        plan_store, UploadedFile("stor.xlsx", data), limits=Limits(max_upload_bytes=1_000_000)
    )
    assert [i.message for i in issues] == [
        "Filen är för stor (1,5 MB). Största tillåtna storlek är 1,0 MB."
    ]


@pytest.mark.parametrize(
    ("sheet", "limit", "data_rows", "message"),
    [
        (
            "Uppföljning",
            100,
            150,
            "Bladet ”Uppföljning” har 151 rader; gränsen är 100 rader per blad.",
        ),
        (
            "Uppföljning",
            1000,
            1500,
            "Bladet ”Uppföljning” har 1\u00a0501 rader; gränsen är 1\u00a0000 rader per blad.",
        ),
        # The sheet's own name must be quoted as written, commas included.
        (
            "Uppföljning, T1",
            100,
            150,
            "Bladet ”Uppföljning, T1” har 151 rader; gränsen är 100 rader per blad.",
        ),
    ],
)
def test_sheet_over_the_row_limit(plan_store, sheet, limit, data_rows, message):
    data = make_xlsx({sheet: [FOLLOWUP_HEADER, *[["1.1", "2022", "klar"]] * data_rows]})
    issues = import_refused(plan_store, UploadedFile("u.xlsx", data), limits=Limits(max_rows=limit))
    assert [(i.message, i.file) for i in issues] == [(message, "u.xlsx")]


def test_csv_over_the_row_limit(plan_store):
    text = "Nr;Period;Status\n" + "1.1;2022;klar\n" * 150
    issues = import_refused(
        plan_store, UploadedFile("u.csv", make_csv(text)), limits=Limits(max_rows=100)
    )
    assert [i.message for i in issues] == ["Filen har fler än 100 rader, som är gränsen."]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_sheet_exactly_at_the_row_limit_is_read(store, suffix):
    header = ["Indikator", "Område", "År", "Värde"]
    values = [["ARBL", "Berga", year, year - 1950] for year in range(1950, 2050)]  # 100 rows
    if suffix == ".csv":
        data = make_csv("\n".join(";".join(map(str, r)) for r in [header, *values]) + "\n")
    else:
        data = make_xlsx({"Indikatorvärden": [header, *values]})
    definitions = make_xlsx({"Indikatorer": [["Kod", "Namn"], ["ARBL", "Arbetslöshet"]]})
    result = run_import(
        store,
        UploadedFile("def.xlsx", definitions),
        UploadedFile("v" + suffix, data),
        limits=Limits(max_rows=100),
    )
    assert result.status == "imported", [i.message for i in result.issues]
    assert rows(store, "SELECT count(*) FROM indicator_value") == [(100,)]


def test_one_bad_file_stops_the_whole_upload(plan_store):
    good = UploadedFile("bra.xlsx", VALID_XLSX)
    issues = import_refused(plan_store, good, UploadedFile("tom.xlsx", b""))
    assert [(i.message, i.file) for i in issues] == [("Filen är tom.", "tom.xlsx")]


def test_file_name_is_reduced_to_its_last_part(plan_store):
    issues = import_refused(plan_store, UploadedFile("C:\\Users\\anna\\Skrivbord\\tom.xlsx", b""))
    assert [(i.message, i.file) for i in issues] == [("Filen är tom.", "tom.xlsx")]


def test_same_file_twice_in_one_upload_is_imported_once(plan_store):
    result = import_ok(
        plan_store, UploadedFile("a.xlsx", VALID_XLSX), UploadedFile("b.xlsx", VALID_XLSX)
    )
    assert [(i.severity, i.message, i.file) for i in result.issues] == [
        ("warning", "Filen är samma som a.xlsx och hoppas över.", "b.xlsx")
    ]
    assert len(result.batch_ids) == 1
    assert stored_followup(plan_store) == STORED_FOLLOWUP


def test_check_files_reports_without_writing(plan_store):
    before = plan_store.table_contents()
    check = check_files(plan_store, [UploadedFile("u.xlsx", VALID_XLSX)], Limits())
    assert check.ok and check.issues == []
    assert check.files[0].row_count == 2
    assert plan_store.table_contents() == before
