"""Every page, headless with AppTest: on the demo data, on empty data, and with filters set
from the sidebar and from the URL. The numbers on screen must be the ones counted by hand in the
demo workbooks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import PLAN_2022, PLAN_HEADER, import_ok, xlsx_file
from streamlit.testing.v1 import AppTest
from streamlit.util import AttributeDictionary

from segdash import i18n
from segdash.store import Store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [
    "pages/overview.py",
    "pages/districts.py",
    "pages/actions.py",
    "pages/offices.py",
    "pages/indicators.py",
]
TITLES = ["Översikt", "Områden", "Åtgärder", "Förvaltningar", "Indikatorer"]


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("SEGDASH_DB", str(path))
    monkeypatch.setenv("SEGDASH_DEMO", "off")
    return path


def app(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def main_headers(at: AppTest) -> list[str]:
    """The page's h2 headings (the sidebar's own headings left out)."""
    sidebar = {h.value for h in at.sidebar.header}
    return [h.value for h in at.header if h.value not in sidebar]


def plain(markdown: str) -> str:
    """Markdown source as it reads on screen: backslash escapes removed, and the invisible
    word joiner that keeps a bare address from becoming a link."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def url(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# The expected figures below are counted by hand in the demo workbooks (data/demo/), not asked
# of segdash.queries: the plan in atgardsplaner_2021-2023.xlsx (60 actions in 2021 and 2022, 50
# in 2023; Områden "Alla" = Berga, Ryd and Skäggetorp), the follow-ups in
# uppfoljningar_2021-2023.xlsx (one row per action and period 2021, 2022-T2, 2022, 2023; the
# aliases Pågår, Försenad and Klar counted as Pågår enligt plan, Pågår med avvikelse and
# Genomförd). A status is shown when it has actions now or in the follow-up before.


@pytest.mark.parametrize(("page", "title"), list(zip(PAGES, TITLES, strict=True)))
def test_every_page_runs_on_the_demo_data(demo_db, page, title):
    at = app(page)
    assert at.title[0].value == title
    assert any("Exempeldata" in w.value for w in at.warning)


def test_overview_shows_the_key_figures_of_the_latest_follow_up(demo_db):
    at = app()
    # The 50 follow-up rows of period 2023 (the 2023 plan) by Status; every action has one.
    assert metrics(at) == {
        "Åtgärder": "50",
        "Ej påbörjad": "1",
        "Pågår enligt plan": "30",
        "Pågår med avvikelse": "6",
        "Genomförd": "10",
        "Avbruten": "3",
    }
    # the statuses in three views, in tabs, of which only the open one is made: stacked bars
    # by area (first), by office, over all periods; folded, and made only when opened: the list
    # of changed actions and the map of where the focus districts lie
    assert [tab.label for tab in at.tabs] == list(OVERVIEW_VIEWS.values())
    charts = ["chart_area"]
    assert [c.key for c in at.get("plotly_chart")] == charts
    folds = {e.label: e for e in at.expander}
    changed = folds["Åtgärder som bytt status eller är nya (27)"]
    assert not changed.children and not at.dataframe
    assert not folds["Var ligger fokusområdena?"].children
    at.session_state["overview_changes_open"] = True
    at.session_state["overview_locator_open"] = True
    at.run()
    assert charts_of(at) == [*charts, "overview_locator"]
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 27
    assert url(at, "period") == ["2023"]


OVERVIEW_VIEWS = {
    "chart_area": "Status per utvecklingsområde",
    "chart_office": "Status per ansvarig förvaltning",
    "chart_over_time": "Status i alla uppföljningar",
}


def charts_of(at: AppTest) -> list[str]:
    return [c.key for c in at.get("plotly_chart")]


def test_the_overview_makes_only_the_open_view_and_keeps_it_in_the_url(demo_db):
    at = app()
    assert charts_of(at) == ["chart_area"] and url(at, "vy") == []  # the first: no parameter
    at.session_state["overview_view"] = OVERVIEW_VIEWS["chart_office"]  # a click on its tab
    at.run()
    assert charts_of(at) == ["chart_office"]
    assert url(at, "vy") == ["forvaltning"]
    # The open view survives a language switch (the tabs' labels, and so the tabs, change).
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert [tab.label for tab in at.tabs][1] == "Status by responsible office"
    assert charts_of(at) == ["chart_office"] and url(at, "vy") == ["forvaltning"]
    # and a shared link opens its view; a view the app doesn't have opens the first
    assert charts_of(app(vy="tid")) == ["chart_over_time"]
    assert charts_of(app(vy="tid", lang="en")) == ["chart_over_time"]
    assert charts_of(app(vy="<script>")) == ["chart_area"]


