"""Ladda upp (analysts only): templates, upload, the mapping step for files that are not in
the template's layout, the check report, a preview, and the import."""

import pandas as pd
import streamlit as st

from segdash import fmt, i18n, queries, ui
from segdash.config import settings
from segdash.importer import (
    CheckResult,
    FileCheck,
    ImportOptions,
    UploadedFile,
    check_files,
    import_files,
    profile_options,
    spec,
)
from segdash.importer import options as import_options
from segdash.importer.issues import SEVERITY_LABELS
from segdash.importer.preview import build_preview
from segdash.importer.spec import WORKBOOK_KIND_LABELS, norm_name
from segdash.importer.templates import TEMPLATE_FILENAMES, build_template
from segdash.ui import t

# --- the mapping step's widgets ------------------------------------------------------------
# One implementation of the choices lives in the importer (ImportOptions); these widgets only
# collect them, as the CLI's options do. Their state is kept per file (by its sha256).

ROLE_CHOICES = ["", *import_options.ROLES]  # "" = as the importer recognised it
PER_YEAR_CHOICES = ["", *import_options.PER_YEAR_RULE_LIST]
TEMPLATE_SHEETS = {norm_name(n) for n in spec.INDICATOR_VALUES.names}
MAX_ROLE_WIDGETS = 20


def _key(sha: str, name: str) -> str:
    return f"map_{sha[:16]}_{name}"


def options_from_state(sha: str) -> ImportOptions:
    """A file's choices as its widgets (and the profile chosen) left them on the last run."""
    state = st.session_state
    profile_name = state.get(_key(sha, "profile")) or None
    headers = state.get(_key(sha, "headers"), [])
    columns = [
        (role, header)
        for n, header in enumerate(headers)
        if (role := state.get(_key(sha, f"role_{n}")))
    ]
    where_columns = state.get(_key(sha, "where_columns"), [])
    where = [
        (header, value)
        for n, header in enumerate(where_columns)
        if (value := state.get(_key(sha, f"where_{n}")))
    ]
    given = ImportOptions(
        indicator=state.get(_key(sha, "indicator")) or None,
        columns=tuple(columns),
        where=tuple(where),
        per_year=state.get(_key(sha, "per_year")) or None,
        add_districts=bool(state.get(_key(sha, "add_districts"))),
        sheets=tuple(state.get(_key(sha, "sheets"), ())),
        save_as=(state.get(_key(sha, "save_as")) or "").strip() or None,
    )
    if profile_name:
        saved = profile_options(ui.cached(queries.import_profiles), profile_name)
        if saved is not None:
            return saved.merged(given)
    return given


def needs_mapping(checked: FileCheck, result: CheckResult) -> bool:
    """Files outside the template's layout get the mapping step, and so does any file whose
    indicator values have errors that a choice may fix."""
    if not checked.layouts or checked.already_imported is not None:
        return False
    outside = any(norm_name(layout.sheet) not in TEMPLATE_SHEETS for layout in checked.layouts)
    errors = any(i.is_error and i.file == checked.name for i in result.issues)
    return outside or errors or not checked.options.is_empty


def mapping_step(checked: FileCheck) -> None:
    sha = checked.sha256
    state = st.session_state
    # A saved profile that fits the file's header is used at once (and can be switched off).
    if _key(sha, "offered") not in state:
        state[_key(sha, "offered")] = True
        if checked.matching_profiles and checked.options.is_empty:
            state[_key(sha, "profile")] = checked.matching_profiles[0]
            st.rerun()
    # Names from the file (file, sheet, headers, profile) are data: shown literally (ui.md).
    with st.expander(
        t("map.title", file=ui.md(checked.name)), expanded=True, icon=":material/tune:"
    ):
        st.caption(t("map.intro"))
        if checked.options.profile:
            st.info(
                t("map.profile_used", name=ui.md(checked.options.profile)),
                icon=":material/bookmark:",
            )
        for layout in checked.layouts:
            st.subheader(t("map.recognised", sheet=ui.md(layout.sheet), row=layout.header_row))
            roles = pd.DataFrame(layout.roles, columns=[t("map.col_header"), t("map.col_role")])
            roles[t("map.col_role")] = roles[t("map.col_role")].map(
                lambda r: t("map.ignored") if r == "ignoreras" else r
            )
            left, right = st.columns([1, 2])
            left.dataframe(roles, hide_index=True, width="stretch")
            right.caption(t("map.sample"))
            right.dataframe(layout.sample, hide_index=True, width="stretch")
        _choices(checked)


