"""The annual follow-up report ("Uppföljning av åtgärdsplan mot segregation <period>").

`build_report` gathers every figure from `queries` (nothing is computed twice), for the whole
plan or one district, development area or office. `to_docx` (python-docx, so the office can
edit it before the decision) and `to_pdf` (reportlab) lay the same content out, with the same
plotly charts as the app, rendered to PNG by kaleido in a headless Chromium.
"""

from __future__ import annotations

import io
import os
import shutil
import warnings
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from segdash import charts, domain, fmt, i18n, queries
from segdash.queries import Filters
from segdash.store import Store

SCOPE_KINDS = ("district", "area", "office")


@dataclass(frozen=True)
class Scope:
    """Everything (kind None), or one district, development area or office."""

    kind: str | None = None
    value: str | int | None = None


@dataclass
class AreaSection:
    area_no: int
    name: str
    counts: pd.DataFrame  # period, status, count (the follow-ups up to the report's period)
    actions: pd.DataFrame  # action_no, title, lead_office_name, status, comment


@dataclass
class Report:
    title: str
    scope_text: str
    period: str
    previous: str | None
    lang: str
    is_demo: bool
    actions: int
    summary: pd.DataFrame  # status, count, share, change
    areas: list[AreaSection] = field(default_factory=list)
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    at_risk: pd.DataFrame = field(default_factory=pd.DataFrame)
    batches: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Who imported each source file: analysts' user names, which a public report must not list
    # (they are half of a sign-in). Only a report made for an analyst shows them.
    show_who: bool = False


class ReportError(Exception):
    """A report that can't be made (no plan, unknown period); the message is for the user."""


def _t(lang: str, key: str, **values: object) -> str:
    return i18n.text(lang, key, **values)


def _scope_filters(period: str, scope: Scope) -> Filters:
    if scope.kind == "district":
        return Filters(period, districts=(str(scope.value),))
    if scope.kind == "area":
        return Filters(period, areas=(int(scope.value),))
    if scope.kind == "office":
        return Filters(period, offices=(str(scope.value),))
    return Filters(period)


def _scope_text(store: Store, scope: Scope, lang: str) -> str:
    if scope.kind is None:
        return _t(lang, "report.scope_all")
    master = queries.master_data(store)
    if scope.kind == "district":
        names = dict(zip(master["districts"]["code"], master["districts"]["name"], strict=True))
        return _t(lang, "report.scope_district", name=names.get(scope.value, scope.value))
    if scope.kind == "area":
        names = dict(zip(master["areas"]["area_no"], master["areas"]["name"], strict=True))
        return _t(lang, "report.scope_area", no=scope.value, name=names.get(int(scope.value), ""))
    names = dict(zip(master["offices"]["code"], master["offices"]["name"], strict=True))
    return _t(lang, "report.scope_office", name=names.get(scope.value, scope.value))


