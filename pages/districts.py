"""Områden: one district, or several side by side, with its actions and indicators."""

import pandas as pd
import streamlit as st

from segdash import domain, fmt, ui
from segdash.queries import Filters
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
labels = ui.status_labels()
st.title(t("districts.title"))

master = ui.query("master_data")["districts"]
names = dict(zip(master["code"], master["name"], strict=True))
focus = [c for c, kind in zip(master["code"], master["district_type"], strict=True) if kind == "fokus"]
if not focus:
    focus = [c for c in master["code"] if c != domain.MUNICIPALITY]

# The chosen districts: URL first (a shared link), then the sidebar's, then the first one.
from_sidebar = [d for d in filters.districts if d in focus]
if "district_pick" not in st.session_state:
    from_url = [d for d in st.query_params.get_all("omrade") if d in focus]
    st.session_state["district_pick"] = from_url or from_sidebar or focus[:1]
elif from_sidebar and st.session_state.get("district_sidebar_seen") != from_sidebar:
    # A new choice in the sidebar's district filter is a choice of district here too.
    st.session_state["district_pick"] = from_sidebar
st.session_state["district_sidebar_seen"] = from_sidebar
chosen = st.pills(t("districts.choose"), focus, selection_mode="multi", key="district_pick",
                  format_func=lambda d: ui.md(names.get(d, d))) or focus[:1]  # fmt: skip
st.query_params["omrade"] = chosen

trends = {d: ui.query("indicator_trends", d) for d in chosen}


def status_phrase(row: pd.Series) -> str:
    parts = [f"{int(row[s])} {labels[s].lower()}" for s in domain.STATUS_ORDER if row[s]]
    return ", ".join(parts) or "–"


# One-line summary per development area, districts side by side.
st.header(t("districts.summary"))
columns = st.columns(len(chosen))
for column, district in zip(columns, chosen, strict=True):
    with column:
        st.markdown(f"**{ui.md(names[district])}**")
        summary = ui.query("area_summary", filters, district)
        lines = []
        for row in summary.to_dict("records"):
            if row["indicators"]:
                line = t("districts.summary_line", actions=row["actions"], statuses=status_phrase(row),
                         improving=row["improving"], indicators=row["indicators"],
                         worsening=row["worsening"])  # fmt: skip
            else:
                line = t("districts.summary_line_no_ind", actions=row["actions"],
                         statuses=status_phrase(row))  # fmt: skip
            lines.append(f"- **{ui.md(row['area_name'])}** ({row['area_no']}): {ui.md(line)}")
        st.markdown("\n".join(lines))

# The actions aimed at each district, with their status.
if filters.period is not None:
    columns = st.columns(len(chosen))
    for column, district in zip(columns, chosen, strict=True):
        with column:
            st.header(ui.tm("districts.actions", district=names[district]))
            narrowed = Filters(filters.period, (district,), filters.areas, filters.offices)
            actions = ui.query("action_status", narrowed, None)
            if actions.empty:
                st.write(ui.tm("districts.no_actions", district=names[district]))
                continue
            actions = actions.assign(status_label=actions["status"].map(ui.status_text))
            ui.table(actions, {"action_no": t("col.action_no"), "title": t("col.title"),
                               "status_label": t("col.status"), "progress": t("col.progress")},
                     {"progress": 0}, key=f"actions_{district}")  # fmt: skip
else:
    st.info(t("empty.no_followup"), icon=":material/upload_file:")

# Indicators: a table per district with direction-aware trends, then charts by area.
catalogue = ui.query("indicator_catalogue")
if catalogue.empty:
    st.info(t("empty.no_indicators"), icon=":material/upload_file:")
    st.stop()


def trend_label(value) -> str:
    if value is True:
        return "▲ " + t("districts.trend_good")
    if value is False:
        return "▼ " + t("districts.trend_bad")
    return "● " + t("districts.trend_none")


columns = st.columns(len(chosen))
for column, district in zip(columns, chosen, strict=True):
    with column:
        st.header(ui.tm("districts.indicators", district=names[district]))
        frame = trends[district].copy()
        if frame.empty:
            st.write(t("empty.no_indicators"))
            continue
        frame["latest"] = [fmt.with_unit(v, u, 1, lang) for v, u in zip(frame["latest_value"], frame["unit"], strict=True)]
        frame["trend"] = [
            f"{trend_label(imp)} ({t('districts.trend_detail', change=fmt.signed(ch, 1, lang), start_year=int(sy))})"
            if pd.notna(ch) else trend_label(imp)
            for imp, ch, sy in zip(frame["improving"], frame["change"], frame["start_year"], strict=True)
        ]  # fmt: skip
        frame["target"] = [fmt.with_unit(v, u, 1, lang) for v, u in zip(frame["latest_target"], frame["unit"], strict=True)]
        frame["municipality"] = [fmt.with_unit(v, u, 1, lang) for v, u in zip(frame["municipality_value"], frame["unit"], strict=True)]
        ui.table(frame, {"name": t("col.indicator"), "latest_year": t("col.year"),
                         "latest": t("col.latest"), "trend": t("col.trend"),
                         "target": t("col.target"), "municipality": t("col.municipality")},
                 key=f"trends_{district}")  # fmt: skip

areas = ui.query("master_data")["areas"]
with_values = catalogue[catalogue["n_values"] > 0]
area_options = [int(a) for a in areas["area_no"] if (with_values["area_no"] == a).any()]
if not area_options:
    st.stop()
area_names = dict(zip(areas["area_no"].astype(int), areas["name"], strict=True))
url_area = st.query_params.get("uo")
default_area = int(url_area) if url_area and url_area.isdigit() and int(url_area) in area_options else area_options[0]
if "district_area" not in st.session_state:
    st.session_state["district_area"] = default_area
area = st.pills(t("indicators.area"), area_options, key="district_area",
                format_func=lambda n: f"{n}. {ui.md(area_names[n])}") or area_options[0]  # fmt: skip
st.query_params["uo"] = str(area)

compare = [*focus, domain.MUNICIPALITY]
for indicator in with_values[with_values["area_no"] == area].itertuples():
    values = ui.query("indicator_values", indicator.code, tuple(compare), "T")
    values = values[["district", "year", "value", "target"]]
    if values.empty:
        continue
    ui.chart(
        ui.figure("indicator_lines", values, key=("districts", indicator.code, tuple(compare)),
                  title=indicator.name, unit=indicator.unit, district_labels=names,
                  reference=domain.MUNICIPALITY, target_label=t("chart.target")),
        key=f"ind_{indicator.code}",
    )  # fmt: skip
    with st.expander(t("overview.table_alt")):
        wide = values.assign(district=values["district"].map(names)).pivot_table(
            index="year", columns="district", values="value", sort=False).reset_index()  # fmt: skip
        ui.table(wide, {"year": t("col.year"), **{c: c for c in wide.columns[1:]}},
                 {c: 1 for c in wide.columns[1:]}, key=f"ind_table_{indicator.code}")  # fmt: skip