def _choices(checked: FileCheck) -> None:
    sha = checked.sha256
    state = st.session_state
    profiles = ui.cached(queries.import_profiles)
    left, right = st.columns(2)
    names = ["", *profiles["name"]]
    left.selectbox(
        t("map.profile"), names, key=_key(sha, "profile"), format_func=lambda n: n or t("map.none")
    )
    catalogue = ui.cached(queries.indicator_catalogue)
    codes = ["", *catalogue["code"]]
    labels = dict(zip(catalogue["code"], catalogue["name"], strict=True))
    right.selectbox(
        t("map.indicator"),
        codes,
        key=_key(sha, "indicator"),
        format_func=lambda c: f"{c} – {labels[c]}" if c else t("map.from_file"),
        help=t("map.indicator_help"),
    )
    # A role per column (not the period headers of a wide table).
    layout = checked.layouts[0]
    headers = [h for h, _ in layout.roles if h not in layout.period_headers][:MAX_ROLE_WIDGETS]
    state[_key(sha, "headers")] = headers
    st.markdown(f"**{t('map.roles')}**")
    grid = st.columns(4)
    for n, header in enumerate(headers):
        grid[n % 4].selectbox(
            t("map.role_for", header=ui.md(header)),
            ROLE_CHOICES,
            key=_key(sha, f"role_{n}"),
            format_func=lambda r: r or t("map.as_recognised"),
        )
    # Keep only the rows where a breakdown column has one value (Månad, Ålder, …).
    where_columns = list(layout.choices)
    state[_key(sha, "where_columns")] = where_columns
    if where_columns:
        st.markdown(f"**{t('map.where')}**")
        grid = st.columns(3)
        for n, header in enumerate(where_columns):
            grid[n % 3].selectbox(
                t("map.where_for", header=ui.md(header)),
                ["", *layout.choices[header]],
                key=_key(sha, f"where_{n}"),
                format_func=lambda v: v or t("map.all_rows"),
            )
    left, right = st.columns(2)
    left.selectbox(
        t("map.per_year"),
        PER_YEAR_CHOICES,
        key=_key(sha, "per_year"),
        format_func=_per_year_label,
        help=t("map.per_year_help"),
    )
    right.multiselect(
        t("map.sheets"),
        checked.sheet_names,
        key=_key(sha, "sheets"),
        placeholder=t("map.all_sheets"),
    )
    st.checkbox(
        t("map.add_districts"), key=_key(sha, "add_districts"), help=t("map.add_districts_help")
    )
    st.text_input(
        t("map.save_as"), key=_key(sha, "save_as"), max_chars=80, help=t("map.save_as_help")
    )
    command = " ".join(checked.options.describe())
    if command:
        st.caption(t("map.cli", options=ui.md(command)))


def _count(key: str, n: int) -> str:
    """'1 varning' / '3 varningar'."""
    return t(f"{key}_one") if n == 1 else t(key, n=fmt.number(n, 0, ui.lang()))


def _per_year_label(rule: str) -> str:
    return f"{rule} – {import_options.per_year_label(rule)}" if rule else t("map.none")


who = ui.require_analyst()
store = ui.get_store()
lang = ui.lang()
limits = settings().limits
st.title(t("upload.title"))
st.markdown(t("upload.intro"))

if message := st.session_state.pop("upload_done", None):
    st.success(message, icon=":material/check_circle:")

