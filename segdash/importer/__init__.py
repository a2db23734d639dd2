"""The one import path: read files, check every row, and load them as batches in one transaction.

The CLI, the upload page and the demo data all come through `check_files` and `import_files`.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from segdash import fmt, isolated
from segdash.config import Limits, settings
from segdash.importer import geodata, normalise, spec
from segdash.importer.forms import FormInfo, read_form_info
from segdash.importer.issues import ERROR, WARNING, FileRejected, Issue, IssueGroup, group_issues
from segdash.importer.options import ImportOptions
from segdash.importer.reader import TEXT_SUFFIXES, read_sheets, too_big_to_read
from segdash.importer.spec import norm_name
from segdash.importer.tables import Table, as_cells, first_seen, recognise
from segdash.importer.values import cell_text
from segdash.store import Store

__all__ = [
    "MAX_ISSUES",
    "CheckResult",
    "FileCheck",
    "ImportOptions",
    "ImportResult",
    "Issue",
    "IssueGroup",
    "Layout",
    "UploadedFile",
    "check_files",
    "import_files",
    "load_profile",
    "profile_options",
    "read_upload",
    "too_big_message",
    "too_slow_message",
]

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class UploadedFile:
    name: str  # the file name as the user gave it; never used as a path
    data: bytes
    options: ImportOptions = field(default_factory=ImportOptions)  # the mapping step's choices

    @functools.cached_property
    def sha256(self) -> str:  # once: a national file is tens of MB, and checked in a child
        return hashlib.sha256(self.data).hexdigest()

    @property
    def display_name(self) -> str:
        # Only the last part of whatever the browser or shell sent, without control characters.
        base = PurePath(self.name.replace("\\", "/")).name
        clean = "".join(ch for ch in base if ch.isprintable())
        return clean[:200] or "namnlös fil"


def read_upload(path: str | Path, options: ImportOptions | None = None) -> UploadedFile:
    path = Path(path)
    return UploadedFile(path.name, path.read_bytes(), options or ImportOptions())


@dataclass(frozen=True)
class Layout:
    """What the importer recognised in one table of indicator values, for the mapping step."""

    sheet: str
    header_row: int  # as Excel shows it
    roles: list[tuple[str, str]]  # (header as written, role or "ignoreras"), in column order
    sample: pd.DataFrame  # the first rows as read, under their headers
    signature: str  # what saved profiles are matched by
    # The values of each column outside the contract that has a few (for "keep only rows
    # where …"), as text, in the order the file has them.
    choices: dict[str, list[str]] = field(default_factory=dict)
    period_headers: tuple[str, ...] = ()  # a wide table's period columns, as written


@dataclass
class FileCheck:
    """What one file holds once checked."""

    name: str
    sha256: str
    kinds: list[str] = field(default_factory=list)  # sheet kinds found, in processing order
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # table -> rows to insert
    already_imported: dict | None = None  # the earlier batch of an identical file
    options: ImportOptions = field(default_factory=ImportOptions)
    layouts: list[Layout] = field(default_factory=list)  # indicator tables outside the template
    sheet_names: list[str] = field(default_factory=list)
    matching_profiles: list[str] = field(default_factory=list)  # saved profiles that fit
    form: FormInfo | None = None  # a reporting round's prefilled form
    unknown_areas: int = 0  # areas of a boundary file that match no known area

    @property
    def signatures(self) -> list[str]:
        return [layout.signature for layout in self.layouts]

    @property
    def batch_kind(self) -> str:
        kinds = [k for k, sheets in spec.WORKBOOK_KINDS.items() if sheets[0] in self.kinds]
        if not kinds and "indicators" in self.kinds:
            kinds = ["indicators"]
        if "boundaries" in self.kinds:
            kinds.append("boundaries")
        return ",".join(kinds) or "master"

    @property
    def row_count(self) -> int:
        return sum(len(f) for f in self.frames.values())


# Issues kept one by one: a file with 200,000 bad rows must not become a 100 MB report in the
# browser. The grouped report and the counts are made from all of them first.
MAX_ISSUES = 1_000


@dataclass
class CheckResult:
    files: list[FileCheck]
    issues: list[Issue]  # at most MAX_ISSUES, then one line that says how many more
    error_count: int = -1  # every error found, kept or not (-1: count `issues`)
    warning_count: int = -1
    groups: list[IssueGroup] | None = None  # the grouped report of all issues
    # Seconds per stage of the check and import, for the benchmarks (see `_Stages`).
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.groups is None:
            self.groups = group_issues(self.issues)
        if self.error_count < 0:
            self.error_count = sum(1 for i in self.issues if i.severity == ERROR)
        if self.warning_count < 0:
            self.warning_count = sum(1 for i in self.issues if i.severity == WARNING)
        if len(self.issues) > MAX_ISSUES:
            rest = len(self.issues) - MAX_ISSUES
            self.issues = [
                *self.issues[:MAX_ISSUES],
                Issue(
                    self.issues[MAX_ISSUES].severity,
                    f"… och {fmt.number(rest)} till. Den grupperade rapporten räknar med alla.",
                ),
            ]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def new_files(self) -> list[FileCheck]:
        return [f for f in self.files if f.already_imported is None]

    def issues_frame(self) -> pd.DataFrame:
        from segdash.importer.issues import issues_frame_columns

        return pd.DataFrame([i.as_row() for i in self.issues], columns=issues_frame_columns())

    @property
    def grouped(self) -> list[IssueGroup]:
        """The report as people read it: one line per problem and column, with its rows."""
        return self.groups or []


@dataclass
class ImportResult:
    status: str  # "imported", "refused" or "already_imported"
    check: CheckResult
    batch_ids: list[int] = field(default_factory=list)
    profile_batch_ids: list[int] = field(default_factory=list)  # profiles saved with it

    @property
    def issues(self) -> list[Issue]:
        return self.check.issues


# At most this many checks at once in one process (each may take a few hundred MB for a big
# file); another waits its turn for CHECK_WAIT_SECONDS, then is told to come back.
PARALLEL_CHECKS = 2
CHECK_WAIT_SECONDS = 120.0
_checks = threading.BoundedSemaphore(PARALLEL_CHECKS)
BUSY_MESSAGE = (
    "Servern kontrollerar redan andra filer och hann inte börja på de här. Försök igen om en "
    "stund; inget har sparats."
)


def check_files(
    store: Store,
    files: Sequence[UploadedFile],
    limits: Limits | None = None,
    progress: Progress | None = None,
    *,
    is_demo: bool = False,
) -> CheckResult:
    """Read and check files together (a plan and its follow-up may come in one upload)."""
    if not _checks.acquire(timeout=CHECK_WAIT_SECONDS):
        return CheckResult([], [Issue(ERROR, BUSY_MESSAGE)])
    try:
        return _check_files(store, files, limits, progress, is_demo=is_demo)
    finally:
        _checks.release()


def _check_files(
    store: Store,
    files: Sequence[UploadedFile],
    limits: Limits | None,
    progress: Progress | None,
    *,
    is_demo: bool,
) -> CheckResult:
    """What the database knows is read here; the file's reading and checking, which cost what
    the uploader decides, run in a child with a memory ceiling and a time limit (isolated)."""
    limits = limits or settings().limits
    if not files:
        return CheckResult([], [Issue(ERROR, "Ingen fil att importera.")])
    started = time.perf_counter()
    earlier = {f.sha256: store.find_batch_by_sha256(f.sha256) for f in files}
    reference = store.reference_data()
    looked_up = time.perf_counter()
    try:
        result = isolated.run(
            lambda report: _check_offline(files, earlier, reference, limits, report, is_demo),
            memory_bytes=limits.check_memory_bytes,
            seconds=limits.check_seconds,
            progress=progress,
        )
    except isolated.TooSlow:
        return CheckResult([], [Issue(ERROR, too_slow_message(limits.check_seconds))])
    except isolated.OutOfMemory as ended:
        if isinstance(ended.note, tuple):  # (file, sheet): it ended while reading a workbook
            file, sheet = ended.note
            message = too_big_to_read(sheet, limits.check_memory_bytes)
            return CheckResult([], [Issue(ERROR, message, file)])
        return CheckResult([], [Issue(ERROR, too_big_message(limits.check_memory_bytes))])
    # The child's own stages are in `timings`; the rest of its time is starting it, sending
    # the result back, and the little it does outside those stages.
    took = time.perf_counter() - looked_up
    result.timings = {
        "reference data": looked_up - started,
        "child process": took - sum(result.timings.values()),
        **result.timings,
    }
    for check in result.files:
        if check.layouts:
            check.matching_profiles = _matching_profiles(store, check.signatures)
    return result


def too_slow_message(seconds: float) -> str:
    if seconds < 120:
        took = f"{fmt.number(seconds, 0 if float(seconds).is_integer() else 1, 'sv')} sekunder"
    else:
        took = f"{fmt.number(seconds / 60, 0 if seconds % 60 == 0 else 1, 'sv')} minuter"
    return (
        f"Kontrollen tog längre än {took} och avbröts; inget har sparats. Dela upp filen i "
        "mindre delar, eller ta bort blad och kolumner som inte ska importeras."
    )


def too_big_message(memory_bytes: int) -> str:
    return (
        f"Kontrollen av filerna behövde mer än {fmt.number(memory_bytes / 1e6, 0, 'sv')} MB minne "
        "och avbröts; inget har sparats. Dela upp filen i mindre delar, eller ta bort allt "
        "utanför tabellerna."
    )


def _check_offline(
    files: Sequence[UploadedFile],
    earlier_batches: dict[str, dict | None],
    reference: dict[str, pd.DataFrame],
    limits: Limits,
    report: Progress,
    is_demo: bool,
) -> CheckResult:
    """Read and check the files against the reference data: no database (runs in the child)."""
    stage = _Stages()
    issues: list[Issue] = []
    checks: list[FileCheck] = []
    tables: list[tuple[FileCheck, Table]] = []
    seen: dict[str, str] = {}
    for n, upload in enumerate(files):
        name = upload.display_name
        report(n / max(len(files), 1) * 0.5, f"Läser {name} …")
        check = FileCheck(name, upload.sha256, options=upload.options)
        checks.append(check)
        if check.sha256 in seen:
            issues.append(
                Issue(WARNING, f"Filen är samma som {seen[check.sha256]} och hoppas över.", name)
            )
            check.already_imported = {"batch_id": None}
            continue
        seen[check.sha256] = name
        earlier = earlier_batches.get(check.sha256)
        if earlier is not None:
            check.already_imported = earlier
            issues.append(_already_imported_issue(name, earlier))
            continue
        if geodata.is_boundary_file(upload.data, name):
            with stage("read"):
                found = _boundary_tables(upload, check, limits, issues)
            tables.extend((check, table) for table in found)
            continue
        isolated.note((name, ""))  # reading this file (the workbook as a whole, so far)
        try:
            with stage("read"):
                sheets = read_sheets(upload.data, name, limits)
        except FileRejected as rejected:
            issues.append(Issue(ERROR, rejected.message, name))
            continue
        finally:
            isolated.note(None)
        is_csv = PurePath(name).suffix.lower() in TEXT_SUFFIXES or not upload.data.startswith(b"PK")
        check.sheet_names = [sheet.name for sheet in sheets]
        with stage("recognise"):
            found, found_issues = recognise(sheets, name, is_csv, upload.options)
            form = check.form = read_form_info(sheets)
            check.layouts = [_layout(table) for table in found if table.signature]
        for table in found:
            if form is not None and table.spec is spec.FOLLOWUP:
                table.form = form
        issues.extend(found_issues)
        issues.extend(_unused_columns(upload.options, found, name))
        if not found and not any(i.is_error for i in found_issues):
            issues.append(
                Issue(
                    ERROR,
                    "Filen innehåller inget blad som känns igen, så inget kan importeras.",
                    name,
                )
            )
        tables.extend((check, table) for table in found)

    report(0.5, "Kontrollerar raderna …")
    with stage("check rows"):
        ctx = normalise.Context(reference, is_demo=is_demo)
    ordered = sorted(tables, key=lambda ft: spec.PROCESSING_ORDER.index(ft[1].spec.kind))
    for n, (check, table) in enumerate(ordered):
        report(0.5 + 0.5 * n / max(len(ordered), 1), f"Kontrollerar {table.sheet} i {check.name} …")
        with stage("check rows"):
            frame, table_issues = normalise.NORMALISERS[table.spec.kind](table, ctx)
        issues.extend(table_issues)
        target = normalise.TABLE_FOR_KIND[table.spec.kind]
        if target in check.frames:
            frame = pd.concat([check.frames[target], frame], ignore_index=True)
        check.frames[target] = frame
        if table.spec.kind not in check.kinds:
            check.kinds.append(table.spec.kind)
    for check in checks:
        check.unknown_areas = ctx.unknown_areas.get(check.name, 0)
        added = ctx.added_districts.get(check.name)
        if added:
            frame = pd.DataFrame(added)
            if "district" in check.frames:
                frame = pd.concat([check.frames["district"], frame], ignore_index=True)
            check.frames["district"] = frame
            names = ", ".join(row["name"] for row in added[:10]) + (" …" if len(added) > 10 else "")
            what = (
                "1 okänt område läggs till som jämförelseområde"
                if len(added) == 1
                else f"{len(added)} okända områden läggs till som jämförelseområden"
            )
            issues.append(Issue(WARNING, f"{what} (--add-districts): {names}.", check.name))
    files_with_errors = {i.file for i in issues if i.is_error}
    for check in checks:
        if check.kinds and check.row_count == 0 and check.name not in files_with_errors:
            message = (
                "Blanketten har ingen åtgärd med status, så inget importeras."
                if check.form is not None
                else "Filen innehåller inga rader att importera."
            )
            issues.append(Issue(ERROR, message, check.name))
    report(1.0, "Klart.")
    with stage("report"):
        result = CheckResult(checks, _in_file_order(issues, [c.name for c in checks]))
    result.timings = stage.seconds
    return result


class _Stages:
    """Seconds per stage of a check, summed over its files and tables: `with stage("read"):`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def _boundary_tables(
    upload: UploadedFile, check: FileCheck, limits: Limits, issues: list[Issue]
) -> list[Table]:
    """A boundary file (GeoJSON, GeoPackage) read as one table of areas; its problems go to
    `issues`."""
    name = upload.display_name
    isolated.note((name, ""))
    try:
        found = geodata.read_boundaries(upload.data, name, limits)
    except FileRejected as rejected:
        issues.append(Issue(ERROR, rejected.message, name))
        return []
    finally:
        isolated.note(None)
    issues.extend(found.issues)
    check.sheet_names = [found.layer]
    frame = pd.DataFrame(
        [
            {
                "code": f.code,
                "name": f.name,
                "geometry": f.geometry,
                "vertices": f.vertices,
                "crs": found.crs,
                "_row": f.number,
            }
            for f in found.features
        ],
        columns=["code", "name", "geometry", "vertices", "crs", "_row"],
    )
    headers = {"code": "Regionkod", "name": "Namn", "geometry": "Geometri"}
    return [Table(name, found.layer, spec.BOUNDARIES, frame, headers, options=upload.options)]


