"""The dependency audit: every pinned version in the lock files against PyPI's vulnerability data.

    python scripts/audit.py PIP_AUDIT [LOCK ...]      (make audit runs it)

Runs pip-audit on each lock file (hashes required, nothing installed) and says plainly what
happened: the known vulnerabilities (exit status 1), or that the vulnerability service could
not be reached or had no data for some or all of the pinned versions (exit status 0: the audit
did not run for those, which is said, not hidden), or that nothing is known (exit status 0).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


def audit(pip_audit: str, lock: Path) -> tuple[list[str], list[str], int]:
    """(vulnerabilities as lines, packages that could not be audited, packages audited)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                pip_audit,
                "--requirement",
                str(lock),
                "--disable-pip",
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            raise SystemExit(f"audit: pip-audit could not run on {lock}:\n{done.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    found, skipped, audited = [], [], 0
    for dep in data.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(f"{dep['name']} {dep.get('version', '')}".strip())
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            found.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    return found, skipped, audited


def main(argv: list[str]) -> int:
    pip_audit, *locks = argv
    status = 0
    for lock in map(Path, locks or ["requirements-dev.lock"]):
        found, skipped, audited = audit(pip_audit, lock)
        if found:
            status = 1
            print(f"audit: {lock}: {len(found)} known vulnerabilities:")
            for line in found:
                print(f"  {line}")
        if skipped and not audited:
            print(
                f"audit: {lock}: the audit did not run: the vulnerability service could not be "
                f"reached, or has no data for any of the {len(skipped)} pinned versions."
            )
        elif skipped:
            print(
                f"audit: {lock}: {audited} packages audited; {len(skipped)} could not be "
                f"(no data from the vulnerability service): {', '.join(skipped)}."
            )
        elif not found:
            print(f"audit: {lock}: {audited} packages audited, no known vulnerabilities.")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
