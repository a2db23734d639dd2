"""The text catalogues and Swedish number formats."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from segdash import fmt, i18n

ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = [ROOT / "app.py", ROOT / "segdash" / "ui.py", *sorted((ROOT / "pages").glob("*.py"))]


def test_both_languages_have_the_same_keys():
    assert set(i18n.SV) == set(i18n.EN)


def test_every_key_the_ui_uses_exists():
    used = set()
    for path in UI_SOURCES:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""i18n\.text\([^,]+,\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert len(used) > 60
    assert sorted(used - set(i18n.SV)) == []


def test_placeholders_match_between_languages():
    for key, sv in i18n.SV.items():
        assert set(re.findall(r"{(\w+)}", sv)) == set(re.findall(r"{(\w+)}", i18n.EN[key])), key


@pytest.mark.parametrize(
    ("period", "sv", "en"),
    [
        ("2022", "Helår 2022", "Full year 2022"),
        ("2022-T2", "Tertial 2 2022", "Four-month period 2 2022"),
        ("2023-H1", "Halvår 1 2023", "Half-year 1 2023"),
        ("2021-Q4", "Kvartal 4 2021", "Quarter 4 2021"),
    ],
)
def test_period_labels(period, sv, en):
    assert i18n.period_label("sv", period) == sv
    assert i18n.period_label("en", period) == en


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (1234567.891, 1, "sv", "1\u00a0234\u00a0567,9"),
        (1234567.891, 1, "en", "1,234,567.9"),
        (-12.5, 1, "sv", "\u221212,5"),
        (0.0, 0, "sv", "0"),
        (None, 1, "sv", "–"),
        (float("nan"), 1, "sv", "–"),
    ],
)
def test_number(value, decimals, lang, expected):
    assert fmt.number(value, decimals, lang) == expected


def test_percent_unit_signed_and_dates():
    assert fmt.percent(0.256, 1) == "25,6\u00a0%"
    assert fmt.percent(0.256, 0, "en") == "26%"
    assert fmt.with_unit(18.3, "%") == "18,3\u00a0%"
    assert fmt.with_unit(10070, "invånare", 0) == "10\u00a0070 invånare"
    assert fmt.with_unit(None, "%") == "–"
    assert (fmt.signed(3), fmt.signed(-2), fmt.signed(0), fmt.signed(-2, 0, "en")) == ("+3", "\u22122", "±0", "-2")
    assert fmt.long_date(date(2026, 11, 23)) == "23 november 2026"
    assert fmt.long_date(datetime(2026, 3, 5, 9, 7), "en") == "5 March 2026 09:07"


def test_numbers_matches_number_for_a_whole_column():
    values = [1234567.891, -12.5, 0.0, None, float("nan"), 3]
    for lang in ("sv", "en"):
        assert fmt.numbers(values, 1, lang) == [fmt.number(v, 1, lang) for v in values]
