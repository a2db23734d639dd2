"""The command line: output and exit codes of every command."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import FOLLOWUP_HEADER, PLAN_2022, PLAN_HEADER, make_xlsx

from segdash.cli import build_parser, main
from segdash.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


@pytest.fixture
def plan_path(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_xlsx({"Åtgärder": [PLAN_HEADER, *PLAN_2022]}))
    return path


@pytest.fixture
def bad_followup(tmp_path):
    path = tmp_path / "uppföljning.xlsx"
    path.write_bytes(
        make_xlsx(
            {
                "Uppföljning": [
                    FOLLOWUP_HEADER,
                    ["1.1", "2022", "Pågår", 50, "ok"],
                    ["1.10", "2022", "Skäggetorp", None, None],
                    ["9.9", "2022", "Klar", 100, None],
                ]
            }
        )
    )
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_counts_and_exits_0(capsys, db, plan_path):
    code, out, _ = run(capsys, "--db", db, "import", str(plan_path), "--who", "anna")
    assert code == 0
    assert "Importerat som import 1:" in out
    assert "plan.xlsx: action: 5" in out
    with Store(db) as store:
        assert store.batches()["imported_by"].tolist() == ["anna"]


def test_import_with_errors_prints_every_issue_exits_1_and_writes_nothing(
    capsys, db, plan_path, bad_followup
):
    assert main(["--db", db, "import", str(plan_path)]) == 0
    capsys.readouterr()
    with Store(db) as store:
        before = store.table_contents()
    code, out, _ = run(capsys, "--db", db, "import", str(bad_followup))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["Typ", "Fil", "Blad", "Rad", "Kolumn", "Värde"]
    assert (
        "Okänd status ”Skäggetorp”. Giltiga värden: Ej påbörjad, Pågår enligt plan, "
        "Pågår med avvikelse, Genomförd, Avbruten." in out
    )
    assert "Åtgärd 9.9 finns inte i åtgärdsplanen för 2022." in out
    assert "2 fel, 0 varningar." in out
    assert "Inget importerades: rätta felen och försök igen." in out
    row_line = next(line for line in lines if line.startswith("Fel") and " 4 " in line)
    assert row_line.split()[:5] == ["Fel", "uppföljning.xlsx", "Uppföljning", "4", "Nr"]
    with Store(db) as store:
        assert store.table_contents() == before


def test_check_validates_without_writing(capsys, db, plan_path):
    code, out, _ = run(capsys, "--db", db, "check", str(plan_path))
    assert code == 0
    assert "0 fel, 0 varningar." in out and "Filerna kan importeras:" in out
    with Store(db) as store:
        assert not store.has_data()


def test_same_file_again_is_reported_not_duplicated(capsys, db, plan_path):
    main(["--db", db, "import", str(plan_path)])
    capsys.readouterr()
    code, out, _ = run(capsys, "--db", db, "import", str(plan_path))
    assert code == 0
    assert "Filen är redan importerad: import 1 (plan.xlsx," in out
    assert "Inget nytt att importera: filerna är redan importerade." in out
    with Store(db) as store:
        assert len(store.batches()) == 1


def test_batches_rollback_and_restore(capsys, db, plan_path):
    main(["--db", db, "import", str(plan_path), "--who", "anna"])
    capsys.readouterr()
    code, out, _ = run(capsys, "--db", db, "batches")
    assert code == 0
    header, rule, row = out.splitlines()
    assert header.split() == ["Import", "Läge", "Typ", "Fil", "Tid", "Av", "Rader", "SHA-256"]
    assert row.split()[:4] == ["1", "aktiv", "plan", "plan.xlsx"] and row.split()[-2] == "5"

    assert run(capsys, "--db", db, "rollback", "1", "--who", "bo")[:2] == (
        0,
        "Import 1 är återkallad; de tidigare värdena gäller igen.\n",
    )
    with Store(db) as store:
        assert store.df("SELECT count(*) AS n FROM current_action")["n"].iloc[0] == 0
    assert "återkallad" in run(capsys, "--db", db, "batches")[1].splitlines()[2]
    assert run(capsys, "--db", db, "restore", "1")[:2] == (0, "Import 1 är återaktiverad.\n")
    with Store(db) as store:
        assert store.df("SELECT count(*) AS n FROM current_action")["n"].iloc[0] == 5
    code, _, err = run(capsys, "--db", db, "rollback", "7")
    assert (code, err) == (1, "segdash: Det finns ingen import med nummer 7.\n")


def test_demo_loads_into_an_empty_database_only(capsys, db):
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 0 and "Exempeldata inläst som import" in out
    with Store(db) as store:
        assert store.shows_demo_data()
        years = store.df(
            "SELECT plan_year, count(*) AS n FROM current_action GROUP BY 1 ORDER BY 1"
        )
        assert years.values.tolist() == [[2021, 60], [2022, 60], [2023, 50]]
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 1
    assert (
        out == "Databasen innehåller redan importer; exempeldata läses bara in i en tom databas.\n"
    )


def test_template_writes_a_workbook(capsys, tmp_path):
    target = tmp_path / "mall.xlsx"
    code, out, _ = run(capsys, "template", "uppföljning", str(target))
    assert (code, out) == (0, f"Mall för Uppföljning sparad i {target}.\n")
    sheet = openpyxl.load_workbook(target)["Uppföljning"]
    assert [c.value for c in sheet[1]][:3] == ["Nr", "Period", "Status"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "finns-inte.xlsx"], "segdash: Filen finns-inte.xlsx finns inte.\n"),
        (
            ["template", "budget", "x.xlsx"],
            "segdash: Okänd malltyp 'budget'. Välj plan, followup eller indicators.\n",
        ),
    ],
)
def test_usage_errors_exit_2(capsys, db, args, message):
    code, _, err = run(capsys, "--db", db, *args)
    assert (code, err) == (2, message)


def test_not_a_database_exits_1_with_the_reason(capsys, tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_text("nope" * 1000)
    code, _, err = run(capsys, "--db", str(bad), "batches")
    assert code == 1
    assert err.startswith(f"segdash: Filen {bad} är ingen segdash-databas")


def parser_commands() -> list[str]:
    """The subcommands the CLI's own parser defines, in its order."""
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


