"""Downloads on the pages, the report page, and formula injection through a whole import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from conftest import PLAN_2022, PLAN_HEADER, xlsx_file
from streamlit.testing.v1 import AppTest

from segdash.cli import main
from segdash.importer import UploadedFile, import_files
from segdash.store import Store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOSTILE = '=HYPERLINK("http://example.invalid","klicka")'


def download_labels(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


@pytest.mark.parametrize(
    ("page", "query", "tables", "folds"),
    [
        # none unfolded; folded: the table under the open view's chart (by area) and the
        # changes since 2022 (27 of the 2023 plan's 50 actions have another status in 2023
        # than in 2022, or are new)
        ("pages/overview.py", {}, 0, ["chart_area_table_open", "overview_changes_open"]),
        # the view by lead office, from a shared link: the table under its chart
        ("pages/overview.py", {"vy": "forvaltning"}, 0, ["chart_office_table_open"]),
        ("pages/actions.py", {}, 2, []),  # the actions, and the first one's follow-ups
        # the first office by name (IAF)'s 15 actions of 2023, and its 3 at risk or cancelled
        ("pages/offices.py", {}, 2, []),
        # latest against target, every value (the map's side table has no downloads of its
        # own: every value is in the last table); folded: the chart's values per year
        ("pages/indicators.py", {}, 2, ["indicator_lines_table_open"]),
    ],
)
def test_tables_come_with_excel_and_csv_downloads(demo_db, page, query, tables, folds):
    at = AppTest.from_file(APP, default_timeout=60)
    for param, value in query.items():  # a shared link: the address is there from the start
        at.query_params[param] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert download_labels(at) == ["Excel", "CSV"] * tables
    # A folded table is made only once its fold is opened; then it has its downloads too.
    folded = [e for e in at.expander if e.label == "Samma siffror som tabell"]
    assert len(folded) == len([k for k in folds if k.endswith("_table_open")])
    assert all(not e.children for e in folded)
    for key in folds:
        at.session_state[key] = True
    at.run()
    assert not at.exception
    assert download_labels(at) == ["Excel", "CSV"] * (tables + len(folds))
    assert all(e.children for e in at.expander if e.label == "Samma siffror som tabell")


def test_report_page_offers_word_and_pdf(demo_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/report.py").run()
    assert not at.exception
    assert at.title[0].value == "Årsrapport"
    # the report, and the table of its status summary
    assert download_labels(at) == ["Ladda ner Word (.docx)", "Ladda ner PDF", "Excel", "CSV"]
    assert at.markdown[1].value == "**Uppföljning av åtgärdsplan mot segregation 2023**"
    at.selectbox(key="report_scope").set_value("district").run()
    at.selectbox(key="report_value_district").set_value("Ryd").run()
    assert "Omfattning: åtgärder och indikatorer för Ryd." in [t.value for t in at.text]


def test_an_uploaded_formula_comment_never_runs_in_an_export(tmp_path, capsys):
    db = tmp_path / "f.duckdb"
    with Store(db) as store:
        plan = xlsx_file({"Åtgärder": [PLAN_HEADER, *PLAN_2022]})
        followup = UploadedFile(
            "f.csv", f"Nr;Period;Status;Kommentar\n1.1;2022;Pågår;{HOSTILE}\n".encode()
        )
        assert import_files(store, [plan, followup], "test").status == "imported"
        stored = store.df("SELECT comment FROM current_action_status")["comment"].tolist()
    assert stored == [HOSTILE]  # stored as the analyst wrote it
    xlsx_out, csv_out = tmp_path / "a.xlsx", tmp_path / "a.csv"
    assert (
        main(["--db", str(db), "export", "actions", "--period", "2022", "--out", str(xlsx_out)])
        == 0
    )
    assert (
        main(
            [
                "--db",
                str(db),
                "export",
                "actions",
                "--period",
                "2022",
                "--format",
                "csv",
                "--out",
                str(csv_out),
            ]
        )
        == 0
    )
    sheet = openpyxl.load_workbook(xlsx_out)["actions"]
    header = [c.value for c in sheet[1]]
    comment = sheet.cell(row=2, column=header.index("comment") + 1)
    assert (comment.value, comment.data_type) == ("'" + HOSTILE, "s")
    rows = list(
        csv.DictReader(io.StringIO(csv_out.read_bytes().decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0]["comment"] == "'" + HOSTILE
