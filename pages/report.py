"""Rapport: the annual follow-up report for a period and scope, as Word or PDF."""

import streamlit as st

from segdash import domain, queries, reports, ui
from segdash.ui import t

filters = ui.current_filters()
lang = ui.lang()
st.title(t("report.page_title"))
st.markdown(t("report.intro"))

ui.require_follow_up(filters)
periods = ui.cached(queries.periods)

master = ui.shared(queries.master_data)
choices = {
    # A report on one district is about a district of the plan, not the municipality.
    "district": {c: n for c, n in master.district_names.items() if c != domain.MUNICIPALITY},
    "area": {n: master.area_label(n) for n in master.area_names},
    "office": master.office_names,
}
left, middle, right = st.columns(3)
period = left.selectbox(
    t("report.period"),
    list(reversed(periods)),
    key="report_period",
    index=list(reversed(periods)).index(filters.period) if filters.period in periods else 0,
    format_func=ui.period_label,
)
kind = middle.selectbox(
    t("report.scope"),
    ["all", "district", "area", "office"],
    key="report_scope",
    format_func=lambda k: t(f"report.scope_kind.{k}"),
)
value = None
if kind != "all":
    options = list(choices[kind])
    value = right.selectbox(
        t("report.which"), options, key=f"report_value_{kind}", format_func=choices[kind].get
    )
scope = reports.Scope(None if kind == "all" else kind, value)


# Shared, not copied per call: the report holds the map's boundaries, which at national scale
# would be unpickled on every run. Nothing changes a Report once it is built.
@st.cache_resource(max_entries=32, show_spinner=False)
def report_content(
    db_path: str, revision: int, period: str, scope: reports.Scope, language: str, show_who: bool
) -> reports.Report:
    return reports.build_report(ui.get_store(), period, scope, language, show_who)


@st.cache_data(max_entries=32, show_spinner=False)
def report_file(
    db_path: str,
    revision: int,
    period: str,
    scope: reports.Scope,
    language: str,
    show_who: bool,
    kind: str,
) -> bytes:
    return reports.render(
        report_content(db_path, revision, period, scope, language, show_who), kind
    )


store = ui.get_store()
revision = store.revision()
# Analysts' user names are in the report only for an analyst (who is checked on every run).
show_who = ui.current_analyst() is not None
try:
    report = report_content(store.path, revision, period, scope, lang, show_who)
except reports.ReportError as exc:
    st.error(ui.md(exc), icon=":material/error:")
    st.stop()
name = f"uppfoljning_{period}" + (f"_{value}" if value is not None else "")
word, pdf, _ = st.columns([1, 1, 3])
word.download_button(
    t("report.download_docx"),
    file_name=f"{name}.docx",
    key="report_docx",
    on_click="ignore",
    data=lambda: report_file(store.path, revision, period, scope, lang, show_who, "docx"),
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    icon=":material/description:",
    type="primary",
)
pdf.download_button(
    t("report.download_pdf"),
    file_name=f"{name}.pdf",
    key="report_pdf",
    on_click="ignore",
    data=lambda: report_file(store.path, revision, period, scope, lang, show_who, "pdf"),
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
)

st.header(t("report.preview"))
st.markdown(f"**{ui.md(report.title)}**")
st.text(report.scope_text)
st.markdown(f"**{t('report.summary_heading')}**")
ui.table(
    report.summary, {"label": t("col.status"), "count": t("col.count")}, key=f"summary_{period}"
)
for section in report.areas:
    st.markdown(
        f"- {section.area_no}\\. {ui.md(section.name)}: {len(section.actions)} "
        f"{t('overview.actions').lower()}"
    )
