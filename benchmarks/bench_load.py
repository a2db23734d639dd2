"""Load check (a benchmark, not a test): 10 people move between the pages while an analyst
imports a follow-up.

    python benchmarks/bench_load.py [--sessions 10] [--rounds 3] [--stagger 1] [--timeout 900]

Starts `streamlit run app.py` on a free port of 127.0.0.1 with a fresh copy of the demo data and
one analyst account, and drives it from one headless chromium (Debian's) with asyncio: each
viewer is its own browser context (its own Streamlit session), arriving `--stagger` seconds
after the one before. A viewer opens the overview,
then follows the sidebar's links to every other viewing page in the menu's order and back to
Översikt, `--rounds` times. A page counts as shown when its script run has ended and every table and
chart is drawn (the same wait as the browser tests, tests/e2e/harness.py). When the viewers
are half-way, the analyst (an eleventh context, signed in on the upload page) uploads a
follow-up that changes two actions, marks the preview as reviewed and imports it.

Errors counted: console errors and uncaught page errors (except Streamlit's own base-path
probes and the requests to other hosts that are blocked on purpose, see harness.known_noise),
HTTP errors from the server, tracebacks on a page (`stException`), pages not shown within 60 s,
and an import that does not report success. Exit status 1 when there is any error, 0 otherwise.
Everything is bounded: `--sessions` × `--rounds` × 5 pages, and `--timeout` seconds in all.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl

from tests.e2e.harness import (
    ANALYST,
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAWN_JS,
    MISSING_CHROMIUM,
    NO_PROGRESS,
    PASSWORD,
    PROGRESS_JS,
    RUN_COUNTER_JS,
    STATE_JS,
    VIEW_PAGES,
    XLSX,
    BrowserErrors,
    build_demo_database,
    context_options,
    cpu_seconds,
    is_local,
    streamlit_server,
    write_analysts,
)

PAGE_TIMEOUT_MS = 60_000
ROUTE = [*list(VIEW_PAGES.values())[1:], "Översikt"]  # every viewing page, overview last
FIRST_LOAD = "Översikt (first load)"


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)  # page -> seconds
    errors: list[str] = field(default_factory=list)
    import_seconds: float | None = None
    import_message: str = ""
    done_steps: int = 0
    server_cpu: float = 0.0  # seconds of CPU the server used during the run

    def record(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)


# --- the follow-up the analyst imports ---------------------------------------------------------


def followup_for(db: Path, period: str = "2023") -> tuple[tuple[str, str], bytes]:
    """A follow-up for two actions that are on track in `period` (a year): one done, one at
    risk. Returns their numbers and the workbook."""
    from segdash import queries
    from segdash.queries import Filters
    from segdash.store import Store

    with Store(db) as store:
        status = queries.action_status(store, Filters(period=period))
    first, second = status.loc[status["status"] == "on_track", "action_no"].tolist()[:2]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Uppföljning"
    for row in (
        ["Nr", "Period", "Status", "Andel genomfört", "Kommentar", "Planår"],
        [first, period, "Genomförd", 100, "Klart", int(period)],
        [second, period, "Pågår med avvikelse", 40, "Försenad", int(period)],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (first, second), buffer.getvalue()


# --- driving one browser context ---------------------------------------------------------------


async def new_page(browser, url: str):
    context = await browser.new_context(**context_options(url))
    await context.add_init_script(RUN_COUNTER_JS)

    async def only_local(route):
        await (route.continue_() if is_local(route.request.url) else route.abort())

    await context.route("**/*", only_local)
    page = await context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page, BrowserErrors(page)


async def drawn(page, since: dict) -> None:
    try:
        await page.wait_for_function(DRAWN_JS, arg=since, polling=50, timeout=PAGE_TIMEOUT_MS)
    except Exception as exc:
        raise RuntimeError(f"not drawn (run > {since}): {await page.evaluate(STATE_JS)}") from exc


async def check(page, who: str, where: str, results: Results) -> None:
    shown = await page.locator('[data-testid="stException"]').all_inner_texts()
    results.errors += [f"{who} on {where}: traceback: {text[:300]}" for text in shown]


async def follow(page, title: str) -> None:
    since = await page.evaluate(PROGRESS_JS)
    await page.locator(
        '[data-testid="stSidebar"] [data-testid="stPageLink"]', has_text=title
    ).click()
    await drawn(page, since)


async def viewer(
    browser,
    url: str,
    number: int,
    rounds: int,
    results: Results,
    halfway: asyncio.Event,
    total_steps: int,
    stagger: float,
) -> None:
    who = f"viewer {number}"
    await asyncio.sleep((number - 1) * stagger)  # people do not all arrive in the same second
    page, errors = await new_page(browser, url)
    try:
        started = time.perf_counter()
        await page.goto("/")
        await drawn(page, NO_PROGRESS)
        results.record(FIRST_LOAD, time.perf_counter() - started)
        await check(page, who, FIRST_LOAD, results)
        for _ in range(rounds):
            for title in ROUTE:
                started = time.perf_counter()
                try:
                    await follow(page, title)
                except Exception as exc:  # noqa: BLE001 - a page not shown is an error to count
                    results.errors.append(f"{who}: {title} not shown: {str(exc)[:200]}")
                    continue
                results.record(title, time.perf_counter() - started)
                await check(page, who, title, results)
                results.done_steps += 1
                if results.done_steps >= total_steps // 2:
                    halfway.set()
    except Exception as exc:  # noqa: BLE001
        results.errors.append(f"{who}: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        halfway.set()  # the analyst never waits for a viewer that has stopped
        results.errors += [f"{who}: {e}" for e in errors.errors]
        await page.context.close()


async def analyst(browser, url: str, data: bytes, results: Results, halfway: asyncio.Event) -> None:
    who = "analyst"
    page, errors = await new_page(browser, url)
    try:
        await page.goto("/ladda-upp")
        await drawn(page, NO_PROGRESS)
        form = page.locator('[data-testid="stMain"] [data-testid="stForm"]')
        await form.get_by_label("Användarnamn").fill(ANALYST)
        await form.get_by_label("Lösenord", exact=True).fill(PASSWORD)
        since = await page.evaluate(PROGRESS_JS)
        await form.get_by_role("button", name="Logga in").click()
        await drawn(page, since)
        await halfway.wait()

        started = time.perf_counter()
        since = await page.evaluate(PROGRESS_JS)
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "uppföljning.xlsx", "mimeType": XLSX, "buffer": data}]
        )
        await drawn(page, since)
        since = await page.evaluate(PROGRESS_JS)
        await page.get_by_text("Jag har granskat förhandsvisningen").click()
        await drawn(page, since)
        since = await page.evaluate(PROGRESS_JS)
        await page.get_by_role("button", name="Importera").click()
        await drawn(page, since)
        success = page.locator('[data-testid="stAlertContentSuccess"]')
        await success.wait_for(timeout=PAGE_TIMEOUT_MS)
        results.import_seconds = time.perf_counter() - started
        results.import_message = (await success.inner_text()).split("\n")[-1]
        await check(page, who, "Ladda upp", results)
    except Exception as exc:  # noqa: BLE001
        results.errors.append(f"{who}: import failed: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        results.errors += [f"{who}: {e}" for e in errors.errors]
        await page.context.close()


async def run(url: str, data: bytes, sessions: int, rounds: int, stagger: float) -> Results:
    from playwright.async_api import async_playwright

    results = Results()
    halfway = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            warm_up, _ = await new_page(browser, url)  # a new server's first visit (tests/e2e)
            await warm_up.goto("/")
            await drawn(warm_up, NO_PROGRESS)
            await warm_up.context.close()
            total = sessions * rounds * len(ROUTE)
            await asyncio.gather(
                analyst(browser, url, data, results, halfway),
                *(
                    viewer(browser, url, n + 1, rounds, results, halfway, total, stagger)
                    for n in range(sessions)
                ),
            )
        finally:
            await browser.close()
    return results


# --- the report ---------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank


def report(results: Results, sessions: int, rounds: int, elapsed: float) -> str:
    cores = os.cpu_count() or 1
    heading = (
        f"{sessions} viewers x {rounds} rounds of {len(ROUTE)} pages, one analyst import, "
        f"{elapsed:.0f} s in all; server CPU {results.server_cpu:.0f} s "
        f"({results.server_cpu / (elapsed * cores):.0%} of the machine's {cores} cores, "
        f"which the browsers share)"
    )
    lines = [heading, "", "| sida | antal | median | p95 | längst |", "|---|---|---|---|---|"]
    for name in [FIRST_LOAD, *ROUTE]:
        values = results.times.get(name, [])
        if values:
            lines.append(
                f"| {name} | {len(values)} | {statistics.median(values):.2f} s | "
                f"{p95(values):.2f} s | {max(values):.2f} s |"
            )
    everything = [v for name in ROUTE for v in results.times.get(name, [])]
    if everything:
        lines.append(
            f"| alla sidbyten | {len(everything)} | {statistics.median(everything):.2f} s | "
            f"{p95(everything):.2f} s | {max(everything):.2f} s |"
        )
    lines.append("")
    if results.import_seconds is not None:
        lines.append(
            f"import (upload → preview → import): {results.import_seconds:.2f} s, "
            f"“{results.import_message}”"
        )
    lines.append(f"errors: {len(results.errors)}")
    lines += [f"  - {e}" for e in results.errors[:50]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="viewers at once (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the pages (default 3)")
    parser.add_argument(
        "--stagger",
        type=float,
        default=1.0,
        help="seconds between two viewers' arrivals (default 1)",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds in all (default 900)")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 50 or not 1 <= args.rounds <= 20 or not 0 <= args.stagger <= 10:
        parser.error("--sessions must be 1-50, --rounds 1-20 and --stagger 0-10")
    if not CHROMIUM.exists():
        print(MISSING_CHROMIUM, file=sys.stderr)
        return 2
    assert len(ROUTE) == len(VIEW_PAGES)

    with tempfile.TemporaryDirectory(prefix="segdash-load-") as tmp:
        work = Path(tmp)
        db = build_demo_database(work / "demo.duckdb")
        _, data = followup_for(db)
        analysts = write_analysts(work / "analysts.json")
        servers: list = []
        with streamlit_server(db, analysts, work, on_start=servers.append) as url:
            started, cpu_before = time.perf_counter(), cpu_seconds(servers[0].pid)
            try:
                results = asyncio.run(
                    asyncio.wait_for(
                        run(url, data, args.sessions, args.rounds, args.stagger),
                        timeout=args.timeout,
                    )
                )
            except TimeoutError:
                print(f"LOAD CHECK TIMED OUT after {args.timeout:.0f} s", file=sys.stderr)
                return 1
            elapsed = time.perf_counter() - started
            results.server_cpu = cpu_seconds(servers[0].pid) - cpu_before
            log = (work / "server.log").read_text(encoding="utf-8", errors="replace")
    if "Traceback" in log:
        results.errors.append(
            "the server logged a traceback:\n" + log[log.index("Traceback") :][:1500]
        )
    print(report(results, args.sessions, args.rounds, elapsed))
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