def _unused_columns(options: ImportOptions, tables: list[Table], file: str) -> list[Issue]:
    """A --column that names no header of the file is a mistake, not a silent no-op."""
    headers = {norm_name(h) for t in tables for h in (*t.headers.values(), *t.extras.values())}
    return [
        Issue(ERROR, f"--column {role}={header}: filen har ingen kolumn ”{header}”.", file)
        for role, header in options.columns
        if norm_name(header) not in headers and tables
    ]


MAX_CHOICES = 50


def _layout(table: Table) -> Layout:
    columns = [k for k in table.frame.columns if k != "_row"]
    sample = as_cells(table.frame.head(8)[columns]).rename(columns=table.headers | table.extras)
    sample = sample.map(lambda v: cell_text(v) or "")  # shown as text, never parsed
    sample.columns = _unique(list(sample.columns))
    order = [h for h in _unique([header for header, _ in table.roles]) if h in sample.columns]
    sample = sample[order + [c for c in sample.columns if c not in order]]  # as the file has them
    choices = {}
    for key, header in table.extras.items():
        seen = first_seen(table.frame[key])
        cells = table.frame[key].dropna() if seen is None else pd.Series(seen, dtype=object)
        values = cells.map(cell_text).drop_duplicates()
        if 1 < len(values) <= MAX_CHOICES:
            choices[header] = values.tolist()
    period_headers = tuple(table.headers[key] for key in table.period_columns)
    return Layout(
        table.sheet, table.header_row, table.roles, sample, table.signature, choices, period_headers
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _matching_profiles(store: Store, signatures: list[str]) -> list[str]:
    if not signatures:
        return []
    profiles = store.profiles()
    return [r.name for r in profiles.itertuples() if r.signature in signatures]


def load_profile(store: Store, name: str) -> ImportOptions | None:
    """A saved profile's choices, or None when no profile has that name."""
    return profile_options(store.profiles(), name)


def profile_options(profiles: pd.DataFrame, name: str) -> ImportOptions | None:
    """The choices of the profile called `name` (any case) among `store.profiles()`."""
    hit = profiles[profiles["name"].str.casefold() == name.strip().casefold()]
    if hit.empty:
        return None
    row = hit.iloc[0]
    return ImportOptions.from_json(row["options"], profile=row["name"])


def _in_file_order(issues: list[Issue], names: list[str]) -> list[Issue]:
    order = {name: n for n, name in enumerate(names)}
    return sorted(issues, key=lambda i: (order.get(i.file, 0), i.sheet, i.row or 0))


def _already_imported_issue(name: str, earlier: dict) -> Issue:
    when = pd.Timestamp(earlier["imported_at"]).strftime("%Y-%m-%d %H:%M")
    text = (
        f"Filen är redan importerad: import {earlier['batch_id']} ({earlier['file_name']}, "
        f"{when}, av {earlier['imported_by']})."
    )
    if earlier["state"] != "active":
        return Issue(
            ERROR,
            text + f" Den importen är återkallad; återaktivera import {earlier['batch_id']} "
            "i stället för att importera filen igen.",
            name,
        )
    return Issue(WARNING, text + " Den hoppas över.", name)


def import_files(
    store: Store,
    files: Sequence[UploadedFile],
    imported_by: str,
    *,
    is_demo: bool = False,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the files and, if nothing is wrong, write each new one as a batch, all or nothing.

    The check runs again under the write lock, so the data it was checked against cannot
    change before the rows are written.
    """

    def check_and_load(cur) -> ImportResult:
        check = check_files(store, files, limits, progress, is_demo=is_demo)
        if not check.ok:
            return ImportResult("refused", check)
        if not check.new_files:
            return ImportResult("already_imported", check)
        started = time.perf_counter()
        batch_ids = [
            store.insert_batch(
                cur,
                kind=f.batch_kind,
                file_name=f.name,
                sha256=f.sha256,
                imported_by=imported_by,
                frames={table: _for_writing(frame) for table, frame in f.frames.items()},
                is_demo=is_demo,
            )
            for f in check.new_files
        ]
        check.timings["write rows"] = time.perf_counter() - started
        result = ImportResult("imported", check, batch_ids)
        for f in check.new_files:
            if f.options.save_as:
                result.profile_batch_ids.append(save_profile(store, cur, f, imported_by))
        return result

    return store.write(check_and_load)


def _for_writing(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of text held as codes (a Categorical, see normalise) as pyarrow dictionaries,
    which DuckDB reads faster: 2 000 000 indicator values are written in a fifth less time."""
    import pyarrow as pa

    columns = {}
    for key in frame:
        if not isinstance(frame[key].dtype, pd.CategoricalDtype):
            continue
        try:
            texts = pa.array(frame[key].cat.categories.to_numpy(dtype=object), pa.string())
        except (pa.ArrowException, TypeError):  # codes of something else than text
            continue
        codes = frame[key].cat.codes.to_numpy()
        array = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), texts)
        columns[key] = pd.Series(pd.arrays.ArrowExtensionArray(array), index=frame.index)
    return frame.assign(**columns) if columns else frame


def save_profile(store: Store, cur, check: FileCheck, saved_by: str) -> int:
    """Store a file's choices under their name, as a batch of its own; call inside `write`."""
    name = check.options.save_as or ""
    options = check.options.to_json()
    signature = check.signatures[0] if check.signatures else ""
    frame = pd.DataFrame([{"name": name, "signature": signature, "options": options}])
    digest = hashlib.sha256(f"{name}\n{signature}\n{options}".encode()).hexdigest()
    return store.insert_batch(
        cur,
        kind="profile",
        file_name=f"Importprofil ”{name}”",
        sha256=digest,
        imported_by=saved_by,
        frames={"import_profile": frame},
    )
