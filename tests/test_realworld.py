"""Real official statistics, imported as they come: the eight files in ../shared/realworld.

The files are public downloads that analysts at Region Dalarna kept (see that folder's
README.md). They are never copied into this repository: the tests read them where they are.
Every expected value below was looked up by hand in the file; the comment beside it names the
cell (sheet!cell for xlsx, line number for CSV) and, for yearly sums and means, the cells and
the arithmetic.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import make_xlsx, rows

from segdash.cli import main
from segdash.importer import ImportResult, UploadedFile, import_files, read_upload
from segdash.importer import options as o
from segdash.store import Store

REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "realworld"

if not REALWORLD.is_dir():
    if os.environ.get("CI") == "true":
        raise RuntimeError(
            f"The real-world statistics files are missing: {REALWORLD} does not exist. CI must "
            "run tests/test_realworld.py, so check out the shared folder beside the repository."
        )
    pytest.skip(
        f"the real-world statistics files are not here ({REALWORLD} does not exist)",
        allow_module_level=True,
    )

IMPORTER = "tester"

NYF_FILE = "AntalNystartadeFöretag.xlsx"
PXWEB_FILE = "Tillvaxtananalys_2023_09_08.xlsx"
OHAL_FILE = "ohalsotal_2024_11_06.xlsx"
KOLADA_FILE = "utsatthet.csv"
LTA_FILE = "arbetsloshet.csv"
HLV_FILE = "HLV_Dalarna_ 2014_2018_2021.xlsx"
SCB_FILE = "andel_arblosa_2020M01_2022M12.xlsx"
EXPORT_FILE = "exportperinv.csv"

# The git blob ids the README gives: the cells named below are those of exactly these bytes.
BLOBS = {
    NYF_FILE: "41eb3c68",
    PXWEB_FILE: "a6463a8d",
    OHAL_FILE: "ad313a6a",
    KOLADA_FILE: "4fc1e425",
    LTA_FILE: "c335712f",
    HLV_FILE: "ae1d75a6",
    SCB_FILE: "dddb78df",
    EXPORT_FILE: "26651430",
}

DEFINITION_HEADER = ["Kod", "Namn", "Enhet", "Högre är bättre", "Källa"]
NYF_DEF = ["NYF", "Nystartade företag", "antal", "ja", "Tillväxtanalys (definition)"]
KOLADA_NAME = "Invånare 0-19 år i ekonomiskt utsatta hushåll, andel (%)"  # utsatthet.csv!A2
LTA_NAME = "Långtidsarbetslöshet 25-64 år, årsmedelvärde, andel (%) av bef."  # arbetsloshet.csv!D1
# Column Fråga (E) of sheet Kommunjämförelse, in the order the questions first appear.
HLV_QUESTIONS = [
    "Allmänt hälsotillstånd - Bra eller mycket bra hälsa",
    "BMI - Fetma",
    "BMI - Övervikt och fetma",
    "Sjukdom - Diabetes",
    "Sjukdom - Högt blodtryck",
    "Sjukdom - Långvarig sjukdom med nedsatt arbetsförmåga",
    "Symtom & besvär - Sömn",
    "Symtom & besvär - Trötthet",
    "Symtom & besvär - Ängslan, oro eller ångest",
    "Tandhälsa - Avstått att söka vård",
    "Tandhälsa - Dålig eller mycket dålig tandhälsa",
    "Alkohol - Riskkonsumtion alkohol",
    "Ansamling levnadsvanor",
    "Kost - Frukt och grönsaker högst 1,3 gånger/dag",
    "Spel - Riskabelt spelande",
    "Tobak - Röker dagligen",
    "Tobak - Snusar dagligen",
    "Privatekonomi - Ekonomisk kris",
    "Sociala relationer - Låg tillit",
    "Sociala relationer - Lågt socialt deltagande",
    "Sociala relationer - Rädd att gå ut ensam",
    "Sociala relationer - Saknar emotionellt stöd",
    "Narkotika - Cannabisanvändning",
    "Psykisk hälsa - Gott psykiskt välbefinnande",
    "Fysisk aktivitet - Minst 150 min/vecka",
    "Fysisk aktivitet - Stillasittande",
    "Har använt receptbelagda narkotikaklassade läkemedel det senaste året",
    "Privatekonomi - Klarar inte en oväntad utgift",
    "Har använt annan narkotika än cannabis det senaste året",
    "Har använt anabola steroider det senaste året",
    "Coronapandemin - Besvär av ensamhet",
    "Coronapandemin - Orolig för att bli sjuk",
    "Coronapandemin - Orolig för att närstående ska bli sjuk",
]
HLV_DEFS = [
    [f"HLV{n:02d}", q, "%", "nej", "Folkhälsomyndigheten (definition)"]
    for n, q in enumerate(HLV_QUESTIONS, 1)
]
HLV_SOURCE = "Nationella folkhälsoenkäten (HLV)"  # Kommunjämförelse!I2:I2853, every row

# The fewest choices each file needs (the lead engineer's list, confirmed by running them).
NYF_CHOICES = dict(indicator="NYF", per_year="sum", sheets=["Kommun"], where=["Kommun=Linköping"])
PXWEB_CHOICES = dict(indicator="NYF", per_year="sum", add_districts=True)
OHAL_CHOICES = dict(
    indicator="OHAL", columns=["Värde=Ohälsotalet"], where=["Månad=09"], add_districts=True
)
HLV_CHOICES = dict(columns=["Indikator=Fråga"], add_districts=True, sheets=["Kommunjämförelse"])
SCB_CHOICES = dict(
    indicator="X",
    columns=["Period=tid", "Värde=andel"],
    per_year="mean",
    where=["födelseregion=utrikes född"],
    add_districts=True,
)
EXPORT_CHOICES = dict(
    indicator="X",
    add_districts=True,
    columns=["År=Ar", "Område=Lan_namn", "Värde=RegExp_inv20_64ar", "Regionkod=AstLan"],
)

ADD_AREA_HINT = (
    "Lägg till området på bladet Områden eller med --add-districts "
    "(på sidan: ”Lägg till okända områden”)."
)
NO_INDICATOR = (
    "Bladet har ingen kolumn för indikator. Ange vilken indikator värdena gäller med "
    "--indicator KOD (på sidan: ”Indikator för hela filen”), eller vilken kolumn som namnger "
    "den med --column Indikator=RUBRIK."
)


def per_year_needed(kind: str, first: str, last: str, example: str) -> str:
    return (
        f"Perioderna är {kind} ({first} … {last}), och delår sparas inte som år utan ett val. "
        "Välj hur ett år räknas fram: --per-year sum, mean, last eller en enskild delperiod "
        f"som {example} (på sidan: ”Från delår till år”)."
    )


def collision(rows_text: str, column: str, also: str, values: str, keep: str) -> str:
    return (
        f"rad 2: {rows_text} rader har samma indikator, område, period och kön som en annan rad. "
        f"De skiljer sig i kolumnen ”{column}”{also}, som inte ingår i formatet: {values}. "
        f"Behåll ett värde med --where {column}={keep} (på sidan: ”Behåll bara rader där”), "
        "eller läs bara vissa blad med --sheet."
    )


# --- helpers ------------------------------------------------------------------------------


def upload(name: str, **choices) -> UploadedFile:
    return read_upload(REALWORLD / name, o.build(**choices))


def imported(store: Store, name: str, **choices) -> ImportResult:
    result = import_files(store, [upload(name, **choices)], IMPORTER)
    assert result.status == "imported", [g.text for g in result.check.grouped if g.is_error]
    assert len(result.batch_ids) == 1
    return result


def refused(store: Store, name: str, **choices) -> ImportResult:
    """An import that must be refused without changing a single row of the database."""
    before = store.table_contents()
    result = import_files(store, [upload(name, **choices)], IMPORTER)
    assert result.status == "refused"
    assert result.batch_ids == []
    assert store.table_contents() == before
    return result


def without(choices: dict, left_out: str) -> dict:
    assert left_out in choices
    return {k: v for k, v in choices.items() if k != left_out}


def errors(result: ImportResult) -> list[str]:
    return [g.text for g in result.check.grouped if g.is_error]


def warnings(result: ImportResult) -> list[str]:
    return [g.text for g in result.check.grouped if not g.is_error]


def define(store: Store, *definitions: list) -> None:
    data = make_xlsx({"Indikatorer": [DEFINITION_HEADER, *definitions]})
    result = import_files(store, [UploadedFile("indikatorer.xlsx", data)], IMPORTER)
    assert result.status == "imported", [i.message for i in result.issues]


def stored(store: Store, batch: int) -> dict[tuple, float | None]:
    """The batch's current values by (indicator, area, year, sex)."""
    found = rows(
        store,
        "SELECT indicator_code, district_code, year, sex, value "
        "FROM current_indicator_value WHERE batch_id = ?",
        [batch],
    )
    return {(i, d, y, s): v for i, d, y, s, v in found}


