"""All UI text, one catalogue per language: Swedish (the default) and English.

Pages never hold literals; they call `text(lang, key, **values)`. Both catalogues must have
the same keys (a test checks this, and that every key a page uses exists).
"""

from __future__ import annotations

LANGUAGES = {"sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "sv"

SV: dict[str, str] = {
    "app.title": "Åtgärdsplan mot segregation",
    "app.page_title": "segdash – åtgärdsplan mot segregation",
    "app.demo_banner": (
        "**Exempeldata.** Appen visar påhittade exempelvärden byggda på offentliga uppgifter "
        "tills riktiga uppföljningar importeras. Värden med källan ”Exempelvärde” är inte "
        "verkliga."
    ),
    "nav.overview": "Översikt",
    "nav.districts": "Områden",
    "nav.actions": "Åtgärder",
    "nav.offices": "Förvaltningar",
    "nav.indicators": "Indikatorer",
    "nav.section.view": "Uppföljning",
    "filter.header": "Urval",
    "filter.period": "Uppföljningsperiod",
    "filter.districts": "Områden",
    "filter.areas": "Utvecklingsområden",
    "filter.offices": "Förvaltningar",
    "filter.all": "Alla",
    "filter.language": "Språk",
    "filter.share_hint": "Adressen i webbläsaren sparar urvalet: kopiera den för att dela vyn.",
    "filter.no_periods": "Ingen uppföljning ännu",
    "empty.no_plan": (
        "Ingen åtgärdsplan är importerad ännu. Ladda upp en åtgärdsplan på sidan Ladda upp, "
        "eller med `python -m segdash import`."
    ),
    "empty.no_followup": (
        "Det finns ingen uppföljning att visa. Ladda upp en uppföljning på sidan Ladda upp, "
        "eller med `python -m segdash import`."
    ),
    "empty.no_actions": "Inga åtgärder matchar urvalet. Ta bort något filter i sidopanelen.",
    "empty.no_plan_for_period": "Det finns ingen åtgärdsplan för {period} eller tidigare.",
    "empty.no_indicators": (
        "Inga indikatorer är importerade ännu. Ladda upp indikatorvärden på sidan Ladda upp, "
        "eller med `python -m segdash import`."
    ),
    "empty.no_values": "Det finns inga värden för {indicator}.",
    "status.not_started": "Ej påbörjad",
    "status.on_track": "Pågår enligt plan",
    "status.at_risk": "Pågår med avvikelse",
    "status.done": "Genomförd",
    "status.cancelled": "Avbruten",
    "status.missing": "Ej rapporterad",
    "status.new": "Ny i planen",
    "status.legend": "Statusfärgerna är desamma i alla diagram och har också mönster och text.",
    "period.year": "Helår {year}",
    "period.T": "Tertial {n} {year}",
    "period.H": "Halvår {n} {year}",
    "period.Q": "Kvartal {n} {year}",
    "overview.title": "Översikt",
    "overview.intro": "Läget för åtgärderna {period}, jämfört med {previous}.",
    "overview.intro_first": "Läget för åtgärderna {period}. Det finns ingen tidigare uppföljning att jämföra med.",
    "overview.actions": "Åtgärder",
    "overview.change_help": "Förändring sedan {previous}",
    "overview.by_area": "Status per utvecklingsområde",
    "overview.by_office": "Status per ansvarig förvaltning",
    "overview.over_time": "Status i alla uppföljningar",
    "overview.changes": "Förändringar sedan {previous}",
    "overview.no_changes": "Ingen åtgärd har bytt status sedan {previous}.",
    "overview.selected": "Åtgärder i {group}",
    "overview.click_hint": "Klicka på en stapel för att se dess åtgärder.",
    "overview.table_alt": "Samma siffror som tabell",
    "districts.title": "Områden",
    "districts.choose": "Område",
    "districts.compare": "Jämför områden sida vid sida",
    "districts.actions": "Åtgärder i {district}",
    "districts.indicators": "Indikatorer för {district}",
    "districts.summary": "Sammanfattning per utvecklingsområde",
    "districts.summary_line": (
        "{actions} åtgärder ({statuses}); {improving} av {indicators} indikatorer utvecklas "
        "åt rätt håll, {worsening} åt fel håll."
    ),
    "districts.summary_line_no_ind": "{actions} åtgärder ({statuses}); inga indikatorer.",
    "districts.trend_good": "Utvecklas åt rätt håll",
    "districts.trend_bad": "Utvecklas åt fel håll",
    "districts.trend_none": "Ingen tydlig förändring",
    "districts.trend_detail": "{change} sedan {start_year}",
    "districts.vs_municipality": "Linköping: {value}",
    "districts.target": "Mål: {value}",
    "districts.no_actions": "Inga åtgärder riktas till {district} i urvalet.",
    "actions.title": "Åtgärder",
    "actions.search": "Sök bland åtgärderna",
    "actions.search_help": "Söker i nummer, rubrik, beskrivning och kommentar.",
    "actions.count": "{shown} av {total} åtgärder",
    "actions.choose": "Visa en åtgärd",
    "actions.detail": "Åtgärd {no}: {title}",
    "actions.description": "Beskrivning",
    "actions.partners": "Samverkande förvaltningar",
    "actions.districts": "Områden",
    "actions.period_span": "Tid",
    "actions.history": "Status i alla uppföljningar",
    "actions.comments": "Kommentarer",
    "actions.no_comments": "Inga kommentarer.",
    "actions.none": "–",
    "offices.title": "Förvaltningar",
    "offices.choose": "Förvaltning",
    "offices.leads": "Leder",
    "offices.shares": "Samverkar i",
    "offices.at_risk": "Med avvikelse eller avbrutna",
    "offices.none_at_risk": "Inga åtgärder med avvikelse.",
    "offices.role.lead": "Ansvarig",
    "offices.role.partner": "Samverkande",
    "indicators.title": "Indikatorer",
    "indicators.choose": "Indikator",
    "indicators.definition": "Definition",
    "indicators.unit": "Enhet",
    "indicators.source": "Källa",
    "indicators.direction": "Riktning",
    "indicators.higher_better": "Högre är bättre",
    "indicators.lower_better": "Lägre är bättre",
    "indicators.no_direction": "Ingen riktning angiven",
    "indicators.area": "Utvecklingsområde",
    "indicators.over_years": "Alla områden över åren",
    "indicators.latest_vs_target": "Senaste värde och mål",
    "indicators.values": "Värdena",
    "indicators.sex": "Kön",
    "sex.T": "Totalt",
    "sex.K": "Kvinnor",
    "sex.M": "Män",
    "col.action_no": "Nr",
    "col.title": "Åtgärd",
    "col.area": "Utvecklingsområde",
    "col.lead_office": "Ansvarig förvaltning",
    "col.districts": "Områden",
    "col.status": "Status",
    "col.status_before": "Status före",
    "col.status_after": "Status nu",
    "col.progress": "Andel genomfört (%)",
    "col.comment": "Kommentar",
    "col.period": "Period",
    "col.count": "Antal",
    "col.share": "Andel (%)",
    "col.change": "Förändring",
    "col.role": "Roll",
    "col.district": "Område",
    "col.year": "År",
    "col.value": "Värde",
    "col.target": "Mål",
    "col.source": "Källa",
    "col.indicator": "Indikator",
    "col.latest": "Senaste",
    "col.trend": "Utveckling",
    "col.municipality": "Linköping",
    "col.group": "Grupp",
    "chart.actions": "Antal åtgärder",
    "chart.progress": "Andel genomfört (%)",
    "chart.target": "Mål",
    "chart.value": "Värde",
    "error.db": "Databasen kunde inte öppnas",
}

EN: dict[str, str] = {
    "app.title": "Action plan against segregation",
    "app.page_title": "segdash – action plan against segregation",
    "app.demo_banner": (
        "**Example data.** The app shows made-up example values built on public facts until "
        "real follow-ups are imported. Values with the source “Exempelvärde” are not real."
    ),
    "nav.overview": "Overview",
    "nav.districts": "Districts",
    "nav.actions": "Actions",
    "nav.offices": "Offices",
    "nav.indicators": "Indicators",
    "nav.section.view": "Follow-up",
    "filter.header": "Selection",
    "filter.period": "Follow-up period",
    "filter.districts": "Districts",
    "filter.areas": "Development areas",
    "filter.offices": "Offices",
    "filter.all": "All",
    "filter.language": "Language",
    "filter.share_hint": "The browser address keeps the selection: copy it to share the view.",
    "filter.no_periods": "No follow-up yet",
    "empty.no_plan": (
        "No action plan has been imported yet. Upload one on the Upload page, or with "
        "`python -m segdash import`."
    ),
    "empty.no_followup": (
        "There is no follow-up to show. Upload one on the Upload page, or with "
        "`python -m segdash import`."
    ),
    "empty.no_actions": "No actions match the selection. Remove a filter in the sidebar.",
    "empty.no_plan_for_period": "There is no action plan for {period} or earlier.",
    "empty.no_indicators": (
        "No indicators have been imported yet. Upload indicator values on the Upload page, or "
        "with `python -m segdash import`."
    ),
    "empty.no_values": "There are no values for {indicator}.",
    "status.not_started": "Not started",
    "status.on_track": "On track",
    "status.at_risk": "At risk",
    "status.done": "Done",
    "status.cancelled": "Cancelled",
    "status.missing": "Not reported",
    "status.new": "New in the plan",
    "status.legend": "Status colours are the same in every chart and come with patterns and text.",
    "period.year": "Full year {year}",
    "period.T": "Four-month period {n} {year}",
    "period.H": "Half-year {n} {year}",
    "period.Q": "Quarter {n} {year}",
    "overview.title": "Overview",
    "overview.intro": "Where the actions stand in {period}, compared with {previous}.",
    "overview.intro_first": "Where the actions stand in {period}. There is no earlier follow-up to compare with.",
    "overview.actions": "Actions",
    "overview.change_help": "Change since {previous}",
    "overview.by_area": "Status by development area",
    "overview.by_office": "Status by responsible office",
    "overview.over_time": "Status in every follow-up",
    "overview.changes": "Changes since {previous}",
    "overview.no_changes": "No action has changed status since {previous}.",
    "overview.selected": "Actions in {group}",
    "overview.click_hint": "Click a bar to see its actions.",
    "overview.table_alt": "The same figures as a table",
    "districts.title": "Districts",
    "districts.choose": "District",
    "districts.compare": "Compare districts side by side",
    "districts.actions": "Actions in {district}",
    "districts.indicators": "Indicators for {district}",
    "districts.summary": "Summary by development area",
    "districts.summary_line": (
        "{actions} actions ({statuses}); {improving} of {indicators} indicators develop the "
        "right way, {worsening} the wrong way."
    ),
    "districts.summary_line_no_ind": "{actions} actions ({statuses}); no indicators.",
    "districts.trend_good": "Developing the right way",
    "districts.trend_bad": "Developing the wrong way",
    "districts.trend_none": "No clear change",
    "districts.trend_detail": "{change} since {start_year}",
    "districts.vs_municipality": "Linköping: {value}",
    "districts.target": "Target: {value}",
    "districts.no_actions": "No actions in the selection target {district}.",
    "actions.title": "Actions",
    "actions.search": "Search the actions",
    "actions.search_help": "Searches number, title, description and comment.",
    "actions.count": "{shown} of {total} actions",
    "actions.choose": "Show an action",
    "actions.detail": "Action {no}: {title}",
    "actions.description": "Description",
    "actions.partners": "Partner offices",
    "actions.districts": "Districts",
    "actions.period_span": "Time",
    "actions.history": "Status in every follow-up",
    "actions.comments": "Comments",
    "actions.no_comments": "No comments.",
    "actions.none": "–",
    "offices.title": "Offices",
    "offices.choose": "Office",
    "offices.leads": "Leads",
    "offices.shares": "Partner in",
    "offices.at_risk": "At risk or cancelled",
    "offices.none_at_risk": "No actions at risk.",
    "offices.role.lead": "Lead",
    "offices.role.partner": "Partner",
    "indicators.title": "Indicators",
    "indicators.choose": "Indicator",
    "indicators.definition": "Definition",
    "indicators.unit": "Unit",
    "indicators.source": "Source",
    "indicators.direction": "Direction",
    "indicators.higher_better": "Higher is better",
    "indicators.lower_better": "Lower is better",
    "indicators.no_direction": "No direction given",
    "indicators.area": "Development area",
    "indicators.over_years": "All districts over the years",
    "indicators.latest_vs_target": "Latest value and target",
    "indicators.values": "The values",
    "indicators.sex": "Sex",
    "sex.T": "Total",
    "sex.K": "Women",
    "sex.M": "Men",
    "col.action_no": "No.",
    "col.title": "Action",
    "col.area": "Development area",
    "col.lead_office": "Lead office",
    "col.districts": "Districts",
    "col.status": "Status",
    "col.status_before": "Status before",
    "col.status_after": "Status now",
    "col.progress": "Progress (%)",
    "col.comment": "Comment",
    "col.period": "Period",
    "col.count": "Count",
    "col.share": "Share (%)",
    "col.change": "Change",
    "col.role": "Role",
    "col.district": "District",
    "col.year": "Year",
    "col.value": "Value",
    "col.target": "Target",
    "col.source": "Source",
    "col.indicator": "Indicator",
    "col.latest": "Latest",
    "col.trend": "Trend",
    "col.municipality": "Linköping",
    "col.group": "Group",
    "chart.actions": "Number of actions",
    "chart.progress": "Progress (%)",
    "chart.target": "Target",
    "chart.value": "Value",
    "error.db": "The database could not be opened",
}

CATALOGUES = {"sv": SV, "en": EN}


def text(lang: str, key: str, **values: object) -> str:
    """The text for key in the language (Swedish when the language is unknown)."""
    catalogue = CATALOGUES.get(lang, SV)
    template = catalogue[key]
    return template.format(**values) if values else template


def period_label(lang: str, period: str) -> str:
    if len(period) == 4:
        return text(lang, "period.year", year=period)
    return text(lang, f"period.{period[5]}", n=period[6], year=period[:4])


def status_labels(lang: str) -> dict[str, str]:
    from segdash.domain import STATUS_ORDER

    return {code: text(lang, f"status.{code}") for code in STATUS_ORDER}
