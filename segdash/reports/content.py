"""What the annual follow-up report says: `build_report` gathers every figure from `queries`
(nothing is computed twice), for the whole plan or one district, development area or office;
`sections` walks its parts in order, the seam both writers (docx, pdf) lay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from segdash import domain, fmt, i18n, queries
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
class ReportMap:
    code: str
    name: str
    unit: str | None
    higher_is_better: bool | None
    year: int
    values: pd.DataFrame  # code, name, value, is_focus
    boundaries: queries.Boundaries


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
    # The district map of the indicator most areas have values for, its latest year; None
    # without boundaries.
    map: ReportMap | None = None
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
        name = master.district_names.get(scope.value, scope.value)
        return _t(lang, "report.scope_district", name=name)
    if scope.kind == "area":
        name = master.area_names.get(int(scope.value), "")
        return _t(lang, "report.scope_area", no=scope.value, name=name)
    name = master.office_names.get(scope.value, scope.value)
    return _t(lang, "report.scope_office", name=name)


def build_report(
    store: Store, period: str, scope: Scope = Scope(), lang: str = "sv", show_who: bool = False
) -> Report:
    """Everything the report says, for one follow-up period and scope."""
    all_periods = queries.periods(store)
    if period not in all_periods:
        known = ", ".join(all_periods) or "–"
        raise ReportError(_t(lang, "report.unknown_period", period=period, known=known))
    plan_year = domain.plan_in_force(queries.plan_years(store), period)
    if plan_year is None:
        raise ReportError(_t(lang, "empty.no_plan_for_period", period=period))
    if scope.kind is not None and scope.kind not in SCOPE_KINDS:
        raise ValueError(scope.kind)
    filters = _scope_filters(period, scope)
    figures = queries.key_figures(store, filters)
    labels = i18n.status_labels(lang)
    summary = figures.shown_statuses.copy()
    summary.insert(0, "label", summary["status"].map(labels))

    statuses = queries.action_status(store, filters)
    over_time = queries.status_over_periods(store, replace(filters, period=None))
    upto = [p for p in all_periods if domain.period_sort_key(p) <= domain.period_sort_key(period)]
    over_time = over_time[over_time["period"].isin(upto)]
    master = queries.master_data(store)
    areas = master.areas
    by_area = queries.status_over_periods(store, replace(filters, period=None), by_area=True)
    by_area = by_area[by_area["period"].isin(upto)]
    sections = []
    for area in areas.itertuples():
        mine = statuses[statuses["area_no"] == area.area_no]
        if mine.empty:
            continue
        counts = by_area[by_area["area_no"] == area.area_no].drop(columns="area_no")
        sections.append(
            AreaSection(
                int(area.area_no),
                area.name,
                counts.reset_index(drop=True),
                mine.assign(status_label=mine["status"].map(labels))[
                    ["action_no", "title", "lead_office_name", "status_label", "comment"]
                ].reset_index(drop=True),
            )
        )

    # The focus districts as the master data has them: an analyst who marks a fourth one sees
    # it here as in the app.
    focus = [str(scope.value)] if scope.kind == "district" else master.focus
    rows = []
    for district in focus:
        trends = queries.indicator_trends(store, district)
        if scope.kind == "area":
            trends = trends[trends["area_no"] == int(scope.value)]
        for r in trends.itertuples():
            rows.append(
                {
                    "district": district,
                    "indicator": r.name,
                    "unit": r.unit,
                    "year": r.latest_year,
                    "value": r.latest_value,
                    "municipality": r.municipality_value,
                    "target": r.latest_target,
                    "improving": r.improving,
                }
            )
    at_risk = queries.at_risk(statuses)
    batches = queries.source_batches(
        store,
        plan_year,
        [p for p in (period, figures.previous_period) if p],
        (*focus, domain.MUNICIPALITY),
    )
    return Report(
        map=_report_map(store),
        title=_t(
            lang,
            "report.title",
            period=period if len(period) == 4 else i18n.period_label(lang, period),
        ),
        scope_text=_scope_text(store, scope, lang),
        period=period,
        previous=figures.previous_period,
        lang=lang,
        is_demo=store.shows_demo_data(),
        actions=figures.actions,
        summary=summary.reset_index(drop=True),
        areas=sections,
        indicators=pd.DataFrame(rows),
        at_risk=at_risk.assign(status_label=at_risk["status"].map(labels))[
            ["action_no", "title", "lead_office_name", "status_label", "comment"]
        ].reset_index(drop=True),
        batches=batches,
        show_who=show_who,
    )


def _report_map(store: Store) -> ReportMap | None:
    found = queries.boundaries(store)
    on_map = queries.map_indicators(store)
    if found is None or on_map.empty:
        return None
    code = str(on_map["code"].iloc[0])
    year = queries.map_years(store, code)[0]
    meta = queries.indicator_catalogue(store).set_index("code").loc[code]
    values = queries.map_values(store, code, year)[["code", "name", "value", "is_focus"]]
    return ReportMap(
        code=code,
        name=str(meta["name"]),
        unit=meta["unit"] if isinstance(meta["unit"], str) else None,
        higher_is_better=None
        if pd.isna(meta["higher_is_better"])
        else bool(meta["higher_is_better"]),
        year=year,
        values=values[values["code"].isin(set(found.shown()[0]["code"]))].reset_index(drop=True),
        boundaries=found,
    )


def map_caption(report: Report) -> str:
    found = report.map
    assert found is not None
    lang = report.lang
    shown = int(found.values["value"].notna().sum())
    text = _t(
        lang,
        "report.map_caption",
        indicator=found.name,
        year=found.year,
        shown=shown,
        areas=len(found.values),
        file=found.boundaries.file_name,
    )
    if found.boundaries.is_demo:
        text += " " + _t(lang, "districtmap.source_demo")
    return text


# --- text pieces shared by both formats -------------------------------------------------------


def _summary_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    lang = report.lang
    header = [
        _t(lang, "col.status"),
        _t(lang, "col.count"),
        _t(lang, "col.share"),
        _t(lang, "col.change"),
    ]
    rows = [
        [
            r.label,
            fmt.number(r.count, 0, lang),
            fmt.percent(r.share, 0, lang),
            "–" if report.previous is None else fmt.signed(r.change, 0, lang),
        ]
        for r in report.summary.itertuples()
    ]
    return header, rows


def _summary_text(report: Report) -> str:
    lang = report.lang
    if report.previous is None:
        return _t(
            lang,
            "report.summary_first",
            actions=report.actions,
            period=i18n.period_label(lang, report.period),
        )
    return _t(
        lang,
        "report.summary",
        actions=report.actions,
        period=i18n.period_label(lang, report.period),
        previous=i18n.period_label(lang, report.previous),
    )


def _action_rows(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [
        _t(lang, "col.action_no"),
        _t(lang, "col.title"),
        _t(lang, "col.lead_office"),
        _t(lang, "col.status"),
        _t(lang, "col.comment"),
    ]
    rows = [
        [str(v) if isinstance(v, str) else "" for v in r] for r in frame.itertuples(index=False)
    ]
    return header, rows


def _indicator_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    lang = report.lang
    header = [
        _t(lang, "col.district"),
        _t(lang, "col.indicator"),
        _t(lang, "col.year"),
        _t(lang, "col.value"),
        _t(lang, "col.municipality"),
        _t(lang, "col.target"),
        _t(lang, "col.trend"),
    ]
    trend = {
        True: _t(lang, "districts.trend_good"),
        False: _t(lang, "districts.trend_bad"),
        None: _t(lang, "districts.trend_none"),
    }
    rows = [
        [
            r.district,
            r.indicator,
            str(r.year),
            fmt.with_unit(r.value, r.unit, 1, lang),
            fmt.with_unit(r.municipality, r.unit, 1, lang),
            fmt.with_unit(r.target, r.unit, 1, lang),
            trend[r.improving],
        ]
        for r in report.indicators.itertuples()
    ]
    return header, rows


def _batch_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    lang = report.lang
    header = [_t(lang, "col.batch"), _t(lang, "col.file"), _t(lang, "col.when")]
    rows = [
        [
            str(r.batch_id),
            r.file_name,
            fmt.long_date(pd.Timestamp(r.imported_at).to_pydatetime(), lang),
        ]
        for r in report.batches.itertuples()
    ]
    if report.show_who:
        header.append(_t(lang, "col.who"))
        for row, r in zip(rows, report.batches.itertuples(), strict=True):
            row.append(r.imported_by)
    return header, rows


def sections(report: Report):
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
    if report.map is not None:
        yield "image", "map"
        yield "paragraph", map_caption(report)
    yield "heading2", _t(lang, "report.at_risk_heading")
    if report.at_risk.empty:
        yield "paragraph", _t(lang, "offices.none_at_risk")
    else:
        yield "table", _action_rows(report.at_risk, lang)
    yield "heading2", _t(lang, "report.sources_heading")
    yield "table", _batch_rows(report)