def added_areas(store: Store, batch: int) -> dict[str, tuple[str, str | None]]:
    """The areas the batch added: name -> (type, official code)."""
    found = rows(
        store,
        "SELECT name, district_type, region_code FROM current_district WHERE batch_id = ?",
        [batch],
    )
    return {name: (kind, code) for name, kind, code in found}


def sources(store: Store, batch: int) -> set[str]:
    found = rows(
        store, "SELECT DISTINCT source FROM current_indicator_value WHERE batch_id = ?", [batch]
    )
    return {s for (s,) in found}


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def nyf_store(store):
    define(store, NYF_DEF)
    return store


@pytest.fixture
def demo_store(demo_path, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_path, path)
    s = Store(path)
    yield s
    s.close()


@pytest.fixture
def kolada_store(store):
    define(store, ["EKUT", KOLADA_NAME, "%", "nej", "Kolada (definition)"])
    return store


@pytest.fixture
def lta_store(store):
    define(store, ["LTA", LTA_NAME, "%", "nej", "Kolada (definition)"])
    return store


@pytest.fixture
def hlv_store(store):
    define(store, *HLV_DEFS)
    return store


@pytest.fixture
def x_store(store):
    """One indicator X for a file that is named with --indicator X."""
    define(store, ["X", "Indikator ur officiell statistik", "%", "nej", "SCB (definition)"])
    return store


