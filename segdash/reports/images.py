"""The report's charts as PNG: the same plotly figures as the app, rendered by kaleido in a
headless Chromium (Debian's `chromium`, or BROWSER_PATH)."""

from __future__ import annotations

import warnings

from segdash import charts, i18n
from segdash.config import settings
from segdash.reports.content import AreaSection, Report, _t


def area_figure(report: Report, section: AreaSection):
    labels = i18n.status_labels(report.lang)
    periods = list(dict.fromkeys(section.counts["period"]))
    return charts.status_over_time(
        section.counts,
        status_labels=labels,
        period_labels={p: i18n.period_label(report.lang, p) for p in periods},
        title="",
        value_title=_t(report.lang, "chart.actions"),
    )


def map_figure(report: Report):
    found = report.map
    assert found is not None
    return charts.district_map(
        found.values,
        geojson=found.boundaries.shown()[1],
        title=f"{found.name}, {found.year}",
        unit=found.unit,
        higher_is_better=found.higher_is_better,
        value_label=_t(report.lang, "chart.value"),
        no_value_label=_t(report.lang, "districtmap.no_value"),
        focus_label=_t(report.lang, "districtmap.focus"),
        better_label=_t(report.lang, "districtmap.darker_better"),
        lang=report.lang,
        height=700,
    )


def render_images(report: Report) -> dict[int | str, bytes]:
    """PNG of each development area's chart, by area number (kaleido + headless Chromium)."""
    import kaleido
    import plotly.io as pio

    images: dict[int | str, bytes] = {}
    kaleido.start_sync_server(path=settings().chromium_path, silence_warnings=True)
    try:
        with warnings.catch_warnings():
            # plotly warns that its kaleido options are unused with a running server
            warnings.simplefilter("ignore", UserWarning)
            for section in report.areas:
                figure = area_figure(report, section)
                images[section.area_no] = pio.to_image(
                    figure, format="png", width=900, height=420, scale=1.5
                )
            if report.map is not None:
                images["map"] = pio.to_image(
                    charts.figure_spec(map_figure(report)),
                    format="png",
                    width=900,
                    height=700,
                    scale=1.5,
                )
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return images
