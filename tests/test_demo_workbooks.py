"""The demo workbooks and the blank templates: counts, coverage, honesty and drift.

The workbooks are read back with openpyxl, independently of the importer, so these tests pin
down what the generator writes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from segdash import demo, domain
from segdash.demo.catalogue import COMPARISON_REGSO
from segdash.importer import spec
from segdash.importer.templates import TEMPLATE_FILENAMES, build_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "Exempelvärde"
PERIODS = {"2021", "2022-T2", "2022", "2023"}
FOCUS_DISTRICTS = ["Berga", "Ryd", "Skäggetorp"]

AREA_NAMES = [
    "Ökad trygghet, gemenskap och delaktighet i samhället",
    "Fler i arbete eller meningsfull sysselsättning",
    "Utbildning för att barn och vuxna ska nå sin fulla potential",
    "Trivsamma livsmiljöer för ett sammanhållet Linköping",
    "En rikare fritid för alla",
]
OFFICE_NAMES = [
    "Kommunledningsförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Social- och omsorgsförvaltningen",
    "Utbildningsförvaltningen",
    "Integrations- och arbetsmarknadsförvaltningen",
    "Utförarförvaltningen",
]
STATUS_LABELS = [
    "Ej påbörjad",
    "Pågår enligt plan",
    "Pågår med avvikelse",
    "Genomförd",
    "Avbruten",
]

UNEMPLOYMENT = "Linköpings kommun, Linköping i siffror, arbetslöshet per stadsdel"
KOHESIO = "EU:s projektdatabas Kohesio, projektsidan om Linköpings arbete i Skäggetorp"
ECONOMIC_STANDARD = "Linköpings kommun, Linköping i siffror, ekonomisk standard"
POPULATION = (
    "Linköpings kommun, Linköping i siffror, befolkning per stadsdel. "
    "Året anges inte i källan; här lagt på 2024."
)
SCHOOL = (
    "Lokala nyheter, jämförelse av skolor. Avser skolan Skäggetorpsskolan (åk 9), inte hela "
    "stadsdelen. Året anges inte i källan; här lagt på 2021."
)
POLICE = "Polisens lista över utsatta områden"

# Every published figure of the facts sheet: (indicator, district, year, value, source).
REAL_FIGURES = {
    ("ARBL", "Skäggetorp", 2020, 18.3, UNEMPLOYMENT),
    ("ARBL", "Berga", 2020, 10.7, UNEMPLOYMENT),
    ("ARBL", "Ryd", 2020, 6.5, UNEMPLOYMENT),
    ("LAGEKB", "Skäggetorp", 2020, 73.1, KOHESIO),
    ("LAGEKB", "Linköping", 2020, 19.6, KOHESIO),
    ("LAGEK", "Linköping", 2021, 16.5, ECONOMIC_STANDARD),
    ("LAGEKB", "Linköping", 2021, 19.8, ECONOMIC_STANDARD),
    ("BEF", "Skäggetorp", 2024, 10070, POPULATION),
    ("BEF", "Ryd", 2024, 9147, POPULATION),
    ("KLARA", "Skäggetorp", 2021, 34.6, SCHOOL),
    ("BEHGY", "Skäggetorp", 2021, 39.7, SCHOOL),
    *(("UTSATT", "Skäggetorp", year, 1, POLICE) for year in range(2015, 2025)),
}

STATUS_CODE = {word.casefold(): s.code for s in domain.STATUSES for word in (s.label, *s.aliases)}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    demo.build_demo_workbooks(out)
    return out


def read_rows(path: Path, sheet: spec.SheetSpec) -> list[dict[str, object]]:
    """A sheet's rows as {column key: value}, below the first row that holds every required
    header, skipping blank rows."""
    rows = list(load_workbook(path, read_only=True)[sheet.sv].iter_rows(values_only=True))
    required = {c.sv for c in sheet.required}
    start = next(i for i, row in enumerate(rows) if required <= set(row))
    keys = {c.sv: c.key for c in sheet.columns}
    header = rows[start]
    return [
        {keys[name]: value for name, value in zip(header, row, strict=True) if name in keys}
        for row in rows[start + 1 :]
        if any(value is not None for value in row)
    ]


def number(value: object) -> float | None:
    """A cell's number, also when written as text with decimal comma."""
    if value is None or isinstance(value, (int, float)):
        return value
    return float(str(value).replace(",", "."))


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@pytest.fixture(scope="module")
def plan(demo_dir: Path) -> list[dict[str, object]]:
    return read_rows(demo_dir / demo.PLAN_FILE, spec.PLAN)