# --- the files themselves -----------------------------------------------------------------


def test_the_files_are_the_published_bytes():
    for name, blob in BLOBS.items():
        data = (REALWORLD / name).read_bytes()
        assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest().startswith(blob), name


# --- 1. Tillväxtanalys, quarters in wide form (AntalNystartadeFöretag.xlsx) -----------------


def test_nystartade_foretag_linkoping_as_yearly_sums(nyf_store):
    result = imported(nyf_store, NYF_FILE, **NYF_CHOICES)
    batch = result.batch_ids[0]
    values = stored(nyf_store, batch)
    # Kommun!B52 is Linköping (A52: 580); 2021 has only 202101*** and 202102***: left out.
    assert sorted(values) == [("NYF", "Linköping", year, "T") for year in range(2007, 2021)]
    # Kommun!C52:F52 (200701–200704): 229 + 149 + 179 + 138 = 695
    assert values["NYF", "Linköping", 2007, "T"] == pytest.approx(695)
    # 2010 from the later set, Kommun!S52:V52 (201001**–201004**): 198 + 223 + 212 + 232 = 865
    # (the earlier set O52:R52, 201001*–201004*, would give 198 + 205 + 197 + 224 = 824)
    assert values["NYF", "Linköping", 2010, "T"] == pytest.approx(865)
    # Kommun!AI52:AL52 (201401***–201404***): 236 + 201 + 209 + 233 = 879
    assert values["NYF", "Linköping", 2014, "T"] == pytest.approx(879)
    # Kommun!BG52:BJ52 (202001***–202004***): 236 + 207 + 263 + 262 = 968
    assert values["NYF", "Linköping", 2020, "T"] == pytest.approx(968)
    assert added_areas(nyf_store, batch) == {}
    assert sources(nyf_store, batch) == {"Tillväxtanalys (definition)"}
    # Kommunnummer (580, a number) is read as the official code that matches Linköping's 0580.
    assert ("Kommunnummer", "Regionkod") in result.check.files[0].layouts[0].roles
    said = warnings(result)
    assert (
        "Perioden 201001 finns i flera kolumner: ”201001*”, ”201001**”. Den sista "
        "(”201001**”) används, de andra hoppas över."
    ) in said
    assert "År utan hela året tas inte med: 2021 (2 av 4)." in said
    assert "Bladet ”Län” läses inte (--sheet)." in said


@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        ("per_year", per_year_needed("kvartal", "2007K1", "2021K2", "K4")),
        ("indicator", NO_INDICATOR),
        (
            "sheets",
            "--where Kommun=Linköping: bladet har ingen kolumn ”Kommun”. Kolumnerna heter "
            "”Län”. (Läs bara vissa blad med --sheet.)",
        ),
    ],
)
def test_nystartade_foretag_refused_without_a_needed_choice(nyf_store, left_out, expected):
    result = refused(nyf_store, NYF_FILE, **without(NYF_CHOICES, left_out))
    assert errors(result) == [expected]


# --- 2. PX-Web export with title rows and blank stub headers (Tillvaxtananalys_…) -----------


def test_pxweb_export_dalarna_as_yearly_sums(nyf_store):
    result = imported(nyf_store, PXWEB_FILE, **PXWEB_CHOICES)
    batch = result.batch_ids[0]
    values = stored(nyf_store, batch)
    # BE0101G9!A4 is 2023Q1, the only quarter of 2023: left out.
    assert sorted(values) == [("NYF", "Dalarnas län", year, "T") for year in range(2011, 2023)]
    # BE0101G9!C49:C52 (2011Q4, Q3, Q2, Q1): 402 + 409 + 435 + 467 = 1713
    assert values["NYF", "Dalarnas län", 2011, "T"] == pytest.approx(1713)
    # BE0101G9!C29:C32 (2016Q4 … Q1): 383 + 411 + 376 + 437 = 1607
    assert values["NYF", "Dalarnas län", 2016, "T"] == pytest.approx(1607)
    # BE0101G9!C13:C16 (2020Q4 … Q1): 425 + 430 + 413 + 476 = 1744
    assert values["NYF", "Dalarnas län", 2020, "T"] == pytest.approx(1744)
    # BE0101G9!C5:C8 (2022Q4 … Q1): 444 + 402 + 428 + 415 = 1689
    assert values["NYF", "Dalarnas län", 2022, "T"] == pytest.approx(1689)
    # BE0101G9!B4: "20 Dalarnas län" -> the area Dalarnas län with the county code 20.
    assert added_areas(nyf_store, batch) == {"Dalarnas län": ("jämförelse", "20")}
    assert sources(nyf_store, batch) == {"Tillväxtanalys (definition)"}
    assert "År utan hela året tas inte med: 2023 (1 av 4)." in warnings(result)