def build_report(store: Store, period: str, scope: Scope = Scope(), lang: str = "sv",
                 show_who: bool = False) -> Report:  # fmt: skip
    """Everything the report says, for one follow-up period and scope."""
    all_periods = queries.periods(store)
    if period not in all_periods:
        known = ", ".join(all_periods) or "–"
        raise ReportError(_t(lang, "report.unknown_period", period=period, known=known))
    plan_year = queries.plan_year_for(queries.plan_years(store), period)
    if plan_year is None:
        raise ReportError(_t(lang, "empty.no_plan_for_period", period=period))
    if scope.kind is not None and scope.kind not in SCOPE_KINDS:
        raise ValueError(scope.kind)
    filters = _scope_filters(period, scope)
    figures = queries.key_figures(store, filters)
    labels = i18n.status_labels(lang)
    summary = figures["statuses"].copy()
    summary = summary[(summary["count"] > 0) | (summary["previous_count"].fillna(0) > 0)]
    summary.insert(0, "label", summary["status"].map(labels))

    statuses = queries.action_status(store, filters)
    over_time = queries.status_over_periods(store, Filters(None, filters.districts, filters.areas,
                                                          filters.offices))  # fmt: skip
    upto = [p for p in all_periods if domain.period_sort_key(p) <= domain.period_sort_key(period)]
    over_time = over_time[over_time["period"].isin(upto)]
    areas = queries.master_data(store)["areas"]
    sections = []
    for area in areas.itertuples():
        mine = statuses[statuses["area_no"] == area.area_no]
        if mine.empty:
            continue
        counts = queries.status_over_periods(store, Filters(None, filters.districts, (int(area.area_no),),
                                                            filters.offices))  # fmt: skip
        sections.append(AreaSection(
            int(area.area_no), area.name, counts[counts["period"].isin(upto)].reset_index(drop=True),
            mine.assign(status_label=mine["status"].map(labels))[
                ["action_no", "title", "lead_office_name", "status_label", "comment"]
            ].reset_index(drop=True),
        ))  # fmt: skip

    focus = [str(scope.value)] if scope.kind == "district" else list(domain.FOCUS_DISTRICTS)
    rows = []
    for district in focus:
        trends = queries.indicator_trends(store, district)
        if scope.kind == "area":
            trends = trends[trends["area_no"] == int(scope.value)]
        for r in trends.itertuples():
            rows.append({
                "district": district, "indicator": r.name, "unit": r.unit, "year": r.latest_year,
                "value": r.latest_value, "municipality": r.municipality_value,
                "target": r.latest_target, "improving": r.improving,
            })  # fmt: skip
    at_risk = statuses[statuses["status"].isin(["at_risk", "cancelled"])]
    batches = queries.source_batches(store, plan_year, [p for p in (period, figures["previous_period"]) if p],
                                     (*focus, domain.MUNICIPALITY))  # fmt: skip
    return Report(
        title=_t(lang, "report.title",
                 period=period if len(period) == 4 else i18n.period_label(lang, period)),
        scope_text=_scope_text(store, scope, lang),
        period=period,
        previous=figures["previous_period"],
        lang=lang,
        is_demo=store.shows_demo_data(),
        actions=figures["actions"],
        summary=summary.reset_index(drop=True),
        areas=sections,
        indicators=pd.DataFrame(rows),
        at_risk=at_risk.assign(status_label=at_risk["status"].map(labels))[
            ["action_no", "title", "lead_office_name", "status_label", "comment"]
        ].reset_index(drop=True),
        batches=batches,
        show_who=show_who,
    )  # fmt: skip


# --- the charts as images -------------------------------------------------------------------


def area_figure(report: Report, section: AreaSection):
    labels = i18n.status_labels(report.lang)
    periods = list(dict.fromkeys(section.counts["period"]))
    return charts.status_over_time(
        section.counts, status_labels=labels,
        period_labels={p: i18n.period_label(report.lang, p) for p in periods},
        title="", value_title=_t(report.lang, "chart.actions"),
    )  # fmt: skip


def render_images(report: Report) -> dict[int, bytes]:
    """PNG of each development area's chart, by area number (kaleido + headless Chromium)."""
    import kaleido
    import plotly.io as pio

    if "BROWSER_PATH" not in os.environ:
        found = shutil.which("chromium") or shutil.which("chromium-browser")
        if found:
            os.environ["BROWSER_PATH"] = found
    images: dict[int, bytes] = {}
    kaleido.start_sync_server(silence_warnings=True)
    try:
        with warnings.catch_warnings():
            # plotly warns that its kaleido options are unused with a running server
            warnings.simplefilter("ignore", UserWarning)
            for section in report.areas:
                figure = area_figure(report, section)
                images[section.area_no] = pio.to_image(
                    figure, format="png", width=900, height=420, scale=1.5)
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return images


# --- text pieces shared by both formats -------------------------------------------------------


def _summary_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    lang = report.lang
    header = [_t(lang, "col.status"), _t(lang, "col.count"), _t(lang, "col.share"),
              _t(lang, "col.change")]  # fmt: skip
    rows = [[r.label, fmt.number(r.count, 0, lang), fmt.percent(r.share, 0, lang),
             "–" if report.previous is None else fmt.signed(r.change, 0, lang)]
            for r in report.summary.itertuples()]  # fmt: skip
    return header, rows


def _summary_text(report: Report) -> str:
    lang = report.lang
    if report.previous is None:
        return _t(lang, "report.summary_first", actions=report.actions,
                  period=i18n.period_label(lang, report.period))  # fmt: skip
    return _t(lang, "report.summary", actions=report.actions,
              period=i18n.period_label(lang, report.period),
              previous=i18n.period_label(lang, report.previous))  # fmt: skip


