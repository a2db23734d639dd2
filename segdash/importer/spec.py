"""The spreadsheet contract in code: which sheets exist, their names and their columns.

Everything the reader, the validator and the templates know about sheet and column names
comes from here, so the contract in `formats.md` has exactly one copy in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # name used in code and in the normalised frames
    sv: str  # Swedish header, as written in templates
    en: tuple[str, ...] = ()  # accepted English (and other) aliases
    required: bool = False
    help: str = ""  # one line for the template's instructions sheet
    # False: read when present (a reporting round's form has it), but not in the blank template
    in_template: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (self.sv, *self.en)


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # sheet kind: plan, followup, indicator_values, indicators, offices, districts, areas
    sv: str
    en: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.sv, *self.en)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def template_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.in_template)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


PLAN = SheetSpec(
    "plan",
    "Åtgärder",
    ("Actions", "Åtgärdsplan"),
    (
        Column(
            "action_no",
            "Nr",
            ("Id", "Nummer", "Number"),
            True,
            "Åtgärdens nummer, t.ex. 1.4 (unikt inom planåret)",
        ),
        Column(
            "area",
            "Utvecklingsområde",
            ("Development area",),
            True,
            "Nummer 1–5 eller områdets namn",
        ),
        Column("title", "Åtgärd", ("Action", "Titel", "Title"), True, "Kort rubrik"),
        Column("description", "Beskrivning", ("Description",), False, "Fritext"),
        Column(
            "lead_office",
            "Ansvarig förvaltning",
            ("Lead office",),
            True,
            "En förvaltning (kod eller namn)",
        ),
        Column(
            "partner_offices",
            "Samverkande förvaltningar",
            ("Partner offices",),
            False,
            "Förvaltningar åtskilda med ; eller ,",
        ),
        Column(
            "districts",
            "Områden",
            ("Districts",),
            True,
            "Berga, Ryd, Skäggetorp åtskilda med ; eller , – eller Alla",
        ),
        Column("plan_year", "Planår", ("Plan year",), True, "Årtal, t.ex. 2022"),
        Column("start", "Start", (), False, "År eller datum"),
        Column("end", "Slut", ("End",), False, "År eller datum"),
    ),
)

FOLLOWUP = SheetSpec(
    "followup",
    "Uppföljning",
    ("Follow-up", "Followup", "Follow up"),
    (
        Column(
            "action_no",
            "Nr",
            ("Id", "Nummer", "Number"),
            True,
            "Ett åtgärdsnummer som finns i planen",
        ),
        Column(
            "period",
            "Period",
            (),
            True,
            "2022, 2022-T1…T3, 2022-H1/H2, 2022-Q1…Q4, Delår 2022, Helår 2022",
        ),
        Column(
            "status",
            "Status",
            (),
            True,
            "Ej påbörjad, Pågår enligt plan, Pågår med avvikelse, Genomförd, Avbruten",
        ),
        Column("progress", "Andel genomfört", ("Progress",), False, "0–100 (procent)"),
        Column("comment", "Kommentar", ("Comment",), False, "Fritext"),
        Column(
            "lead_office",
            "Ansvarig förvaltning",
            ("Lead office",),
            False,
            "Kontrolleras mot planen",
        ),
        Column(
            "plan_year",
            "Planår",
            ("Plan year",),
            False,
            "Planen som numret avser (annars senaste planen)",
        ),
        # The reporting round's forms carry these. The title is checked against the plan (a
        # warning when it differs) and never imported; the previous follow-up is shown for
        # reference only and ignored.
        Column("title", "Åtgärd", ("Action", "Titel", "Title"), False, "", in_template=False),
        Column("previous_period", "Föregående period", (), False, "", in_template=False),
        Column("previous_status", "Föregående status", (), False, "", in_template=False),
        Column("previous_progress", "Föregående andel genomfört", (), False, "", in_template=False),
        Column("previous_comment", "Föregående kommentar", (), False, "", in_template=False),
    ),
)

INDICATOR_VALUES = SheetSpec(
    "indicator_values",
    "Indikatorvärden",
    ("Indicator values", "Indikatorvarden", "Värden"),
    (
        Column("indicator", "Indikator", ("Indicator",), True, "Indikatorns kod eller namn"),
        Column(
            "district",
            "Område",
            ("District", "Stadsdel"),
            True,
            "Områdets namn, Linköping för hela kommunen",
        ),
        Column("year", "År", ("Year",), True, "Fyrsiffrigt årtal"),
        Column("value", "Värde", ("Value",), True, "Tal; tom cell = saknas"),
        Column("sex", "Kön", ("Sex",), False, "T (totalt), K eller M"),
        Column("target", "Mål", ("Target",), False, "Målvärde för året"),
        Column(
            "source",
            "Källa",
            ("Source",),
            False,
            "Källa för just detta värde (annars indikatorns källa)",
        ),
    ),
)

# Wide form of indicator values: these columns, then one column per year.
INDICATOR_VALUES_WIDE_KEYS = ("indicator", "district", "sex")

# Official statistics as they come (Kolada, SCB's PX-Web, JSON-stat): more header names for the
# indicator-value columns, on top of the ones above.
STAT_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("kpi", "nyckeltal", "mått", "indikatorkod"),
    "district_code": (
        "regionkod",
        "region code",
        "region_code",
        "kommunkod",
        "kommunnummer",
        "kommunnr",
        "municipality_id",
        "municipality code",
        "länskod",
        "länsnummer",
        "regsokod",
        "regso-kod",
        "regso_kod",
        "desokod",
        "deso-kod",
        "deso_kod",
        "områdeskod",
    ),
    "year": ("tid", "period", "year", "år"),
    "sex": ("kön", "gender", "sex"),
    "value": ("värde", "value"),
    "status": ("status",),  # Kolada's per-value status; its markers are in the value cell
}
# Area columns, finest first: when a file has several (Län and Kommun), the finest is the area
# and the others are groupings of it.
AREA_COLUMN_RANKS: dict[str, int] = {
    "deso": 6,
    "regso": 5,
    "område": 4,
    "district": 4,
    "stadsdel": 4,
    "kommun": 3,
    "municipality": 3,
    "kommunnamn": 3,
    "region": 2,
    "län": 1,
    "county": 1,
}

INDICATORS = SheetSpec(
    "indicators",
    "Indikatorer",
    ("Indicators", "Indikatordefinitioner"),
    (
        Column("code", "Kod", ("Code",), True, "Kort kod, t.ex. ARBL"),
        Column("name", "Namn", ("Name",), True, "Indikatorns namn"),
        Column("unit", "Enhet", ("Unit",), False, "t.ex. %, antal"),
        Column("higher_is_better", "Högre är bättre", ("Higher is better",), False, "ja/nej"),
        Column("area", "Utvecklingsområde", ("Development area",), False, "Nummer 1–5 eller namn"),
        Column("source", "Källa", ("Source",), False, "Var värdena kommer ifrån"),
        Column("definition", "Definition", (), False, "Hur indikatorn räknas"),
    ),
)

OFFICES = SheetSpec(
    "offices",
    "Förvaltningar",
    ("Offices",),
    (
        Column("code", "Kod", ("Code",), True, "Kort kod, t.ex. UBF"),
        Column("name", "Namn", ("Name",), True, "Förvaltningens namn"),
        Column(
            "contact_email",
            "Kontakt",
            ("E-post", "Epost", "E-postadress", "E-mail", "Email", "Contact"),
            False,
            "E-postadress för påminnelser i rapporteringen",
        ),
    ),
)

DISTRICTS = SheetSpec(
    "districts",
    "Områden",
    ("Districts",),
    (
        Column("code", "Kod", ("Code",), True, "Områdets kod (oftast namnet)"),
        Column("name", "Namn", ("Name",), True, "Områdets namn"),
        Column("district_type", "Typ", ("Type",), False, "fokus, referens eller jämförelse"),
        Column(
            "region_code",
            "Regionkod",
            ("Region code", "Kommunkod", "RegSO", "DeSO"),
            False,
            "Officiell kod: kommunkod (0580), RegSO- eller DeSO-kod (0580R001)",
        ),
    ),
)

AREAS = SheetSpec(
    "areas",
    "Utvecklingsområden",
    ("Development areas",),
    (
        Column("area_no", "Nr", ("No", "Number", "Nummer"), True, "1–5"),
        Column("name", "Namn", ("Name",), True, "Utvecklingsområdets namn"),
    ),
)

# District boundaries (GeoJSON, GeoPackage): not a sheet, but read into a table of features
# with these columns, so that issues name them like cells.
BOUNDARIES = SheetSpec(
    "boundaries",
    "Områdesgränser",
    ("Boundaries",),
    (
        Column("code", "Regionkod", ("Code",), False, "Områdets officiella kod"),
        Column("name", "Namn", ("Name",), False, "Områdets namn"),
        Column("geometry", "Geometri", ("Geometry",), True, "Polygon eller multipolygon"),
    ),
)

# Order matters for recognition by header: more specific sheets first. Master data first in
# processing, since the other sheets are checked against it.
SHEETS: tuple[SheetSpec, ...] = (
    PLAN,
    FOLLOWUP,
    INDICATOR_VALUES,
    INDICATORS,
    DISTRICTS,
    OFFICES,
    AREAS,
)
PROCESSING_ORDER = (
    "areas",
    "offices",
    "districts",
    "boundaries",
    "indicators",
    "plan",
    "followup",
    "indicator_values",
)
SHEET_BY_KIND = {s.kind: s for s in (*SHEETS, BOUNDARIES)}

# The three kinds of workbook analysts upload, with their templates.
WORKBOOK_KINDS: dict[str, tuple[str, ...]] = {
    "plan": ("plan", "offices", "districts", "areas"),
    "followup": ("followup",),
    "indicators": ("indicator_values", "indicators"),
}
WORKBOOK_KIND_LABELS = {
    "plan": "Åtgärdsplan",
    "followup": "Uppföljning",
    "indicators": "Indikatorer",
}

_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def norm_name(text: object) -> str:
    """Normalise a sheet or column name: case-folded, spaces collapsed, a trailing unit dropped.

    >>> norm_name("  Andel  genomfört (%) ")
    'andel genomfört'
    """
    s = " ".join(str(text).replace("\u00a0", " ").split())
    s = _UNIT_SUFFIX.sub("", s)
    return s.casefold()