@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        ("per_year", per_year_needed("kvartal", "2011K1", "2023K1", "K4")),
        (
            "add_districts",
            f"rad 4–52, 49 rader: Okänt område. {ADD_AREA_HINT} (värde: ”20 Dalarnas län”)",
        ),
        ("indicator", NO_INDICATOR),
    ],
)
def test_pxweb_export_refused_without_a_needed_choice(nyf_store, left_out, expected):
    result = refused(nyf_store, PXWEB_FILE, **without(PXWEB_CHOICES, left_out))
    assert errors(result) == [expected]


# --- 3. Försäkringskassan, long form with months and sexes (ohalsotal_2024_11_06.xlsx) ------


def test_ohalsotal_september_per_county_and_sex(demo_store):
    result = imported(demo_store, OHAL_FILE, **OHAL_CHOICES)
    batch = result.batch_ids[0]
    values = stored(demo_store, batch)
    areas = ["Riket", "Värmlands län", "Dalarnas län", "Gävleborgs län"]
    assert sorted(values) == sorted(("OHAL", a, 2024, s) for a in areas for s in "TKM")
    # tabell!G2: 22.3 (Riket, 09, Kvinnor och män)
    assert values["OHAL", "Riket", 2024, "T"] == pytest.approx(22.3)
    # tabell!G4: 26.4 (20 Dalarnas län, 09, Kvinnor och män; month 08 in G16 is 26.3)
    assert values["OHAL", "Dalarnas län", 2024, "T"] == pytest.approx(26.4)
    # tabell!G6: 26.9 (Riket, 09, Kvinnor; month 08 in G18 is 26.8)
    assert values["OHAL", "Riket", 2024, "K"] == pytest.approx(26.9)
    # tabell!G7: 34.6 (17 Värmlands län, 09, Kvinnor)
    assert values["OHAL", "Värmlands län", 2024, "K"] == pytest.approx(34.6)
    # tabell!G12: 21.0 (20 Dalarnas län, 09, Män)
    assert values["OHAL", "Dalarnas län", 2024, "M"] == pytest.approx(21.0)
    assert added_areas(demo_store, batch) == {
        "Riket": ("jämförelse", None),
        "Värmlands län": ("jämförelse", "17"),
        "Dalarnas län": ("jämförelse", "20"),
        "Gävleborgs län": ("jämförelse", "21"),
    }
    # The demo's definition of OHAL gives the source; only the demo's own values are examples.
    [(definition_source,)] = rows(
        demo_store, "SELECT source FROM current_indicator WHERE code = 'OHAL'"
    )
    assert definition_source != "Exempelvärde"
    assert sources(demo_store, batch) == {definition_source}
    assert "Bara raderna där Månad=09 läses (--where): 12 av 108 rader." in warnings(result)


@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        ("where", collision("108", "Månad", "", "09, 08, 07, 06, 05, 04, 03, 02 …", "09")),
        (
            "columns",
            "Bladet har ingen kolumn med värden (Värde eller Value). Kolumner som kan vara "
            "värden: ”Månad”, ”Ohälsotalet”. Ange vilken kolumn som håller värdena med "
            "--column Värde=RUBRIK, t.ex. --column Värde=Ohälsotalet (på sidan: rollen "
            "Värde).",
        ),
        (
            "add_districts",
            f"rad 2–13, 12 rader: Okänt område. {ADD_AREA_HINT} (4 olika värden: "
            "”Riket”, ”17 Värmlands län”, ”20 Dalarnas län”, ”21 Gävleborgs län”)",
        ),
    ],
)
def test_ohalsotal_refused_without_a_needed_choice(demo_store, left_out, expected):
    result = refused(demo_store, OHAL_FILE, **without(OHAL_CHOICES, left_out))
    assert errors(result) == [expected]


# --- 4. Kolada through rKolada (utsatthet.csv) ----------------------------------------------