with st.expander(t("upload.templates")):
    for column, kind in zip(st.columns(len(TEMPLATE_FILENAMES)), TEMPLATE_FILENAMES, strict=True):
        column.download_button(
            t("upload.template_button", kind=WORKBOOK_KIND_LABELS[kind]),
            data=lambda kind=kind: build_template(kind),  # built only when clicked
            on_click="ignore",
            file_name=TEMPLATE_FILENAMES[kind],
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"template_{kind}",
            icon=":material/download:",
        )

# A new key after each import empties the uploader.
uploader_key = f"uploader_{st.session_state.get('upload_round', 0)}"
uploaded = st.file_uploader(
    t("upload.files"),
    type=["xlsx", "xlsm", "ods", "csv", "json", "geojson", "gpkg"],
    accept_multiple_files=True,
    key=uploader_key,
    help=t("upload.files_help", mb=limits.max_upload_bytes // 1_000_000),
    max_upload_size=max(limits.max_upload_bytes // 1_000_000, 1),  # MB, from SEGDASH_MAX_UPLOAD_MB
)
if not uploaded:
    st.stop()

raw_files = [UploadedFile(f.name, f.getvalue()) for f in uploaded]
# Each file's mapping-step choices, from its widgets (set on an earlier run) and its profile.
files = [UploadedFile(f.name, f.data, options_from_state(f.sha256)) for f in raw_files]
signature = tuple((f.name, f.sha256, f.options) for f in files)
if st.session_state.get("checked_signature") != signature:
    bar = st.progress(0.0, text=t("upload.reading"))
    check = check_files(
        store, files, limits, progress=lambda done, text: bar.progress(min(done, 1.0), text=text)
    )
    bar.empty()
    st.session_state["checked_signature"] = signature
    st.session_state["checked"] = check
    st.session_state["preview"] = build_preview(store, check) if check.ok else None
check = st.session_state["checked"]
preview = st.session_state["preview"]

# --- the mapping step: files that are not in the template's layout -------------------------

for checked in check.files:
    if needs_mapping(checked, check):
        mapping_step(checked)
    elif "boundaries" in checked.kinds and checked.already_imported is None:
        # A boundary file's one choice: areas it has that segdash doesn't know.
        if checked.unknown_areas or checked.options.add_districts:
            st.checkbox(
                ui.tm("upload.boundaries_add", file=checked.name),
                key=_key(checked.sha256, "add_districts"),
                help=t("map.add_districts_help"),
            )

# --- the report ---------------------------------------------------------------------------

st.header(t("upload.report"))
n_errors, n_warnings = check.error_count, check.warning_count


st.markdown(
    t(
        "upload.summary",
        errors=_count("upload.n_errors", n_errors),
        warnings=_count("upload.n_warnings", n_warnings),
        files=_count("upload.n_files", len(files)),
    )
)
if check.issues:
    # One line per problem and column (the same problem on 400 rows is one line) …
    grouped = pd.DataFrame(
        [
            {
                "severity": SEVERITY_LABELS[g.severity],
                "file": g.file,
                "sheet": g.sheet,
                "rows": g.rows_short,
                "column": g.column,
                "message": g.message,
            }
            for g in check.grouped
        ]
    )
    ui.table(
        grouped,
        {
            "severity": t("col.severity"),
            "file": t("col.file"),
            "sheet": t("col.sheet"),
            "rows": t("col.rows"),
            "column": t("col.column"),
            "message": t("col.message"),
        },
        key="kontrollrapport_grupperad",
    )
    # … and every issue on its own row, to filter and download.
    with st.expander(t("upload.full_report", n=fmt.number(len(check.issues), 0, lang))):
        report = check.issues_frame()
        left, right = st.columns([1, 2])
        severity = left.segmented_control(
            t("upload.filter_severity"),
            ["all", "error", "warning"],
            default="all",
            format_func=lambda s: t(
                {
                    "all": "upload.filter_all",
                    "error": "upload.filter_errors",
                    "warning": "upload.filter_warnings",
                }[s]
            ),
            key="report_severity",
        )
        search = right.text_input(t("upload.filter_text"), key="report_search")
        shown = report
        if severity in ("error", "warning"):
            shown = shown[shown["severity"] == SEVERITY_LABELS[severity]]
        if search:
            text = shown.astype(str).agg(" ".join, axis=1).str.casefold()
            shown = shown[text.str.contains(search.casefold(), regex=False)]
        columns = {
            "severity": t("col.severity"),
            "file": t("col.file"),
            "sheet": t("col.sheet"),
            "row": t("col.row"),
            "column": t("col.column"),
            "value": t("col.value"),
            "message": t("col.message"),
        }
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
change_names = {
    c: t(f"upload.change.{c}")
    for c in ("new", "changed", "removed", "unchanged", "added", "replaced")
}
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
            frame = frame.assign(
                change_label=frame["change"].map(change_names),
                fields_label=frame["fields"].map(", ".join),
            )
            ui.table(
                frame,
                {
                    "plan_year": t("col.year"),
                    "action_no": t("col.action_no"),
                    "title": t("col.title"),
                    "change_label": t("col.change_kind"),
                    "fields_label": t("upload.changed_fields"),
                },
                key="preview_actions",
            )
        elif name == "statuses":
            frame = preview.statuses.assign(
                before_label=preview.statuses["status_before"].map(
                    lambda s: labels.get(s, "–") if isinstance(s, str) else "–"
                ),
                after_label=preview.statuses["status"].map(labels.get),
                before_period_label=preview.statuses["before_period"].map(
                    lambda p: ui.period_label(p) if isinstance(p, str) else "–"
                ),
                period_label=preview.statuses["period"].map(ui.period_label),
                change_label=preview.statuses["change"].map(change_names),
            )
            ui.table(
                frame,
                {
                    "action_no": t("col.action_no"),
                    "period_label": t("col.period"),
                    "before_period_label": t("col.before_period"),
                    "before_label": t("col.status_before"),
                    "after_label": t("col.status_after"),
                    "progress_before": t("col.old"),
                    "progress": t("col.progress"),
                    "change_label": t("col.change_kind"),
                    "comment": t("col.comment"),
                },
                {"progress_before": 0, "progress": 0},
                key="preview_statuses",
            )
        else:
            frame = preview.values[preview.values["change"] != "unchanged"]
            frame = frame.assign(change_label=frame["change"].map(change_names))
            ui.table(
                frame,
                {
                    "indicator_code": t("col.indicator"),
                    "district_code": t("col.district"),
                    "year": t("col.year"),
                    "sex": t("col.sex"),
                    "value_before": t("col.old"),
                    "value": t("col.new"),
                    "change_label": t("col.change_kind"),
                },
                {"value_before": 1, "value": 1},
                key="preview_values",
            )

# --- confirm and import -------------------------------------------------------------------

reviewed = st.checkbox(t("upload.confirm_check"), key="upload_reviewed")
if st.button(t("upload.confirm"), type="primary", disabled=not reviewed, key="upload_confirm"):
    who = ui.require_analyst()  # again, at the moment of the write
    with st.spinner(t("upload.reading")):
        result = import_files(store, files, who, limits=limits)
    if result.status == "imported":
        summary = ", ".join(
            f"{ui.md(f.name)}: {fmt.number(f.row_count, 0, lang)}" for f in result.check.new_files
        )
        done = t("upload.done", ids=", ".join(str(b) for b in result.batch_ids), summary=summary)
        saved = [f.options.save_as for f in result.check.new_files if f.options.save_as]
        st.session_state["upload_done"] = " ".join(
            [done, *(t("upload.profile_saved", name=ui.md(name)) for name in saved)]
        )
        st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
        for key in ("checked_signature", "checked", "preview", "upload_reviewed"):
            st.session_state.pop(key, None)
        ui.refresh_revision()
        st.rerun()
    # The data changed between the check and the confirm (another import): show why.
    st.session_state["checked"] = result.check
    st.session_state.pop("checked_signature", None)
    st.error(
        t(
            "upload.failed",
            error="; ".join(ui.md(i.message) for i in result.check.errors[:5])
            or t("upload.all_imported"),
        ),
        icon=":material/error:",
    )
