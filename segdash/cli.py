"""`python -m segdash`: import, check, batches, rollback, restore, demo, template, add-analyst,
report, export, forms, reporting, round, backup, restore-backup and serve.

A thin face of the library: it parses options, calls the importer or the store, and prints.
Exit codes: 0 done, 1 refused (errors in a file, or the database said no), 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from segdash import fmt
from segdash.config import settings
from segdash.importer import (
    MAX_ISSUES,
    CheckResult,
    ImportOptions,
    check_files,
    import_files,
    load_profile,
    read_upload,
)
from segdash.importer import options as import_options
from segdash.importer.issues import SEVERITY_LABELS, IssueGroup
from segdash.importer.spec import WORKBOOK_KIND_LABELS
from segdash.store import Store, StoreError

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

KIND_ALIASES = {
    "plan": "plan",
    "åtgärdsplan": "plan",
    "atgardsplan": "plan",
    "followup": "followup",
    "uppföljning": "followup",
    "uppfoljning": "followup",
    "indicators": "indicators",
    "indikatorer": "indicators",
}


class UsageError(Exception):
    pass


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd användare"


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], max_width: int = 60
) -> str:
    """Rows as aligned columns; long cells are shortened so each row stays on one line."""

    def cell(value: object) -> str:
        text = "" if value is None else " ".join(str(value).split())
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(h) for h in headers]] + [[cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_groups(groups: Sequence[IssueGroup]) -> str:
    """The grouped report: one line per problem and column, its rows and count, then what."""
    rows = [
        (
            SEVERITY_LABELS[g.severity],
            g.file,
            g.sheet,
            g.rows_short,
            g.column,
            g.values[0] if len(g.values) == 1 else "",
        )
        for g in groups
    ]
    table = format_table(("Typ", "Fil", "Blad", "Rad", "Kolumn", "Värde"), rows, max_width=30)
    lines = table.splitlines()
    out = lines[:2]
    for line, group in zip(lines[2:], groups, strict=True):
        out.append(line)
        out.append("    " + group.message)
    return "\n".join(out)


def _summary(check: CheckResult) -> str:
    parts = []
    for f in check.files:
        counts = ", ".join(f"{table}: {len(frame)}" for table, frame in f.frames.items())
        parts.append(f"  {f.name}: {counts or 'inga rader'}")
    return "\n".join(parts)


def _options(args: argparse.Namespace, store: Store) -> ImportOptions:
    """The mapping step's choices from the command line, on top of a saved profile."""
    try:
        given = import_options.build(
            indicator=args.indicator,
            columns=args.column or (),
            where=args.where or (),
            per_year=args.per_year,
            add_districts=args.add_districts,
            sheets=args.sheet or (),
            save_as=getattr(args, "save_profile", None),
        )
    except import_options.OptionError as exc:
        raise UsageError(str(exc)) from None
    if not args.profile:
        return given
    saved = load_profile(store, args.profile)
    if saved is None:
        names = ", ".join(store.profiles()["name"]) or "inga"
        raise UsageError(
            f"Det finns ingen importprofil som heter ”{args.profile}”. Sparade: {names}."
        )
    return saved.merged(given)


def _load(paths: Sequence[str], options: ImportOptions | None = None) -> list:
    uploads = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"Filen {name} finns inte.")
        uploads.append(read_upload(path, options))
    return uploads


def _print_check(check: CheckResult, out, full_report: str | None = None) -> None:
    if check.issues:
        print(format_groups(check.grouped), file=out)
        print(file=out)
    n_err, n_warn = check.error_count, check.warning_count
    print(f"{n_err} fel, {n_warn} {'varning' if n_warn == 1 else 'varningar'}.", file=out)
    if full_report:
        from segdash import exports

        Path(full_report).write_bytes(exports.frame_to_csv(check.issues_frame()))
        total = n_err + n_warn
        kept = min(total, MAX_ISSUES)
        what = f"Alla {total}" if kept == total else f"De första {kept} av {total}"
        print(f"{what} fel och varningar, rad för rad, sparade i {full_report}.", file=out)
    for f in check.files:
        if f.matching_profiles and f.options.is_empty:
            names = ", ".join(f"”{n}”" for n in f.matching_profiles)
            print(
                f"Importprofilen {names} passar {f.name}: använd --profile "
                f"{f.matching_profiles[0]}.",
                file=out,
            )