def test_kolada_csv_for_the_21_regions(kolada_store):
    result = imported(kolada_store, KOLADA_FILE, add_districts=True)
    batch = result.batch_ids[0]
    values = stored(kolada_store, batch)
    assert len(values) == 315
    assert {year for _, _, year, _ in values} == set(range(2007, 2022))
    # utsatthet.csv line 2: "0001",2007,11.690542,"Region Stockholm"
    assert values["EKUT", "Region Stockholm", 2007, "T"] == pytest.approx(11.690542)
    # line 164: "0020",2014,11.870265,"Region Dalarna"
    assert values["EKUT", "Region Dalarna", 2014, "T"] == pytest.approx(11.870265)
    # line 296: "0001",2021,5.62132,"Region Stockholm"
    assert values["EKUT", "Region Stockholm", 2021, "T"] == pytest.approx(5.62132)
    # line 311: "0020",2021,9.738703,"Region Dalarna"
    assert values["EKUT", "Region Dalarna", 2021, "T"] == pytest.approx(9.738703)
    areas = added_areas(kolada_store, batch)
    assert len(areas) == 21
    assert {kind for kind, _ in areas.values()} == {"jämförelse"}
    # municipality_id beside municipality: lines 2, 9, 17 and 316.
    assert areas["Region Stockholm"] == ("jämförelse", "0001")
    assert areas["Västra Götalandsregionen"] == ("jämförelse", "0014")
    assert areas["Region Dalarna"] == ("jämförelse", "0020")
    assert areas["Region Norrbotten"] == ("jämförelse", "0025")
    assert sources(kolada_store, batch) == {"Kolada (definition)"}


def test_kolada_csv_refused_without_adding_areas(kolada_store):
    result = refused(kolada_store, KOLADA_FILE)
    assert errors(result) == [
        f"rad 2–316, 315 rader: Okänt område. {ADD_AREA_HINT} (21 olika värden: "
        "”Region Stockholm”, ”Region Uppsala”, ”Region Sörmland”, ”Region Östergötland”, "
        "”Region Jönköpings län” och 16 till)"
    ]


# --- 5. Kolada with sexes, value column named after the key figure (arbetsloshet.csv) -------


def test_kolada_value_column_named_after_the_indicator(lta_store):
    result = imported(lta_store, LTA_FILE, add_districts=True)
    batch = result.batch_ids[0]
    values = stored(lta_store, batch)
    assert sorted(values) == sorted(
        ("LTA", "Region Dalarna", year, sex) for year in range(2011, 2023) for sex in "KMT"
    )
    # arbetsloshet.csv line 2: 2011,"K","Region Dalarna",3.041741
    assert values["LTA", "Region Dalarna", 2011, "K"] == pytest.approx(3.041741)
    # line 21: 2017,"M","Region Dalarna",4.054986
    assert values["LTA", "Region Dalarna", 2017, "M"] == pytest.approx(4.054986)
    # line 27: 2019,"M","Region Dalarna",3.111492
    assert values["LTA", "Region Dalarna", 2019, "M"] == pytest.approx(3.111492)
    # line 37: 2022,"T","Region Dalarna",3.409605
    assert values["LTA", "Region Dalarna", 2022, "T"] == pytest.approx(3.409605)
    assert added_areas(lta_store, batch) == {"Region Dalarna": ("jämförelse", None)}
    assert sources(lta_store, batch) == {"Kolada (definition)"}
    assert (
        f"Värdekolumnen heter som indikatorn LTA ({LTA_NAME}); värdena läses som den."
        in warnings(result)
    )


def test_kolada_value_column_refused_without_adding_areas(lta_store):
    result = refused(lta_store, LTA_FILE)
    assert errors(result) == [
        f"rad 2–37, 36 rader: Okänt område. {ADD_AREA_HINT} (värde: ”Region Dalarna”)"
    ]


# --- 6. Folkhälsomyndigheten, one indicator per question (HLV_Dalarna_ 2014_2018_2021.xlsx) --


