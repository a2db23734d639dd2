"""scripts/audit.py says plainly what the dependency audit found, or that it did not run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import audit  # noqa: E402 - the script, imported from its folder


def fake_pip_audit(tmp_path: Path, dependencies: list[dict]) -> str:
    """An executable that answers like pip-audit --format json --output FILE."""
    script = tmp_path / "pip-audit"
    report = json.dumps({"dependencies": dependencies})
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "out = sys.argv[sys.argv.index('--output') + 1]\n"
        f"open(out, 'w').write({report!r})\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


def test_a_known_vulnerability_fails_the_audit_and_is_named(tmp_path, capsys):
    tool = fake_pip_audit(
        tmp_path,
        [
            {
                "name": "jinja2",
                "version": "3.1.2",
                "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
            },
            {"name": "pandas", "version": "2.2.0", "vulns": []},
        ],
    )
    assert audit.main([tool, "requirements.lock"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "audit: requirements.lock: 1 known vulnerabilities:",
        "  jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)",
    ]


def test_an_unreachable_service_is_said_not_hidden(tmp_path, capsys):
    tool = fake_pip_audit(
        tmp_path,
        [
            {"name": "pandas", "version": "2.2.0", "skip_reason": "Dependency not found on PyPI"},
            {"name": "duckdb", "version": "1.1.0", "skip_reason": "Dependency not found on PyPI"},
        ],
    )
    assert audit.main([tool, "requirements.lock"]) == 0
    assert capsys.readouterr().out.strip() == (
        "audit: requirements.lock: the audit did not run: the vulnerability service could not be "
        "reached, or has no data for any of the 2 pinned versions."
    )


def test_a_clean_audit_says_how_many_were_checked(tmp_path, capsys):
    tool = fake_pip_audit(tmp_path, [{"name": "pandas", "version": "2.2.0", "vulns": []}])
    assert audit.main([tool, "requirements-dev.lock"]) == 0
    assert capsys.readouterr().out.strip() == (
        "audit: requirements-dev.lock: 1 packages audited, no known vulnerabilities."
    )


def test_pip_audit_that_cannot_run_stops_the_audit(tmp_path):
    broken = tmp_path / "pip-audit"
    broken.write_text("#!/bin/sh\necho 'no such option' >&2\nexit 2\n", encoding="utf-8")
    broken.chmod(0o755)
    with pytest.raises(SystemExit, match="audit: pip-audit could not run on requirements.lock"):
        audit.main([str(broken), "requirements.lock"])
