"""The annual follow-up report: its content against the queries, as Word and as PDF, and the CLI."""

from __future__ import annotations

import io
import shutil

import pytest
from docx import Document
from pypdf import PdfReader

from segdash import fmt, i18n, reports
from segdash import queries as q
from segdash.cli import main
from segdash.queries import Filters
from segdash.store import Store


@pytest.fixture(scope="module")
def demo(demo_path) -> Store:
    with Store(demo_path) as store:
        yield store


@pytest.fixture(scope="module")
def report_2023(demo) -> reports.Report:
    return reports.build_report(demo, "2023")


def docx_of(report: reports.Report, images=None) -> Document:
    return Document(io.BytesIO(reports.to_docx(report, images)))


def test_content_matches_the_queries(demo, report_2023):
    figures = q.key_figures(demo, Filters(period="2023"))
    assert report_2023.title == "Uppföljning av åtgärdsplan mot segregation 2023"
    assert (report_2023.actions, report_2023.previous) == (figures.actions, "2022")
    shown = report_2023.summary.set_index("status")
    expected = figures.statuses.set_index("status")
    for status in shown.index:
        assert shown.loc[status, "count"] == expected.loc[status, "count"]
        assert shown.loc[status, "change"] == expected.loc[status, "change"]
    statuses = q.action_status(demo, Filters(period="2023"))
    assert [s.area_no for s in report_2023.areas] == sorted(statuses["area_no"].unique().tolist())
    assert sum(len(s.actions) for s in report_2023.areas) == len(statuses)
    at_risk = statuses[statuses["status"].isin(["at_risk", "cancelled"])]
    assert report_2023.at_risk["action_no"].tolist() == at_risk["action_no"].tolist()
    assert report_2023.is_demo is True
    # the four demo workbooks all feed the report; each is listed with file and importer
    assert set(report_2023.batches["imported_by"]) == {"segdash (exempeldata)"}
    assert len(report_2023.batches) == 4


def test_indicators_are_the_focus_districts_against_linkoping(demo, report_2023):
    table = report_2023.indicators
    assert set(table["district"]) == {"Berga", "Ryd", "Skäggetorp"}
    trends = q.indicator_trends(demo, "Skäggetorp").set_index("name")
    row = table[
        (table["district"] == "Skäggetorp") & (table["indicator"] == "Arbetslöshet 18–64 år")
    ].iloc[0]
    assert row["value"] == trends.loc["Arbetslöshet 18–64 år", "latest_value"]
    assert row["municipality"] == trends.loc["Arbetslöshet 18–64 år", "municipality_value"]


def test_docx_has_the_sections_tables_and_figures(demo, report_2023):
    document = docx_of(report_2023)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == report_2023.title
    assert headings[1] == "Sammanfattning"
    assert headings[2 : 2 + len(report_2023.areas)] == [
        f"{s.area_no}. {s.name}" for s in report_2023.areas
    ]
    assert headings[-3:] == [
        "Fokusområdenas indikatorer jämfört med Linköping och målen",
        "Åtgärder med avvikelse eller som avbrutits",
        "Underlag: importer som rapporten bygger på",
    ]
    summary = document.tables[0]
    labels = i18n.status_labels("sv")
    first = report_2023.summary.iloc[0]
    assert [c.text for c in summary.rows[1].cells] == [
        labels[first["status"]],
        str(first["count"]),
        fmt.percent(first["share"]),
        fmt.signed(first["change"]),
    ]
    area_one = document.tables[1]
    assert [c.text for c in area_one.rows[0].cells] == [
        "Nr",
        "Åtgärd",
        "Ansvarig förvaltning",
        "Status",
        "Kommentar",
    ]
    assert len(area_one.rows) - 1 == len(report_2023.areas[0].actions)
    sources = document.tables[-1]
    assert [r.cells[1].text for r in sources.rows[1:]] == report_2023.batches["file_name"].tolist()
    assert any("exempeldata" in p.text for p in document.paragraphs)


def test_pdf_is_a_real_pdf_with_the_sections(report_2023):
    data = reports.to_pdf(report_2023)
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for section in [
        "Uppföljning av åtgärdsplan mot segregation 2023",
        "Sammanfattning",
        report_2023.areas[0].name,
        "Åtgärder med avvikelse eller som avbrutits",
        "Underlag: importer som rapporten bygger på",
    ]:
        assert " ".join(section.split()) in " ".join(text.split()), section


