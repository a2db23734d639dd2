"""Områden: one district, or several side by side, with its actions and indicators."""

import pandas as pd
import streamlit as st

from segdash import charts, domain, fmt, queries, ui
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
labels = ui.status_labels()
st.title(t("districts.title"))

master = ui.shared(queries.master_data)
names = master.district_names
focus = master.focus

# A focus district clicked on the map (last run) becomes the choice, before the pills exist.
MAP_PICK_KEY = "district_pick_from_map"
if (clicked_focus := st.session_state.pop(MAP_PICK_KEY, None)) is not None:
    st.session_state["district_pick"] = [clicked_focus]

# The chosen districts: URL first (a shared link), then the sidebar's, then the first one; a
# new choice in the sidebar's district filter is a choice of district here too.
chosen = (
    ui.url_choice(
        st.pills,
        t("districts.choose"),
        focus,
        key="district_pick",
        param="omrade",
        follow=filters.districts,
        multi=True,
        selection_mode="multi",
        format_func=lambda d: ui.md(names.get(d, d)),
    )
    or focus[:1]
)


def status_phrase(row: dict) -> str:
    parts = [f"{int(row[s])} {labels[s].lower()}" for s in domain.STATUS_ORDER if row[s]]
    return ", ".join(parts) or "–"


def summary_line(row: dict) -> str:
    if row["indicators"]:
        return t(
            "districts.summary_line",
            actions=row["actions"],
            statuses=status_phrase(row),
            improving=row["improving"],
            indicators=row["indicators"],
            worsening=row["worsening"],
        )
    return t("districts.summary_line_no_ind", actions=row["actions"], statuses=status_phrase(row))


def summary_text(district: str) -> str:
    summary = ui.cached(queries.area_summary, filters=filters, district=district)
    return "\n".join(
        f"- **{ui.md(row['area_name'])}** ({row['area_no']}): {ui.md(summary_line(row))}"
        for row in summary.to_dict("records")
    )


# One-line summary per development area, districts side by side.
st.header(t("districts.summary"))
for column, district in zip(st.columns(len(chosen)), chosen, strict=True):
    with column:
        st.markdown(f"**{ui.md(names[district])}**")
        st.markdown(ui.view(summary_text, key=(filters, district), district=district))


def district_actions(district: str) -> pd.DataFrame:
    actions = ui.cached(queries.action_status, filters=ui.current_filters(districts=(district,)))
    return actions.assign(status_label=actions["status"].map(ui.status_text))


# The actions aimed at each district, with their status.
if filters.period is not None:
    action_columns = {
        "action_no": t("col.action_no"),
        "title": t("col.title"),
        "status_label": t("col.status"),
        "progress": t("col.progress"),
    }
    for column, district in zip(st.columns(len(chosen)), chosen, strict=True):
        with column:
            st.header(ui.tm("districts.actions", district=names[district]))
            actions = ui.view(district_actions, key=(filters, district), district=district)
            if actions.empty:
                st.write(ui.tm("districts.no_actions", district=names[district]))
                continue
            ui.table(actions, action_columns, {"progress": 0}, key=f"actions_{district}")
else:
    st.info(t("empty.no_followup"), icon=":material/upload_file:")

# Indicators: a table per district with direction-aware trends, then charts by area.
catalogue = ui.cached(queries.indicator_catalogue)
if catalogue.empty:
    st.info(t("empty.no_indicators"), icon=":material/upload_file:")
    st.stop()


def trend_label(value) -> str:
    if value is True:
        return "▲ " + t("districts.trend_good")
    if value is False:
        return "▼ " + t("districts.trend_bad")
    return "● " + t("districts.trend_none")


def trend_text(improving, change, start_year) -> str:
    if pd.isna(change):
        return trend_label(improving)
    detail = t(
        "districts.trend_detail", change=fmt.signed(change, 1, lang), start_year=int(start_year)
    )
    return f"{trend_label(improving)} ({detail})"


def with_units(values, units) -> list[str]:
    return [fmt.with_unit(v, u, 1, lang) for v, u in zip(values, units, strict=True)]