def test_a_click_on_a_bar_lists_the_actions_behind_it_under_its_chart(demo_db):
    at = app(vy="forvaltning")
    assert not at.subheader
    # the chart's selection as Streamlit gives it to the page after a click on UBF's bar
    click = AttributeDictionary(selection={"points": [{"customdata": ["UBF"]}]})
    at.session_state["chart_office"] = click
    at.run()
    assert not at.exception
    (heading,) = [h.value for h in at.subheader]
    assert heading.startswith("Åtgärder i ")
    (listed,) = [df.value for df in at.dataframe]
    assert set(listed["Ansvarig förvaltning"]) == {heading.removeprefix("Åtgärder i ")}


def test_the_overviews_tables_are_made_when_unfolded_and_hold_the_charts_counts(demo_db):
    at = app()
    at.session_state["chart_area_table_open"] = True
    at.run()
    (by_area,) = (frame.value for frame in at.dataframe)
    at.session_state["overview_view"] = OVERVIEW_VIEWS["chart_over_time"]
    at.session_state["chart_over_time_table_open"] = True
    at.run()
    (over_time,) = (frame.value for frame in at.dataframe)
    # one row per development area, one column per status present in 2023; every action once
    assert list(by_area.columns) == [
        "Utvecklingsområde",
        "Ej påbörjad",
        "Pågår enligt plan",
        "Pågår med avvikelse",
        "Genomförd",
        "Avbruten",
    ]
    assert len(by_area) == 5
    assert by_area.iloc[:, 1:].map(int).to_numpy().sum() == 50
    # one row per follow-up, named as the app names periods, the latest last
    assert list(over_time.columns)[0] == "Period"
    assert over_time["Period"].iloc[-1] == "Helår 2023"


def test_a_chart_is_drawn_from_the_database_being_served(demo_db, tmp_path, monkeypatch):
    """The figures are cached on what they were asked for: another database with the same
    revision (a restored copy, another server's file) must not be shown the first one's."""

    def area_chart(at: AppTest) -> str:
        return next(c for c in at.get("plotly_chart") if c.key == "chart_area").proto.spec

    assert "Utbildning" in area_chart(app())
    other = tmp_path / "other.duckdb"
    shutil.copy(demo_db, other)
    with duckdb.connect(str(other)) as con:  # the same revision, another name for area 1
        con.execute(
            "UPDATE development_area_current SET name = 'Helt annat namn' WHERE area_no = 1"
        )
    monkeypatch.setenv("SEGDASH_DB", str(other))
    spec = area_chart(app())
    assert "Helt annat namn" in spec


def test_filters_from_the_url_give_the_same_view(demo_db):
    at = app(period="2022", district="Ryd", area="2")
    assert at.sidebar.selectbox(key="f_period").value == "2022"
    assert at.sidebar.multiselect(key="f_districts").value == ["Ryd"]
    # The 2022 plan's area-2 actions (Utvecklingsområde 2, or its name, as 2.10 and 2.13 have it)
    # whose Områden names Ryd or is Alla: 10 of them; in period 2022 six on track, two at risk,
    # two done. Ej påbörjad shows 0: one was not started in 2022-T2, the follow-up before.
    assert metrics(at) == {
        "Åtgärder": "10",
        "Ej påbörjad": "0",
        "Pågår enligt plan": "6",
        "Pågår med avvikelse": "2",
        "Genomförd": "2",
    }


def test_unknown_url_values_are_ignored(demo_db):
    at = app(period="1999", district="Atlantis", area="x")
    assert at.sidebar.selectbox(key="f_period").value == "2023"
    assert at.sidebar.multiselect(key="f_districts").value == []


def test_changing_the_sidebar_changes_the_numbers_and_the_url(demo_db):
    at = app()
    at.sidebar.selectbox(key="f_period").set_value("2022-T2").run()
    at.sidebar.multiselect(key="f_offices").set_value(["UBF"]).run()
    assert not at.exception
    # The 2022 plan's actions that UBF leads or takes part in: 21; in 2022-T2, 17 on track and
    # 4 at risk. The others show 0: in 2021, UBF's 21 actions of the 2021 plan had 6 not
    # started, 2 done and 1 cancelled (and 8 on track, 4 at risk).
    assert metrics(at) == {
        "Åtgärder": "21",
        "Ej påbörjad": "0",
        "Pågår enligt plan": "17",
        "Pågår med avvikelse": "4",
        "Genomförd": "0",
        "Avbruten": "0",
    }
    assert url(at, "period") == ["2022-T2"]
    assert url(at, "office") == ["UBF"]