def test_hlv_questions_as_indicators_with_their_source(hlv_store):
    result = imported(hlv_store, HLV_FILE, **HLV_CHOICES)
    batch = result.batch_ids[0]
    values = stored(hlv_store, batch)
    assert len(values) == 2852  # Kommunjämförelse!A2:A2853
    assert {code for code, _, _, _ in values} == {code for code, *_ in HLV_DEFS}
    assert {year for _, _, year, _ in values} == {2014, 2018, 2021}
    assert {sex for _, _, _, sex in values} == {"K", "M", "T"}
    # Kommunjämförelse!H2: 62 (2014, Avesta, Kvinna, Allmänt hälsotillstånd …)
    assert values["HLV01", "Avesta", 2014, "K"] == pytest.approx(62)
    # Kommunjämförelse!H1176: 21 (2018, Dalarna, Man, BMI - Fetma)
    assert values["HLV02", "Dalarna", 2018, "M"] == pytest.approx(21)
    # Kommunjämförelse!H2381: 16 (2021, Riket, Totalt, BMI - Fetma)
    assert values["HLV02", "Riket", 2021, "T"] == pytest.approx(16)
    # Kommunjämförelse!H2769: 9 (2021, Älvdalen, Kvinna, Sjukdom - Diabetes)
    assert values["HLV04", "Älvdalen", 2021, "K"] == pytest.approx(9)
    areas = added_areas(hlv_store, batch)
    assert sorted(areas) == sorted(
        [
            "Avesta",
            "Borlänge",
            "Dalarna",
            "Falun",
            "Gagnef",
            "Hedemora",
            "Leksand",
            "Ludvika",
            "Malung-Sälen",
            "Mora",
            "Orsa",
            "Riket",
            "Rättvik",
            "Smedjebacken",
            "Säter",
            "Vansbro",
            "Älvdalen",
        ]
    )
    # The Källa cells, not the definitions' source.
    assert sources(hlv_store, batch) == {HLV_SOURCE}


def test_hlv_breakdown_sheets_refused_one_error_each_without_sheet_choice(hlv_store):
    result = refused(hlv_store, HLV_FILE, **without(HLV_CHOICES, "sheets"))
    grouped = [(g.sheet, g.text) for g in result.check.grouped if g.is_error]
    assert sorted(grouped) == sorted(
        [
            (
                "Födelseland",
                collision(
                    "4\u00a0850",
                    "Födelseland",
                    " (och i ”Konfidensintervall”)",
                    "Sverige, Övriga Norden, Övriga Världen, Övriga Europa",
                    "Sverige",
                ),
            ),
            (
                "Utbildning",
                collision(
                    "8\u00a0249",
                    "Utbildning",
                    " (och i ”Konfidensintervall”)",
                    "Eftergymnasial, Förgymnasial, Gymnasial",
                    "Eftergymnasial",
                ),
            ),
            (
                "Ålder",
                collision(
                    "9\u00a0867",
                    "Ålder",
                    " (och i ”Konfidensintervall”)",
                    "16-29 år, 30-44 år, 45-64 år, 65-84 år",
                    "16-29 år",
                ),
            ),
        ]
    )


@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        (
            "add_districts",
            f"rad 2–2853, 2\u00a0852 rader: Okänt område. {ADD_AREA_HINT} (17 olika "
            "värden: ”Avesta”, ”Borlänge”, ”Dalarna”, ”Falun”, ”Gagnef” och 12 "
            "till)",
        ),
        ("columns", NO_INDICATOR),
    ],
)
def test_hlv_refused_without_a_needed_choice(hlv_store, left_out, expected):
    result = refused(hlv_store, HLV_FILE, **without(HLV_CHOICES, left_out))
    assert errors(result) == [expected]


# --- 7. SCB via R/openxlsx, months, unreadable for openpyxl (andel_arblosa_…) ---------------


def test_scb_months_as_yearly_means_for_foreign_born(x_store):
    result = imported(x_store, SCB_FILE, **SCB_CHOICES)
    batch = result.batch_ids[0]
    values = stored(x_store, batch)
    assert len(values) == 51  # 17 areas × 2020–2022
    assert {year for _, _, year, _ in values} == {2020, 2021, 2022}
    # 'Sheet 1'!F615, F632, …, F802 (Dalarna, utrikes född, 2020M01–M12, every 17th row):
    # (19.9 + 19.9 + 19.8 + 19.8 + 21.6 + 22.5 + 21.7 + 22.2 + 21.5 + 21.9 + 21.7 + 21.0) / 12
    # = 253.5 / 12 = 21.125
    assert values["X", "Dalarna", 2020, "T"] == pytest.approx(21.125)
    # 'Sheet 1'!F833, F850, …, F1020 (Avesta, utrikes född, 2021M01–M12):
    # (29.4 + 29.6 + 29.6 + 28.5 + 28.5 + 27.9 + 26.2 + 26.6 + 26.0 + 26.8 + 26.7 + 25.7) / 12
    # = 331.5 / 12 = 27.625
    assert values["X", "Avesta", 2021, "T"] == pytest.approx(27.625)
    # 'Sheet 1'!F1022, F1039, …, F1209 (Sverige, utrikes född, 2022M01–M12):
    # (14.0 + 14.1 + 13.9 + 13.4 + 12.9 + 12.3 + 11.8 + 12.2 + 11.9 + 11.9 + 11.9 + 11.8) / 12
    # = 152.1 / 12 = 12.675
    assert values["X", "Sverige", 2022, "T"] == pytest.approx(12.675)
    areas = added_areas(x_store, batch)
    assert len(areas) == 17
    # regionkod beside region: 'Sheet 1'!B2:C2, B3:C3, and Ludvika's row.
    assert areas["Sverige"] == ("jämförelse", "00")
    assert areas["Dalarna"] == ("jämförelse", "20")
    assert areas["Ludvika"] == ("jämförelse", "2085")
    assert sources(x_store, batch) == {"SCB (definition)"}
    said = warnings(result)
    assert (
        "Bara raderna där födelseregion=utrikes född läses (--where): 612 av 1\u00a0224 rader."
    ) in said
    assert (
        "Månader räknas om till år med --per-year mean (medelvärdet av årets delperioder): "
        "612 värden blir 51."
    ) in said