def trend_table(district: str) -> pd.DataFrame:
    frame = ui.cached(queries.indicator_trends, district=district)
    if frame.empty:
        return frame
    return frame.assign(
        latest=with_units(frame["latest_value"], frame["unit"]),
        trend=[
            trend_text(imp, ch, sy)
            for imp, ch, sy in zip(
                frame["improving"], frame["change"], frame["start_year"], strict=True
            )
        ],
        target=with_units(frame["latest_target"], frame["unit"]),
        municipality=with_units(frame["municipality_value"], frame["unit"]),
    )


trend_columns = {
    "name": t("col.indicator"),
    "latest_year": t("col.year"),
    "latest": t("col.latest"),
    "trend": t("col.trend"),
    "target": t("col.target"),
    "municipality": t("col.municipality"),
}
for column, district in zip(st.columns(len(chosen)), chosen, strict=True):
    with column:
        st.header(ui.tm("districts.indicators", district=names[district]))
        frame = ui.view(trend_table, key=(district,), values_only=True, district=district)
        if frame.empty:
            st.write(t("empty.no_indicators"))
            continue
        ui.table(frame, trend_columns, key=f"trends_{district}")

# The map: one indicator over every area with a boundary; a click on a focus district opens
# its view here, a click on another area says its value.
st.header(t("districtmap.header"))
on_map = ui.cached(queries.map_indicators)
if on_map.empty:
    ui.no_map_message()
else:
    map_names = dict(zip(on_map["code"], on_map["name"], strict=True))
    map_code = ui.url_choice(
        st.selectbox,
        t("districtmap.indicator"),
        list(map_names),
        key="district_map_indicator",
        param="karta",
        format_func=map_names.get,
    )
    picked = ui.indicator_map(map_code, key="district_map")
    if picked is not None and picked.code in focus and picked.code not in chosen:
        st.session_state[MAP_PICK_KEY] = picked.code
        st.rerun()
    elif picked is not None and picked.code not in focus:
        st.info(
            ui.tm("districtmap.other_area", area=picked.name, value=picked.value_text),
            icon=":material/location_on:",
        )

with_values = catalogue[catalogue["n_values"] > 0]
area_options = [a for a in master.area_names if (with_values["area_no"] == a).any()]
if not area_options:
    st.stop()
area = (
    ui.url_choice(
        st.pills,
        t("indicators.area"),
        area_options,
        key="district_area",
        param="uo",
        convert=int,
        format_func=lambda n: ui.md(master.area_label(n)),
    )
    or area_options[0]
)

compare = (*focus, domain.MUNICIPALITY)
compare_names = {d: names.get(d, d) for d in compare}  # small: a national file has thousands
listed = ", ".join(compare_names.values())


def area_charts(in_area: pd.DataFrame) -> list[tuple]:
    """Each of the area's indicators with values: its figure and its table by year."""
    area_values = ui.cached(
        queries.indicator_values_of, codes=tuple(in_area["code"]), districts=compare, sex="T"
    )
    # One split and one reshape for all the area's indicators.
    per_indicator = {
        code: frame[["district", "year", "value", "target"]]
        for code, frame in area_values.groupby("indicator", sort=False)
    }
    wide = (
        area_values.set_index(["indicator", "year", "district"])["value"]
        .unstack("district")
        .rename(columns=compare_names)
    )
    out = []
    for indicator in in_area.itertuples():
        values = per_indicator.get(indicator.code)
        if values is None or values.empty:
            continue
        by_year = wide.loc[indicator.code].dropna(how="all").dropna(axis=1, how="all")
        by_year = by_year.reset_index()
        figure = ui.figure(
            charts.indicator_lines,
            values,
            key=("districts", indicator.code, compare),
            title=indicator.name,
            unit=indicator.unit,
            district_labels=compare_names,
            reference=domain.MUNICIPALITY,
            target_label=t("chart.target"),
        )
        out.append((indicator.code, indicator.name, figure, by_year))
    return out


for code, name, figure, by_year in ui.view(
    area_charts,
    key=(area, compare),
    values_only=True,
    in_area=with_values[with_values["area_no"] == area],
):
    ui.chart_with_table(
        figure,
        key=f"ind_{code}",
        alt=t("alt.indicator_lines", indicator=name, districts=listed),
        table_frame=by_year,
        columns={"year": t("col.year"), **{c: c for c in by_year.columns[1:]}},
        decimals={c: 1 for c in by_year.columns[1:]},
        table_key=f"ind_table_{code}",
    )