def test_the_choice_survives_moving_between_pages(demo_db):
    at = app()
    at.sidebar.selectbox(key="f_period").set_value("2021").run()
    at.switch_page("pages/actions.py").run()
    assert at.sidebar.selectbox(key="f_period").value == "2021"
    assert at.caption[0].value == "60 av 60 åtgärder"  # the 2021 plan has 60 rows


def test_english_from_the_language_switch(demo_db):
    at = app()
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Overview"
    assert metrics(at) == {
        "Actions": "50",
        "Not started": "1",
        "On track": "30",
        "At risk": "6",
        "Done": "10",
        "Cancelled": "3",
    }  # as in Swedish above
    assert url(at, "lang") == ["en"]


def test_districts_side_by_side_from_a_shared_link(demo_db):
    at = app("pages/districts.py", omrade=["Ryd", "Skäggetorp"])
    headers = main_headers(at)
    assert headers == [
        "Sammanfattning per utvecklingsområde",
        "Åtgärder i Ryd",
        "Åtgärder i Skäggetorp",
        "Indikatorer för Ryd",
        "Indikatorer för Skäggetorp",
        "Karta",
    ]
    ryd, skaggetorp = [df.value for df in at.dataframe if "Nr" in df.value.columns]
    # The 2023 plan's actions whose Områden names Ryd (16) or is Alla (22), by area and number.
    assert list(ryd["Nr"]) == [
        "1.1",
        "1.2",
        "1.4",
        "1.6",
        "1.8",
        "1.10",
        "1.12",
        "1.13",
        "2.1",
        "2.2",
        "2.5",
        "2.6",
        "2.8",
        "2.9",
        "2.12",
        "2.13",
        "2.14",
        "3.2",
        "3.3",
        "3.5",
        "3.8",
        "3.10",
        "3.12",
        "3.13",
        "3.15",
        "4.1",
        "4.2",
        "4.5",
        "4.7",
        "4.12",
        "4.13",
        "4.14",
        "5.3",
        "5.4",
        "5.5",
        "5.7",
        "5.10",
        "5.13",
    ]
    assert len(skaggetorp) == 42  # the same count for Skäggetorp: 20 named, 22 Alla
    # The map, then one chart per indicator of development area 1, the first one with values:
    # TRYGG, VALD and UTSATT in the Indikatorer sheet.
    keys = [c.key for c in at.get("plotly_chart")]
    assert keys[0] == "district_map_chart"
    assert sorted(keys[1:]) == ["ind_TRYGG", "ind_UTSATT", "ind_VALD"]


def test_district_indicator_trend_is_direction_aware_on_screen(demo_db):
    at = app("pages/districts.py", omrade="Skäggetorp")
    table = next(df.value for df in at.dataframe if "Utveckling" in df.value.columns)
    # Read off the indicator workbooks: Skäggetorp's total (Kön T) in its latest year with a
    # value against the earliest year with one at most five years before, and the indicator's
    # "Högre är bättre". ▲ better, ▼ worse, ● unchanged or no direction.
    expected = {
        "Trygga utomhus kvällstid": "▼",  # 46.4 (2019) → 45.5 (2024), higher is better
        "Valdeltagande i kommunvalet": "▼",  # 55.1 (2018) → 53.9 (2022), higher is better
        "Polisens klassning som särskilt utsatt område (1 = ja)": "●",  # 1 → 1
        "Arbetslöshet 18–64 år": "▼",  # 16.0 → 16.4, lower is better
        "Förvärvsfrekvens 20–64 år": "▲",  # 49.8 → 50.8
        "Invånare med ekonomiskt bistånd": "▲",  # 17.6 → 15.4, lower is better
        "Personer med låg ekonomisk standard": "▼",  # 52.5 → 53.8
        "Elever i åk 9 som klarat alla ämnen": "▲",  # 33.3 → 35.2
        "Behörighet till gymnasiets yrkesprogram": "▲",  # 39 → 41
        "Eftergymnasial utbildning 25–64 år": "▲",  # 23.9 → 25.0
        "Barn 0–17 år i hushåll med låg ekonomisk standard": "▼",  # 71.6 → 73.7
        "Trångboddhet": "▼",  # 36.0 → 37.3
        "Befolkning": "●",  # no direction (Högre är bättre empty)
        "Utflyttning från området": "▲",  # 14.1 → 13.7
        "Unga i organiserad fritidsaktivitet": "▲",  # 40.8 (2019) → 43 (2023)
        "Deltagartillfällen i föreningslivet 7–20 år": "▲",  # 6.8 → 7.1
        "Ohälsotal": "▲",  # wide file: 41.5 (2019) → 35.1 (2024), lower is better
    }
    shown = dict(zip(table["Indikator"], table["Utveckling"].str[0], strict=True))
    assert shown == expected