@pytest.fixture(scope="module")
def followups(demo_dir: Path) -> list[dict[str, object]]:
    return read_rows(demo_dir / demo.FOLLOWUP_FILE, spec.FOLLOWUP)


@pytest.fixture(scope="module")
def values(demo_dir: Path) -> list[dict[str, object]]:
    return read_rows(demo_dir / demo.INDICATORS_FILE, spec.INDICATOR_VALUES)


@pytest.fixture(scope="module")
def definitions(demo_dir: Path) -> list[dict[str, object]]:
    return read_rows(demo_dir / demo.INDICATORS_FILE, spec.INDICATORS)


# --- Files ----------------------------------------------------------------------------------


def test_writes_the_five_demo_workbooks(tmp_path: Path) -> None:
    paths = demo.build_demo_workbooks(tmp_path / "nested")
    assert [p.name for p in paths] == [
        "atgardsplaner_2021-2023.xlsx",
        "uppfoljningar_2021-2023.xlsx",
        "indikatorer_2015-2024.xlsx",
        "indikatorer_bred_exempel.xlsx",
        "indikatorer_regso_exempel.xlsx",
    ]
    assert all(p.parent == tmp_path / "nested" for p in paths)


def test_generation_is_reproducible_to_the_byte(tmp_path: Path) -> None:
    first = demo.build_demo_workbooks(tmp_path / "a")
    second = demo.build_demo_workbooks(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert build_template("plan") == build_template("plan")


def test_workbook_properties_are_fixed(demo_dir: Path) -> None:
    props = load_workbook(demo_dir / demo.PLAN_FILE).properties
    assert props.creator == "segdash"
    assert (props.created.year, props.modified.year) == (2024, 2024)


@pytest.mark.parametrize(
    "filename",
    [demo.PLAN_FILE, demo.FOLLOWUP_FILE, demo.INDICATORS_FILE, demo.WIDE_INDICATORS_FILE],
)
def test_committed_demo_data_matches_the_generator(demo_dir: Path, filename: str) -> None:
    committed = ROOT / "data" / "demo" / filename
    assert sheet_values(committed) == sheet_values(demo_dir / filename), (
        f"data/demo/{filename} differs from the generator; run: python -m segdash.demo"
    )


@pytest.mark.parametrize("kind", list(TEMPLATE_FILENAMES))
def test_committed_templates_match_the_generator(tmp_path: Path, kind: str) -> None:
    fresh = tmp_path / "fresh.xlsx"
    fresh.write_bytes(build_template(kind))
    committed = ROOT / "data" / "templates" / TEMPLATE_FILENAMES[kind]
    assert sheet_values(committed) == sheet_values(fresh)


# --- Plan -----------------------------------------------------------------------------------


def test_plan_has_60_60_and_50_actions(plan: list[dict]) -> None:
    assert Counter(row["plan_year"] for row in plan) == {2021: 60, 2022: 60, 2023: 50}


def test_plan_sheet_has_a_title_and_a_blank_row_above_the_header(demo_dir: Path) -> None:
    rows = list(load_workbook(demo_dir / demo.PLAN_FILE)["Åtgärder"].iter_rows(values_only=True))
    assert "exempeldata" in rows[0][0]
    assert all(value is None for value in rows[1])
    assert list(rows[2]) == [c.sv for c in spec.PLAN.columns]


def test_plan_uses_every_area_office_and_focus_district(plan: list[dict]) -> None:
    area_no = {name: no for no, name in enumerate(AREA_NAMES, start=1)}
    office_code = {name: code for code, name in domain.OFFICES}
    areas = {row["area"] if isinstance(row["area"], int) else area_no[row["area"]] for row in plan}
    offices = {office_code.get(row["lead_office"], row["lead_office"]) for row in plan}
    districts = {d.strip() for row in plan for d in row["districts"].split(";")}
    assert areas == {1, 2, 3, 4, 5}
    assert offices == {"KLF", "SBF", "KFF", "SOF", "UBF", "IAF", "UTF"}
    assert districts == {"Alla", "Berga", "Ryd", "Skäggetorp"}
    # The variants the importer must accept are all exercised.
    assert any(row["area"] in AREA_NAMES for row in plan)
    assert any(row["lead_office"] in office_code.values() for row in plan)
    assert any(";" in (row["partner_offices"] or "") for row in plan)


def test_action_numbers_are_text_unique_and_follow_the_area(plan: list[dict]) -> None:
    area_no = {name: no for no, name in enumerate(AREA_NAMES, start=1)}
    for row in plan:
        assert isinstance(row["action_no"], str)
        match = re.fullmatch(r"([1-5])\.(\d+)", row["action_no"])
        assert match, row["action_no"]
        assert int(match[1]) == area_no.get(row["area"], row["area"])
    for year in (2021, 2022, 2023):
        numbers = [row["action_no"] for row in plan if row["plan_year"] == year]
        assert len(numbers) == len(set(numbers))
    assert {"1.10", "2.10", "3.15"} <= {row["action_no"] for row in plan}


def test_carried_over_actions_keep_their_number_and_title(plan: list[dict]) -> None:
    by_year = defaultdict(dict)
    for row in plan:
        by_year[row["plan_year"]][row["action_no"]] = row["title"]
    carried = set(by_year[2021]) & set(by_year[2022])
    assert len(carried) == 52
    assert len(set(by_year[2022]) & set(by_year[2023])) == 48
    assert len(set(by_year[2022]) - set(by_year[2021])) == 8  # new numbers, never reused
    for number in carried:
        assert by_year[2021][number] == by_year[2022][number]


def test_actions_are_publicly_named_or_marked_as_examples(plan: list[dict]) -> None:
    named = defaultdict(set)
    for row in plan:
        if row["title"].endswith(" (exempel)"):
            assert row["description"].startswith("Exempelåtgärd. ")
        else:
            assert not row["description"].startswith("Exempelåtgärd")
            public = r"Nämnd i (kommunens pressmeddelande|åtgärdsplan)"
            assert re.search(public, row["description"]), row["title"]
            named[row["title"]].add(row["plan_year"])
    for title in (
        "Områdesteam med blandad kompetens",
        "Lokala brottsförebyggande grupper",
        "Arbetsmarknadsåtgärder för fler än 500 personer per år",
        "Lokal driftsorganisation som ger boende jobb",
    ):
        assert named[title] == {2021, 2022, 2023}
    assert named["Avveckling av Skäggetorpsskolan"] == {2022}
    assert named["Närmare samverkan med polisen i Skäggetorp"] == {2022}
    assert named["Samverkan så att skolor upptäcker barn i risk för avhopp"] == {2023}
    for title in (
        "Kamerabevakning",
        "Stöd till entreprenörskap",
        "Föräldraskapsstöd",
        "Trivsamma utemiljöer",
        "Kulturaktiviteter för barn och unga",
    ):
        assert named[title] == {2022, 2023}
    assert len(named) == 12


def test_plan_workbook_has_the_master_data(demo_dir: Path) -> None:
    path = demo_dir / demo.PLAN_FILE
    offices = read_rows(path, spec.OFFICES)
    assert [row["name"] for row in offices] == OFFICE_NAMES
    assert [row["code"] for row in offices] == ["KLF", "SBF", "KFF", "SOF", "UBF", "IAF", "UTF"]
    districts = [
        (r["name"], r["district_type"], r["region_code"]) for r in read_rows(path, spec.DISTRICTS)
    ]
    # The focus districts with their RegSO (Skäggetorp's is Skäggetorp-Tornby), Linköping with
    # its kommunkod, then SCB's other 29 RegSO areas of Linköping as comparison areas.
    assert districts[:4] == [
        ("Berga", "fokus", "0580R001"),
        ("Ryd", "fokus", "0580R017"),
        ("Skäggetorp", "fokus", "0580R018"),
        ("Linköping", "referens", "0580"),
    ]
    assert districts[4:] == [(name, "jämförelse", code) for code, name in COMPARISON_REGSO]
    assert len({code for *_, code in districts}) == 33
    areas = read_rows(path, spec.AREAS)
    assert [(r["area_no"], r["name"]) for r in areas] == list(enumerate(AREA_NAMES, start=1))


# --- Follow-ups -----------------------------------------------------------------------------


def test_followups_cover_each_plan_once_per_period(plan: list[dict], followups: list[dict]):
    assert {row["period"] for row in followups} == PERIODS
    plan_numbers = defaultdict(set)
    for row in plan:
        plan_numbers[row["plan_year"]].add(row["action_no"])
    for period in PERIODS:
        rows = [row for row in followups if row["period"] == period]
        year = int(period[:4])
        assert {row["plan_year"] for row in rows} == {year}
        numbers = [row["action_no"] for row in rows]
        assert sorted(numbers) == sorted(plan_numbers[year]), period


def test_every_status_appears_also_as_an_alias(followups: list[dict]) -> None:
    codes = [STATUS_CODE[row["status"].casefold()] for row in followups]
    assert set(codes) == set(domain.STATUS_CODES)
    aliases = [row["status"] for row in followups if row["status"] not in STATUS_LABELS]
    assert len(aliases) == 10  # Försenad 4, Pågår 4 and Klar 2 times in the workbook


def test_progress_agrees_with_status(followups: list[dict]) -> None:
    for row in followups:
        code = STATUS_CODE[row["status"].casefold()]
        progress = row["progress"]
        if code == "done":
            assert progress == 100
        elif code == "not_started":
            assert progress == 0
        elif code in ("on_track", "at_risk"):
            assert 5 <= progress <= 95


def test_statuses_move_realistically(plan: list[dict], followups: list[dict]) -> None:
    cancelled = Counter(
        row["period"] for row in followups if STATUS_CODE[row["status"].casefold()] == "cancelled"
    )
    assert cancelled["2021"] == 2 and cancelled["2022"] == 3 and cancelled["2023"] == 3
    not_started = Counter(
        row["period"] for row in followups if STATUS_CODE[row["status"].casefold()] == "not_started"
    )
    # many not started in the first plan year, hardly any later (counted in the workbook)
    assert not_started == {"2021": 10, "2022-T2": 1, "2023": 1}
    done = Counter(
        row["period"] for row in followups if STATUS_CODE[row["status"].casefold()] == "done"
    )
    assert done == {"2021": 6, "2022-T2": 2, "2022": 9, "2023": 10}  # Genomförd or Klar
    # A finished action stays finished and is not carried into a later plan.
    order = ["2021", "2022-T2", "2022", "2023"]
    history = defaultdict(list)
    for row in sorted(followups, key=lambda r: order.index(r["period"])):
        history[row["action_no"]].append(STATUS_CODE[row["status"].casefold()])
    for number, statuses in history.items():
        for earlier, later in zip(statuses, statuses[1:], strict=False):  # each with the next
            if earlier in ("done", "cancelled"):
                assert later == earlier, number


def test_skaggetorpsskolan_closure_is_done_in_2022(plan: list[dict], followups: list[dict]):
    (number,) = [r["action_no"] for r in plan if r["title"] == "Avveckling av Skäggetorpsskolan"]
    (row,) = [r for r in followups if r["action_no"] == number and r["period"] == "2022"]
    assert (row["status"], row["progress"]) == ("Genomförd", 100)
    assert "stängd" in row["comment"]


def test_comments_are_plain_varied_text(followups: list[dict]) -> None:
    comments = [row["comment"] for row in followups if row["comment"]]
    # 197 of the 230 follow-up rows have a comment, 33 different ones (counted in the workbook)
    assert (len(comments), len(followups), len(set(comments))) == (197, 230, 33)
    assert not any(c.startswith(("=", "+", "-", "@")) for c in comments)
    assert any("&" in c for c in comments)
    assert any("<" in c for c in comments)
    assert any('"' in c for c in comments)


# --- Indicators -----------------------------------------------------------------------------


def test_indicators_cover_all_five_areas(definitions: list[dict], values: list[dict]) -> None:
    codes = [row["code"] for row in definitions]
    assert len(codes) == 16 and len(codes) == len(set(codes))  # the Indikatorer sheet's rows
    assert {row["area"] for row in definitions} == {1, 2, 3, 4, 5}
    assert {row["indicator"] for row in values} == set(codes)
    assert all(row["higher_is_better"] in ("ja", "nej", None) for row in definitions)
    assert not any(row["source"] == EXAMPLE for row in definitions)


def test_every_real_figure_is_there_with_its_source(values: list[dict]) -> None:
    real = {
        (r["indicator"], r["district"], r["year"], number(r["value"]), r["source"])
        for r in values
        if r["value"] is not None and r["source"] != EXAMPLE
    }
    assert real == REAL_FIGURES
    assert all(r["sex"] == "T" and r["target"] is None for r in values if r["source"] != EXAMPLE)


def test_unstated_figures_are_left_empty(values: list[dict]) -> None:
    police = [r for r in values if r["indicator"] == "UTSATT"]
    for district in ("Berga", "Ryd"):
        rows = [r for r in police if r["district"] == district]
        assert [r["year"] for r in rows] == list(range(2015, 2025))
        assert all(r["value"] is None and r["source"] != EXAMPLE for r in rows)
    assert not any(r["district"] == "Linköping" for r in police)


def test_example_values_are_realistic(values: list[dict], definitions: list[dict]) -> None:
    assert {r["district"] for r in values} == {"Berga", "Ryd", "Skäggetorp", "Linköping"}
    assert {r["year"] for r in values} == set(range(2015, 2025))
    assert {r["indicator"] for r in values if r["sex"] != "T"} == {"ARBL", "FORV", "TRYGG"}
    gaps = [r for r in values if r["value"] is None and r["source"] == EXAMPLE]
    # FORV for Ryd in 2024 (total, women and men) and TRANG for Berga in 2016
    assert sorted((r["indicator"], r["district"], r["year"], r["sex"]) for r in gaps) == [
        ("FORV", "Ryd", 2024, "K"),
        ("FORV", "Ryd", 2024, "M"),
        ("FORV", "Ryd", 2024, "T"),
        ("TRANG", "Berga", 2016, "T"),
    ]
    texts = [r["value"] for r in values if isinstance(r["value"], str)]
    assert len(texts) == 4 and all(re.fullmatch(r"\d+,\d", t) for t in texts)
    assert all(isinstance(r["value"], (int, float, str, type(None))) for r in values)
    # Linköping as a whole fares better than Skäggetorp on every indicator with a direction.
    direction = {r["code"]: r["higher_is_better"] for r in definitions}
    mean = defaultdict(list)
    for r in values:
        if r["sex"] == "T" and r["value"] is not None:
            mean[r["indicator"], r["district"]].append(number(r["value"]))
    for code, higher in direction.items():
        if higher is None or (code, "Linköping") not in mean:
            continue
        linkoping = sum(mean[code, "Linköping"]) / len(mean[code, "Linköping"])
        skaggetorp = sum(mean[code, "Skäggetorp"]) / len(mean[code, "Skäggetorp"])
        assert (linkoping > skaggetorp) == (higher == "ja"), code
    unemployment = [
        number(r["value"])
        for r in values
        if (r["indicator"], r["district"], r["sex"]) == ("ARBL", "Skäggetorp", "T")
    ]
    assert len(unemployment) == 10 and all(12 < v < 25 for v in unemployment)


def test_targets_are_set_for_focus_districts_only(values: list[dict]) -> None:
    with_target = [r for r in values if r["target"] is not None]
    # ARBL, FORV and KLARA for the three focus districts 2022–2024, TRYGG 2023–2024
    assert len(with_target) == 3 * 3 * 3 + 3 * 2
    assert {r["district"] for r in with_target} == {"Berga", "Ryd", "Skäggetorp"}
    assert {r["indicator"] for r in with_target} == {"ARBL", "FORV", "KLARA", "TRYGG"}


def test_wide_form_example_workbook(demo_dir: Path) -> None:
    path = demo_dir / demo.WIDE_INDICATORS_FILE
    rows = list(load_workbook(path)["Indikatorvärden"].iter_rows(values_only=True))
    assert list(rows[0]) == ["Indikator", "Område", "Kön", "Källa", *map(str, range(2015, 2025))]
    assert [row[:3] for row in rows[1:]] == [
        ("Ohälsotal", "Berga", "T"),
        ("Ohälsotal", "Ryd", "T"),
        ("Ohälsotal", "Skäggetorp", "T"),
        ("Ohälsotal", "Linköping", "T"),
        ("Ohälsotal", "Linköping", "K"),
        ("Ohälsotal", "Linköping", "M"),
    ]
    assert all(isinstance(v, (int, float)) for row in rows[1:] for v in row[4:])
    assert {row[3] for row in rows[1:]} == {EXAMPLE}  # every value is an example
    (definition,) = read_rows(path, spec.INDICATORS)
    assert (definition["code"], definition["name"]) == ("OHAL", "Ohälsotal")
    # The definition names where real values come from: a real import is never an example.
    assert definition["source"] == "Försäkringskassan (via Kolada)"


# --- Templates ------------------------------------------------------------------------------


def _template(kind: str):
    return load_workbook(BytesIO(build_template(kind)))


@pytest.mark.parametrize(
    ("kind", "sheets"),
    [
        ("plan", ["Åtgärder", "Förvaltningar", "Områden", "Utvecklingsområden"]),
        ("followup", ["Uppföljning"]),
        ("indicators", ["Indikatorvärden", "Indikatorer"]),
    ],
)
def test_template_sheets_and_headers(kind: str, sheets: list[str]) -> None:
    wb = _template(kind)
    assert wb.sheetnames == ["Instruktioner", *sheets, "Listor"]
    assert wb["Listor"].sheet_state == "hidden"
    for name in sheets:
        ws = wb[name]
        sheet = next(s for s in spec.SHEETS if s.sv == name)
        header = next(ws.iter_rows(max_row=1))
        assert [cell.value for cell in header] == [c.sv for c in sheet.template_columns]
        assert all(cell.font.bold for cell in header)
        assert ws.freeze_panes == "A2"
        assert ws.max_row == 1  # blank below the header


def test_template_keeps_action_numbers_as_text() -> None:
    assert _template("plan")["Åtgärder"].column_dimensions["A"].number_format == "@"
    followup = _template("followup")["Uppföljning"]
    assert followup.column_dimensions["A"].number_format == "@"  # Nr
    assert followup.column_dimensions["B"].number_format == "@"  # Period


@pytest.mark.parametrize("kind", ["plan", "followup", "indicators"])
def test_template_instructions_describe_every_column(kind: str) -> None:
    text = "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for row in _template(kind)["Instruktioner"].iter_rows(values_only=True)
    )
    columns = [c for k in spec.WORKBOOK_KINDS[kind] for c in spec.SHEET_BY_KIND[k].template_columns]
    for column in columns:
        required = "obligatorisk" if column.required else "frivillig"
        assert f"{column.sv} | {required} | {column.help}" in text
    if kind == "followup":
        for label in STATUS_LABELS:
            assert label in text
        assert "klar, avslutad, slutförd" in text
        assert "2022-T1" in text and "Delår 2022" in text