def cmd_check(args: argparse.Namespace, store: Store) -> int:
    check = check_files(store, _load(args.files, _options(args, store)))
    _print_check(check, sys.stdout, args.full_report)
    if check.ok and not check.new_files:
        print("Inget nytt att importera: filerna är redan importerade.")
        return EXIT_OK
    if check.ok:
        print("Filerna kan importeras:\n" + _summary(check))
        return EXIT_OK
    print("Filerna kan inte importeras förrän felen är rättade.")
    return EXIT_REFUSED


def cmd_import(args: argparse.Namespace, store: Store) -> int:
    result = import_files(store, _load(args.files, _options(args, store)), args.who or _os_user())
    _print_check(result.check, sys.stdout, args.full_report)
    if result.status == "refused":
        print("Inget importerades: rätta felen och försök igen.")
        return EXIT_REFUSED
    if result.status == "already_imported":
        print("Inget nytt att importera: filerna är redan importerade.")
        return EXIT_OK
    ids = ", ".join(str(b) for b in result.batch_ids)
    print(f"Importerat som import {ids}:\n" + _summary(result.check))
    if result.profile_batch_ids:
        print(
            f"Valen sparade som importprofilen ”{args.save_profile}” (import "
            f"{', '.join(map(str, result.profile_batch_ids))}); använd dem igen med "
            f"--profile {args.save_profile}."
        )
    return EXIT_OK


def cmd_batches(args: argparse.Namespace, store: Store) -> int:
    batches = store.batches()
    if batches.empty:
        print("Inga importer ännu.")
        return EXIT_OK
    rows = []
    for b in batches.itertuples():
        counts = json.loads(b.row_counts)
        rows.append(
            (
                b.batch_id,
                "aktiv" if b.state == "active" else "återkallad",
                b.kind + (" (exempel)" if b.is_demo else ""),
                b.file_name,
                b.imported_at.strftime("%Y-%m-%d %H:%M"),
                b.imported_by,
                sum(counts.values()),
                b.sha256[:12],
            )
        )
    print(format_table(("Import", "Läge", "Typ", "Fil", "Tid", "Av", "Rader", "SHA-256"), rows))
    return EXIT_OK


