"""Indikatorer: one indicator in full: definition, all districts over the years, the values."""

import pandas as pd
import streamlit as st

from segdash import domain, ui
from segdash.ui import t

lang = ui.lang()
st.title(t("indicators.title"))

catalogue = ui.query("indicator_catalogue")
if catalogue.empty:
    st.info(t("empty.no_indicators"), icon=":material/upload_file:")
    st.stop()

codes = list(catalogue["code"])
names = dict(zip(catalogue["code"], catalogue["name"], strict=True))
if "indicator_pick" not in st.session_state:
    from_url = st.query_params.get("indikator")
    st.session_state["indicator_pick"] = from_url if from_url in codes else codes[0]
code = st.selectbox(t("indicators.choose"), codes, key="indicator_pick", format_func=names.get)
ui.set_page_param("indikator", code)
meta = catalogue[catalogue["code"] == code].iloc[0]

if pd.isna(meta["higher_is_better"]):
    direction = t("indicators.no_direction")
else:
    direction = t("indicators.higher_better" if meta["higher_is_better"] else "indicators.lower_better")
left, right = st.columns([2, 1])
with left:
    st.markdown(f"**{t('indicators.definition')}**")
    st.text(meta["definition"] if isinstance(meta["definition"], str) else "–")
with right:
    for label, value in (
        (t("indicators.unit"), meta["unit"]), (t("indicators.direction"), direction),
        (t("indicators.source"), meta["source"]),
        (t("indicators.area"), f"{int(meta['area_no'])}. {meta['area_name']}" if pd.notna(meta["area_no"]) else None),
    ):  # fmt: skip
        st.markdown(f"**{label}**")
        st.text(value if isinstance(value, str) and value else "–")

values = ui.query("indicator_values", code, (), None)
if values["value"].notna().sum() == 0:
    st.info(ui.tm("empty.no_values", indicator=meta["name"]), icon=":material/upload_file:")
    st.stop()

districts_present = values.drop_duplicates("district")
district_names = dict(zip(districts_present["district"],
                          districts_present["district_name"].fillna(districts_present["district"]),
                          strict=True))  # fmt: skip
sexes = [s for s in ("T", "K", "M") if (values["sex"] == s).any()]
sex = sexes[0]
if len(sexes) > 1:
    sex = st.segmented_control(t("indicators.sex"), sexes, default=sexes[0], key="indicator_sex",
                               format_func=lambda s: t(f"sex.{s}")) or sexes[0]  # fmt: skip

# The focus districts and Linköping by default; any other district on request, since a chart
# of every district in Sweden would be unreadable.
master = ui.query("master_data")["districts"]
standard = [d for d in master.loc[master["district_type"].isin(["fokus", "referens"]), "code"]
            if d in district_names]  # fmt: skip
others = sorted((d for d in district_names if d not in standard), key=district_names.get)
extra = []
if others:
    extra = st.multiselect(t("indicators.more_districts"), others, key="indicator_more",
                           format_func=district_names.get, placeholder=t("indicators.none_more"))  # fmt: skip
shown_districts = [*standard, *extra] or list(district_names)[:8]
chosen = values[(values["sex"] == sex) & values["district"].isin(shown_districts)]

st.header(t("indicators.over_years"))
ui.chart(ui.figure("indicator_lines", chosen[["district", "year", "value", "target"]], title="",
                   unit=meta["unit"], district_labels=district_names,
                   reference=domain.MUNICIPALITY, target_label=t("chart.target")),
         key="indicator_lines")  # fmt: skip
with st.expander(t("overview.table_alt")):
    wide = chosen.assign(district=chosen["district"].map(district_names)).pivot_table(
        index="year", columns="district", values="value", sort=False).reset_index()  # fmt: skip
    ui.table(wide, {"year": t("col.year"), **{c: c for c in wide.columns[1:]}},
             {c: 1 for c in wide.columns[1:]}, key="indicator_lines_table")  # fmt: skip

st.header(t("indicators.latest_vs_target"))
present = chosen.dropna(subset=["value"])
latest = present.loc[present.groupby("district")["year"].idxmax()]
ui.chart(ui.figure("latest_vs_target", latest[["district", "value", "target"]], title="",
                   unit=meta["unit"], district_labels=district_names,
                   value_label=t("chart.value"), target_label=t("chart.target")),
         key="indicator_latest")  # fmt: skip
latest = latest.assign(district_label=latest["district"].map(district_names))
ui.table(latest, {"district_label": t("col.district"), "year": t("col.year"),
                  "value": t("col.value"), "target": t("col.target")},
         {"value": 1, "target": 1}, key="latest_table")  # fmt: skip

st.header(t("indicators.values"))
table = values.assign(district_label=values["district"].map(district_names),
                      sex_label=values["sex"].map({s: t(f"sex.{s}") for s in sexes}))
ui.table(table, {"district_label": t("col.district"), "year": t("col.year"),
                 "sex_label": t("indicators.sex"), "value": t("col.value"),
                 "target": t("col.target"), "source": t("col.source")},
         {"value": 1, "target": 1}, key="values_table")  # fmt: skip
