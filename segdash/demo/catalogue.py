"""The demo's catalogue: the actions, indicators, published figures and sources it is built on.

The real list of actions and the real follow-up figures are not public, so the demo is built on
the public facts the project has (see the facts sheet) and filled out with clearly marked
examples: an example action's title ends with "(exempel)" and its description starts with
"Exempelåtgärd."; an action named in a public source says where in its description; every
indicator value that is not a published figure has the source "Exempelvärde".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from segdash import domain

SEED = 2020
ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "data" / "demo"
TEMPLATES_DIR = ROOT / "data" / "templates"

PLAN_FILE = "atgardsplaner_2021-2023.xlsx"
# SCB's RegSO 2025 boundaries for Linköping (open geodata, CC0; "Källa: SCB"), as SCB publishes
# them in WGS84: imported through the importer like any boundary file.
BOUNDARY_FILE = "omradesgranser_regso_2025.geojson"
REGSO_VALUES_FILE = "indikatorer_regso_exempel.xlsx"
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
    _named(
        1,
        "KLF",
        ALL_PLANS,
        "Områdesteam med blandad kompetens",
        "Områdesteam med blandad kompetens som möter invånare vid behov, med fokus på att "
        "förebygga brott.",
        PRESS_RELEASE,
        ("SOF", "UBF", "KFF"),
    ),
    _named(
        1,
        "KLF",
        ALL_PLANS,
        "Lokala brottsförebyggande grupper",
        "Lokala grupper med praktiskt ansvar för det brottsförebyggande arbetet och "
        "trygghetsarbetet.",
        PRESS_RELEASE,
        ("SBF", "SOF"),
    ),
    _example(
        1,
        "KLF",
        ONLY_2021,
        "Trygghetsvandringar med boende och fastighetsägare",
        "Gemensamma kvällsvandringar för att hitta otrygga platser och åtgärda dem.",
    ),
    _example(
        1,
        "KLF",
        ALL_PLANS,
        "Medborgardialoger i stadsdelarna",
        "Återkommande dialoger där boende lämnar synpunkter på kommunens arbete.",
    ),
    _example(
        1,
        "KFF",
        FROM_2021_TO_2022,
        "Föreningsdriven mötesplats för vuxna",
        "Stöd till en öppen mötesplats som drivs av lokala föreningar.",
    ),
    _example(
        1,
        "SOF",
        ALL_PLANS,
        "Nattvandring med vuxna volontärer",
        "Samordning och utbildning av vuxna som nattvandrar helger och lov.",
    ),
    _example(
        1,
        "IAF",
        ALL_PLANS,
        "Samhällsinformation på flera språk",
        "Information om samhället och kommunens service på områdets vanligaste språk.",
    ),
    _example(
        1,
        "SOF",
        ALL_PLANS,
        "Fältassistenter i skolornas närområde",
        "Fältassistenter som möter unga kvällstid och samverkar med skolan.",
    ),
    _example(
        1,
        "KFF",
        ONLY_2021,
        "Ungdomsråd i fokusområdena",
        "Ett råd där unga kan påverka frågor som rör deras stadsdel.",
    ),
    _example(
        1,
        "KLF",
        ALL_PLANS,
        "Bidrag till lokala initiativ för gemenskap",
        "Enkel ansökan om mindre bidrag till grannaktiviteter och gårdsfester.",
    ),
    _example(
        1,
        "SOF",
        FROM_2021_TO_2022,
        "Förebyggande samtal med unga i riskzon",
        "Strukturerade samtal med unga som riskerar att dras in i kriminalitet.",
    ),
    _example(
        1,
        "KLF",
        ALL_PLANS,
        "Tolkstöd vid kommunens öppna möten",
        "Tolk vid informationsmöten så att fler kan delta.",
    ),
    _named(
        1,
        "KLF",
        FROM_2022,
        "Kamerabevakning",
        "Kamerabevakning som en del av trygghetsarbetet.",
        PLANS_2022_2023,
    ),
    _named(
        1,
        "KLF",
        ONLY_2022,
        "Närmare samverkan med polisen i Skäggetorp",
        "Fördjupad samverkan mellan kommunen och polisen i Skäggetorp.",
        PLAN_2022,
        districts="Skäggetorp",
    ),
    # 2 Fler i arbete eller meningsfull sysselsättning
    _named(
        2,
        "IAF",
        ALL_PLANS,
        "Arbetsmarknadsåtgärder för fler än 500 personer per år",
        "Kommunen tar emot fler än 500 personer om året i arbetsmarknadsåtgärder, och alla "
        "nämnder bidrar med platser.",
        PRESS_RELEASE,
        tuple(code for code in OFFICE_CODES if code != "IAF"),
    ),
    _named(
        2,
        "IAF",
        ALL_PLANS,
        "Lokal driftsorganisation som ger boende jobb",
        "Boende i områdena anställs för att till exempel sköta utemiljöer (rör även "
        "utvecklingsområde 4).",
        PRESS_RELEASE,
        ("UTF", "SBF"),
    ),
    _example(
        2,
        "IAF",
        ALL_PLANS,
        "Språkpraktik med yrkessvenska",
        "Praktikplatser där svenskundervisningen knyts till ett yrke.",
    ),
    _example(
        2,
        "IAF",
        FROM_2021_TO_2022,
        "Jobbtorg i stadsdelen",
        "Arbetsförmedlande träffpunkt med öppettider i stadsdelen.",
    ),
    _example(
        2,
        "IAF",
        ALL_PLANS,
        "Sommarjobb för ungdomar 16–19 år",
        "Feriearbeten i kommunen och hos lokala företag.",
    ),
    _example(
        2,
        "KLF",
        ALL_PLANS,
        "Samverkan med näringslivet om praktikplatser",
        "Överenskommelser med företag om praktik och introduktionsjobb.",
    ),
    _example(
        2,
        "IAF",
        ONLY_2021,
        "Validering av utländsk yrkeserfarenhet",
        "Stöd att få tidigare yrkeserfarenhet bedömd och erkänd.",
    ),
    _example(
        2,
        "IAF",
        ALL_PLANS,
        "Kommunala extratjänster",
        "Tidsbegränsade anställningar i kommunens verksamheter som steg mot arbete.",
    ),
    _example(
        2,
        "UBF",
        ALL_PLANS,
        "Studie- och yrkesvägledning för vuxna",
        "Vägledning på plats i stadsdelen om utbildning och arbete.",
    ),
    _example(
        2,
        "IAF",
        ALL_PLANS,
        "Stöd till kvinnor som står långt från arbetsmarknaden",
        "Särskilt upplägg med barnomsorg under aktiviteterna.",
    ),
    _example(
        2,
        "IAF",
        FROM_2021_TO_2022,
        "Lokala rekryteringsträffar",
        "Träffar där arbetsgivare möter arbetssökande i området.",
    ),
    _example(
        2,
        "KLF",
        ALL_PLANS,
        "Sociala krav i kommunens upphandlingar",
        "Krav på praktik eller anställning för personer utan arbete vid större upphandlingar.",
    ),
    _named(
        2,
        "KLF",
        FROM_2022,
        "Stöd till entreprenörskap",
        "Stöd till boende som vill starta och driva företag.",
        PLANS_2022_2023,
    ),
    _example(
        2,
        "IAF",
        ONLY_2023,
        "Digital kompetens för arbetssökande",
        "Kurser i de digitala verktyg som krävs i arbetslivet.",
    ),
    # 3 Utbildning för att barn och vuxna ska nå sin fulla potential
    _example(
        3,
        "UBF",
        ALL_PLANS,
        "Läxhjälp med bibliotek och föreningar",
        "Läxhjälp efter skoltid flera dagar i veckan.",
    ),
    _example(
        3,
        "UBF",
        ALL_PLANS,
        "Fler barn i förskolan",
        "Uppsökande arbete så att fler barn till nyanlända börjar i förskolan.",
    ),
    _example(
        3,
        "UBF",
        ALL_PLANS,
        "Språkutvecklande arbetssätt i förskolan",
        "Kompetensutveckling för personalen i språkutvecklande arbetssätt.",
    ),
    _example(
        3,
        "UBF",
        FROM_2021_TO_2022,
        "Sommarskola för elever i åk 6–9",
        "Frivillig undervisning på sommarlovet för elever som behöver nå målen.",
    ),
    _example(
        3,
        "UBF",
        ALL_PLANS,
        "Studiecoacher på gymnasiet",
        "Stöd för elever som riskerar att inte ta examen.",
    ),
    _example(
        3,
        "UBF",
        ONLY_2021,
        "Modersmålsstöd i fritidshemmet",
        "Stöd på modersmålet i fritidshemmets verksamhet.",
    ),
    _example(
        3,
        "IAF",
        ALL_PLANS,
        "Sfi för föräldrar i skolans lokaler",
        "Svenska för invandrare på tider och platser som passar föräldrar med små barn.",
    ),
    _example(
        3,
        "SOF",
        ALL_PLANS,
        "Familjecentral",
        "Samlad verksamhet för småbarnsfamiljer med öppen förskola och barnhälsovård.",
    ),
    _example(
        3,
        "UBF",
        ONLY_2021,
        "Lovskola i matematik",
        "Intensivkurs i matematik under påsk- och höstlov.",
    ),
    _example(
        3,
        "KFF",
        ALL_PLANS,
        "Läsfrämjande insatser för barn 0–6 år",
        "Bokpåsar och sagostunder på bibliotek och i förskolan.",
    ),
    _example(
        3,
        "UBF",
        FROM_2021_TO_2022,
        "Yrkesinriktad vuxenutbildning i stadsdelen",
        "Yrkesutbildningar kombinerade med svenska, på plats i stadsdelen.",
    ),
    _example(
        3,
        "UBF",
        ALL_PLANS,
        "Fler behöriga lärare i fokusområdenas skolor",
        "Riktad rekrytering och kompetensutveckling av lärare.",
    ),
    _named(
        3,
        "SOF",
        FROM_2022,
        "Föräldraskapsstöd",
        "Kurser i föräldraskapsstöd.",
        PLANS_2022_2023,
        ("UBF",),
    ),
    _named(
        3,
        "UBF",
        ONLY_2022,
        "Avveckling av Skäggetorpsskolan",
        "Skäggetorpsskolan stängs och eleverna flyttas till andra skolor.",
        PLAN_2022,
        districts="Skäggetorp",
        outcome=("2022", "done", "Skolan är stängd och eleverna har flyttats till andra skolor."),
    ),
    _named(
        3,
        "UBF",
        ONLY_2023,
        "Samverkan så att skolor upptäcker barn i risk för avhopp",
        "Samverkan så att skolan tidigt upptäcker barn som riskerar att hoppa av skolan.",
        PLAN_2023,
        ("SOF",),
    ),
    # 4 Trivsamma livsmiljöer för ett sammanhållet Linköping
    _example(
        4,
        "SBF",
        ALL_PLANS,
        "Upprustning av lekplatser",
        "Nya lekredskap och bättre belysning på lekplatser.",
    ),
    _example(
        4,
        "SBF",
        ALL_PLANS,
        "Belysning längs gång- och cykelvägar",
        "Bättre belysning där boende upplever otrygghet.",
    ),
    _example(
        4,
        "SBF",
        ALL_PLANS,
        "Blandade upplåtelseformer vid nybyggnation",
        "Fler bostadsrätter och äganderätter i områden med mest hyresrätter.",
    ),
    _example(
        4,
        "SBF",
        ONLY_2021,
        "Städdagar med bostadsbolagen",
        "Gemensamma städdagar med boende och fastighetsägare.",
    ),
    _example(
        4,
        "UTF",
        ALL_PLANS,
        "Sanering av klotter och skräp inom ett dygn",
        "Snabb sanering för att motverka otrygghet.",
    ),
    _example(
        4,
        "SBF",
        FROM_2021_TO_2022,
        "Odlingslotter och stadsodling",
        "Odlingsytor som boende kan hyra.",
    ),
    _example(
        4,
        "SBF",
        ALL_PLANS,
        "Bättre kollektivtrafikförbindelser",
        "Dialog med regionen om turtäthet och hållplatser.",
    ),
    _example(
        4,
        "SBF",
        ALL_PLANS,
        "Trygga skolvägar",
        "Säkrare övergångsställen och belysning på skolvägarna.",
    ),
    _example(
        4,
        "SBF",
        ALL_PLANS,
        "Utvecklingsplan för stadsdelscentrum",
        "Samlad planering av handel, service och mötesplatser i centrum.",
    ),
    _example(
        4,
        "SBF",
        ONLY_2021,
        "Energirådgivning till boende",
        "Rådgivning om hur boendekostnaderna kan sänkas.",
    ),
    _example(
        4,
        "SOF",
        FROM_2021_TO_2022,
        "Trapphusträffar om boendemiljön",
        "Boendeträffar tillsammans med bostadsbolagen.",
    ),
    _example(
        4,
        "KFF",
        ALL_PLANS,
        "Konst i offentliga miljöer",
        "Konstnärlig gestaltning som tas fram tillsammans med boende.",
    ),
    _named(
        4,
        "SBF",
        FROM_2022,
        "Trivsamma utemiljöer",
        "Insatser för trivsamma utemiljöer i områdena.",
        PLANS_2022_2023,
        ("UTF",),
    ),
    _example(
        4,
        "SBF",
        FROM_2022,
        "Gröna stråk och parkupprustning",
        "Upprustning av parker och gröna stråk mellan bostadsområdena.",
    ),
    # 5 En rikare fritid för alla
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Avgiftsfria sommarlovsaktiviteter",
        "Aktiviteter för barn och unga under sommarlovet utan kostnad.",
    ),
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Familjeaktiviteter på helger",
        "Helgaktiviteter för hela familjen i stadsdelens lokaler.",
    ),
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Längre öppettider på fritidsgården",
        "Fritidsgården håller öppet fler kvällar och på loven.",
    ),
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Prova-på-aktiviteter med idrottsföreningar",
        "Föreningar erbjuder kostnadsfria prova-på-tillfällen.",
    ),
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Stöd till föreningar som når nya grupper",
        "Riktat bidrag till föreningar som rekryterar barn från området.",
    ),
    _example(
        5, "SBF", FROM_2021_TO_2022, "Spontanidrottsplats", "En ny aktivitetsyta för spontanidrott."
    ),
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Simundervisning för barn och vuxna",
        "Extra simskola för dem som inte har lärt sig simma.",
    ),
    _example(5, "KFF", ONLY_2021, "Fritidsbank", "Gratis lån av sport- och fritidsutrustning."),
    _example(
        5,
        "SOF",
        ALL_PLANS,
        "Mötesplats för äldre",
        "Träffpunkt med aktiviteter för äldre i stadsdelen.",
    ),
    _example(
        5, "KFF", ALL_PLANS, "Kulturskolan i stadsdelen", "Kulturskolans kurser på plats i området."
    ),
    _example(
        5,
        "KFF",
        FROM_2021_TO_2022,
        "Tjejkvällar på fritidsgården",
        "Särskilda kvällar och aktiviteter för tjejer.",
    ),
    _example(
        5,
        "KFF",
        ALL_PLANS,
        "Biblioteket som mötesplats",
        "Längre öppettider och mer programverksamhet på biblioteket.",
    ),
    _named(
        5,
        "KFF",
        FROM_2022,
        "Kulturaktiviteter för barn och unga",
        "Kulturaktiviteter för barn och unga i områdena.",
        PLANS_2022_2023,
    ),
)


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
        "TRYGG",
        "Trygga utomhus kvällstid",
        "%",
        True,
        1,
        "Trygghetsmätning (enkät)",
        "Andel svarande som känner sig trygga när de går ut ensamma sent en kväll i sitt "
        "bostadsområde.",
        _levels(58, 62, 45, 74),
        trend=0.01,
        sex_gap=14,
    ),
    DemoIndicator(
        "VALD",
        "Valdeltagande i kommunvalet",
        "%",
        True,
        1,
        "Valmyndigheten / SCB",
        "Andel röstande av de röstberättigade i valet till kommunfullmäktige. Val hålls vart "
        "fjärde år.",
        _levels(68, 70, 55, 85),
        trend=-0.005,
        noise=0.01,
        years=(2018, 2022),
    ),
    DemoIndicator(
        "UTSATT",
        "Polisens klassning som särskilt utsatt område (1 = ja)",
        "1 = ja",
        False,
        1,
        SRC_POLICE,
        "1 om området finns med som särskilt utsatt område i Polisens lista över utsatta "
        "områden. Tomt där underlaget saknar uppgift.",
        {},  # only published values, no examples
    ),
    DemoIndicator(
        "ARBL",
        "Arbetslöshet 18–64 år",
        "%",
        False,
        2,
        "Arbetsförmedlingen / Linköping i siffror",
        "Andel av befolkningen 18–64 år som är inskrivna arbetslösa hos Arbetsförmedlingen "
        "(öppet arbetslösa och i program med aktivitetsstöd), mätt i mars.",
        _levels(10.7, 6.5, 18.3, 7.0),
        sex_gap=1.0,
        year_factor={
            2015: 1.0,
            2016: 0.97,
            2017: 0.93,
            2018: 0.9,
            2019: 0.9,
            2021: 1.02,
            2022: 0.86,
            2023: 0.85,
            2024: 0.9,
        },
    ),
    DemoIndicator(
        "FORV",
        "Förvärvsfrekvens 20–64 år",
        "%",
        True,
        2,
        "SCB / Linköping i siffror",
        "Andel av befolkningen 20–64 år som förvärvsarbetar enligt SCB:s registerbaserade "
        "arbetsmarknadsstatistik (november).",
        _levels(66, 52, 50, 78),
        trend=0.004,
        sex_gap=6,
    ),
    DemoIndicator(
        "EKBI",
        "Invånare med ekonomiskt bistånd",
        "%",
        False,
        2,
        "Kommunens statistik över ekonomiskt bistånd",
        "Andel invånare i hushåll som har fått ekonomiskt bistånd någon gång under året.",
        _levels(9, 5, 17, 3.8),
        trend=-0.03,
    ),
    DemoIndicator(
        "LAGEK",
        "Personer med låg ekonomisk standard",
        "%",
        False,
        2,
        "SCB / Linköping i siffror",
        "Andel personer i hushåll med disponibel inkomst per konsumtionsenhet under 60 % av "
        "medianvärdet för riket.",
        _levels(30, 38, 52, 16.5),
        ref_year=2021,
        trend=0.005,
    ),
    DemoIndicator(
        "KLARA",
        "Elever i åk 9 som klarat alla ämnen",
        "%",
        True,
        3,
        "Skolverket / Linköping i siffror",
        "Andel elever i åk 9 med lägst betyget E i alla ämnen, efter elevens folkbokföringsområde.",
        _levels(62, 72, 34.6, 80),
        ref_year=2021,
        trend=0.006,
    ),
    DemoIndicator(
        "BEHGY",
        "Behörighet till gymnasiets yrkesprogram",
        "%",
        True,
        3,
        "Skolverket / Linköping i siffror",
        "Andel elever i åk 9 som är behöriga till ett yrkesprogram på gymnasiet, efter "
        "elevens folkbokföringsområde.",
        _levels(70, 80, 39.7, 88),
        ref_year=2021,
        trend=0.005,
    ),
    DemoIndicator(
        "EFTERG",
        "Eftergymnasial utbildning 25–64 år",
        "%",
        True,
        3,
        "SCB / Linköping i siffror",
        "Andel av befolkningen 25–64 år med eftergymnasial utbildning.",
        _levels(32, 58, 24, 50),
        trend=0.01,
    ),
    DemoIndicator(
        "LAGEKB",
        "Barn 0–17 år i hushåll med låg ekonomisk standard",
        "%",
        False,
        3,
        "SCB / Linköping i siffror",
        "Andel barn 0–17 år i hushåll med disponibel inkomst per konsumtionsenhet under 60 % "
        "av medianvärdet för riket.",
        _levels(45, 30, 73.1, 19.6),
        trend=0.01,
    ),
    DemoIndicator(
        "TRANG",
        "Trångboddhet",
        "%",
        False,
        4,
        "SCB / Linköping i siffror",
        "Andel personer som bor trångt enligt norm 2: fler än två personer per sovrum, kök och "
        "vardagsrum oräknade.",
        _levels(24, 20, 36, 12),
        trend=0.01,
    ),
    DemoIndicator(
        "BEF",
        "Befolkning",
        "antal",
        None,
        4,
        "SCB / Linköping i siffror",
        "Antal folkbokförda invånare den 31 december.",
        _levels(4800, 9147, 10070, 167000),
        ref_year=2024,
        trend=0.008,
        noise=0.003,
        decimals=0,
    ),
    DemoIndicator(
        "FLYTT",
        "Utflyttning från området",
        "%",
        False,
        4,
        "SCB / Linköping i siffror",
        "Andel av befolkningen som har flyttat ut från området under året.",
        _levels(12, 24, 14, 10),
        trend=-0.005,
    ),
    DemoIndicator(
        "FRITID",
        "Unga i organiserad fritidsaktivitet",
        "%",
        True,
        5,
        "Elevenkät om hälsa och fritid",
        "Andel elever i åk 8 som deltar i en organiserad fritidsaktivitet minst en gång i "
        "veckan. Enkäten görs vartannat år.",
        _levels(52, 58, 42, 66),
        trend=0.005,
        year_factor={2021: 0.85},
        years=(2015, 2017, 2019, 2021, 2023),
    ),
    DemoIndicator(
        "LOK",
        "Deltagartillfällen i föreningslivet 7–20 år",
        "per invånare",
        True,
        5,
        "Kommunens statistik över lokalt aktivitetsstöd (LOK-stöd)",
        "Antal deltagartillfällen med LOK-stöd per invånare 7–20 år och år.",
        _levels(11, 13, 7, 19),
        trend=0.01,
        year_factor={2020: 0.65, 2021: 0.7},
    ),
)

# The extra indicator of the wide-form file. Its definition names the real source; its values
# are examples, and each row's Källa says so.
WIDE_INDICATOR = DemoIndicator(
    "OHAL",
    "Ohälsotal",
    "dagar",
    False,
    2,
    "Försäkringskassan (via Kolada)",
    "Antal utbetalda dagar med sjukpenning, sjuk- och aktivitetsersättning m.m. per "
    "registrerad försäkrad 16–64 år. Verklig källa: Försäkringskassan (via Kolada).",
    _levels(30, 15, 40, 22),
    trend=-0.03,
    sex_gap=-9,
)


# --- RegSO areas (SCB, RegSO 2025) ----------------------------------------------------------

# All 32 RegSO areas of Linköping, code and SCB's name. The focus districts are the RegSO of
# the same name, except Skäggetorp: its RegSO, Skäggetorp-Tornby, also holds the Tornby retail
# area, so a RegSO figure for it may differ a little from the municipality's own for the
# stadsdel.
REGSO_AREAS: tuple[tuple[str, str], ...] = (
    ("0580R001", "Berga"),
    ("0580R002", "Domkyrkan-Slottet"),
    ("0580R003", "Ekholmen"),
    ("0580R004", "Ekkällan-Garnisonen"),
    ("0580R005", "Ekängen"),
    ("0580R006", "Gottfridsberg"),
    ("0580R007", "Hackefors"),
    ("0580R008", "Hejdegården"),
    ("0580R009", "Hjulsbro"),
    ("0580R010", "Johannelund"),
    ("0580R011", "Lambohov-Slaka"),
    ("0580R012", "Lilla Torget-Sankt Lars"),
    ("0580R013", "Linghem"),
    ("0580R014", "Ljungsbro-Berg"),
    ("0580R015", "Malmslätt"),
    ("0580R016", "Ramshäll"),
    ("0580R017", "Ryd"),
    ("0580R018", "Skäggetorp-Tornby"),
    ("0580R019", "Sturefors"),
    ("0580R020", "Tallboda"),
    ("0580R021", "Tannefors-Stångebro-Kallerstad"),
    ("0580R022", "Trädgårdsföreningen-Folkungavallen"),
    ("0580R023", "Ullstämma-Haninge"),
    ("0580R024", "Valkebo omland"),
    ("0580R025", "Valla-T1"),
    ("0580R026", "Vasastaden-Hunneberg"),
    ("0580R027", "Vidingsjö"),
    ("0580R028", "Vikingstad-Rappestad"),
    ("0580R029", "Vimanshäll"),
    ("0580R030", "Vreta Kloster omland"),
    ("0580R031", "Vårdnäs omland"),
    ("0580R032", "Åkerbo omland"),
)
FOCUS_REGSO: dict[str, str] = {"Berga": "0580R001", "Ryd": "0580R017", "Skäggetorp": "0580R018"}
# The other RegSO areas, as comparison areas of the map (named as SCB names them).
COMPARISON_REGSO: tuple[tuple[str, str], ...] = tuple(
    (code, name) for code, name in REGSO_AREAS if code not in FOCUS_REGSO.values()
)
# Example values for them, for a few indicators and the latest years, so that the map has
# something to show: every one marked as an example (the source "Exempelvärde").
REGSO_INDICATORS: tuple[str, ...] = ("ARBL", "LAGEK", "FORV")
REGSO_YEARS: tuple[int, ...] = (2022, 2023, 2024)
