"""Every page, headless with AppTest: on the demo data, on empty data, and with filters set
from the sidebar and from the URL. The numbers on screen must be the ones the queries give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PLAN_2022, PLAN_HEADER, import_ok, xlsx_file
from streamlit.testing.v1 import AppTest

from segdash import fmt, i18n
from segdash import queries as q
from segdash.queries import Filters
from segdash.store import Store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["pages/overview.py", "pages/districts.py", "pages/actions.py", "pages/offices.py",
         "pages/indicators.py"]  # fmt: skip
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


def expected_metrics(store: Store, filters: Filters) -> dict[str, str]:
    figures = q.key_figures(store, filters)
    labels = i18n.status_labels("sv")
    shown = {"Åtgärder": fmt.number(figures["actions"])}
    for row in figures["statuses"].itertuples():
        if row.count or (row.previous_count if row.previous_count is not None else 0):
            shown[labels[row.status]] = fmt.number(row.count)
    return shown


@pytest.mark.parametrize(("page", "title"), list(zip(PAGES, TITLES, strict=True)))
def test_every_page_runs_on_the_demo_data(demo_db, page, title):
    at = app(page)
    assert at.title[0].value == title
    assert any("Exempeldata" in w.value for w in at.warning)


def test_overview_shows_the_key_figures_the_queries_give(demo_db):
    at = app()
    with Store(demo_db) as store:
        latest = q.periods(store)[-1]
        expected = expected_metrics(store, Filters(period=latest))
    assert latest == "2023"
    assert metrics(at) == expected
    assert expected["Åtgärder"] == "50"
    # stacked bars by area and by office, and status over all periods
    assert len(at.get("plotly_chart")) == 3
    assert url(at, "period") == ["2023"]


def test_filters_from_the_url_give_the_same_view(demo_db):
    at = app(period="2022", district="Ryd", area="2")
    assert at.sidebar.selectbox(key="f_period").value == "2022"
    assert at.sidebar.multiselect(key="f_districts").value == ["Ryd"]
    with Store(demo_db) as store:
        expected = expected_metrics(store, Filters(period="2022", districts=("Ryd",), areas=(2,)))
    assert metrics(at) == expected
    assert int(expected["Åtgärder"]) < 60


def test_unknown_url_values_are_ignored(demo_db):
    at = app(period="1999", district="Atlantis", area="x")
    assert at.sidebar.selectbox(key="f_period").value == "2023"
    assert at.sidebar.multiselect(key="f_districts").value == []


def test_changing_the_sidebar_changes_the_numbers_and_the_url(demo_db):
    at = app()
    at.sidebar.selectbox(key="f_period").set_value("2022-T2").run()
    at.sidebar.multiselect(key="f_offices").set_value(["UBF"]).run()
    assert not at.exception
    with Store(demo_db) as store:
        assert metrics(at) == expected_metrics(store, Filters(period="2022-T2", offices=("UBF",)))
    assert url(at, "period") == ["2022-T2"]
    assert url(at, "office") == ["UBF"]


def test_the_choice_survives_moving_between_pages(demo_db):
    at = app()
    at.sidebar.selectbox(key="f_period").set_value("2021").run()
    at.switch_page("pages/actions.py").run()
    assert at.sidebar.selectbox(key="f_period").value == "2021"
    with Store(demo_db) as store:
        total = len(q.action_status(store, Filters(period="2021")))
    assert at.caption[0].value == f"{total} av {total} åtgärder"


def test_english_from_the_language_switch(demo_db):
    at = app()
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Overview"
    assert "Actions" in metrics(at)
    assert url(at, "lang") == ["en"]


def test_districts_side_by_side_from_a_shared_link(demo_db):
    at = app("pages/districts.py", omrade=["Ryd", "Skäggetorp"])
    headers = main_headers(at)
    assert "Åtgärder i Ryd" in headers and "Åtgärder i Skäggetorp" in headers
    with Store(demo_db) as store:
        ryd = q.action_status(store, Filters(period="2023", districts=("Ryd",)))
    shown = next(df.value for df in at.dataframe if "Nr" in df.value.columns)
    assert list(shown["Nr"]) == list(ryd["action_no"])
    assert at.get("plotly_chart"), "the indicator charts of the first development area"


def test_district_indicator_trend_is_direction_aware_on_screen(demo_db):
    at = app("pages/districts.py", omrade="Skäggetorp")
    with Store(demo_db) as store:
        trends = q.indicator_trends(store, "Skäggetorp").set_index("name")
    table = next(df.value for df in at.dataframe if "Utveckling" in df.value.columns).set_index("Indikator")
    for name, row in trends.iterrows():
        expected = {True: "▲", False: "▼", None: "●"}[row["improving"]]
        assert table.loc[name, "Utveckling"].startswith(expected), name


def test_actions_search_and_detail_from_the_url(demo_db):
    at = app("pages/actions.py", q="Skäggetorpsskolan", period="2022")
    with Store(demo_db) as store:
        everything = q.action_status(store, Filters(period="2022"))
    found = q.search_actions(everything, "Skäggetorpsskolan")
    assert len(found) >= 1
    assert at.caption[0].value == f"{len(found)} av {len(everything)} åtgärder"
    assert plain(main_headers(at)[0]) == f"Åtgärd {found['action_no'][0]}: {found['title'][0]}"
    at = app("pages/actions.py", atgard="2022:1.2", period="2022")
    with Store(demo_db) as store:
        detail = q.action_detail(store, 2022, "1.2")
    assert plain(main_headers(at)[0]) == f"Åtgärd 1.2: {detail['title']}"


def test_offices_page_counts(demo_db):
    at = app("pages/offices.py", forv="KFF")
    with Store(demo_db) as store:
        frame = q.office_actions(store, Filters(period="2023"), "KFF")
    shown = metrics(at)
    assert shown["Leder"] == str((frame["role"] == "lead").sum())
    assert shown["Samverkar i"] == str((frame["role"] == "partner").sum())
    assert shown["Med avvikelse eller avbrutna"] == str(frame["status"].isin(["at_risk", "cancelled"]).sum())


def test_indicator_page_values_table(demo_db):
    at = app("pages/indicators.py", indikator="ARBL")
    with Store(demo_db) as store:
        values = q.indicator_values(store, "ARBL", (), None)
    table = at.dataframe[-1].value
    assert len(table) == len(values)
    real = table[(table["Område"] == "Skäggetorp") & (table["År"] == 2020) & (table["Kön"] == "Totalt")]
    assert real["Värde"].tolist() == ["18,3"]  # the published figure, with a decimal comma
    assert "Exempelvärde" in set(table["Källa"])


@pytest.mark.parametrize(("page", "message"), [
    ("pages/overview.py", i18n.SV["empty.no_plan"]),
    ("pages/districts.py", i18n.SV["empty.no_followup"]),
    ("pages/actions.py", i18n.SV["empty.no_plan"]),
    ("pages/offices.py", i18n.SV["empty.no_plan"]),
    ("pages/indicators.py", i18n.SV["empty.no_indicators"]),
])  # fmt: skip
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
        import_ok(store, xlsx_file({"Åtgärder": [PLAN_HEADER, *plan]}),
                  xlsx_file({"Uppföljning": [["Nr", "Period", "Status", "Kommentar"],
                                             ["1.1", "2022", "Pågår", comment]]}, "f.xlsx"))
    at = app("pages/actions.py")
    heading = main_headers(at)[0]
    assert plain(heading) == f"Åtgärd 1.1: {title}"
    assert "\\[klicka\\]\\(" in heading and "\\<img" in heading  # escaped, so never a link or a tag
    assert [t.value for t in at.text][0] == "<b>beskrivning</b>"  # st.text: shown as written
    history = at.dataframe[-1].value
    assert history["Kommentar"].tolist() == [comment]
