"""The demo workbooks, drawn from the catalogue with `random.Random(2020)`, never from the
clock, so a rerun writes the same files. `python -m segdash.demo` regenerates data/demo/ and
the blank templates in data/templates/.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from segdash import domain
from segdash.demo.catalogue import (
    ALL_DISTRICTS,
    COMPARISON_REGSO,
    DEMO_DIR,
    DISTRICT_ORDER,
    EXAMPLE_DESCRIPTION_PREFIX,
    EXAMPLE_GAPS,
    EXAMPLE_SOURCE,
    EXAMPLE_TITLE_SUFFIX,
    FOCUS_REGSO,
    FOLLOWUP_FILE,
    FOLLOWUP_TITLE,
    INDICATORS,
    INDICATORS_FILE,
    NUMBERED_ACTIONS,
    OFFICE_CODES,
    PLAN_FILE,
    PLAN_TITLE,
    PLAN_YEARS,
    REAL_VALUES,
    REGSO_INDICATORS,
    REGSO_VALUES_FILE,
    REGSO_YEARS,
    ROOT,
    SEED,
    SRC_NOT_STATED,
    TARGETS,
    TEMPLATES_DIR,
    UNSTATED,
    WIDE_INDICATOR,
    WIDE_INDICATORS_FILE,
    YEARS,
    DemoIndicator,
    plan_actions,
)
from segdash.importer import spec
from segdash.importer.templates import (
    TEMPLATE_FILENAMES,
    build_template,
    workbook_bytes,
    write_header,
)


def _draw_districts(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return ALL_DISTRICTS
    chosen = rng.sample(domain.FOCUS_DISTRICTS, rng.choice((1, 1, 2, 3)))
    return "; ".join(d for d in domain.FOCUS_DISTRICTS if d in chosen)


def _draw_partners(rng: random.Random, lead: str) -> tuple[str, ...]:
    others = [code for code in OFFICE_CODES if code != lead]
    chosen = rng.sample(others, rng.choice((0, 1, 1, 2)))
    return tuple(code for code in others if code in chosen)


def _plan_rows(rng: random.Random) -> list[dict[str, object]]:
    area_names = dict(domain.DEVELOPMENT_AREAS)
    office_names = dict(domain.OFFICES)
    # Drawn once per action, so a carried-over action looks the same in every plan year.
    drawn = {}
    for number, action in NUMBERED_ACTIONS:
        partners = action.partner_offices
        if partners is None:
            partners = _draw_partners(rng, action.lead_office)
        districts = action.districts or _draw_districts(rng)
        last = max(action.plan_years)
        end = last if last < PLAN_YEARS[-1] else rng.choice((None, 2024, 2025))
        drawn[number] = (partners, districts, end)

    rows = []
    for plan_year in PLAN_YEARS:
        for number, action in plan_actions(plan_year):
            partners, districts, end = drawn[number]
            if action.public_source:
                title = action.title
                description = f"{action.description} {action.public_source}"
            else:
                title = action.title + EXAMPLE_TITLE_SUFFIX
                description = f"{EXAMPLE_DESCRIPTION_PREFIX} {action.description}"
            # A few rows name the area or use the office code, as analysts do.
            area = area_names[action.area] if rng.random() < 0.08 else action.area
            lead = action.lead_office
            lead = lead if rng.random() < 0.08 else office_names[lead]
            rows.append(
                {
                    "action_no": number,
                    "area": area,
                    "title": title,
                    "description": description,
                    "lead_office": lead,
                    "partner_offices": "; ".join(office_names[c] for c in partners) or None,
                    "districts": districts,
                    "plan_year": plan_year,
                    "start": min(action.plan_years),
                    "end": end,
                }
            )
    return rows


# --- Follow-ups -----------------------------------------------------------------------------

# (period, plan year it follows up)
FOLLOWUP_PERIODS = (("2021", 2021), ("2022-T2", 2022), ("2022", 2022), ("2023", 2023))
CANCELLED_PER_YEAR = {2021: 2, 2022: 3, 2023: 3}
FINISHED = ("done", "cancelled")
NOT_FOLLOWED_UP = (None, 0)  # (status, progress) of an action before its first follow-up

# Weights of the next status, for a new action and after each unfinished status.
_FIRST_STATUS = {"not_started": 3, "on_track": 5, "at_risk": 2}
_NEXT_STATUS = {
    "not_started": {"not_started": 2, "on_track": 6, "at_risk": 2},
    "on_track": {"on_track": 6, "at_risk": 1.5, "done": 2.5},
    "at_risk": {"at_risk": 3, "on_track": 5, "done": 1},
}

_COMMENTS = {
    "not_started": (
        "Start planerad till hösten när finansieringen är beslutad.",
        "Väntar på beslut i nämnden om medel.",
        "Ansvarig handläggare utses under våren.",
        "Förstudie påbörjas när samverkansavtalet är klart.",
        "Ingen aktivitet under perioden; prioriteras nästa år.",
    ),
    "on_track": (
        "Rekrytering av områdessamordnare klar i mars.",
        "Följer tidplanen; tre träffar med boende genomförda.",
        "Samverkansavtal med bostadsbolaget undertecknat.",
        "Aktiviteterna har genomförts enligt plan under perioden.",
        "Fler deltagare än väntat, särskilt bland unga.",
        "Metodstöd från länsstyrelsen & regionen har kommit igång.",
        "Utvärdering av första omgången pågår; resultat i december.",
        "Arbetsgruppen träffas varannan vecka och rapporterar till styrgruppen.",
        'Verksamheten kallas "Öppen mötesplats" i kommunikationen.',
        "Lokal har hittats och inreds under sommaren.",
    ),
    "at_risk": (
        "Försenad på grund av personalbrist; ny tidplan till hösten.",
        "Färre deltagare än planerat (< 20 per tillfälle); ny marknadsföring prövas.",
        "Upphandlingen har överklagats, vilket försenar starten.",
        "Kostnaden blev högre än budgeterat; dialog med ekonomiavdelningen pågår.",
        "Svårt att nå målgruppen; samarbete med 'brobyggare' prövas.",
        "Byte av ansvarig chef har fördröjt arbetet.",
        "Väntar på bygglov; arbetet kan starta tidigast i vår.",
    ),
    "done": (
        "Genomförd enligt plan; erfarenheterna samlade i en slutrapport.",
        "Klar. Arbetssättet fortsätter inom ordinarie verksamhet.",
        "Alla planerade utbildningstillfällen genomförda (12 av 12).",
        "Genomförd; utvärderingen visar nöjda deltagare & goda resultat.",
        "Överlämnad till förvaltningens ordinarie verksamhet.",
        "Målet om > 100 deltagare nåddes i oktober.",
    ),
    "cancelled": (
        "Avbruten efter beslut i styrgruppen; ersätts av en ny åtgärd.",
        "Utgår eftersom finansieringen inte beviljades.",
        "Avbruten; behovet täcks av en annan åtgärd i planen.",
        "Stoppad i väntan på ny inriktning från kommunledningen.",
    ),
}

_STATUS_BY_CODE = {s.code: s for s in domain.STATUSES}


def _next_status(
    rng: random.Random, previous: str | None, *, ends_now: bool, carried_over: bool
) -> str:
    if previous in FINISHED:
        return previous
    if ends_now:  # dropped from the next plan: finished (or cancelled, drawn separately)
        return "done"
    weights = _FIRST_STATUS if previous is None else _NEXT_STATUS[previous]
    status = rng.choices(list(weights), weights=list(weights.values()))[0]
    # A finished action would not be carried over into the next plan.
    return "on_track" if status == "done" and carried_over else status


def _progress(rng: random.Random, status: str, previous: int) -> int:
    if status == "not_started":
        return 0
    if status == "done":
        return 100
    if status == "cancelled":
        return previous
    step = rng.randrange(10, 40, 5) if status == "on_track" else rng.randrange(0, 20, 5)
    return min(95, max(5, previous + step))


def _followup_rows(rng: random.Random) -> list[dict[str, object]]:
    office_names = dict(domain.OFFICES)
    last_plan_year = PLAN_YEARS[-1]
    state: dict[str, tuple[str, int]] = {}  # action number -> (status, progress) last period
    rows = []
    for period, plan_year in FOLLOWUP_PERIODS:
        plan = plan_actions(plan_year)
        year_end = period == str(plan_year)
        statuses = {}
        for number, action in plan:
            carried_over = max(action.plan_years) > plan_year
            ends_now = year_end and not carried_over and plan_year < last_plan_year
            previous = state.get(number, NOT_FOLLOWED_UP)[0]
            if previous is None and action.public_source:
                # Public sources describe these as work under way; don't show them as idle.
                statuses[number] = "on_track"
            else:
                statuses[number] = _next_status(
                    rng, previous, ends_now=ends_now, carried_over=carried_over
                )
        if year_end:
            cancellable = [
                number
                for number, action in plan
                if action.public_source is None  # a real action is never shown as cancelled
                and max(action.plan_years) == plan_year
                and state.get(number, NOT_FOLLOWED_UP)[0] not in FINISHED
            ]
            for number in rng.sample(cancellable, CANCELLED_PER_YEAR[plan_year]):
                statuses[number] = "cancelled"

        for number, action in plan:
            known = action.outcome if action.outcome and action.outcome[0] == period else None
            status = known[1] if known else statuses[number]
            progress = _progress(rng, status, state.get(number, NOT_FOLLOWED_UP)[1])
            state[number] = (status, progress)
            if known:
                comment = known[2]
            else:
                comment = rng.choice(_COMMENTS[status]) if rng.random() < 0.85 else None
            label = _STATUS_BY_CODE[status].label
            if rng.random() < 0.05:  # some rows use an alias, as in older spreadsheets
                label = _STATUS_BY_CODE[status].aliases[0].capitalize()
            rows.append(
                {
                    "action_no": number,
                    "period": period,
                    "status": label,
                    "progress": progress,
                    "comment": comment,
                    "lead_office": office_names[action.lead_office],
                    "plan_year": plan_year,
                }
            )
    return rows


def _example_value(rng: random.Random, ind: DemoIndicator, district: str, year: int) -> float:
    level = ind.levels[district]
    value = level * (1 + ind.trend * (year - ind.ref_year)) * ind.year_factor.get(year, 1.0)
    value += rng.gauss(0, ind.noise * level)
    if ind.unit == "%":
        value = min(100.0, max(0.0, value))
    return round(value, ind.decimals)


def _sex_values(
    rng: random.Random, ind: DemoIndicator, total: float | None
) -> dict[str, float | None]:
    """Example values for women and men around a total, `sex_gap` apart."""
    if total is None:
        return {"K": None, "M": None}
    return {
        sex: round(total + sign * ind.sex_gap / 2 + rng.gauss(0, ind.noise * total), ind.decimals)
        for sex, sign in (("K", -1), ("M", 1))
    }


def _indicator_value_rows(rng: random.Random) -> list[dict[str, object]]:
    real = {
        (code, district, year): (value, source)
        for code, district, year, value, source in REAL_VALUES
    }
    targets = {code: (first, step) for code, first, step in TARGETS}
    rows = []
    for ind in INDICATORS:
        for district in DISTRICT_ORDER:
            if (ind.code, district) in UNSTATED:
                rows += [
                    _value_row(ind, district, year, "T", None, SRC_NOT_STATED) for year in ind.years
                ]
                continue
            totals: dict[int, float | None] = {}
            for year in ind.years:
                key = (ind.code, district, year)
                if key in real:
                    value, source = real[key]
                elif district in ind.levels:
                    value, source = _example_value(rng, ind, district, year), EXAMPLE_SOURCE
                else:
                    continue
                if key in EXAMPLE_GAPS:
                    value = None
                totals[year] = value
                row = _value_row(ind, district, year, "T", value, source)
                if ind.code in targets and district in domain.FOCUS_DISTRICTS:
                    row["target"] = _target(ind, totals, year, *targets[ind.code])
                rows.append(row)
            if ind.sex_gap is not None:
                for year, total in totals.items():
                    for sex, value in _sex_values(rng, ind, total).items():
                        rows.append(_value_row(ind, district, year, sex, value, EXAMPLE_SOURCE))

    # A few example values as text with decimal comma, as typed in Swedish Excel.
    candidates = [
        row
        for row in rows
        if row["source"] == EXAMPLE_SOURCE
        and isinstance(row["value"], float)
        and not row["value"].is_integer()
    ]
    for row in rng.sample(candidates, 4):
        row["value"] = str(row["value"]).replace(".", ",")
    return rows


def _target(
    ind: DemoIndicator, totals: dict[int, float | None], year: int, first: int, step: float
) -> float | None:
    """Example target: the value of the year before the first target year, changed by `step`
    for every year after it."""
    base = totals.get(first - 1)
    if year < first or base is None:
        return None
    return round(base * (1 + step) ** (year - first + 1), ind.decimals)


def _value_row(
    ind: DemoIndicator, district: str, year: int, sex: str, value: object, source: str
) -> dict[str, object]:
    return {
        "indicator": ind.code,
        "district": district,
        "year": year,
        "value": value,
        "sex": sex,
        "source": source,
    }


def _definition_row(ind: DemoIndicator) -> dict[str, object]:
    direction = {True: domain.YES_WORDS[0], False: domain.NO_WORDS[0], None: None}
    return {
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "higher_is_better": direction[ind.higher_is_better],
        "area": ind.area,
        "source": ind.source,
        "definition": ind.definition,
    }


# --- Workbooks ------------------------------------------------------------------------------


def _write_rows(
    ws: Worksheet,
    sheet: spec.SheetSpec,
    rows: Sequence[dict[str, object]],
    header_row: int = 1,
) -> None:
    write_header(ws, sheet.template_columns, header_row)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, column in enumerate(sheet.template_columns, start=1):
            cell = ws.cell(r, c, row.get(column.key))
            if column.key == "action_no":
                cell.number_format = "@"  # shown as text in Excel: 1.10 is not 1.1


def demo_contact(office: str) -> str:
    """An example address for the reminders: `.example` is reserved (RFC 2606), so no mail
    from the demo can reach anyone."""
    return f"uppfoljning.{office.casefold()}@linkoping.example"


def _workbook(*sheets: spec.SheetSpec) -> tuple[Workbook, list[Worksheet]]:
    """A new workbook with one empty worksheet per sheet spec, named in Swedish."""
    wb = Workbook()
    wb.active.title = sheets[0].sv
    return wb, [wb.active, *(wb.create_sheet(sheet.sv) for sheet in sheets[1:])]


def _plan_workbook(rng: random.Random) -> Workbook:
    wb, (plan, offices, districts, areas) = _workbook(
        spec.PLAN, spec.OFFICES, spec.DISTRICTS, spec.AREAS
    )
    plan["A1"] = PLAN_TITLE
    # The blank second row and the header on the third exercise the importer's header search.
    _write_rows(plan, spec.PLAN, _plan_rows(rng), header_row=3)
    _write_rows(
        offices,
        spec.OFFICES,
        [
            {"code": code, "name": name, "contact_email": demo_contact(code)}
            for code, name in domain.OFFICES
        ],
    )
    _write_rows(
        districts,
        spec.DISTRICTS,
        [
            {
                "code": code,
                "name": name,
                "district_type": kind,
                "region_code": (
                    domain.MUNICIPALITY_CODE
                    if code == domain.MUNICIPALITY
                    else FOCUS_REGSO.get(code)
                ),
            }
            for code, name, kind in domain.DISTRICTS
        ]
        + [
            {
                "code": name,
                "name": name,
                "district_type": domain.COMPARISON_TYPE,
                "region_code": code,
            }
            for code, name in COMPARISON_REGSO
        ],
    )
    _write_rows(
        areas, spec.AREAS, [{"area_no": no, "name": name} for no, name in domain.DEVELOPMENT_AREAS]
    )
    return wb


def _followup_workbook(rng: random.Random) -> Workbook:
    wb, (followup,) = _workbook(spec.FOLLOWUP)
    followup["A1"] = FOLLOWUP_TITLE
    _write_rows(followup, spec.FOLLOWUP, _followup_rows(rng), header_row=3)
    return wb


def _indicators_workbook(rng: random.Random) -> Workbook:
    wb, (values, definitions) = _workbook(spec.INDICATOR_VALUES, spec.INDICATORS)
    _write_rows(values, spec.INDICATOR_VALUES, _indicator_value_rows(rng))
    _write_rows(definitions, spec.INDICATORS, [_definition_row(ind) for ind in INDICATORS])
    return wb


def _wide_indicators_workbook(rng: random.Random) -> Workbook:
    """One indicator's values in wide form, one column per year, as Kolada exports them."""
    wb, (ws, definitions) = _workbook(spec.INDICATOR_VALUES, spec.INDICATORS)
    key_columns = [
        spec.INDICATOR_VALUES.column(k) for k in (*spec.INDICATOR_VALUES_WIDE_KEYS, "source")
    ]
    write_header(ws, key_columns, extra=[str(year) for year in YEARS])
    ind = WIDE_INDICATOR
    rows = []
    for district in DISTRICT_ORDER:
        totals = [_example_value(rng, ind, district, year) for year in YEARS]
        rows.append((district, "T", totals))
        if district == domain.MUNICIPALITY:
            by_sex = [_sex_values(rng, ind, total) for total in totals]
            rows += [(district, sex, [values[sex] for values in by_sex]) for sex in ("K", "M")]
    for r, (district, sex, values) in enumerate(rows, start=2):
        # The indicator by name, as exports write it; the importer matches names too.
        for c, value in enumerate((ind.name, district, sex, EXAMPLE_SOURCE, *values), start=1):
            ws.cell(r, c, value)
    _write_rows(definitions, spec.INDICATORS, [_definition_row(ind)])
    return wb


