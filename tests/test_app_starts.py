"""The app starts: headless (AppTest) and as the real `streamlit run` server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import HELD_MESSAGE
from streamlit.testing.v1 import AppTest

from segdash import i18n
from segdash.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("SEGDASH_DB", str(path))
    return path


def test_first_start_fills_an_empty_database_with_demo_data_and_says_so(demo_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("Exempeldata" in w.value for w in at.warning)
    # the overview of the latest follow-up of the demo plans (2023: 50 actions)
    assert {m.label: m.value for m in at.metric}["Åtgärder"] == "50"
    with Store(demo_db) as store:
        batches = store.batches()
    # the five workbooks of data/demo and its boundary file
    assert len(batches) == 6 and batches["is_demo"].all()
    assert batches["imported_by"].unique().tolist() == ["segdash (exempeldata)"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.server
def test_streamlit_run_serves_the_app(demo_db):
    port = _free_port()
    env = {**os.environ, "SEGDASH_DB": str(demo_db)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    assert r.read() == b"ok"
                    break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "the server did not start:\n" + server.stdout.read()
                    ) from exc
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_database_held_by_another_process_is_said_without_details(held_db, monkeypatch, caplog):
    """Every visitor learns that the database is unavailable; only the log says which file and
    which process (a path and a PID are no business of a viewer's)."""
    path, pid = held_db
    monkeypatch.setenv("SEGDASH_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    with caplog.at_level("ERROR", logger="segdash.ui"):
        at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.SV["error.db_unavailable"]]
    assert str(path) not in at.error[0].value and str(pid) not in at.error[0].value
    assert HELD_MESSAGE.format(path=path, pid=pid) in caplog.text


def test_the_server_shows_no_traceback_to_visitors():
    """Streamlit's own setting, read from the project's config as `streamlit run` reads it."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
