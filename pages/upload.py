"""Ladda upp (analysts only): templates, upload, the check report, a preview, and the import."""

import streamlit as st

from segdash import fmt, i18n, ui
from segdash.config import Limits
from segdash.importer import UploadedFile, check_files, import_files
from segdash.importer.issues import SEVERITY_LABELS
from segdash.importer.spec import WORKBOOK_KIND_LABELS
from segdash.preview import build_preview
from segdash.templates import TEMPLATE_FILENAMES, build_template
from segdash.ui import t

who = ui.require_analyst()
store = ui.get_store()
lang = ui.lang()
limits = Limits.from_env()
st.title(t("upload.title"))
st.markdown(t("upload.intro"))

if message := st.session_state.pop("upload_done", None):
    st.success(message, icon=":material/check_circle:")

with st.expander(t("upload.templates")):
    for column, kind in zip(st.columns(len(TEMPLATE_FILENAMES)), TEMPLATE_FILENAMES, strict=True):
        column.download_button(
            t("upload.template_button", kind=WORKBOOK_KIND_LABELS[kind]),
            data=build_template(kind), file_name=TEMPLATE_FILENAMES[kind],
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"template_{kind}", icon=":material/download:",
        )  # fmt: skip

# A new key after each import empties the uploader.
uploader_key = f"uploader_{st.session_state.get('upload_round', 0)}"
uploaded = st.file_uploader(
    t("upload.files"), type=["xlsx", "xlsm", "ods", "csv"], accept_multiple_files=True,
    key=uploader_key, help=t("upload.files_help", mb=limits.max_upload_bytes // 1_000_000),
    max_upload_size=max(limits.max_upload_bytes // 1_000_000, 1),  # MB, from SEGDASH_MAX_UPLOAD_MB
)  # fmt: skip
if not uploaded:
    st.stop()

files = [UploadedFile(f.name, f.getvalue()) for f in uploaded]
signature = tuple((f.name, f.sha256) for f in files)
if st.session_state.get("checked_signature") != signature:
    bar = st.progress(0.0, text=t("upload.reading"))
    check = check_files(store, files, limits, progress=lambda done, text: bar.progress(min(done, 1.0), text=text))
    bar.empty()
    st.session_state["checked_signature"] = signature
    st.session_state["checked"] = check
    st.session_state["preview"] = build_preview(store, check) if check.ok else None
check = st.session_state["checked"]
preview = st.session_state["preview"]

# --- the report ---------------------------------------------------------------------------

st.header(t("upload.report"))
n_errors, n_warnings = len(check.errors), len(check.warnings)
st.markdown(t("upload.summary", errors=fmt.number(n_errors, 0, lang),
              warnings=fmt.number(n_warnings, 0, lang), files=len(files)))  # fmt: skip
if check.issues:
    report = check.issues_frame()
    left, right = st.columns([1, 2])
    severity = left.segmented_control(
        t("upload.filter_severity"), ["all", "error", "warning"], default="all",
        format_func=lambda s: t({"all": "upload.filter_all", "error": "upload.filter_errors",
                                 "warning": "upload.filter_warnings"}[s]),
        key="report_severity",
    )  # fmt: skip
    search = right.text_input(t("upload.filter_text"), key="report_search")
    shown = report
    if severity in ("error", "warning"):
        shown = shown[shown["severity"] == SEVERITY_LABELS[severity]]
    if search:
        text = shown.astype(str).agg(" ".join, axis=1).str.casefold()
        shown = shown[text.str.contains(search.casefold(), regex=False)]
    columns = {"severity": t("col.severity"), "file": t("col.file"), "sheet": t("col.sheet"),
               "row": t("col.row"), "column": t("col.column"), "value": t("col.value"),
               "message": t("col.message")}  # fmt: skip
    ui.table(shown, columns, key="kontrollrapport")
else:
    st.write(t("upload.no_issues"))

if not check.ok:
    st.error(t("upload.blocked"), icon=":material/error:")
    st.stop()
if not check.new_files:
    st.info(t("upload.all_imported"), icon=":material/info:")
    st.stop()

# --- the preview --------------------------------------------------------------------------

st.header(t("upload.preview"))
counts = {k: v for k, v in preview.counts.items() if f"upload.{k}" in i18n.SV}
if counts:
    for column, (key, value) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(t(f"upload.{key}"), fmt.number(value, 0, lang))
if not any(v for k, v in counts.items() if not k.endswith("unchanged")):
    st.info(t("upload.preview_nothing"), icon=":material/info:")

labels = ui.status_labels()
change_names = {c: t(f"upload.change.{c}") for c in
                ("new", "changed", "removed", "unchanged", "added", "replaced")}  # fmt: skip
tabs = []
if not preview.actions.empty:
    tabs.append(("actions", t("upload.tab_actions")))
if not preview.statuses.empty:
    tabs.append(("statuses", t("upload.tab_statuses")))
if not preview.values.empty:
    tabs.append(("values", t("upload.tab_values")))
for (name, _), tab in zip(tabs, st.tabs([label for _, label in tabs]) if tabs else [], strict=True):
    with tab:
        if name == "actions":
            frame = preview.actions[preview.actions["change"] != "unchanged"]
            frame = frame.assign(change_label=frame["change"].map(change_names),
                                 fields_label=frame["fields"].map(", ".join))  # fmt: skip
            ui.table(frame, {"plan_year": t("col.year"), "action_no": t("col.action_no"),
                             "title": t("col.title"), "change_label": t("col.change_kind"),
                             "fields_label": t("upload.changed_fields")}, key="preview_actions")  # fmt: skip
        elif name == "statuses":
            frame = preview.statuses.assign(
                before_label=preview.statuses["status_before"].map(
                    lambda s: labels.get(s, "–") if isinstance(s, str) else "–"),
                after_label=preview.statuses["status"].map(labels.get),
                before_period_label=preview.statuses["before_period"].map(
                    lambda p: ui.period_label(p) if isinstance(p, str) else "–"),
                period_label=preview.statuses["period"].map(ui.period_label),
                change_label=preview.statuses["change"].map(change_names),
            )  # fmt: skip
            ui.table(frame, {"action_no": t("col.action_no"), "period_label": t("col.period"),
                             "before_period_label": t("col.before_period"),
                             "before_label": t("col.status_before"), "after_label": t("col.status_after"),
                             "progress_before": t("col.old"), "progress": t("col.progress"),
                             "change_label": t("col.change_kind"), "comment": t("col.comment")},
                     {"progress_before": 0, "progress": 0}, key="preview_statuses")  # fmt: skip
        else:
            frame = preview.values[preview.values["change"] != "unchanged"]
            frame = frame.assign(change_label=frame["change"].map(change_names))
            ui.table(frame, {"indicator_code": t("col.indicator"), "district_code": t("col.district"),
                             "year": t("col.year"), "sex": t("col.sex"),
                             "value_before": t("col.old"), "value": t("col.new"),
                             "change_label": t("col.change_kind")},
                     {"value_before": 1, "value": 1}, key="preview_values")  # fmt: skip

# --- confirm and import -------------------------------------------------------------------

reviewed = st.checkbox(t("upload.confirm_check"), key="upload_reviewed")
if st.button(t("upload.confirm"), type="primary", disabled=not reviewed, key="upload_confirm"):
    with st.spinner(t("upload.reading")):
        result = import_files(store, files, who, limits=limits)
    if result.status == "imported":
        summary = ", ".join(
            f"{f.name}: {fmt.number(f.row_count, 0, lang)}" for f in result.check.new_files
        )
        st.session_state["upload_done"] = t(
            "upload.done", ids=", ".join(str(b) for b in result.batch_ids), summary=summary)
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
        for key in ("checked_signature", "checked", "preview", "upload_reviewed"):
            st.session_state.pop(key, None)
        ui.refresh_revision()
        st.rerun()
    # The data changed between the check and the confirm (another import): show why.
    st.session_state["checked"] = result.check
    st.session_state.pop("checked_signature", None)
    st.error(t("upload.failed", error="; ".join(i.message for i in result.check.errors[:5])
               or t("upload.all_imported")), icon=":material/error:")  # fmt: skip