def test_actions_search_and_detail_from_the_url(demo_db):
    at = app("pages/actions.py", q="Skäggetorpsskolan", period="2022")
    # Of the 2022 plan's 60 actions only 3.14 has the word in its title, description or 2022
    # comment.
    assert at.caption[0].value == "1 av 60 åtgärder"
    assert plain(main_headers(at)[0]) == "Åtgärd 3.14: Avveckling av Skäggetorpsskolan"
    at = app("pages/actions.py", atgard="2022:1.2", period="2022")
    assert plain(main_headers(at)[0]) == "Åtgärd 1.2: Lokala brottsförebyggande grupper"


def test_offices_page_counts(demo_db):
    at = app("pages/offices.py", forv="KFF")
    # The 2023 plan: KFF is Ansvarig förvaltning of 11 actions and among the Samverkande of 5;
    # of those 16, four have Pågår med avvikelse or Avbruten in 2023.
    shown = metrics(at)
    assert (shown["Leder"], shown["Samverkar i"], shown["Med avvikelse eller avbrutna"]) == (
        "11",
        "5",
        "4",
    )


def test_indicator_page_values_table(demo_db):
    at = app("pages/indicators.py", indikator="ARBL")
    table = at.dataframe[-1].value
    # The areas shown: the focus and reference ones, ARBL's rows in indikatorer_2015-2024.xlsx
    # (4 areas × 10 years × Kön T, K and M). The other 29 RegSO areas (2022–2024, Kön T, in
    # indikatorer_regso_exempel.xlsx) are there to choose, not in the table.
    assert len(table) == 120
    assert set(table["Område"]) == {"Berga", "Ryd", "Skäggetorp", "Linköping"}
    assert at.main.caption[-1].value == (
        "Värdena för de 4 områden som visas ovan, alla kön och år. Indikatorn har värden "
        "för 33 områden; välj fler ovan för att se dem."
    )
    real = table[
        (table["Område"] == "Skäggetorp") & (table["År"] == 2020) & (table["Kön"] == "Totalt")
    ]
    assert real["Värde"].tolist() == ["18,3"]  # the published figure, with a decimal comma
    # the three published figures of 2020 name their source; the other 204 are examples
    assert table["Källa"].value_counts().to_dict() == {
        "Exempelvärde": 117,
        "Linköpings kommun, Linköping i siffror, arbetslöshet per stadsdel": 3,
    }


def test_indicator_page_keeps_its_values_through_a_follow_up_and_shows_new_ones(demo_db):
    """What the page makes of indicator values is kept while follow-ups come in (the values
    revision), and made again as soon as values are imported."""
    from conftest import followup_file, values_file

    def skaggetorp_2020(at: AppTest) -> list[str]:
        table = at.dataframe[-1].value
        row = table[
            (table["Område"] == "Skäggetorp") & (table["År"] == 2020) & (table["Kön"] == "Totalt")
        ]
        return row["Värde"].tolist()

    at = app("pages/indicators.py", indikator="ARBL")
    assert skaggetorp_2020(at) == ["18,3"]
    with Store(demo_db) as store:
        import_ok(store, followup_file([["1.1", "2023", "Genomförd", 100, None]], name="f.xlsx"))
    at.run()
    assert skaggetorp_2020(at) == ["18,3"]
    with Store(demo_db) as store:
        import_ok(store, values_file([["ARBL", "Skäggetorp", 2020, 17.1]], definitions=None))
    at.run()
    assert not at.exception
    assert skaggetorp_2020(at) == ["17,1"]