@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        ("per_year", per_year_needed("månader", "2020M01", "2022M12", "M12")),
        (
            "where",
            collision(
                "1\u00a0224", "födelseregion", "", "inrikes född, utrikes född", "inrikes född"
            ),
        ),
        (
            "add_districts",
            f"rad 614–1225, 612 rader: Okänt område. {ADD_AREA_HINT} (17 olika "
            "värden: ”Sverige”, ”Dalarna”, ”Vansbro”, ”Malung-Sälen”, ”Gagnef” och "
            "12 till)",
        ),
    ],
)
def test_scb_months_refused_without_a_needed_choice(x_store, left_out, expected):
    result = refused(x_store, SCB_FILE, **without(SCB_CHOICES, left_out))
    assert errors(result) == [expected]


# --- 8. Windows-1252 CSV from R's write.csv, NA names and Inf values (exportperinv.csv) ------


def test_windows_1252_csv_keeps_county_names_and_leaves_out_na_rows(x_store):
    result = imported(x_store, EXPORT_FILE, **EXPORT_CHOICES)
    batch = result.batch_ids[0]
    values = stored(x_store, batch)
    assert len(values) == 483  # 506 data rows, less the 23 rows whose Lan_namn is NA
    assert {year for _, _, year, _ in values} == set(range(1997, 2020))
    # exportperinv.csv line 4: "3",1997,"04","Södermanlands län",…,146149,100306.859088027
    assert values["X", "Södermanlands län", 1997, "T"] == pytest.approx(100306.859088027)
    # line 259: "258",2008,"20","Dalarnas län",…,155643,261747.112763808
    assert values["X", "Dalarnas län", 2008, "T"] == pytest.approx(261747.112763808)
    # line 489: "488",2019,"05","Östergötlands län",…,262877,196402.598864428
    assert values["X", "Östergötlands län", 2019, "T"] == pytest.approx(196402.598864428)
    areas = added_areas(x_store, batch)
    assert len(areas) == 21
    assert "NA" not in areas
    assert areas["Södermanlands län"] == ("jämförelse", "04")
    assert areas["Östergötlands län"] == ("jämförelse", "05")
    assert areas["Västra Götalands län"] == ("jämförelse", "14")
    assert areas["Örebro län"] == ("jämförelse", "18")
    assert sources(x_store, batch) == {"SCB (definition)"}
    no_area = [text for text in warnings(result) if "inget område" in text]
    assert no_area == [
        "rad 23: 23 rader har inget område (”NA”) och hoppas över: "
        "rad 23, 45, 67, 89–90, 112, 155 …."
    ]


@pytest.mark.parametrize(
    ("left_out", "expected"),
    [
        (
            "columns",
            "Filen liknar indikatorvärden men saknar kolumn för år eller period. Godtagna "
            "rubriker för år eller period: År, Year, Tid, Period (eller en kolumn per år: "
            "2018, 2019 …). Har kolumnen ett annat namn, ange den med --column År=RUBRIK "
            "(på sidan: rollen för kolumnen).",
        ),
        (
            "add_districts",
            "rad 2–22, 24–44, 46–66, 68–88, 91–111, 113–154 …, 483 rader: Okänt "
            f"område. {ADD_AREA_HINT} (21 olika värden: ”Stockholms län”, ”Uppsala "
            "län”, ”Södermanlands län”, ”Östergötlands län”, ”Jönköpings län” och "
            "16 till)",
        ),
        ("indicator", NO_INDICATOR),
    ],
)
def test_windows_1252_csv_refused_without_a_needed_choice(x_store, left_out, expected):
    choices = dict(EXPORT_CHOICES)
    if left_out == "columns":  # leave out only --column År=Ar
        choices["columns"] = [c for c in EXPORT_CHOICES["columns"] if c != "År=Ar"]
    else:
        choices = without(EXPORT_CHOICES, left_out)
    result = refused(x_store, EXPORT_FILE, **choices)
    assert errors(result) == [expected]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path, capsys):
    """A database file with the NYF definition, imported through the CLI as batch 1."""
    db = str(tmp_path / "cli.duckdb")
    definitions = tmp_path / "indikatorer.xlsx"
    definitions.write_bytes(make_xlsx({"Indikatorer": [DEFINITION_HEADER, NYF_DEF]}))
    assert main(["--db", db, "import", str(definitions), "--who", IMPORTER]) == 0
    capsys.readouterr()
    return db