def test_charts_are_rendered_as_images_in_both_formats(report_2023):
    if shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is needed to render the report's charts (apt-get install chromium)"
        )
    images = reports.render_images(report_2023)
    # one chart per development area, and the district map
    assert list(images) == [*(s.area_no for s in report_2023.areas), "map"]
    assert all(png.startswith(b"\x89PNG") for png in images.values())
    document = docx_of(report_2023, images)
    assert len(document.inline_shapes) == len(report_2023.areas) + 1
    pdf = PdfReader(io.BytesIO(reports.to_pdf(report_2023, images)))
    assert sum(len(page.images) for page in pdf.pages) == len(report_2023.areas) + 1


@pytest.mark.parametrize(
    ("scope", "scope_text"),
    [
        (reports.Scope("district", "Ryd"), "Omfattning: åtgärder och indikatorer för Ryd."),
        (
            reports.Scope("area", 2),
            "Omfattning: utvecklingsområde 2, Fler i arbete eller meningsfull sysselsättning.",
        ),
        (
            reports.Scope("office", "UBF"),
            "Omfattning: åtgärder som Utbildningsförvaltningen leder eller deltar i.",
        ),
    ],
)
def test_a_scope_narrows_the_report(demo, scope, scope_text):
    report = reports.build_report(demo, "2022", scope)
    assert report.scope_text == scope_text
    filters = reports.content._scope_filters("2022", scope)
    assert report.actions == len(q.action_status(demo, filters))
    if scope.kind == "district":
        assert set(report.indicators["district"]) == {"Ryd"}
    if scope.kind == "area":
        assert [s.area_no for s in report.areas] == [2]


def test_comments_with_markup_stay_text(demo, report_2023):
    hostile = report_2023.at_risk.copy()
    hostile.loc[0, "comment"] = "<b>fet</b> & <script>alert(1)</script> =1+1"
    report = reports.Report(**{**report_2023.__dict__, "at_risk": hostile})
    document = docx_of(report)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "<b>fet</b> & <script>alert(1)</script> =1+1" in cells
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(reports.to_pdf(report))).pages)
    assert "<b>fet</b> &" in text


def test_unknown_period_is_a_clear_error(demo):
    with pytest.raises(reports.ReportError) as err:
        reports.build_report(demo, "1999")
    assert (
        str(err.value)
        == "Det finns ingen uppföljning för 1999. Perioder som finns: 2021, 2022-T2, 2022, 2023."
    )


def test_cli_report_and_export(demo_path, tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    shutil.copy(demo_path, db)
    out = tmp_path / "r.docx"
    assert (
        main(
            [
                "--db",
                db,
                "report",
                "--period",
                "2023",
                "--out",
                str(out),
                "--no-charts",
                "--district",
                "Skäggetorp",
            ]
        )
        == 0
    )
    assert (
        capsys.readouterr().out
        == f"Uppföljning av åtgärdsplan mot segregation 2023 sparad i {out}.\n"
    )
    assert (
        Document(str(out)).paragraphs[1].text
        == "Omfattning: åtgärder och indikatorer för Skäggetorp."
    )
    assert main(["--db", db, "report", "--period", "1999", "--out", str(out)]) == 1
    assert "Det finns ingen uppföljning för 1999." in capsys.readouterr().err
    csv_out = tmp_path / "a.csv"
    assert (
        main(
            [
                "--db",
                db,
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
    assert capsys.readouterr().out == f"60 rader exporterade till {csv_out}.\n"
    text = csv_out.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf") and b";" in text.splitlines()[0]


def test_who_imported_is_left_out_of_a_report_for_viewers(demo, report_2023):
    """Analysts' user names are half of a sign-in: a public report does not list them."""
    public = docx_of(report_2023)
    assert [c.text for c in public.tables[-1].rows[0].cells] == ["Import", "Fil", "Tid"]
    text = "\n".join(
        cell.text for table in public.tables for row in table.rows for cell in row.cells
    )
    assert "segdash (exempeldata)" not in text
    for_analyst = docx_of(reports.build_report(demo, "2023", show_who=True))
    assert [c.text for c in for_analyst.tables[-1].rows[0].cells] == ["Import", "Fil", "Tid", "Av"]
    assert for_analyst.tables[-1].rows[1].cells[3].text == "segdash (exempeldata)"
