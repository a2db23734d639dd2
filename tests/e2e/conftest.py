"""Fixtures for the browser tests: the demo database, the real server, chromium, and a page.

- `demo_path` (session, from tests/conftest.py): a database with the demo data, built once by
  segdash's own loader; never written to. Tests compute the numbers they expect from it with
  `segdash.queries`.
- `server` (module): `streamlit run app.py` on a free port of 127.0.0.1 with a copy of that
  database and one analyst account, waited for through /_stcore/health, and always stopped,
  also when a test fails. A module's first test is the new server's first visit, as for the
  first visitor after a restart (test_first_visit.py checks that one on a shared link).
- `browser` (session): one headless chromium (Debian's, /usr/bin/chromium). A missing chromium
  is a failure, not a skip: CI installs it, and the browser tests must run there.
- `page` (function): a fresh browser context, that is a new visitor with a new Streamlit
  session. When the test ends the page must not show a traceback or have logged an error of
  ours (harness.known_noise says what is Streamlit's own noise).

The helpers the tests use to act and look (`goto`, `rerun`, `wait_for_rerun`, `read_table`,
...) are in harness.py, shared with scripts/screenshots.py and benchmarks/bench_load.py; what
the pages should show is computed here, from `segdash.queries` on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from segdash import fmt, i18n, queries
from segdash.queries import Filters
from segdash.store import Store

from .harness import (
    CHROMIUM,
    MISSING_CHROMIUM,
    BrowserErrors,
    context_options,
    copy_database,
    exceptions_on_page,
    launch_chromium,
    prepare_context,
    server_log,
    streamlit_server,
    write_analysts,
)

# test_accessibility.py leaves its audits here; the summary at the end of the run prints them.
AXE_SUMMARY = pytest.StashKey[dict]()


def pytest_terminal_summary(terminalreporter, config):
    audits = config.stash.get(AXE_SUMMARY, None)
    if not audits:
        return
    terminalreporter.section("axe-core summary (every violation, any impact)")
    for state, audit in audits.items():
        if not audit.violations:
            terminalreporter.write_line(f"{state}: none")
        for v in audit.violations:
            owners = sorted({node["owner"] for node in v["nodes"]})
            samples = list(dict.fromkeys(node["html"][:70] for node in v["nodes"]))[:3]
            terminalreporter.write_line(
                f"{state}: {v['id']} ({v['impact']}) x{len(v['nodes'])} [{'/'.join(owners)}] "
                f"e.g. {v['nodes'][0]['target'][-60:]} | " + " | ".join(samples)
            )


@dataclass(frozen=True)
class Server:
    """The running app: its URL, its database file and its working folder (with the log)."""

    url: str
    db: Path
    workdir: Path

    def log(self) -> str:
        return server_log(self.workdir)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def open_page(browser, url: str, width: int = 1440, height: int = 900):
    """A page in a fresh context (a new visitor), with its error log attached."""
    context = browser.new_context(**context_options(url, width, height))
    prepare_context(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page, BrowserErrors(page)


@pytest.fixture(scope="module")
def server(demo_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e-server")
    db = copy_database(demo_path, workdir)
    analysts = write_analysts(workdir / "analysts.json")
    with streamlit_server(db, analysts, workdir) as url:
        yield Server(url, db, workdir)


def check_page(page, errors: BrowserErrors) -> list[str]:
    """What went wrong on a page: tracebacks shown, errors logged (empty when all is well)."""
    shown = exceptions_on_page(page) if not page.is_closed() else []
    return errors.errors + [f"traceback on the page: {text}" for text in shown]


@pytest.fixture
def page(browser, server):
    page, errors = open_page(browser, server.url)
    yield page
    try:
        problems = check_page(page, errors)
    finally:
        page.context.close()
    assert not problems, (
        "the browser saw errors:\n"
        + "\n".join(problems)
        + "\n--- end of the server's log:\n"
        + server.log()[-3000:]
    )


# --- what the pages should show, from the queries -------------------------------------------------

LATEST = "2023"  # the demo data's latest follow-up, which the app opens on


def expected_metrics(db: Path, filters: Filters) -> dict[str, str]:
    """The overview's metrics on this database: the number of actions, then the count per
    status (every status that has actions now or had some in the previous follow-up)."""
    with Store(db) as store:
        figures = queries.key_figures(store, filters)
    labels = i18n.status_labels("sv")
    statuses = figures.statuses
    shown = statuses[(statuses["count"] > 0) | (statuses["previous_count"].fillna(0) > 0)]
    return {
        "Åtgärder": fmt.number(figures.actions, 0, "sv"),
        **{
            labels[s]: fmt.number(c, 0, "sv")
            for s, c in zip(shown["status"], shown["count"], strict=True)
        },
    }
