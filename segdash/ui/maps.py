"""The district map, as the districts and indicators pages show it: a year to choose, the map
of every area that has a boundary, the same figures as a table beside it, where the boundaries
come from, and which area was clicked."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from segdash import charts, fmt, queries
from segdash.ui.data import cached, figure, shared, view
from segdash.ui.lang import lang, t
from segdash.ui.widgets import chart, md, table

# Skäggetorp's RegSO also holds the Tornby retail area: said wherever its RegSO value is shown.
SKAGGETORP_REGSO = "0580R018"


def boundary_caption(found: queries.Boundaries, *, with_values: bool = True) -> None:
    """Where the boundaries come from (SCB's, for the demo), and Skäggetorp's RegSO."""
    when = fmt.long_date(found.imported_at.date(), lang())
    text = t("districtmap.source", file=md(found.file_name), when=when)
    if found.is_demo and with_values:
        text += " " + t("districtmap.source_demo")
    elif found.is_demo:
        text += " " + t("districtmap.source_scb")
    if found.region_codes.get("Skäggetorp") == SKAGGETORP_REGSO:
        text += " " + t("districtmap.skaggetorp_note")
    shown, _ = found.shown()
    if len(shown) < len(found.areas):
        text += " " + t(
            "districtmap.around_focus",
            shown=fmt.number(len(shown), 0, lang()),
            total=fmt.number(len(found.areas), 0, lang()),
        )
    st.caption(text)


@dataclass(frozen=True)
class ClickedArea:
    code: str
    name: str
    value_text: str  # the value with its unit, or "Inget värde"


def _map_of(code: str, year: int) -> tuple[go.Figure, pd.DataFrame, pd.DataFrame]:
    """The map of one indicator and year, the areas it draws with their values, and the same
    rows best first for the table beside it (made once per data revision and language)."""
    found = shared(queries.boundaries)
    catalogue = cached(queries.indicator_catalogue)
    meta = catalogue[catalogue["code"] == code].iloc[0]
    values = cached(queries.map_values, indicator=code, year=year)
    areas, geojson = found.shown()
    if len(areas) < len(found.areas):
        values = values[values["code"].isin(set(areas["code"]))].reset_index(drop=True)
    higher = None if pd.isna(meta["higher_is_better"]) else bool(meta["higher_is_better"])
    fig = figure(
        charts.district_map,
        values[["code", "name", "value", "is_focus"]],
        key=("map", code, year),
        geojson=geojson,
        title=f"{meta['name']}, {year}",
        unit=meta["unit"] if isinstance(meta["unit"], str) else None,
        higher_is_better=higher,
        value_label=t("chart.value"),
        no_value_label=t("districtmap.no_value"),
        focus_label=t("districtmap.focus"),
        better_label=t("districtmap.darker_better"),
        lang=lang(),
    )
    listed = values.sort_values("value", ascending=higher is False, na_position="last")
    return fig, values, listed.reset_index(drop=True)


def indicator_map(code: str, *, key: str) -> ClickedArea | None:
    """The map of one indicator; returns the area the user clicked, if any."""
    found = shared(queries.boundaries)
    if found is None:
        st.info(t("districtmap.no_boundaries"), icon=":material/map:")
        return None
    catalogue = cached(queries.indicator_catalogue)
    meta = catalogue[catalogue["code"] == code].iloc[0]
    years = cached(queries.map_years, indicator=code)
    if not years:
        st.info(t("districtmap.no_values", indicator=md(meta["name"])), icon=":material/map:")
        boundary_caption(found)
        return None
    year = st.selectbox(t("districtmap.year"), years, key=f"{key}_year")
    fig, values, listed = view(
        _map_of, key=(code, int(year)), values_only=True, code=code, year=int(year)
    )
    unit = meta["unit"] if isinstance(meta["unit"], str) else None
    shown = int(listed["value"].notna().sum())
    if shown < 2:
        st.info(
            t(
                "districtmap.too_few",
                shown=shown,
                areas=len(values),
                indicator=md(meta["name"]),
                year=year,
            ),
            icon=":material/map:",
        )
        boundary_caption(found)
        return None
    left, right = st.columns([3, 2])
    with left:
        event = chart(
            fig,
            key=f"{key}_chart",
            alt=t(
                "alt.map",
                indicator=meta["name"],
                year=year,
                areas=len(values),
                shown=shown,
            ),
            on_select="rerun",
            selection_mode="points",
        )
    with right:
        heading = t("col.value") + (f" ({unit})" if unit else "")
        table(
            listed,
            {"name": t("col.district"), "value": heading},
            {"value": 1},
            height=min(38 + 35 * len(listed), 520),
        )
    boundary_caption(found)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        location = point.get("location") or point.get("customdata")
        row = values[values["code"] == location]
        if isinstance(location, str) and len(row):
            value = row["value"].iloc[0]
            text = (
                fmt.with_unit(value, unit, 1, lang())
                if pd.notna(value)
                else t("districtmap.no_value")
            )
            return ClickedArea(location, str(row["name"].iloc[0]), text)
    return None


def no_map_message() -> None:
    """Why there is no map: no boundaries at all, or no values for any area that has one."""
    if shared(queries.boundaries) is None:
        st.info(t("districtmap.no_boundaries"), icon=":material/map:")
    else:
        st.info(t("districtmap.no_values_any"), icon=":material/map:")


def locator_map(*, key: str) -> None:
    """A small map of where the focus districts lie (nothing when there are no boundaries)."""
    found = shared(queries.boundaries)
    if found is None or not found.areas["is_focus"].any():
        return
    areas, geojson = found.shown()
    fig = figure(
        charts.locator_map,
        areas[["code", "name", "is_focus"]],
        key=("locator", found.batch_id),
        geojson=geojson,
        title=t("districtmap.locator"),
        focus_label=t("districtmap.focus"),
        other_label=t("districtmap.other_areas"),
    )
    chart(fig, key=key, alt=t("alt.locator_map", areas=int((~areas["is_focus"]).sum())))
    boundary_caption(found, with_values=False)