def cli(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def test_cli_imports_a_pxweb_export_and_prints_the_grouped_report(cli_db, capsys):
    code, out = cli(
        capsys,
        "--db",
        cli_db,
        "import",
        str(REALWORLD / PXWEB_FILE),
        "--who",
        IMPORTER,
        "--indicator",
        "NYF",
        "--per-year",
        "sum",
        "--add-districts",
    )
    assert code == 0
    assert "    År utan hela året tas inte med: 2023 (1 av 4)." in out
    assert "Importerat som import 2:" in out
    assert f"  {PXWEB_FILE}: indicator_value: 12, district: 1" in out
    with Store(cli_db) as store:
        # BE0101G9!C45:C48 (2012Q4 … Q1): 391 + 397 + 417 + 484 = 1689
        assert rows(store, "SELECT value FROM current_indicator_value WHERE year = 2012") == [
            (pytest.approx(1689),)
        ]


def test_cli_refuses_quarters_without_per_year_and_changes_nothing(cli_db, capsys):
    with Store(cli_db) as store:
        before = store.table_contents()
    code, out = cli(
        capsys,
        "--db",
        cli_db,
        "import",
        str(REALWORLD / PXWEB_FILE),
        "--indicator",
        "NYF",
        "--add-districts",
    )
    assert code == 1
    assert "    " + per_year_needed("kvartal", "2011K1", "2023K1", "K4") in out
    assert "Inget importerades: rätta felen och försök igen." in out
    with Store(cli_db) as store:
        assert store.table_contents() == before


def _next_years_file(path: Path) -> Path:
    """The same export a year on: two more quarter columns, 202103*** and 202104***."""
    workbook = openpyxl.load_workbook(io.BytesIO((REALWORLD / NYF_FILE).read_bytes()))
    sheet = workbook["Kommun"]
    last = sheet.max_column
    assert sheet.cell(1, last).value == "202102***"
    [linkoping] = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "Linköping"]
    for offset, (header, value) in enumerate((("202103***", 240), ("202104***", 230)), 1):
        sheet.cell(1, last + offset, header)
        sheet.cell(linkoping, last + offset, value)
    workbook.save(path)
    return path


def test_cli_saved_profile_reimports_next_years_file_in_one_step(cli_db, capsys, tmp_path):
    real = str(REALWORLD / NYF_FILE)
    code, out = cli(
        capsys,
        "--db",
        cli_db,
        "import",
        real,
        "--who",
        IMPORTER,
        "--indicator",
        "NYF",
        "--per-year",
        "sum",
        "--sheet",
        "Kommun",
        "--where",
        "Kommun=Linköping",
        "--save-profile",
        "Nystartade",
    )
    assert code == 0
    assert "Importerat som import 2:" in out
    assert (
        "Valen sparade som importprofilen ”Nystartade” (import 3); använd dem igen med "
        "--profile Nystartade."
    ) in out

    # The same file again, with the profile: already imported, nothing new.
    code, out = cli(capsys, "--db", cli_db, "check", real, "--profile", "Nystartade")
    assert code == 0
    [already] = [line for line in out if "Filen är redan importerad" in line]
    assert already.startswith(f"    Filen är redan importerad: import 2 ({NYF_FILE}, ")
    assert already.endswith(f", av {IMPORTER}). Den hoppas över.")

    # Next year's file: the profile is offered, and imports it in one step.
    following = str(_next_years_file(tmp_path / "AntalNystartadeFöretag_2022.xlsx"))
    code, out = cli(capsys, "--db", cli_db, "check", following)
    assert code == 1
    assert (
        "Importprofilen ”Nystartade” passar AntalNystartadeFöretag_2022.xlsx: använd "
        "--profile Nystartade."
    ) in out
    code, out = cli(capsys, "--db", cli_db, "import", following, "--profile", "Nystartade")
    assert code == 0
    assert (
        "    Kvartal räknas om till år med --per-year sum (summan av årets delperioder): "
        "60 värden blir 15."
    ) in out
    with Store(cli_db) as store:
        values = dict(
            rows(
                store,
                "SELECT year, value FROM current_indicator_value WHERE district_code = 'Linköping'",
            )
        )
    assert sorted(values) == list(range(2007, 2022))
    # Kommun!BK52 + BL52 (202101***, 202102***) + the two added quarters: 282 + 251 + 240 + 230
    assert values[2021] == pytest.approx(1003)
    # Kommun!BG52:BJ52 again: 236 + 207 + 263 + 262 = 968
    assert values[2020] == pytest.approx(968)