COMMANDS = parser_commands()


def test_the_parser_defines_the_commands_counted_by_hand():
    # import, check, batches, rollback, restore, demo, backup, restore-backup, template,
    # add-analyst, report, export, forms, reporting, round and serve: the add_parser calls in
    # segdash/cli.py's build_parser, counted by hand.
    assert len(COMMANDS) == 16


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    done = subprocess.run(
        [sys.executable, "-m", "segdash", command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    if command == "serve":  # everything after serve goes to `streamlit run` as it is
        assert done.stdout.startswith("Usage: streamlit run")
    else:
        assert done.stdout.startswith(f"usage: python -m segdash {command}")


def test_the_overall_help_lists_every_command():
    done = subprocess.run(
        [sys.executable, "-m", "segdash", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    # the lines under "KOMMANDO" that start with a name (a long help text wraps onto its own)
    block = done.stdout.split("  KOMMANDO\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split()[0] for line in block.splitlines() if not line.startswith(" " * 5)]
    assert listed == COMMANDS


def test_no_command_is_a_usage_error():
    done = subprocess.run(
        [sys.executable, "-m", "segdash"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "the following arguments are required: KOMMANDO" in done.stderr


def test_serve_passes_streamlit_options_through_as_they_are():
    from segdash.cli import _serve_args, build_parser

    parser = build_parser()
    args = _serve_args(
        parser,
        ["--db", "x.duckdb", "serve", "--server.port", "8600", "--server.address", "127.0.0.1"],
    )
    assert (args.command, args.db) == ("serve", "x.duckdb")
    assert args.options == ["--server.port", "8600", "--server.address", "127.0.0.1"]
    assert _serve_args(parser, ["import", "serve"]) is None  # a file called serve is a file
