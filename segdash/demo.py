"""Deterministic demo data: example workbooks for the plans, their follow-ups and the indicators.

The real list of actions and the real follow-up figures are not public, so the demo is built on
the public facts the project has (see the facts sheet) and filled out with clearly marked
examples: an example action's title ends with "(exempel)" and its description starts with
"Exempelåtgärd."; an action named in a public source says where in its description; every
indicator value that is not a published figure has the source "Exempelvärde". Everything is
drawn from `random.Random(2020)`, never from the clock, so a rerun writes the same files.

`python -m segdash.demo` regenerates data/demo/ and the blank templates in data/templates/.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from segdash import domain
from segdash.importer import spec
from segdash.templates import TEMPLATE_FILENAMES, build_template, workbook_bytes, write_header

SEED = 2020
ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
TEMPLATES_DIR = ROOT / "data" / "templates"

PLAN_FILE = "atgardsplaner_2021-2023.xlsx"
FOLLOWUP_FILE = "uppfoljningar_2021-2023.xlsx"
INDICATORS_FILE = "indikatorer_2015-2024.xlsx"
WIDE_INDICATORS_FILE = "indikatorer_bred_exempel.xlsx"

EXAMPLE_SOURCE = domain.EXAMPLE_SOURCE
EXAMPLE_TITLE_SUFFIX = " (exempel)"
EXAMPLE_DESCRIPTION_PREFIX = "Exempelåtgärd."

PLAN_TITLE = (
    "Åtgärdsplan mot segregation – exempeldata. Åtgärder märkta (exempel) är påhittade; "
    "övriga är namngivna i offentliga källor (se Beskrivning), men förvaltningar, områden "
    "och år är antagna."
)
FOLLOWUP_TITLE = (
    "Uppföljning – exempeldata. Statusar, andelar och kommentarer är påhittade, utom att "
    "Skäggetorpsskolan avvecklades 2022."
)

# --- Actions --------------------------------------------------------------------------------

PLAN_YEARS = (2021, 2022, 2023)
ALL_PLANS = PLAN_YEARS
ONLY_2021 = (2021,)
FROM_2021_TO_2022 = (2021, 2022)
ONLY_2022 = (2022,)
FROM_2022 = (2022, 2023)
ONLY_2023 = (2023,)

PRESS_RELEASE = "Nämnd i kommunens pressmeddelande december 2020."
PLANS_2022_2023 = "Nämnd i åtgärdsplanerna 2022/2023."
PLAN_2022 = "Nämnd i åtgärdsplanen 2022."
PLAN_2023 = "Nämnd i åtgärdsplanen 2023."

ALL_DISTRICTS = domain.ALL_DISTRICTS_WORDS[0].capitalize()  # "Alla"
OFFICE_CODES = tuple(code for code, _ in domain.OFFICES)


@dataclass(frozen=True)
class DemoAction:
    area: int
    title: str
    description: str
    lead_office: str  # office code
    plan_years: tuple[int, ...]
    public_source: str | None = None  # where a real action is named; None marks an example
    partner_offices: tuple[str, ...] | None = None  # None: drawn for an example
    districts: str | None = None  # as written in the sheet; None: drawn for an example
    outcome: tuple[str, str, str] | None = None  # publicly known (period, status, comment)


def _named(
    area: int,
    lead: str,
    years: tuple[int, ...],
    title: str,
    description: str,
    source: str,
    partners: tuple[str, ...] = (),
    districts: str = ALL_DISTRICTS,
    outcome: tuple[str, str, str] | None = None,
) -> DemoAction:
    return DemoAction(area, title, description, lead, years, source, partners, districts, outcome)


def _example(
    area: int, lead: str, years: tuple[int, ...], title: str, description: str
) -> DemoAction:
    return DemoAction(area, title, description, lead, years)


# Within an area, actions are numbered in the order they appear here: those of the first plan,
# then those added later. A number is never reused, so a carried-over action keeps its number
# and an action that replaces another gets a new one.
ACTIONS: tuple[DemoAction, ...] = (
    # 1 Ökad trygghet, gemenskap och delaktighet i samhället
    _named(1, "KLF", ALL_PLANS, "Områdesteam med blandad kompetens",
           "Områdesteam med blandad kompetens som möter invånare vid behov, med fokus på att "
           "förebygga brott.", PRESS_RELEASE, ("SOF", "UBF", "KFF")),
    _named(1, "KLF", ALL_PLANS, "Lokala brottsförebyggande grupper",
           "Lokala grupper med praktiskt ansvar för det brottsförebyggande arbetet och "
           "trygghetsarbetet.", PRESS_RELEASE, ("SBF", "SOF")),
    _example(1, "KLF", ONLY_2021, "Trygghetsvandringar med boende och fastighetsägare",
             "Gemensamma kvällsvandringar för att hitta otrygga platser och åtgärda dem."),
    _example(1, "KLF", ALL_PLANS, "Medborgardialoger i stadsdelarna",
             "Återkommande dialoger där boende lämnar synpunkter på kommunens arbete."),
    _example(1, "KFF", FROM_2021_TO_2022, "Föreningsdriven mötesplats för vuxna",
             "Stöd till en öppen mötesplats som drivs av lokala föreningar."),
    _example(1, "SOF", ALL_PLANS, "Nattvandring med vuxna volontärer",
             "Samordning och utbildning av vuxna som nattvandrar helger och lov."),
    _example(1, "IAF", ALL_PLANS, "Samhällsinformation på flera språk",
             "Information om samhället och kommunens service på områdets vanligaste språk."),
    _example(1, "SOF", ALL_PLANS, "Fältassistenter i skolornas närområde",
             "Fältassistenter som möter unga kvällstid och samverkar med skolan."),
    _example(1, "KFF", ONLY_2021, "Ungdomsråd i fokusområdena",
             "Ett råd där unga kan påverka frågor som rör deras stadsdel."),
    _example(1, "KLF", ALL_PLANS, "Bidrag till lokala initiativ för gemenskap",
             "Enkel ansökan om mindre bidrag till grannaktiviteter och gårdsfester."),
    _example(1, "SOF", FROM_2021_TO_2022, "Förebyggande samtal med unga i riskzon",
             "Strukturerade samtal med unga som riskerar att dras in i kriminalitet."),
    _example(1, "KLF", ALL_PLANS, "Tolkstöd vid kommunens öppna möten",
             "Tolk vid informationsmöten så att fler kan delta."),
    _named(1, "KLF", FROM_2022, "Kamerabevakning",
           "Kamerabevakning som en del av trygghetsarbetet.", PLANS_2022_2023),
    _named(1, "KLF", ONLY_2022, "Närmare samverkan med polisen i Skäggetorp",
           "Fördjupad samverkan mellan kommunen och polisen i Skäggetorp.", PLAN_2022,
           districts="Skäggetorp"),
    # 2 Fler i arbete eller meningsfull sysselsättning
    _named(2, "IAF", ALL_PLANS, "Arbetsmarknadsåtgärder för fler än 500 personer per år",
           "Kommunen tar emot fler än 500 personer om året i arbetsmarknadsåtgärder, och alla "
           "nämnder bidrar med platser.", PRESS_RELEASE,
           tuple(code for code in OFFICE_CODES if code != "IAF")),
    _named(2, "IAF", ALL_PLANS, "Lokal driftsorganisation som ger boende jobb",
           "Boende i områdena anställs för att till exempel sköta utemiljöer (rör även "
           "utvecklingsområde 4).", PRESS_RELEASE, ("UTF", "SBF")),
    _example(2, "IAF", ALL_PLANS, "Språkpraktik med yrkessvenska",
             "Praktikplatser där svenskundervisningen knyts till ett yrke."),
    _example(2, "IAF", FROM_2021_TO_2022, "Jobbtorg i stadsdelen",
             "Arbetsförmedlande träffpunkt med öppettider i stadsdelen."),
    _example(2, "IAF", ALL_PLANS, "Sommarjobb för ungdomar 16–19 år",
             "Feriearbeten i kommunen och hos lokala företag."),
    _example(2, "KLF", ALL_PLANS, "Samverkan med näringslivet om praktikplatser",
             "Överenskommelser med företag om praktik och introduktionsjobb."),
    _example(2, "IAF", ONLY_2021, "Validering av utländsk yrkeserfarenhet",
             "Stöd att få tidigare yrkeserfarenhet bedömd och erkänd."),
    _example(2, "IAF", ALL_PLANS, "Kommunala extratjänster",
             "Tidsbegränsade anställningar i kommunens verksamheter som steg mot arbete."),
    _example(2, "UBF", ALL_PLANS, "Studie- och yrkesvägledning för vuxna",
             "Vägledning på plats i stadsdelen om utbildning och arbete."),
    _example(2, "IAF", ALL_PLANS, "Stöd till kvinnor som står långt från arbetsmarknaden",
             "Särskilt upplägg med barnomsorg under aktiviteterna."),
    _example(2, "IAF", FROM_2021_TO_2022, "Lokala rekryteringsträffar",
             "Träffar där arbetsgivare möter arbetssökande i området."),
    _example(2, "KLF", ALL_PLANS, "Sociala krav i kommunens upphandlingar",
             "Krav på praktik eller anställning för personer utan arbete vid större "
             "upphandlingar."),
    _named(2, "KLF", FROM_2022, "Stöd till entreprenörskap",
           "Stöd till boende som vill starta och driva företag.", PLANS_2022_2023),
    _example(2, "IAF", ONLY_2023, "Digital kompetens för arbetssökande",
             "Kurser i de digitala verktyg som krävs i arbetslivet."),
    # 3 Utbildning för att barn och vuxna ska nå sin fulla potential
    _example(3, "UBF", ALL_PLANS, "Läxhjälp med bibliotek och föreningar",
             "Läxhjälp efter skoltid flera dagar i veckan."),
    _example(3, "UBF", ALL_PLANS, "Fler barn i förskolan",
             "Uppsökande arbete så att fler barn till nyanlända börjar i förskolan."),
    _example(3, "UBF", ALL_PLANS, "Språkutvecklande arbetssätt i förskolan",
             "Kompetensutveckling för personalen i språkutvecklande arbetssätt."),
    _example(3, "UBF", FROM_2021_TO_2022, "Sommarskola för elever i åk 6–9",
             "Frivillig undervisning på sommarlovet för elever som behöver nå målen."),
    _example(3, "UBF", ALL_PLANS, "Studiecoacher på gymnasiet",
             "Stöd för elever som riskerar att inte ta examen."),
    _example(3, "UBF", ONLY_2021, "Modersmålsstöd i fritidshemmet",
             "Stöd på modersmålet i fritidshemmets verksamhet."),
    _example(3, "IAF", ALL_PLANS, "Sfi för föräldrar i skolans lokaler",
             "Svenska för invandrare på tider och platser som passar föräldrar med små barn."),
    _example(3, "SOF", ALL_PLANS, "Familjecentral",
             "Samlad verksamhet för småbarnsfamiljer med öppen förskola och barnhälsovård."),
    _example(3, "UBF", ONLY_2021, "Lovskola i matematik",
             "Intensivkurs i matematik under påsk- och höstlov."),
    _example(3, "KFF", ALL_PLANS, "Läsfrämjande insatser för barn 0–6 år",
             "Bokpåsar och sagostunder på bibliotek och i förskolan."),
    _example(3, "UBF", FROM_2021_TO_2022, "Yrkesinriktad vuxenutbildning i stadsdelen",
             "Yrkesutbildningar kombinerade med svenska, på plats i stadsdelen."),
    _example(3, "UBF", ALL_PLANS, "Fler behöriga lärare i fokusområdenas skolor",
             "Riktad rekrytering och kompetensutveckling av lärare."),
    _named(3, "SOF", FROM_2022, "Föräldraskapsstöd",
           "Kurser i föräldraskapsstöd.", PLANS_2022_2023, ("UBF",)),
    _named(3, "UBF", ONLY_2022, "Avveckling av Skäggetorpsskolan",
           "Skäggetorpsskolan stängs och eleverna flyttas till andra skolor.", PLAN_2022,
           districts="Skäggetorp",
           outcome=("2022", "done",
                    "Skolan är stängd och eleverna har flyttats till andra skolor.")),
    _named(3, "UBF", ONLY_2023, "Samverkan så att skolor upptäcker barn i risk för avhopp",
           "Samverkan så att skolan tidigt upptäcker barn som riskerar att hoppa av skolan.",
           PLAN_2023, ("SOF",)),
    # 4 Trivsamma livsmiljöer för ett sammanhållet Linköping
    _example(4, "SBF", ALL_PLANS, "Upprustning av lekplatser",
             "Nya lekredskap och bättre belysning på lekplatser."),
    _example(4, "SBF", ALL_PLANS, "Belysning längs gång- och cykelvägar",
             "Bättre belysning där boende upplever otrygghet."),
    _example(4, "SBF", ALL_PLANS, "Blandade upplåtelseformer vid nybyggnation",
             "Fler bostadsrätter och äganderätter i områden med mest hyresrätter."),
    _example(4, "SBF", ONLY_2021, "Städdagar med bostadsbolagen",
             "Gemensamma städdagar med boende och fastighetsägare."),
    _example(4, "UTF", ALL_PLANS, "Sanering av klotter och skräp inom ett dygn",
             "Snabb sanering för att motverka otrygghet."),
    _example(4, "SBF", FROM_2021_TO_2022, "Odlingslotter och stadsodling",
             "Odlingsytor som boende kan hyra."),
    _example(4, "SBF", ALL_PLANS, "Bättre kollektivtrafikförbindelser",
             "Dialog med regionen om turtäthet och hållplatser."),
    _example(4, "SBF", ALL_PLANS, "Trygga skolvägar",
             "Säkrare övergångsställen och belysning på skolvägarna."),
    _example(4, "SBF", ALL_PLANS, "Utvecklingsplan för stadsdelscentrum",
             "Samlad planering av handel, service och mötesplatser i centrum."),
    _example(4, "SBF", ONLY_2021, "Energirådgivning till boende",
             "Rådgivning om hur boendekostnaderna kan sänkas."),
    _example(4, "SOF", FROM_2021_TO_2022, "Trapphusträffar om boendemiljön",
             "Boendeträffar tillsammans med bostadsbolagen."),
    _example(4, "KFF", ALL_PLANS, "Konst i offentliga miljöer",
             "Konstnärlig gestaltning som tas fram tillsammans med boende."),
    _named(4, "SBF", FROM_2022, "Trivsamma utemiljöer",
           "Insatser för trivsamma utemiljöer i områdena.", PLANS_2022_2023, ("UTF",)),
    _example(4, "SBF", FROM_2022, "Gröna stråk och parkupprustning",
             "Upprustning av parker och gröna stråk mellan bostadsområdena."),
    # 5 En rikare fritid för alla
    _example(5, "KFF", ALL_PLANS, "Avgiftsfria sommarlovsaktiviteter",
             "Aktiviteter för barn och unga under sommarlovet utan kostnad."),
    _example(5, "KFF", ALL_PLANS, "Familjeaktiviteter på helger",
             "Helgaktiviteter för hela familjen i stadsdelens lokaler."),
    _example(5, "KFF", ALL_PLANS, "Längre öppettider på fritidsgården",
             "Fritidsgården håller öppet fler kvällar och på loven."),
    _example(5, "KFF", ALL_PLANS, "Prova-på-aktiviteter med idrottsföreningar",
             "Föreningar erbjuder kostnadsfria prova-på-tillfällen."),
    _example(5, "KFF", ALL_PLANS, "Stöd till föreningar som når nya grupper",
             "Riktat bidrag till föreningar som rekryterar barn från området."),
    _example(5, "SBF", FROM_2021_TO_2022, "Spontanidrottsplats",
             "En ny aktivitetsyta för spontanidrott."),
    _example(5, "KFF", ALL_PLANS, "Simundervisning för barn och vuxna",
             "Extra simskola för dem som inte har lärt sig simma."),
    _example(5, "KFF", ONLY_2021, "Fritidsbank",
             "Gratis lån av sport- och fritidsutrustning."),
    _example(5, "SOF", ALL_PLANS, "Mötesplats för äldre",
             "Träffpunkt med aktiviteter för äldre i stadsdelen."),
    _example(5, "KFF", ALL_PLANS, "Kulturskolan i stadsdelen",
             "Kulturskolans kurser på plats i området."),
    _example(5, "KFF", FROM_2021_TO_2022, "Tjejkvällar på fritidsgården",
             "Särskilda kvällar och aktiviteter för tjejer."),
    _example(5, "KFF", ALL_PLANS, "Biblioteket som mötesplats",
             "Längre öppettider och mer programverksamhet på biblioteket."),
    _named(5, "KFF", FROM_2022, "Kulturaktiviteter för barn och unga",
           "Kulturaktiviteter för barn och unga i områdena.", PLANS_2022_2023),
)  # fmt: skip


def _numbered() -> list[tuple[str, DemoAction]]:
    """Every demo action with its number "area.n"."""
    counts = dict.fromkeys(range(1, 6), 0)
    numbered = []
    for action in ACTIONS:
        counts[action.area] += 1
        numbered.append((f"{action.area}.{counts[action.area]}", action))
    return numbered


NUMBERED_ACTIONS = _numbered()


def plan_actions(plan_year: int) -> list[tuple[str, DemoAction]]:
    """The numbered actions of one plan year, in number order."""
    return [(no, a) for no, a in NUMBERED_ACTIONS if plan_year in a.plan_years]


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


# --- Indicators -----------------------------------------------------------------------------

YEARS = tuple(range(2015, 2025))
DISTRICT_ORDER = (*domain.FOCUS_DISTRICTS, domain.MUNICIPALITY)

# The published figures (facts sheet), each with its source exactly as stated there. Sources
# given in English in the facts sheet are translated; a missing year is said so in the source.
SRC_UNEMPLOYMENT = "Linköpings kommun, Linköping i siffror, arbetslöshet per stadsdel"
SRC_KOHESIO = "EU:s projektdatabas Kohesio, projektsidan om Linköpings arbete i Skäggetorp"
SRC_ECONOMIC_STANDARD = "Linköpings kommun, Linköping i siffror, ekonomisk standard"
SRC_POPULATION = (
    "Linköpings kommun, Linköping i siffror, befolkning per stadsdel. "
    "Året anges inte i källan; här lagt på 2024."
)
SRC_SCHOOL = (
    "Lokala nyheter, jämförelse av skolor. Avser skolan Skäggetorpsskolan (åk 9), inte hela "
    "stadsdelen. Året anges inte i källan; här lagt på 2021."
)
SRC_POLICE = "Polisens lista över utsatta områden"
SRC_NOT_STATED = "Ingen uppgift i underlaget"

REAL_VALUES: tuple[tuple[str, str, int, float, str], ...] = (
    # (indicator, district, year, value, source)
    ("ARBL", "Skäggetorp", 2020, 18.3, SRC_UNEMPLOYMENT),
    ("ARBL", "Berga", 2020, 10.7, SRC_UNEMPLOYMENT),
    ("ARBL", "Ryd", 2020, 6.5, SRC_UNEMPLOYMENT),
    ("LAGEKB", "Skäggetorp", 2020, 73.1, SRC_KOHESIO),
    ("LAGEKB", "Linköping", 2020, 19.6, SRC_KOHESIO),
    ("LAGEK", "Linköping", 2021, 16.5, SRC_ECONOMIC_STANDARD),
    ("LAGEKB", "Linköping", 2021, 19.8, SRC_ECONOMIC_STANDARD),
    ("BEF", "Skäggetorp", 2024, 10070.0, SRC_POPULATION),
    ("BEF", "Ryd", 2024, 9147.0, SRC_POPULATION),
    ("KLARA", "Skäggetorp", 2021, 34.6, SRC_SCHOOL),
    ("BEHGY", "Skäggetorp", 2021, 39.7, SRC_SCHOOL),
    *(("UTSATT", "Skäggetorp", year, 1.0, SRC_POLICE) for year in YEARS),
)
# Left empty rather than invented: the facts say nothing about Berga and Ryd on that list.
UNSTATED = (("UTSATT", "Berga"), ("UTSATT", "Ryd"))
# Example values deliberately missing, to show gaps as gaps.
EXAMPLE_GAPS = {("TRANG", "Berga", 2016), ("FORV", "Ryd", 2024)}
# Example targets for the focus districts: (indicator, first target year, relative change per
# year from the value of the year before the first target year).
TARGETS = (
    ("ARBL", 2022, -0.06),
    ("FORV", 2022, 0.01),
    ("KLARA", 2022, 0.04),
    ("TRYGG", 2023, 0.03),
)


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    unit: str
    higher_is_better: bool | None
    area: int
    source: str  # where real values of this indicator come from
    definition: str
    levels: dict[str, float]  # example level per district in ref_year
    ref_year: int = 2020
    trend: float = 0.0  # relative change per year
    year_factor: dict[int, float] = field(default_factory=dict)  # e.g. the pandemic years
    noise: float = 0.02  # relative standard deviation of the yearly noise
    decimals: int = 1
    years: tuple[int, ...] = YEARS
    sex_gap: float | None = None  # men minus women; K and M rows only when set


def _levels(berga: float, ryd: float, skaggetorp: float, linkoping: float) -> dict[str, float]:
    return dict(zip(DISTRICT_ORDER, (berga, ryd, skaggetorp, linkoping), strict=True))


INDICATORS: tuple[DemoIndicator, ...] = (
    DemoIndicator(
        "TRYGG", "Trygga utomhus kvällstid", "%", True, 1, "Trygghetsmätning (enkät)",
        "Andel svarande som känner sig trygga när de går ut ensamma sent en kväll i sitt "
        "bostadsområde.",
        _levels(58, 62, 45, 74), trend=0.01, sex_gap=14,
    ),
    DemoIndicator(
        "VALD", "Valdeltagande i kommunvalet", "%", True, 1, "Valmyndigheten / SCB",
        "Andel röstande av de röstberättigade i valet till kommunfullmäktige. Val hålls vart "
        "fjärde år.",
        _levels(68, 70, 55, 85), trend=-0.005, noise=0.01, years=(2018, 2022),
    ),
    DemoIndicator(
        "UTSATT", "Polisens klassning som särskilt utsatt område (1 = ja)", "1 = ja", False, 1,
        SRC_POLICE,
        "1 om området finns med som särskilt utsatt område i Polisens lista över utsatta "
        "områden. Tomt där underlaget saknar uppgift.",
        {},  # only published values, no examples
    ),
    DemoIndicator(
        "ARBL", "Arbetslöshet 18–64 år", "%", False, 2,
        "Arbetsförmedlingen / Linköping i siffror",
        "Andel av befolkningen 18–64 år som är inskrivna arbetslösa hos Arbetsförmedlingen "
        "(öppet arbetslösa och i program med aktivitetsstöd), mätt i mars.",
        _levels(10.7, 6.5, 18.3, 7.0), sex_gap=1.0,
        year_factor={2015: 1.0, 2016: 0.97, 2017: 0.93, 2018: 0.9, 2019: 0.9, 2021: 1.02,
                     2022: 0.86, 2023: 0.85, 2024: 0.9},
    ),
    DemoIndicator(
        "FORV", "Förvärvsfrekvens 20–64 år", "%", True, 2, "SCB / Linköping i siffror",
        "Andel av befolkningen 20–64 år som förvärvsarbetar enligt SCB:s registerbaserade "
        "arbetsmarknadsstatistik (november).",
        _levels(66, 52, 50, 78), trend=0.004, sex_gap=6,
    ),
    DemoIndicator(
        "EKBI", "Invånare med ekonomiskt bistånd", "%", False, 2,
        "Kommunens statistik över ekonomiskt bistånd",
        "Andel invånare i hushåll som har fått ekonomiskt bistånd någon gång under året.",
        _levels(9, 5, 17, 3.8), trend=-0.03,
    ),
    DemoIndicator(
        "LAGEK", "Personer med låg ekonomisk standard", "%", False, 2,
        "SCB / Linköping i siffror",
        "Andel personer i hushåll med disponibel inkomst per konsumtionsenhet under 60 % av "
        "medianvärdet för riket.",
        _levels(30, 38, 52, 16.5), ref_year=2021, trend=0.005,
    ),
    DemoIndicator(
        "KLARA", "Elever i åk 9 som klarat alla ämnen", "%", True, 3,
        "Skolverket / Linköping i siffror",
        "Andel elever i åk 9 med lägst betyget E i alla ämnen, efter elevens "
        "folkbokföringsområde.",
        _levels(62, 72, 34.6, 80), ref_year=2021, trend=0.006,
    ),
    DemoIndicator(
        "BEHGY", "Behörighet till gymnasiets yrkesprogram", "%", True, 3,
        "Skolverket / Linköping i siffror",
        "Andel elever i åk 9 som är behöriga till ett yrkesprogram på gymnasiet, efter "
        "elevens folkbokföringsområde.",
        _levels(70, 80, 39.7, 88), ref_year=2021, trend=0.005,
    ),
    DemoIndicator(
        "EFTERG", "Eftergymnasial utbildning 25–64 år", "%", True, 3,
        "SCB / Linköping i siffror",
        "Andel av befolkningen 25–64 år med eftergymnasial utbildning.",
        _levels(32, 58, 24, 50), trend=0.01,
    ),
    DemoIndicator(
        "LAGEKB", "Barn 0–17 år i hushåll med låg ekonomisk standard", "%", False, 3,
        "SCB / Linköping i siffror",
        "Andel barn 0–17 år i hushåll med disponibel inkomst per konsumtionsenhet under 60 % "
        "av medianvärdet för riket.",
        _levels(45, 30, 73.1, 19.6), trend=0.01,
    ),
    DemoIndicator(
        "TRANG", "Trångboddhet", "%", False, 4, "SCB / Linköping i siffror",
        "Andel personer som bor trångt enligt norm 2: fler än två personer per sovrum, kök och "
        "vardagsrum oräknade.",
        _levels(24, 20, 36, 12), trend=0.01,
    ),
    DemoIndicator(
        "BEF", "Befolkning", "antal", None, 4, "SCB / Linköping i siffror",
        "Antal folkbokförda invånare den 31 december.",
        _levels(4800, 9147, 10070, 167000), ref_year=2024, trend=0.008, noise=0.003,
        decimals=0,
    ),
    DemoIndicator(
        "FLYTT", "Utflyttning från området", "%", False, 4, "SCB / Linköping i siffror",
        "Andel av befolkningen som har flyttat ut från området under året.",
        _levels(12, 24, 14, 10), trend=-0.005,
    ),
    DemoIndicator(
        "FRITID", "Unga i organiserad fritidsaktivitet", "%", True, 5,
        "Elevenkät om hälsa och fritid",
        "Andel elever i åk 8 som deltar i en organiserad fritidsaktivitet minst en gång i "
        "veckan. Enkäten görs vartannat år.",
        _levels(52, 58, 42, 66), trend=0.005, year_factor={2021: 0.85},
        years=(2015, 2017, 2019, 2021, 2023),
    ),
    DemoIndicator(
        "LOK", "Deltagartillfällen i föreningslivet 7–20 år", "per invånare", True, 5,
        "Kommunens statistik över lokalt aktivitetsstöd (LOK-stöd)",
        "Antal deltagartillfällen med LOK-stöd per invånare 7–20 år och år.",
        _levels(11, 13, 7, 19), trend=0.01, year_factor={2020: 0.65, 2021: 0.7},
    ),
)  # fmt: skip

# The extra indicator of the wide-form file. Its definition names the real source; its values
# are examples, and each row's Källa says so.
WIDE_INDICATOR = DemoIndicator(
    "OHAL", "Ohälsotal", "dagar", False, 2, "Försäkringskassan (via Kolada)",
    "Antal utbetalda dagar med sjukpenning, sjuk- och aktivitetsersättning m.m. per "
    "registrerad försäkrad 16–64 år. Verklig källa: Försäkringskassan (via Kolada).",
    _levels(30, 15, 40, 22), trend=-0.03, sex_gap=-9,
)  # fmt: skip


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
                    _value_row(ind, district, year, "T", None, SRC_NOT_STATED)
                    for year in ind.years
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
    write_header(ws, sheet.columns, header_row)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(r, c, row.get(column.key))
            if column.key == "action_no":
                cell.number_format = "@"  # shown as text in Excel: 1.10 is not 1.1


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
        offices, spec.OFFICES, [{"code": code, "name": name} for code, name in domain.OFFICES]
    )
    _write_rows(
        districts,
        spec.DISTRICTS,
        [
            {"code": code, "name": name, "district_type": kind,
             "region_code": domain.MUNICIPALITY_CODE if code == domain.MUNICIPALITY else None}
            for code, name, kind in domain.DISTRICTS
        ],  # fmt: skip
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
    key_columns = [spec.INDICATOR_VALUES.column(k)
                   for k in (*spec.INDICATOR_VALUES_WIDE_KEYS, "source")]  # fmt: skip
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


def build_demo_workbooks(out_dir: Path) -> list[Path]:
    """Write the demo workbooks into `out_dir` and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builders = (
        (PLAN_FILE, _plan_workbook),
        (FOLLOWUP_FILE, _followup_workbook),
        (INDICATORS_FILE, _indicators_workbook),
        (WIDE_INDICATORS_FILE, _wide_indicators_workbook),
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


if __name__ == "__main__":
    main()