def _regso_values_workbook(rng: random.Random) -> Workbook:
    """Example values for the RegSO areas around the focus districts, for the map: each area
    keeps one level relative to Linköping's, every year, with a little noise."""
    wb, (ws,) = _workbook(spec.INDICATOR_VALUES)
    by_code = {ind.code: ind for ind in INDICATORS}
    rows = []
    for code in REGSO_INDICATORS:
        ind = by_code[code]
        for _, area in COMPARISON_REGSO:
            relative = rng.uniform(0.45, 1.35)
            for year in REGSO_YEARS:
                municipality = _example_value(rng, ind, domain.MUNICIPALITY, year)
                value = round(municipality * relative, ind.decimals)
                if ind.unit == "%":
                    value = min(100.0, max(0.0, value))
                rows.append(_value_row(ind, area, year, "T", value, EXAMPLE_SOURCE))
    _write_rows(ws, spec.INDICATOR_VALUES, rows)
    return wb


def build_demo_workbooks(out_dir: Path) -> list[Path]:
    """Write the demo workbooks into `out_dir` and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builders = (
        (PLAN_FILE, _plan_workbook),
        (FOLLOWUP_FILE, _followup_workbook),
        (INDICATORS_FILE, _indicators_workbook),
        (WIDE_INDICATORS_FILE, _wide_indicators_workbook),
        (REGSO_VALUES_FILE, _regso_values_workbook),
    )
    paths = []
    for filename, build in builders:
        # One generator per file, so changing one file's data leaves the others unchanged.
        path = out_dir / filename
        path.write_bytes(workbook_bytes(build(random.Random(SEED))))
        paths.append(path)
    return paths


def main() -> None:
    written = build_demo_workbooks(DEMO_DIR)
    TEMPLATES_DIR.mkdir(parents=True, exist_ok=True)
    for kind, filename in TEMPLATE_FILENAMES.items():
        path = TEMPLATES_DIR / filename
        path.write_bytes(build_template(kind))
        written.append(path)
    for path in written:
        print(path.relative_to(ROOT))