@pytest.mark.parametrize(
    ("kind", "sheet", "column", "expected"),
    [
        ("plan", "Åtgärder", "Utvecklingsområde", AREA_NAMES),
        ("plan", "Åtgärder", "Ansvarig förvaltning", OFFICE_NAMES),
        ("plan", "Åtgärder", "Områden", [*FOCUS_DISTRICTS, "Alla"]),
        ("plan", "Områden", "Typ", ["fokus", "referens", "jämförelse"]),
        ("followup", "Uppföljning", "Status", STATUS_LABELS),
        ("followup", "Uppföljning", "Ansvarig förvaltning", OFFICE_NAMES),
        ("indicators", "Indikatorvärden", "Område", [*FOCUS_DISTRICTS, "Linköping"]),
        ("indicators", "Indikatorvärden", "Kön", ["T", "K", "M"]),
        ("indicators", "Indikatorer", "Utvecklingsområde", AREA_NAMES),
        ("indicators", "Indikatorer", "Högre är bättre", ["ja", "nej"]),
    ],
)
def test_template_dropdowns(kind: str, sheet: str, column: str, expected: list[str]) -> None:
    wb = _template(kind)
    ws = wb[sheet]
    headers = [cell.value for cell in ws[1]]
    letter = get_column_letter(headers.index(column) + 1)
    cells = f"{letter}2:{letter}1000"
    (validation,) = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == cells]
    assert validation.type == "list"
    assert validation.showErrorMessage and validation.error
    match = re.fullmatch(r"'Listor'!\$([A-Z])\$2:\$\1\$(\d+)", validation.formula1)
    assert match, validation.formula1
    listed = [row[0] for row in wb["Listor"][f"{match[1]}2:{match[1]}{match[2]}"]]
    assert [cell.value for cell in listed] == expected


def test_template_has_no_dropdown_on_free_text_columns() -> None:
    ws = _template("plan")["Åtgärder"]
    covered = {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation}
    assert covered == {"B", "E", "G"}  # area, lead office, districts