def _action_rows(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [_t(lang, "col.action_no"), _t(lang, "col.title"), _t(lang, "col.lead_office"),
              _t(lang, "col.status"), _t(lang, "col.comment")]  # fmt: skip
    rows = [[str(v) if isinstance(v, str) else "" for v in r] for r in frame.itertuples(index=False)]
    return header, rows


def _indicator_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    lang = report.lang
    header = [_t(lang, "col.district"), _t(lang, "col.indicator"), _t(lang, "col.year"),
              _t(lang, "col.value"), _t(lang, "col.municipality"), _t(lang, "col.target"),
              _t(lang, "col.trend")]  # fmt: skip
    trend = {True: _t(lang, "districts.trend_good"), False: _t(lang, "districts.trend_bad"),
             None: _t(lang, "districts.trend_none")}  # fmt: skip
    rows = [[r.district, r.indicator, str(r.year), fmt.with_unit(r.value, r.unit, 1, lang),
             fmt.with_unit(r.municipality, r.unit, 1, lang), fmt.with_unit(r.target, r.unit, 1, lang),
             trend[r.improving]] for r in report.indicators.itertuples()]  # fmt: skip
    return header, rows


def _batch_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    lang = report.lang
    header = [_t(lang, "col.batch"), _t(lang, "col.file"), _t(lang, "col.when")]
    rows = [[str(r.batch_id), r.file_name, fmt.long_date(pd.Timestamp(r.imported_at).to_pydatetime(), lang)]
            for r in report.batches.itertuples()]  # fmt: skip
    if report.show_who:
        header.append(_t(lang, "col.who"))
        for row, r in zip(rows, report.batches.itertuples(), strict=True):
            row.append(r.imported_by)
    return header, rows


def _sections(report: Report):
    """The report's parts in order: (kind, payload) pairs both writers walk through."""
    lang = report.lang
    yield "heading1", report.title
    yield "paragraph", report.scope_text
    yield "paragraph", _t(lang, "report.made", date=fmt.long_date(date.today(), lang))
    if report.is_demo:
        yield "paragraph", _t(lang, "report.demo")
    yield "heading2", _t(lang, "report.summary_heading")
    yield "paragraph", _summary_text(report)
    yield "table", _summary_rows(report)
    for section in report.areas:
        yield "heading2", f"{section.area_no}. {section.name}"
        yield "image", section.area_no
        yield "table", _action_rows(section.actions, lang)
    yield "heading2", _t(lang, "report.indicators_heading")
    if report.indicators.empty:
        yield "paragraph", _t(lang, "empty.no_indicators")
    else:
        yield "table", _indicator_rows(report)
    yield "heading2", _t(lang, "report.at_risk_heading")
    if report.at_risk.empty:
        yield "paragraph", _t(lang, "offices.none_at_risk")
    else:
        yield "table", _action_rows(report.at_risk, lang)
    yield "heading2", _t(lang, "report.sources_heading")
    yield "table", _batch_rows(report)


# --- Word ---------------------------------------------------------------------------------------


def to_docx(report: Report, images: dict[int, bytes] | None = None) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = report.title
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10.5)
    for kind, payload in _sections(report):
        if kind == "heading1":
            document.add_heading(payload, level=1)
        elif kind == "heading2":
            document.add_heading(payload, level=2)
        elif kind == "paragraph":
            document.add_paragraph(payload)
        elif kind == "image":
            if images and payload in images:
                document.add_picture(io.BytesIO(images[payload]), width=Cm(16))
        elif kind == "table":
            header, rows = payload
            table = document.add_table(rows=1, cols=len(header))
            table.style = "Light Grid Accent 1"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def to_pdf(report: Report, images: dict[int, bytes] | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    cell_style = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    story = []
    for kind, payload in _sections(report):
        if kind in ("heading1", "heading2", "paragraph"):
            style = {"heading1": "Title", "heading2": "Heading2", "paragraph": "BodyText"}[kind]
            # reportlab reads its own mark-up in paragraphs: user text is escaped.
            story.append(Paragraph(escape(str(payload)), styles[style]))
        elif kind == "image":
            if images and payload in images:
                story.append(Image(io.BytesIO(images[payload]), width=16 * cm, height=16 * cm * 420 / 900))
        elif kind == "table":
            header, rows = payload
            data = [[Paragraph(f"<b>{escape(h)}</b>", cell_style) for h in header]]
            data += [[Paragraph(escape(c), cell_style) for c in row] for row in rows]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))  # fmt: skip
            story.append(table)
        story.append(Spacer(1, 0.25 * cm))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=report.title, author="segdash",
                      leftMargin=2 * cm, rightMargin=2 * cm).build(story)  # fmt: skip
    return buffer.getvalue()


def render(report: Report, kind: str, with_charts: bool = True) -> bytes:
    images = render_images(report) if with_charts else None
    return to_docx(report, images) if kind == "docx" else to_pdf(report, images)
