"""The CLI beside the running app: with the server up and a viewer on the overview, the CLI
imports a file, backs the database up and rolls the import back, and the viewer's next rerun
shows each change with no error. The backup, taken while the app ran, restores into a new path
with every table identical to the live database at that moment.

How it works (segdash.store): each process holds the file only while it uses it and lets go at
once when another one has left a marker that it waits; the other waits and retries.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from segdash.config import Limits
from segdash.importer import UploadedFile, import_files
from segdash.queries import Filters
from segdash.store import Store

from .conftest import LATEST, expected_metrics
from .harness import ROOT, goto, main_area, metrics, rerun
from .test_analyst import followup_bytes

pytestmark = pytest.mark.e2e


def cli(db, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "segdash", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "SEGDASH_DEMO": "off"},
    )


def viewer_rerun(page) -> None:
    """What a viewer's next interaction does: the script runs again in the same session."""
    with rerun(page):
        page.locator("body").press("r")  # Streamlit's own shortcut for "Rerun"


@pytest.fixture(scope="module")
def followup(demo_path, tmp_path_factory):
    """A follow-up for two actions on track in 2023, and the overview expected after it (from
    the same import into another copy of the demo data)."""
    from segdash import queries

    with Store(demo_path) as store:
        status = queries.action_status(store, Filters(period=LATEST))
    first, second = status.loc[status["status"] == "on_track", "action_no"].tolist()[:2]
    data = followup_bytes(
        [
            [first, LATEST, "Genomförd", 100, "Klart (kommandoraden)", 2023],
            [second, LATEST, "Pågår med avvikelse", 40, "Försenad", 2023],
        ]
    )
    folder = tmp_path_factory.mktemp("cli-files")
    path = folder / "uppföljning_cli.xlsx"
    path.write_bytes(data)
    oracle = folder / "oracle.duckdb"
    shutil.copyfile(demo_path, oracle)
    with Store(oracle) as store:
        result = import_files(store, [UploadedFile(path.name, data)], "cli", limits=Limits())
        assert result.status == "imported"
    return path, expected_metrics(oracle, Filters(period=LATEST))


def test_import_backup_and_rollback_from_the_cli_while_a_viewer_watches(
    page, server, demo_path, followup, tmp_path
):
    path, after = followup
    goto(page, "/")
    before = expected_metrics(demo_path, Filters(period=LATEST))
    assert metrics(page) == before

    done = cli(server.db, "import", str(path), "--who", "nattjobbet")
    assert done.returncode == 0, done.stderr
    batch = int(re.search(r"Importerat som import (\d+)", done.stdout).group(1))
    viewer_rerun(page)
    assert metrics(page) == after

    backup = tmp_path / "kopia.duckdb"
    done = cli(server.db, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(backup.read_bytes()).hexdigest()
    assert done.stdout.splitlines()[-1] == f"sha256 {digest}"
    with Store(server.db) as live:  # the live database as the backup has it
        at_backup = live.table_contents()

    done = cli(server.db, "rollback", str(batch), "--who", "nattjobbet")
    assert done.returncode == 0, done.stderr
    viewer_rerun(page)
    assert metrics(page) == before
    expect(main_area(page).locator('[data-testid="stAlertContentError"]')).to_have_count(0)

    restored = tmp_path / "återställd.duckdb"
    done = cli(restored, "restore-backup", str(backup))
    assert done.returncode == 0, done.stderr
    with Store(restored) as copy:
        assert copy.table_contents() == at_backup
