"""Indikatorer: one indicator in full: definition, all districts over the years, the values."""

import pandas as pd
import streamlit as st

from segdash import charts, domain, fmt, queries, ui
from segdash.ui import t

lang = ui.lang()
st.title(t("indicators.title"))

catalogue = ui.cached(queries.indicator_catalogue)
if catalogue.empty:
    st.info(t("empty.no_indicators"), icon=":material/upload_file:")
    st.stop()

names = dict(zip(catalogue["code"], catalogue["name"], strict=True))
code = ui.url_choice(
    st.selectbox,
    t("indicators.choose"),
    list(names),
    key="indicator_pick",
    param="indikator",
    format_func=names.get,
)
meta = catalogue[catalogue["code"] == code].iloc[0]

if pd.isna(meta["higher_is_better"]):
    direction = t("indicators.no_direction")
elif meta["higher_is_better"]:
    direction = t("indicators.higher_better")
else:
    direction = t("indicators.lower_better")
area = f"{int(meta['area_no'])}. {meta['area_name']}" if pd.notna(meta["area_no"]) else None
left, right = st.columns([2, 1])
with left:
    st.markdown(f"**{t('indicators.definition')}**")
    st.text(meta["definition"] if isinstance(meta["definition"], str) else "–")
with right:
    facts = (
        (t("indicators.unit"), meta["unit"]),
        (t("indicators.direction"), direction),
        (t("indicators.source"), meta["source"]),
        (t("indicators.area"), area),
    )
    for label, value in facts:
        st.markdown(f"**{label}**")
        st.text(value if isinstance(value, str) and value else "–")

master = ui.shared(queries.master_data)


def coverage_of(code: str) -> tuple[dict[str, str], list[str], list[str], int]:
    """The areas with rows of the indicator (code -> name), the focus and reference areas
    first (the summary's order); the others among them (for the chooser); the sexes; and how
    many areas have values. The values themselves are read only for the areas shown."""
    coverage = ui.cached(queries.indicator_coverage, code=code)
    present = coverage.drop_duplicates("district")
    names = dict(zip(present["district"].tolist(), present["district_name"].tolist(), strict=True))
    standard = set(master.standard)
    return (
        names,
        [d for d in names if d not in standard],
        queries.sexes_present(coverage),
        int(coverage.loc[coverage["n_values"] > 0, "district"].nunique()),
    )


district_names, others, sexes, with_values = ui.view(
    coverage_of, key=(code,), values_only=True, code=code
)
if not with_values:
    st.info(ui.tm("empty.no_values", indicator=meta["name"]), icon=":material/upload_file:")
    st.stop()
sex = sexes[0]
if len(sexes) > 1:
    sex = (
        st.segmented_control(
            t("indicators.sex"),
            sexes,
            default=sexes[0],
            key="indicator_sex",
            format_func=lambda s: t(f"sex.{s}"),
        )
        or sexes[0]
    )

# The focus and reference districts by default; any other district on request (a chooser
# with search, since a national file has thousands), or the ones nearest in value: a chart of
# every district in Sweden would be unreadable.
standard = [d for d in master.standard if d in district_names]
focus = [d for d in master.focus if d in district_names]
extra = []
if others:
    extra = st.multiselect(
        t("indicators.more_districts"),
        others,
        key="indicator_more",
        format_func=district_names.get,
        placeholder=t("indicators.none_more"),
        help=t("indicators.more_help", n=fmt.number(len(others), 0, lang)),
    )
near: list[str] = []
if (
    others
    and focus
    and st.toggle(
        t("indicators.similar"), key="indicator_similar", help=t("indicators.similar_help")
    )
):
    similar = ui.cached(
        queries.similar_areas,
        code=code,
        sex=sex,
        to=tuple(focus),
        exclude=tuple(standard),
        n=2,
    )
    if similar.empty:
        st.caption(t("indicators.similar_none"))
    for district, rows in similar.groupby("near_to", sort=False):
        areas = ", ".join(
            f"{district_names[d]} ({fmt.number(x, 1, lang)})"
            for d, x in zip(rows["district"], rows["distance"], strict=True)
        )
        st.caption(ui.tm("indicators.similar_line", district=district_names[district], areas=areas))
    near = [d for d in similar["district"] if d not in extra]
shown_districts = list(dict.fromkeys([*standard, *extra, *near])) or list(district_names)[:8]
listed = ", ".join(district_names[d] for d in shown_districts if d in district_names)


def values_of(code: str, shown: tuple[str, ...], sex: str) -> dict:
    """The shown areas' values of the indicator: for the charts (the chosen sex), and as
    tables, labelled."""
    values = ui.cached(queries.indicator_values, code=code, districts=shown, sex=None)
    chosen = values[values["sex"] == sex]
    # the charts' labels: the shown areas only (the figure cache hashes what it is given)
    names = {d: district_names[d] for d in shown if d in district_names}
    by_year = ui.wide_table(
        chosen.assign(district=chosen["district"].map(names)),
        index="year",
        columns="district",
        values="value",
    )
    lines = ui.figure(
        charts.indicator_lines,
        chosen[["district", "year", "value", "target"]],
        title="",
        unit=meta["unit"],
        district_labels=names,
        reference=domain.MUNICIPALITY,
        target_label=t("chart.target"),
    )
    latest = queries.latest_per_district(chosen)
    bars = ui.figure(
        charts.latest_vs_target,
        latest[["district", "value", "target"]],
        title="",
        unit=meta["unit"],
        district_labels=names,
        value_label=t("chart.value"),
        target_label=t("chart.target"),
    )
    return {
        "by_year": by_year,
        "lines": lines,
        "bars": bars,
        "latest": latest.assign(district_label=latest["district"].map(names)),
        "table": values.assign(
            district_label=values["district"].map(names),
            sex_label=values["sex"].map({s: t(f"sex.{s}") for s in sexes}),
        ),
    }


shown = ui.view(
    values_of,
    key=(code, tuple(shown_districts), sex),
    values_only=True,
    code=code,
    shown=tuple(shown_districts),
    sex=sex,
)

st.header(t("indicators.over_years"))
by_year = shown["by_year"]
ui.chart_with_table(
    shown["lines"],
    key="indicator_lines",
    alt=t("alt.indicator_lines", indicator=meta["name"], districts=listed),
    table_frame=by_year,
    columns={"year": t("col.year"), **{c: c for c in by_year.columns[1:]}},
    decimals={c: 1 for c in by_year.columns[1:]},
)

st.header(t("indicators.latest_vs_target"))
ui.chart(
    shown["bars"],
    key="indicator_latest",
    alt=t("alt.latest_vs_target", indicator=meta["name"]),
)
latest_columns = {
    "district_label": t("col.district"),
    "year": t("col.year"),
    "value": t("col.value"),
    "target": t("col.target"),
}
ui.table(shown["latest"], latest_columns, {"value": 1, "target": 1}, key="latest_table")

st.header(t("districtmap.header"))
ui.indicator_map(code, key="indicator_map")

st.header(t("indicators.values"))
st.caption(
    t(
        "indicators.values_shown",
        n=fmt.number(len(shown_districts), 0, lang),
        total=fmt.number(with_values, 0, lang),
    )
)
value_columns = {
    "district_label": t("col.district"),
    "year": t("col.year"),
    "sex_label": t("indicators.sex"),
    "value": t("col.value"),
    "target": t("col.target"),
    "source": t("col.source"),
}
ui.table(shown["table"], value_columns, {"value": 1, "target": 1}, key="values_table")
