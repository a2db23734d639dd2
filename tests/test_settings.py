"""Every setting is read in one place (segdash.config), with one policy for a bad value: the
default is used and the problem is said, in the CLI and to analysts in the app; nothing exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_analyst_flow import env, sign_in, start  # noqa: F401 - env is a fixture

from segdash import config, ui
from segdash.config import Limits, settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_defaults_are_the_documented_ones(monkeypatch):
    for name in config.VARIABLES:
        monkeypatch.delenv(name, raising=False)
    s = settings()
    assert (s.db_path, s.demo, s.analysts_path) == (
        str(Path("data") / "segdash.duckdb"),
        True,
        Path("data") / "analysts.json",
    )
    assert (s.signin_delay_seconds, s.idle_minutes, s.idle_seconds) == (1.0, 30.0, 1800.0)
    assert s.limits == Limits(
        max_upload_bytes=50_000_000,
        max_rows=1_000_000,
        max_unpacked_bytes=500_000_000,
        max_features=10_000,
        max_vertices=2_000_000,
        check_memory_bytes=2_000_000_000,
        check_seconds=300,
    )
    assert s.problems == ()


def test_values_are_read_under_their_names(monkeypatch, tmp_path):
    monkeypatch.setenv("SEGDASH_DB", str(tmp_path / "x.duckdb"))
    monkeypatch.setenv("SEGDASH_DEMO", "off")
    monkeypatch.setenv("SEGDASH_MAX_ROWS", "1234")
    monkeypatch.setenv("SEGDASH_CHECK_SECONDS", "12,5")
    monkeypatch.setenv("SEGDASH_SIGNIN_DELAY", "0")
    s = settings()
    assert (s.db_path, s.demo, s.limits.max_rows, s.limits.check_seconds) == (
        str(tmp_path / "x.duckdb"),
        False,
        1234,
        12.5,
    )
    assert s.signin_delay_seconds == 0 and s.problems == ()
    assert settings() is s  # one object for one environment


def test_a_bad_value_falls_back_to_its_default_and_is_said(monkeypatch):
    monkeypatch.setenv("SEGDASH_MAX_ROWS", "många")
    monkeypatch.setenv("SEGDASH_IDLE_MINUTES", "-5")
    monkeypatch.setenv("SEGDASH_DEMO", "kanske")
    s = settings()
    assert (s.limits.max_rows, s.idle_minutes, s.demo) == (1_000_000, 30.0, True)
    assert s.problems == (
        "SEGDASH_DEMO ska vara on eller off (var ”kanske”); on används.",
        "SEGDASH_MAX_ROWS måste vara ett heltal, större än noll (var ”många”); standardvärdet "
        "1\u00a0000\u00a0000 används.",
        "SEGDASH_IDLE_MINUTES måste vara ett tal, större än noll (var ”-5”); standardvärdet 30 "
        "används.",
    )


def test_the_cli_says_a_bad_value_and_goes_on(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "segdash", "--db", str(tmp_path / "t.duckdb"), "batches"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "SEGDASH_MAX_UPLOAD_MB": "stor", "SEGDASH_DEMO": "off"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "segdash: SEGDASH_MAX_UPLOAD_MB måste vara ett heltal, större än noll (var ”stor”); "
        "standardvärdet 50 används."
    )


def test_the_app_tells_an_analyst_and_no_viewer(env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SEGDASH_MAX_ROWS", "[0](https://example.invalid)")
    problem = settings().problems[0]
    shown = ui.md(problem)  # the value is quoted as text, never a link
    assert "\\[0\\]\\(h\u2060ttps" in shown  # brackets escaped, the address broken
    viewer = start()
    assert not viewer.exception
    assert shown not in [w.value for w in viewer.sidebar.warning]
    analyst = sign_in(start("pages/upload.py"))
    assert shown in [w.value for w in analyst.sidebar.warning]