def test_indicator_page_compares_with_the_areas_nearest_in_value(demo_db):
    at = app("pages/indicators.py", indikator="ARBL")
    others = at.multiselect(key="indicator_more")
    assert len(others.options) == 29  # every other RegSO area, to search among
    at.toggle(key="indicator_similar").set_value(True).run()
    assert not at.exception
    # The two areas nearest each focus district's latest value (2024, Kön T), from the data.
    with Store(demo_db) as store:
        latest = dict(
            store.df(
                "SELECT district_code, value FROM current_indicator_value WHERE "
                "indicator_code = 'ARBL' AND year = 2024 AND sex = 'T'"
            ).itertuples(index=False)
        )
        names = dict(store.df("SELECT code, name FROM current_district").itertuples(index=False))
    candidates = [c for c in latest if c not in {"Berga", "Ryd", "Skäggetorp", "Linköping"}]
    expected_lines, expected_areas = [], set()
    for focus in ("Berga", "Ryd", "Skäggetorp"):
        nearest = sorted(candidates, key=lambda c: (abs(latest[c] - latest[focus]), c))[:2]
        expected_areas |= set(nearest)
        listed = ", ".join(
            f"{names[c]} ({abs(latest[c] - latest[focus]):.1f})".replace(".", ",") for c in nearest
        )
        expected_lines.append(f"Närmast {focus} i senaste värde: {listed}.")
    captions = [plain(c.value) for c in at.caption]
    assert [c for c in captions if c.startswith("Närmast")] == expected_lines
    table = at.dataframe[-1].value
    assert set(table["Område"]) == {"Berga", "Ryd", "Skäggetorp", "Linköping"} | {
        names[c] for c in expected_areas
    }


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("pages/overview.py", i18n.SV["empty.no_plan"]),
        ("pages/districts.py", i18n.SV["empty.no_followup"]),
        ("pages/actions.py", i18n.SV["empty.no_plan"]),
        ("pages/offices.py", i18n.SV["empty.no_plan"]),
        ("pages/indicators.py", i18n.SV["empty.no_indicators"]),
    ],
)
def test_every_page_says_what_is_missing_on_an_empty_database(empty_db, page, message):
    at = app(page)
    assert message in [i.value for i in at.info]
    assert not at.warning  # no demo banner: there is no demo data


def test_a_plan_without_follow_up_points_to_the_upload(empty_db):
    with Store(empty_db) as store:
        import_ok(store, xlsx_file({"Åtgärder": [PLAN_HEADER, *PLAN_2022]}))
    at = app()
    assert [i.value for i in at.info] == [i18n.SV["empty.no_followup"]]


def test_a_rollback_shows_at_once(demo_db):
    at = app()
    assert metrics(at)["Åtgärder"] == "50"
    # roll back the follow-ups through the app's own store handle (one writer per process)
    from segdash.ui import _open_store

    store = _open_store(str(demo_db))
    followups = store.batches().query("kind == 'followup'")["batch_id"].iloc[0]
    store.set_batch_state(int(followups), False, "test")
    at.run()
    assert [i.value for i in at.info] == [i18n.SV["empty.no_followup"]]
    store.set_batch_state(int(followups), True, "test")
    at.run()
    assert metrics(at)["Åtgärder"] == "50"


def test_text_from_the_data_is_never_markup(empty_db):
    """An action title or comment with markdown, HTML or JavaScript shows as plain text."""
    title = "[klicka](http://example.invalid) <img src=x onerror=alert(1)> **fet**"
    comment = "<script>alert(1)</script> =1+1"
    with Store(empty_db) as store:
        plan = [["1.1", 1, title, "<b>beskrivning</b>", "KFF", None, "Ryd", 2022, None, None]]
        import_ok(
            store,
            xlsx_file({"Åtgärder": [PLAN_HEADER, *plan]}),
            xlsx_file(
                {
                    "Uppföljning": [
                        ["Nr", "Period", "Status", "Kommentar"],
                        ["1.1", "2022", "Pågår", comment],
                    ]
                },
                "f.xlsx",
            ),
        )
    at = app("pages/actions.py")
    heading = main_headers(at)[0]
    assert plain(heading) == f"Åtgärd 1.1: {title}"
    assert "\\[klicka\\]\\(" in heading and "\\<img" in heading  # escaped, so never a link or a tag
    assert [t.value for t in at.text][0] == "<b>beskrivning</b>"  # st.text: shown as written
    history = at.dataframe[-1].value
    assert history["Kommentar"].tolist() == [comment]


def test_an_empty_comment_is_an_empty_cell_not_none(demo_db):
    at = app()
    at.session_state["overview_changes_open"] = True  # the list of changes, unfolded
    at.run()
    (changes,) = [df.value for df in at.dataframe if "Status nu" in df.value.columns]
    comments = changes["Kommentar"]
    # The demo's 2023 follow-up leaves some comments empty: they show as empty cells.
    assert (comments == "").any()
    assert comments.map(lambda v: isinstance(v, str)).all()
