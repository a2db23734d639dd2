"""A plain CSV (UTF-8, the same number of cells on every line, quotes only around whole cells)
is read by columns with pyarrow, not row by row with the csv module: the report and the rows
to import must be the same either way, to the word and the value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import import_ok, make_csv, rows, xlsx_file

from segdash.config import Limits
from segdash.importer import ImportOptions, UploadedFile, check_files, reader
from segdash.importer import options as o

REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"
DEFS = [
    ["Kod", "Namn", "Enhet", "Källa"],
    ["ARBL", "Arbetslöshet", "%", "SCB"],
    ["BEH", "Behörighet gymnasiet", "%", None],
]

CSVS = {
    "long": "Indikator;Område;År;Kön;Värde\nARBL;Berga;2021;K;5,5\nARBL;Ryd;2021;M;..\n",
    "crlf, bom, blank lines": "\ufeffIndikator;Område;År;Värde\r\n\r\nARBL;Ryd;2020;7\r\n;;;\r\n",
    "spaces and blanks": "Indikator;Område;År;Kön;Värde\nARBL ; Berga;2021; ;1 234,5\nBEH;Ryd;2021;T; \n",
    "bad cells": "Indikator;Område;År;Kön;Värde\nXYZ;Bergaa;20x1;Q;mycket\nARBL;Ryd;2021;T;-3.5e2\n",
    "repeated row": "Indikator;Område;År;Värde\nARBL;Ryd;2021;1\nARBL;Ryd;2021;2\n",
    "extra column": "Indikator;Område;År;Ålder;Värde\nARBL;Ryd;2021;0-19;1\nARBL;Ryd;2021;20-64;2\n",
    "unknown areas": "Indikator;DeSO;År;Värde\nARBL;0580C1010;2021;1\nARBL;0580C1011;2021;2\n",
    "codes": "Indikator;Kommunkod;År;Värde\nARBL;580;2021;6\nARBL;0580;2022;NA\nBEH;99;2021;1\n",
    "wide": "Indikator;Område;2019;2020*;2021\nARBL;Berga;1;2;3\nBEH;Ryd;;–;4,5\n",
    "quarters": "Indikator;Område;Period;Värde\n"
    + "".join(f"ARBL;Ryd;2021K{q};{q}\n" for q in range(1, 5))
    + "ARBL;Berga;2021K1;1\n",
    "quoted": '"kpi","municipality_id","year","value"\n"ARBL","0580",2021,"1.5"\n"BEH","0580",2021,""\n',
    "trailing delimiter": "Indikator;Område;År;Värde;\nARBL;Ryd;2021;1;\nARBL;Berga;2021;2;\n",
    "title, stub and notes": "Arbetslöshet efter område;;;\n;;;\nIndikator;Område;År;Värde\n"
    "ARBL;Ryd;2020;1\n;;2021;2\n;;;\nKälla: SCB;;;\n",
    "no table": "hej;hopp\n1;2\n",
    "follow-up": "Nr;Period;Status;Andel genomfört\n1.1;2022;pågår;50\n9.9;2022;klar;x\n",
}
OPTIONS = {
    "unknown areas": o.build(add_districts=True),
    "extra column": o.build(where=["Ålder=0-19"]),
    "quarters": o.build(per_year="sum"),
}


@pytest.fixture
def defs_store(store):
    import_ok(store, xlsx_file({"Indikatorer": DEFS}, "definitioner.xlsx"))
    return store


def checked(store, upload: UploadedFile, by_columns: bool, monkeypatch) -> tuple:
    """The report and the rows of a check, with or without the columnar reader."""
    with monkeypatch.context() as patch:
        if not by_columns:
            patch.setattr(reader, "_read_plain_csv", lambda *args: None)
        result = check_files(store, [upload], Limits())
    frames = {
        table: [list(map(_plain, row)) for row in frame.astype(object).itertuples(index=False)]
        for f in result.files
        for table, frame in f.frames.items()
    }
    return [i.as_row() for i in result.issues], frames, result.grouped


def _plain(value: object) -> object:
    return None if pd.isna(value) else value


@pytest.mark.parametrize("name", list(CSVS))
def test_a_plain_csv_reads_the_same_by_columns_as_by_rows(defs_store, monkeypatch, name):
    upload = UploadedFile(f"{name}.csv", make_csv(CSVS[name]), OPTIONS.get(name, ImportOptions()))
    assert reader._read_plain_csv(upload.data, upload.name, Limits()) is not None
    by_rows = checked(defs_store, upload, False, monkeypatch)
    assert checked(defs_store, upload, True, monkeypatch) == by_rows


@pytest.mark.parametrize("name", ["arbetsloshet.csv", "exportperinv.csv", "utsatthet.csv"])
def test_real_csv_files_read_the_same_by_columns_as_by_rows(defs_store, monkeypatch, name):
    if not (REALWORLD / name).exists():
        pytest.skip(f"{REALWORLD / name} is missing")
    upload = UploadedFile(name, (REALWORLD / name).read_bytes())
    by_rows = checked(defs_store, upload, False, monkeypatch)
    assert checked(defs_store, upload, True, monkeypatch) == by_rows


def test_a_national_csv_is_imported_with_every_area_added(defs_store):
    """Thousands of unknown DeSO areas in one file: each becomes a comparison area, once."""
    codes = [f"{k:04d}{'ABC'[k % 3]}{1000 + n}" for k in range(114, 140) for n in range(40)]
    lines = ["Indikator;DeSO;År;Kön;Värde"]
    lines += [f"ARBL;{c};{y};{s};{y % 50},5" for c in codes for y in (2020, 2021) for s in "TKM"]
    upload = UploadedFile(
        "deso.csv", make_csv("\n".join(lines) + "\n"), o.build(add_districts=True)
    )
    result = import_ok(defs_store, upload)
    assert result.issues[0].message.startswith(f"{len(codes)} okända områden läggs till")
    assert rows(defs_store, "SELECT count(*) FROM current_indicator_value") == [(len(codes) * 6,)]
    assert rows(
        defs_store,
        "SELECT count(*), min(code), max(region_code) FROM current_district"
        " WHERE district_type = 'jämförelse' AND code LIKE '0%'",
    ) == [(len(codes), codes[0], codes[-1])]
