"""Downloads: xlsx and CSV that open safely in Swedish Excel, formula-like text defused."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from segdash.exports import escape_cell, frame_to_csv, frame_to_xlsx

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        (HYPERLINK, "'" + HYPERLINK),
        ("+46 13 20 60 00", "'+46 13 20 60 00"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
    ],
)
def test_formula_like_text_gets_an_apostrophe(value, expected):
    assert escape_cell(value) == expected


@pytest.mark.parametrize(
    "value",
    ["Berga", "", "a=b", "Läxhjälp - kväll", "'redan", " =1", 12, -5, 12.5, -0.5, None],
)
def test_ordinary_values_are_left_alone(value):
    assert escape_cell(value) == value


# --- xlsx ---------------------------------------------------------------------------------


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "Nr": ["1.1", "1.10", "2.1"],
            "Kommentar": [HYPERLINK, "Bra", None],
            "Områden": [["Berga", "Ryd"], ["Skäggetorp"], ["Berga"]],
            "Andel": [12.5, float("nan"), 100.0],
            "Antal": [3, 0, 12],
        }
    )


def test_xlsx_header_is_bold_frozen_and_filtered(frame):
    sheet = sheet_of(frame_to_xlsx(frame))
    assert sheet.title == "Data"
    assert [c.value for c in sheet[1]] == ["Nr", "Kommentar", "Områden", "Andel", "Antal"]
    assert all(c.font.bold for c in sheet[1])
    assert not any(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"


def test_xlsx_cells(frame):
    sheet = sheet_of(frame_to_xlsx(frame))
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["1.1", "'" + HYPERLINK, "Berga, Ryd", 12.5, 3],
        ["1.10", "Bra", "Skäggetorp", None, 0],
        ["2.1", None, "Berga", 100, 12],
    ]


def test_xlsx_formula_is_stored_as_text_not_as_formula(frame):
    cell = sheet_of(frame_to_xlsx(frame))["B2"]
    assert cell.value == "'" + HYPERLINK
    assert cell.data_type == "s"


def test_xlsx_formula_like_header_is_text():
    sheet = sheet_of(frame_to_xlsx(pd.DataFrame({"=SUM(A:A)": ["x"]})))
    assert sheet["A1"].value == "'=SUM(A:A)"
    assert sheet["A1"].data_type == "s"


def test_xlsx_floats_get_one_decimal_other_columns_keep_general(frame):
    sheet = sheet_of(frame_to_xlsx(frame))
    assert [sheet[f"D{r}"].number_format for r in (2, 3, 4)] == ["0.0", "0.0", "0.0"]
    assert [sheet[f"E{r}"].number_format for r in (2, 3, 4)] == ["General"] * 3
    assert sheet["A2"].number_format == "General"


def test_xlsx_number_formats_can_be_chosen_per_column(frame):
    sheet = sheet_of(frame_to_xlsx(frame, number_formats={"Antal": "0", "Andel": "0.00"}))
    assert sheet["D2"].number_format == "0.00"
    assert sheet["E2"].number_format == "0"


def test_xlsx_column_widths_fit_the_longest_text_up_to_60(frame):
    frame["Beskrivning"] = ["x" * 100, "kort", None]
    sheet = sheet_of(frame_to_xlsx(frame))
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABDEF"}
    # Nr: "1.10" (4) + 2; Kommentar: the formula (26) + 2; Andel: "100.0" (5) + 2;
    # Antal: the header (5) + 2; Beskrivning: 100 characters, capped.
    assert widths == {"A": 6, "B": 28, "D": 7, "E": 7, "F": 60}


def test_xlsx_sheet_name_is_cut_to_excels_31_characters(frame):
    sheet = sheet_of(frame_to_xlsx(frame, sheet_name="Åtgärder per förvaltning och område 2022"))
    assert sheet.title == "Åtgärder per förvaltning och om"


# --- CSV ----------------------------------------------------------------------------------


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_is_utf8_with_bom_and_semicolons(frame):
    data = frame_to_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == "Nr;Kommentar;Områden;Andel;Antal"


def test_csv_rows_parse_back(frame):
    assert parse_csv(frame_to_csv(frame)) == [
        ["Nr", "Kommentar", "Områden", "Andel", "Antal"],
        ["1.1", "'" + HYPERLINK, "Berga, Ryd", "12,5", "3"],
        ["1.10", "Bra", "Skäggetorp", "", "0"],
        ["2.1", "", "Berga", "100", "12"],
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.5, "12,5"),
        (0.25, "0,25"),
        (-1.5, "-1,5"),
        (3.0, "3"),
        (12345.6, "12345,6"),
        (123456.7, "123456,7"),
        (1234567.5, "1234567,5"),
    ],
)
def test_csv_floats_have_a_decimal_comma(value, text):
    assert parse_csv(frame_to_csv(pd.DataFrame({"Värde": [value]}))) == [["Värde"], [text]]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("+7", "'+7"),
        ("\t=1", "'\t=1"),
        ("Skäggetorp; Ryd", "Skäggetorp; Ryd"),
        ("Åtgärd för äldre öar", "Åtgärd för äldre öar"),
    ],
)
def test_csv_text_is_escaped_and_keeps_swedish_letters(value, text):
    assert parse_csv(frame_to_csv(pd.DataFrame({"Text": [value]}))) == [["Text"], [text]]


def test_csv_formula_like_header_is_escaped():
    assert parse_csv(frame_to_csv(pd.DataFrame({"=Ålder": ["x"]})))[0] == ["'=Ålder"]