def _set_state(args: argparse.Namespace, store: Store, active: bool) -> int:
    store.set_batch_state(args.batch, active, args.who or _os_user())
    verb = "återaktiverad" if active else "återkallad; de tidigare värdena gäller igen"
    print(f"Import {args.batch} är {verb}.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, store: Store) -> int:
    from segdash.demo import load_demo

    if store.has_data():
        print("Databasen innehåller redan importer; exempeldata läses bara in i en tom databas.")
        return EXIT_REFUSED
    result = load_demo(store)
    _print_check(result.check, sys.stdout)
    if result.status != "imported":
        return EXIT_REFUSED
    print(f"Exempeldata inläst som import {', '.join(map(str, result.batch_ids))}.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, store: Store) -> int:
    made = store.backup(args.out)
    print(
        f"Säkerhetskopia sparad i {made.path}: {fmt.number(made.size / 1e6, 1)} MB, "
        f"schemaversion {made.schema_version}."
    )
    print(f"sha256 {made.sha256}")
    return EXIT_OK


def cmd_restore_backup(args: argparse.Namespace, store: None) -> int:
    from segdash.store import restore_backup

    target = args.db or settings().db_path
    done = restore_backup(args.file, target)
    print(
        f"Säkerhetskopian {args.file} (schemaversion {done.schema_version}, sha256 "
        f"{done.sha256}) är återställd som {done.path}."
    )
    return EXIT_OK


def cmd_template(args: argparse.Namespace, store: Store | None) -> int:
    from segdash.importer.templates import build_template

    kind = KIND_ALIASES.get(args.kind.casefold())
    if kind is None:
        raise UsageError(f"Okänd malltyp {args.kind!r}. Välj plan, followup eller indicators.")
    Path(args.path).write_bytes(build_template(kind))
    print(f"Mall för {WORKBOOK_KIND_LABELS[kind]} sparad i {args.path}.")
    return EXIT_OK


def cmd_add_analyst(args: argparse.Namespace, store: Store | None) -> int:
    from segdash import auth

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Lösenord: ")
        if getpass.getpass("Samma lösenord igen: ") != password:
            print("segdash: Lösenorden är inte lika; inget sparades.", file=sys.stderr)
            return EXIT_REFUSED
    try:
        is_new = auth.add_analyst(args.name, password)
    except auth.AuthError as exc:
        print(f"segdash: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    verb = "tillagd" if is_new else "har fått nytt lösenord"
    print(f"Analytikern {args.name} {verb} i {auth.analysts_path()}.")
    return EXIT_OK


def cmd_report(args: argparse.Namespace, store: Store) -> int:
    from segdash import reports

    scope = reports.Scope()
    if args.district:
        scope = reports.Scope("district", args.district)
    elif args.area:
        scope = reports.Scope("area", args.area)
    elif args.office:
        scope = reports.Scope("office", args.office)
    try:
        # The CLI is run by an operator on the server: who imported what is theirs to see.
        report = reports.build_report(store, args.period, scope, show_who=True)
    except reports.ReportError as exc:
        print(f"segdash: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    Path(args.out).write_bytes(reports.render(report, args.format, with_charts=not args.no_charts))
    print(f"{report.title} sparad i {args.out}.")
    return EXIT_OK


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"”{text}” är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2025-02-15.") from None


def cmd_forms(args: argparse.Namespace, store: Store) -> int:
    from segdash.reporting import rounds

    deadline = _date(args.deadline) if args.deadline else None
    try:
        forms = rounds.forms_for(store, args.period, deadline)
    except rounds.RoundError as exc:
        print(f"segdash: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for form in forms:
        path = out / form.file_name
        path.write_bytes(form.data)
        rows.append(
            (form.office, form.office_name, fmt.count(form.actions, "åtgärd", "åtgärder"), path)
        )
    print(format_table(("Kod", "Förvaltning", "Åtgärder", "Fil"), rows, max_width=1000))
    return EXIT_OK


def cmd_reporting(args: argparse.Namespace, store: Store) -> int:
    from segdash import queries
    from segdash.reporting import rounds

    try:
        period = rounds.parse_period(args.period)
    except rounds.RoundError as exc:
        raise UsageError(str(exc)) from None
    status = queries.reporting_status(store, period, date.today())
    if status.plan_year is None:
        print(
            f"segdash: Det finns ingen åtgärdsplan för {period[:4]} eller tidigare.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    rows = [
        (o.office, o.office_name, o.actions, o.reported, o.missing)
        for o in status.offices.itertuples()
    ]
    print(format_table(("Kod", "Förvaltning", "Åtgärder", "Rapporterade", "Saknas"), rows))
    print()
    print(rounds.summary_line(status))
    return EXIT_OK


def cmd_round(args: argparse.Namespace, store: Store) -> int:
    from segdash.reporting import rounds

    who = args.who or _os_user()
    try:
        period = rounds.parse_period(args.period)
        if args.action == "open":
            if not args.deadline:
                raise UsageError("Ange sista dag med --deadline ÅÅÅÅ-MM-DD.")
            found = rounds.open_round(
                store,
                period=period,
                deadline=_date(args.deadline),
                message=args.message,
                by=who,
                today=date.today(),
            )
            print(
                f"Rapporteringsomgången för {period} är öppen, sista dag "
                f"{fmt.long_date(found.deadline)} (planen för {found.plan_year})."
            )
        else:
            store.set_round_open(period, args.action == "reopen", who)
            print(
                f"Rapporteringsomgången för {period} är "
                + ("öppen igen." if args.action == "reopen" else "stängd.")
            )
    except rounds.RoundError as exc:
        print(f"segdash: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


EXPORTS = ("actions", "indicators", "batches")


def cmd_export(args: argparse.Namespace, store: Store) -> int:
    from segdash import exports, queries

    if args.table == "actions":
        period = args.period or (queries.periods(store) or [None])[-1]
        if period is None:
            print("segdash: Det finns ingen uppföljning att exportera.", file=sys.stderr)
            return EXIT_REFUSED
        frame = queries.action_status(store, queries.Filters(period=period))
        frame = frame.drop(columns=["description"])
    elif args.table == "indicators":
        catalogue = queries.indicator_catalogue(store)
        parts = [
            queries.indicator_values(store, code, (), None).assign(indicator=code)
            for code in catalogue["code"]
        ]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    else:
        frame = store.batches()
    data = (
        exports.frame_to_xlsx(frame, args.table)
        if args.format == "xlsx"
        else exports.frame_to_csv(frame)
    )
    Path(args.out).write_bytes(data)
    print(f"{len(frame)} rader exporterade till {args.out}.")
    return EXIT_OK


def _pages_from_navigation_only() -> None:
    """Streamlit: the app's pages are the ones app.py gives st.navigation, from the first run.

    A `pages/` folder next to the main script makes Streamlit take the app for an old-style
    multipage app: `PagesManager.__init__` sets the class attribute `uses_pages_directory`,
    and while it is set `ScriptRunner` runs every session through `_mpa_v1`, a navigation of
    its own with a page per file, named after the file (`page_icon_and_name`: `districts`).
    Only a call of `st.navigation` clears it, for the whole process, so on a new server the
    first run asked for `/omraden` found no such page ("Page not found", then app.py), and a
    first run asked for `/districts` ran pages/districts.py alone, without app.py. Cleared
    here, before the server starts, no run goes that way (tests/e2e/test_first_visit.py).
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def cmd_serve(args: argparse.Namespace, store: None) -> int:
    """The app as a service: `streamlit run app.py` with the upload guard in place before the
    server accepts its first connection (see segdash.upload_guard), and with the pages that
    app.py registers as the only pages from the first visit on (`_pages_from_navigation_only`)."""
    from streamlit.web import cli as streamlit_cli

    from segdash import upload_guard

    app = Path(__file__).resolve().parent.parent / "app.py"
    if not app.is_file():
        raise UsageError(f"Hittar inte appen ({app.name}) bredvid paketet segdash.")
    if args.db:
        os.environ["SEGDASH_DB"] = args.db
    upload_guard.install()
    _pages_from_navigation_only()
    options = [o for o in args.options if o != "--"]
    try:
        streamlit_cli.main(["run", str(app), *options], prog_name="streamlit")
    except SystemExit as done:
        return int(done.code or 0) if not isinstance(done.code, str) else EXIT_USAGE
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m segdash",
        description="segdash: uppföljning av åtgärdsplanen mot segregation.",
    )
    parser.add_argument("--db", help="databasfil (annars SEGDASH_DB, eller data/segdash.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    p = sub.add_parser("import", help="kontrollera och importera filer (allt eller inget)")
    p.add_argument("files", nargs="+", metavar="FIL")
    p.add_argument("--who", help="vem som importerar (annars inloggad användare)")
    _mapping_options(p)
    p.add_argument(
        "--save-profile",
        metavar="NAMN",
        help="spara valen ovan som en importprofil när importen lyckas",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="kontrollera filer utan att importera")
    p.add_argument("files", nargs="+", metavar="FIL")
    _mapping_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("batches", help="visa importhistoriken")
    p.set_defaults(func=cmd_batches)

    for name, active, text in (
        ("rollback", False, "återkalla en import; de tidigare värdena gäller igen"),
        ("restore", True, "återaktivera en återkallad import"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("batch", type=int, metavar="IMPORT", help="importens nummer (se batches)")
        p.add_argument("--who", help="vem som gör ändringen (annars inloggad användare)")
        p.set_defaults(func=lambda a, s, active=active: _set_state(a, s, active))

    p = sub.add_parser("demo", help="läs in exempeldata i en tom databas")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("backup", help="en säkerhetskopia av hela databasen (även medan appen kör)")
    p.add_argument("out", metavar="FIL", help="var kopian ska sparas (får inte finnas)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore-backup", help="återställ en säkerhetskopia som databas (--db)")
    p.add_argument("file", metavar="FIL", help="säkerhetskopian")
    p.set_defaults(func=cmd_restore_backup, needs_db=False)

    p = sub.add_parser("template", help="spara en tom mall (plan, followup eller indicators)")
    p.add_argument("kind", metavar="TYP", help="plan, followup eller indicators")
    p.add_argument("path", metavar="FIL", help="var mallen ska sparas (.xlsx)")
    p.set_defaults(func=cmd_template, needs_db=False)

    p = sub.add_parser(
        "add-analyst", help="lägg till en analytiker för lokal inloggning (eller byt lösenord)"
    )
    p.add_argument("name", metavar="NAMN", help="användarnamn")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="läs lösenordet från standard in (för skript) i stället för att fråga",
    )
    p.set_defaults(func=cmd_add_analyst, needs_db=False)

    p = sub.add_parser("report", help="årsrapporten för en uppföljningsperiod, som Word eller PDF")
    p.add_argument("--period", required=True, help="uppföljningsperiod, t.ex. 2023 eller 2022-T2")
    p.add_argument("--format", choices=("docx", "pdf"), default="docx")
    p.add_argument("--out", required=True, metavar="FIL")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--district", help="bara ett område, t.ex. Skäggetorp")
    only.add_argument("--area", type=int, help="bara ett utvecklingsområde (1–5)")
    only.add_argument("--office", help="bara en förvaltning (kod, t.ex. UBF)")
    p.add_argument("--no-charts", action="store_true", help="utan diagram (kräver ingen Chromium)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help="en tabell som xlsx eller CSV: actions, indicators, batches")
    p.add_argument(
        "table", choices=EXPORTS, metavar="TABELL", help="actions, indicators eller batches"
    )
    p.add_argument("--period", help="för actions: uppföljningsperiod (annars den senaste)")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    p.add_argument("--out", required=True, metavar="FIL")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("forms", help="förifyllda uppföljningsblanketter, en per förvaltning")
    p.add_argument("--period", required=True, help="uppföljningsperiod, t.ex. 2024 eller 2025-T1")
    p.add_argument("--out", required=True, metavar="MAPP", help="mappen blanketterna sparas i")
    p.add_argument(
        "--deadline",
        metavar="ÅÅÅÅ-MM-DD",
        help="sista dag för svar (annars rapporteringsomgångens)",
    )
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("reporting", help="vilka förvaltningar som har rapporterat för en period")
    p.add_argument("--period", required=True, help="uppföljningsperiod, t.ex. 2024")
    p.set_defaults(func=cmd_reporting)

    p = sub.add_parser("round", help="öppna, stäng eller öppna igen en rapporteringsomgång")
    p.add_argument("action", choices=("open", "close", "reopen"), metavar="open|close|reopen")
    p.add_argument("--period", required=True, help="uppföljningsperiod, t.ex. 2024")
    p.add_argument("--deadline", metavar="ÅÅÅÅ-MM-DD", help="sista dag för svar (open)")
    p.add_argument("--message", help="meddelande till förvaltningarna (open)")
    p.add_argument("--who", help="vem som gör ändringen (annars inloggad användare)")
    p.set_defaults(func=cmd_round)

    p = sub.add_parser("serve", help="starta appen (streamlit run app.py) med uppladdningsspärren")
    p.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        metavar="STREAMLIT-VAL",
        help="skickas vidare till streamlit run som de är, t.ex. --server.port 8501",
    )
    p.set_defaults(func=cmd_serve, needs_db=False)
    return parser


def _mapping_options(p: argparse.ArgumentParser) -> None:
    """The choices for files that are not in the template's layout (SCB, Kolada, …)."""
    g = p.add_argument_group("filer som inte följer mallen (officiell statistik)")
    g.add_argument(
        "--indicator",
        metavar="KOD",
        help="alla rader i en fil utan indikatorkolumn gäller den här indikatorn",
    )
    g.add_argument(
        "--column",
        action="append",
        metavar="ROLL=RUBRIK",
        help=f"ge en kolumn en roll ({import_options.ROLE_NAMES}), "
        "t.ex. Värde=Ohälsotalet; kan upprepas",
    )
    g.add_argument(
        "--where",
        action="append",
        metavar="KOLUMN=VÄRDE",
        help="läs bara rader där kolumnen har värdet, t.ex. Månad=09; kan upprepas",
    )
    g.add_argument(
        "--per-year", metavar="REGEL", help=f"gör år av delår: {import_options.PER_YEAR_CHOICES}"
    )
    g.add_argument(
        "--add-districts",
        action="store_true",
        help="lägg till okända områden som jämförelseområden i samma import",
    )
    g.add_argument(
        "--sheet", action="append", metavar="BLAD", help="läs bara det här bladet; kan upprepas"
    )
    g.add_argument("--profile", metavar="NAMN", help="använd en sparad importprofil")
    g.add_argument(
        "--full-report", metavar="FIL", help="spara alla fel och varningar rad för rad som CSV"
    )


def _serve_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace | None:
    """`serve` passes everything after it to Streamlit as it is (argparse would take
    `--server.port` for an option of its own)."""
    if "serve" not in argv:
        return None
    at = argv.index("serve")
    try:
        args = parser.parse_args(argv[: at + 1])
    except SystemExit:
        return None
    if args.command != "serve":
        return None
    args.options = argv[at + 1 :]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    settings()  # read now, so a bad value is said (logged to standard error) before anything
    args = _serve_args(parser, argv) or parser.parse_args(argv)
    try:
        if not getattr(args, "needs_db", True):
            return args.func(args, None)
        with Store(args.db) as store:
            return args.func(args, store)
    except UsageError as exc:
        print(f"segdash: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"segdash: {exc}", file=sys.stderr)
        return EXIT_REFUSED
