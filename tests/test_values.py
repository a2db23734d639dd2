"""Single cell values as analysts write them: numbers, years, lists, codes and periods."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from segdash import domain
from segdash.importer.normalise import STATUS_MATCHER
from segdash.importer.values import CodeMatcher, parse_number, parse_year, split_list

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12, 12.0),
        (12.5, 12.5),
        (-3, -3.0),
        ("12", 12.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("0,75", 0.75),
        (",5", 0.5),
        ("5,", 5.0),
        ("1 234", 1234.0),
        ("1 234 567", 1234567.0),
        (f"1{NBSP}234,5", 1234.5),
        ("1\u202f000", 1000.0),  # narrow no-break space, as some exports write it
        ("50 %", 50.0),
        ("50%", 50.0),
        ("12,5 %", 12.5),
        (f"12,5{NBSP}%", 12.5),
        ("1.234,5", 1234.5),
        ("1.234.567,8", 1234567.8),
        ("\u22125", -5.0),  # unicode minus sign
        ("\u22121,5 %", -1.5),
        ("-3", -3.0),
        ("+4", 4.0),
        ("  7  ", 7.0),
        ("1e3", 1000.0),
    ],
)
def test_parse_number_accepts(cell, expected):
    assert parse_number(cell) == pytest.approx(expected)


@pytest.mark.parametrize("cell", [None, "", "   ", NBSP, float("nan")])
def test_parse_number_blank_is_missing_not_zero(cell):
    assert parse_number(cell) is None


@pytest.mark.parametrize(
    "cell",
    [
        "abc",
        "12 st",
        "1,2,3",
        "1.2.3",
        "%",
        "--1",
        "12-",
        "inf",
        "nan",
        "1e999",
        True,
        False,
        float("inf"),
        "ca 5",
    ],
)
def test_parse_number_refuses(cell):
    with pytest.raises(ValueError):
        parse_number(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (2022, 2022),
        (2022.0, 2022),
        ("2022", 2022),
        (" 2022 ", 2022),
        ("2 022", 2022),
        ("2022,0", 2022),
        (1900, 1900),
        (2100, 2100),
        (None, None),
        ("", None),
    ],
)
def test_parse_year_accepts(cell, expected):
    assert parse_year(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "tjugo",
        "22",
        1899,
        2101,
        2022.5,
        "2022-01",
        date(2022, 1, 1),
        datetime(2022, 1, 1),
        "år 2022",
    ],
)
def test_parse_year_refuses(cell):
    with pytest.raises(ValueError):
        parse_year(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Berga; Ryd", ["Berga", "Ryd"]),
        ("Berga, Ryd", ["Berga", "Ryd"]),
        ("Berga,Ryd;Skäggetorp", ["Berga", "Ryd", "Skäggetorp"]),
        ("Berga;;Ryd ,", ["Berga", "Ryd"]),
        ("Berga\nRyd", ["Berga", "Ryd"]),  # Alt+Enter inside an Excel cell
        ("  Ryd  ", ["Ryd"]),
        ("Alla", ["Alla"]),
        ("", []),
        (None, []),
        ("  ", []),
    ],
)
def test_split_list(cell, expected):
    assert split_list(cell) == expected


# --- codes and suggestions ---------------------------------------------------------------

COLOURS = CodeMatcher("Okänd färg", [("r", "Röd", ("red", "R")), ("g", "Grön", ("green",))])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Röd", "r"),
        ("röd", "r"),
        (" RÖD ", "r"),
        ("red", "r"),
        ("r", "r"),
        ("Grön", "g"),
        ("GREEN", "g"),
        ("blå", None),
        (None, None),
        ("", None),
    ],
)
def test_code_matcher_matches_case_insensitively_with_aliases(cell, expected):
    assert COLOURS.match(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Rödd", "Okänd färg ”Rödd”. Menade du Röd?"),
        ("grö", "Okänd färg ”grö”. Menade du Grön?"),
        ("blå", "Okänd färg ”blå”. Giltiga värden: Röd, Grön."),
    ],
)
def test_code_matcher_suggests_the_closest_value(cell, message):
    assert COLOURS.unknown_message(cell) == message


def test_code_matcher_without_known_values_says_only_what_is_unknown():
    assert CodeMatcher("Okänd sak", []).unknown_message("x") == "Okänd sak ”x”."


def test_code_matcher_lists_at_most_twelve_known_values():
    matcher = CodeMatcher("Okänt nummer", [(i, f"Sak {i}", ()) for i in range(15)])
    listed = ", ".join(f"Sak {i}" for i in range(12))
    assert matcher.unknown_message("zzz") == f"Okänt nummer ”zzz”. Giltiga värden: {listed} …."


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Genomförda", "Okänd status ”Genomförda”. Menade du Genomförd?"),
        ("klart", "Okänd status ”klart”. Menade du Genomförd?"),
        ("pagar", "Okänd status ”pagar”. Menade du Pågår enligt plan?"),
        ("avbruen", "Okänd status ”avbruen”. Menade du Avbruten?"),
    ],
)
def test_status_suggestions(cell, message):
    assert STATUS_MATCHER.match(cell) is None
    assert STATUS_MATCHER.unknown_message(cell) == message


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2021", "2021"),
        (2021, "2021"),
        (2021.0, "2021"),  # a year typed as a number in Excel
        ("2022-T1", "2022-T1"),
        ("2022-T2", "2022-T2"),
        ("2022-T3", "2022-T3"),
        ("2022-H1", "2022-H1"),
        ("2022-H2", "2022-H2"),
        ("2022-Q1", "2022-Q1"),
        ("2022-Q2", "2022-Q2"),
        ("2022-Q3", "2022-Q3"),
        ("2022-Q4", "2022-Q4"),
        ("2022 T1", "2022-T1"),
        ("T1 2022", "2022-T1"),
        ("t2 2022", "2022-T2"),
        ("2022-q3", "2022-Q3"),
        ("2022T3", "2022-T3"),
        ("2022/H2", "2022-H2"),
        ("2022–Q2", "2022-Q2"),  # en dash, as Word and Excel autocorrect write it
        ("Q4-2022", "2022-Q4"),
        ("  2022-H1  ", "2022-H1"),
        ("Delår 2022", "2022-H1"),
        ("delår 2022", "2022-H1"),
        ("DELÅR 2022", "2022-H1"),
        ("Helår 2022", "2022"),
        ("helår 2022", "2022"),
    ],
)
def test_parse_period_accepts(cell, expected):
    assert domain.parse_period(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        None,
        "",
        "abc",
        "22",
        "22-T1",
        "2022-T4",
        "2022-T0",
        "2022-H3",
        "2022-Q5",
        "2022-M1",
        "2022-T",
        "1899",
        "2101",
        "Delår",
        "första kvartalet 2022",
        "2022-01-01",
    ],
)
def test_parse_period_refuses(cell):
    assert domain.parse_period(cell) is None


def test_period_sort_key_orders_periods_chronologically_whole_year_last():
    shuffled = [
        "2023-Q1",
        "2022",
        "2022-T3",
        "2022-Q1",
        "2021",
        "2022-T2",
        "2022-H1",
        "2022-T1",
        "2022-Q3",
    ]
    assert sorted(shuffled, key=domain.period_sort_key) == [
        "2021",
        "2022-Q1",
        "2022-T1",
        "2022-H1",
        "2022-T2",
        "2022-Q3",
        "2022-T3",
        "2022",
        "2023-Q1",
    ]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2021", "2022-Q1"),
        ("2022-Q1", "2022-T1"),
        ("2022-T1", "2022-Q2"),
        ("2022-H1", "2022-T2"),
        ("2022-T2", "2022-Q3"),
        ("2022-Q3", "2022-Q4"),
        ("2022-Q4", "2022"),
        ("2022-H2", "2022"),
        ("2022-T3", "2022"),
        ("2022", "2023-T1"),
    ],
)
def test_period_sort_key_pairs(earlier, later):
    assert domain.period_sort_key(earlier) < domain.period_sort_key(later)
