"""Browser benchmark (not a test): how soon a person who opens the app sees its first chart,
against a trivial Streamlit page, and how soon the district page follows a click on a large
database. Real servers, headless chromium (Debian's), all on this machine.

    python benchmarks/bench_browser.py [--rounds 10] [--switches 9] [--traces 3]
                                       [--only first-chart|switch] [--timeout 900]

1. First chart. Starts the app (`python -m segdash serve` through tests/e2e/harness.py's
   `streamlit_server`) on a fresh copy of the demo data, and beside it, on another free port,
   `streamlit run benchmarks/trivial_page.py` (a title and one small plotly bar chart) with the
   same server options and the same .streamlit/config.toml. Each server gets one untimed visit
   first (a new server's first run imports modules and fills the caches; shown as context).
   Then the overview (the app's default page, `/`) and the trivial page are opened alternately,
   `--rounds` times each, each in a new browser context: a person opening the link, with no
   HTTP cache, no cookies and a new Streamlit session. An init script notes with
   `performance.now()` (milliseconds since the navigation started) the moments that matter: a
   MutationObserver sees the first `.js-plotly-plot` whose `.main-svg` holds a drawn `.trace`
   (the first chart), the page title (`h1`), the first time `stApp`'s `data-test-script-state`
   says "notRunning" (the script finished), the app's first WebSocket message; the page counts
   as done when the harness's DRAWN_JS says so (every table and chart drawn), and "all drawn" is
   the last change to the page before that. Printed per round and as medians, with how many
   elements and WebSocket messages came before the first chart and how much JavaScript was
   loaded, and the median of each round's own ratio. Then `--traces` more loads of each page
   with Chrome's tracing on give the main thread's CPU time from the first script to the first
   chart, by kind (evaluating modules, React and the charts, promise callbacks, style and
   layout, GC): thread time, which other work on the machine hardly changes, unlike the wall
   clock. Target: median(overview) / median(trivial page) <= 1.3 (wall clock).

2. District switch at large scale. Starts the app on a copy of the large benchmark database
   (benchmarks/bench_pages.py `database("large")`: 200 areas, 2 000 actions, 750 000 indicator
   values; built and cached in benchmarks/out/ if missing), visits the districts page (`/omraden`)
   once untimed, then opens it in a new context and clicks the district pills (`district_pick`,
   several at once allowed): each click either adds the next focus district (Berga, Ryd,
   Skäggetorp, cycling) beside the one shown or removes the one before, so the page alternates
   between one district and two. `--switches` clicks. Each is timed in the page from the click
   event to the last change to the page before DRAWN_JS holds (the run has ended, no skeleton is
   left, every chart and the map are drawn); the headings and the pressed pills must then show
   the new districts. A district's queries are cached by the server after their first run (the
   untimed visit ran Berga's), so the first clicks adding Ryd and Skäggetorp find them cold and
   the rest warm, as for a person after others. Split into: click to the server's first
   message, first to last message (about the script run on the server; the browser notes a
   message when its main thread is free), last message to drawn (the browser). Target: median
   <= 1000 ms.

Servers stop at the end, also on errors or a timeout; every wait is bounded (60 s a page,
`--timeout` seconds in all). The browser may not leave 127.0.0.1 (a host resolver rule rather
than request interception, which would slow every request down). Exit status 1 when a target is
missed, 2 when something could not be measured (a traceback on a page, a page not drawn, a
timeout), 0 otherwise. The machine's other work makes the figures noisy: the pages alternate and
the medians count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
TRIVIAL = BENCHMARKS / "trivial_page.py"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCHMARKS))

from segdash import i18n
from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HOST,
    MISSING_CHROMIUM,
    NO_PROGRESS,
    RUN_COUNTER_JS,
    BrowserErrors,
    build_demo_database,
    context_options,
    copy_database,
    exceptions_on_page,
    free_port,
    main_area,
    progress,
    running_server,
    server_log,
    streamlit_server,
    wait_for_app,
)

TARGET_RATIO = 1.3
TARGET_SWITCH_MS = 1000.0
PAGE_TIMEOUT_MS = 60_000
FOCUS = ("Berga", "Ryd", "Skäggetorp")
# Nothing leaves 127.0.0.1: every other host name fails to resolve.
BROWSER_ARGS = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}"]

# The moments of a page's life, in performance.now() milliseconds (since navigation start).
BENCH_JS = """
(() => {
  const bench = window.__bench = {
    title: null, chart: null, chartFrame: null, scriptDone: null,
    elementsAtChart: null, messagesAtChart: null,
    clicked: null, lastChange: 0, runEnds: [], messageTimes: [],
  };
  performance.mark('bench-start');
  new MutationObserver((records) => {
    const now = performance.now();
    bench.lastChange = now;
    for (const record of records) {
      if (record.attributeName !== 'data-test-script-state') continue;
      const state = record.target.getAttribute('data-test-script-state');
      if (state === 'notRunning' && record.oldValue !== 'notRunning') {
        bench.runEnds.push(now);
        if (bench.scriptDone === null) bench.scriptDone = now;
      }
    }
    if (bench.title === null && document.querySelector('[data-testid="stMain"] h1')) {
      bench.title = now;
    }
    if (bench.chart === null && document.querySelector('.js-plotly-plot .main-svg .trace')) {
      bench.chart = now;
      bench.elementsAtChart = document.querySelectorAll(
        '[data-testid="stElementContainer"]').length;
      bench.messagesAtChart = bench.messageTimes.length;
      performance.mark('bench-chart');  // for the traced loads
      requestAnimationFrame(() => { bench.chartFrame = performance.now(); });
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true,
                        attributeOldValue: true});
  window.addEventListener('click', () => { bench.clicked = performance.now(); }, true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { bench.messageTimes.push(performance.now()); });
    }
  };
})();
"""
# What a cold load saw, read once the page is drawn.
LOAD_MARKS_JS = """
() => {
  const bench = window.__bench;
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const scripts = resources.filter((r) => r.name.split('?')[0].endsWith('.js'));
  const beforeChart = scripts.filter((r) => r.responseEnd <= bench.chart);
  const kb = (list) => Math.round(list.reduce((n, r) => n + r.encodedBodySize, 0) / 1024);
  return {
    html: nav.responseEnd, dom: nav.domContentLoadedEventEnd,
    ws: bench.messageTimes.length ? bench.messageTimes[0] : null,
    title: bench.title, chart: bench.chart, chartFrame: bench.chartFrame,
    scriptDone: bench.scriptDone, drawn: bench.lastChange,
    elementsAtChart: bench.elementsAtChart, messagesAtChart: bench.messagesAtChart,
    messages: bench.messageTimes.length,
    elements: document.querySelectorAll('[data-testid="stElementContainer"]').length,
    charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
    tables: document.querySelectorAll('[data-testid="stDataFrame"]').length,
    requests: resources.length, scripts: scripts.length, scriptKb: kb(scripts),
    scriptsBeforeChart: beforeChart.length, scriptKbBeforeChart: kb(beforeChart),
    fonts: resources.filter((r) => /\\.(woff2?|ttf|otf)(\\?|$)/.test(r.name)).length,
  };
}
"""
# What one click saw, read once the page is drawn again.
SWITCH_MARKS_JS = """
() => {
  const bench = window.__bench;
  const after = bench.messageTimes.filter((t) => t >= bench.clicked);
  return {
    clicked: bench.clicked, drawn: bench.lastChange,
    firstMessage: after.length ? after[0] : null,
    lastMessage: after.length ? after[after.length - 1] : null,
    messages: after.length,
    runEnd: bench.runEnds.filter((t) => t >= bench.clicked).pop() ?? null,
  };
}
"""


class Failed(Exception):
    """Something could not be measured: a page not drawn, a traceback, a wrong page."""


# --- the servers ---------------------------------------------------------------------------------


@contextmanager
def trivial_server(workdir: Path, timeout: float = 90) -> Iterator[str]:
    """`streamlit run benchmarks/trivial_page.py` with the server options the harness gives the
    app, from the project's folder (so with its .streamlit/config.toml); always stopped."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://{HOST}:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(TRIVIAL),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        HOST,
        "--server.fileWatcherType",
        "none",
    ]
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with running_server(command, env, url, workdir, timeout) as started:
        yield started


def no_traceback_in(workdir: Path, what: str) -> None:
    log = server_log(workdir)
    if "Traceback" in log:
        raise Failed(f"{what} logged a traceback:\n" + log[log.index("Traceback") :][:1500])


# --- the browser ---------------------------------------------------------------------------------


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise Failed(f"timed out after {self.seconds:.0f} s (--timeout)")


@contextmanager
def new_page(browser, url: str):
    """A new browser context (a new visitor) with the benchmark's init scripts; closed after."""
    context = browser.new_context(**context_options(url))
    try:
        context.add_init_script(RUN_COUNTER_JS)
        context.add_init_script(BENCH_JS)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        errors = BrowserErrors(page)
        yield page
        shown = exceptions_on_page(page)
        if shown or errors.errors:
            raise Failed(f"{url}: {(shown + errors.errors)[:3]}")
    finally:
        context.close()


def cold_load(browser, url: str, path: str = "/") -> dict:
    """Open `path` in a new context, wait until all is drawn; the page's moments."""
    with new_page(browser, url) as page:
        page.goto(path, wait_until="commit")
        wait_for_app(page, NO_PROGRESS, PAGE_TIMEOUT_MS)
        marks = page.evaluate(LOAD_MARKS_JS)
    if marks["chart"] is None:
        raise Failed(f"{url}{path}: no plotly chart was drawn")
    return marks


TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "toplevel",
    "v8",
    "v8.execute",
    "blink.user_timing",
]
# Chrome's trace events on the page's main thread, by what they are (name prefixes).
CPU_GROUPS = {
    "modules": ("v8.evaluateModule", "EvaluateScript", "v8.compile", "v8.produceModuleCache"),
    "js": ("FunctionCall", "TimerFire", "EventDispatch", "FireAnimationFrame", "v8.callFunction"),
    "microtasks": ("RunMicrotasks",),
    "style+layout": (
        "Document::",
        "LocalFrameView::",
        "Layout",
        "UpdateLayoutTree",
        "InlineNode::",
    ),
    "gc": ("V8.GC", "MinorGC", "MajorGC", "BlinkGC"),
}


def _group(name: str) -> str:
    for group, prefixes in CPU_GROUPS.items():
        if name.startswith(prefixes):
            return group
    return "other"


def main_thread_cpu(events: list[dict]) -> dict[str, float]:
    """CPU time (the events' thread time, `tdur`, in ms) of the renderer's main thread from
    the page's first script to its first chart, in all and by group (each event's own time,
    without the events inside it). Thread time, unlike the wall clock, hardly depends on what
    else the machine is doing."""
    marks = {e["name"]: e for e in events if e.get("name") in ("bench-start", "bench-chart")}
    if len(marks) < 2:
        raise Failed("the trace has no first chart")
    pid = marks["bench-chart"]["pid"]
    main = next(
        e["tid"]
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e["pid"] == pid
        and e["args"].get("name") == "CrRendererMain"
    )
    start, end = marks["bench-start"]["ts"], marks["bench-chart"]["ts"]
    spans = sorted(
        (
            e
            for e in events
            if e["pid"] == pid
            and e["tid"] == main
            and e.get("ph") == "X"
            and "dur" in e
            and start <= e["ts"] <= end
        ),
        key=lambda e: (e["ts"], -e["dur"]),
    )
    cpu = {"total": 0.0, **dict.fromkeys(CPU_GROUPS, 0.0), "other": 0.0}
    stack: list[list] = []  # [end, event, thread time of the events inside]

    def close() -> None:
        _, event, inside = stack.pop()
        own = event.get("tdur", event["dur"])
        cpu[_group(event["name"])] += max(0.0, own - inside) / 1000
        if stack:
            stack[-1][2] += own

    for event in spans:
        while stack and stack[-1][0] <= event["ts"]:
            close()
        if not stack:
            cpu["total"] += event.get("tdur", event["dur"]) / 1000
        stack.append([event["ts"] + event["dur"], event, 0.0])
    while stack:
        close()
    return cpu


def traced_load(browser, url: str) -> dict[str, float]:
    """A cold load like `cold_load`, with Chrome's tracing on: main-thread CPU to the chart."""
    with new_page(browser, url) as page:
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        try:
            page.goto("/", wait_until="commit")
            wait_for_app(page, NO_PROGRESS, PAGE_TIMEOUT_MS)
        finally:
            trace = json.loads(browser.stop_tracing())
    return main_thread_cpu(trace["traceEvents"])


# --- 1. first chart ------------------------------------------------------------------------------

LOAD_COLUMNS = (  # key, heading, format
    ("html", "html", "{:6.0f}"),
    ("ws", "1st msg", "{:7.0f}"),
    ("title", "title", "{:6.0f}"),
    ("chart", "chart", "{:6.0f}"),
    ("chartFrame", "frame", "{:6.0f}"),
    ("scriptDone", "finished", "{:8.0f}"),
    ("drawn", "drawn", "{:6.0f}"),
    ("messagesAtChart", "msgs@chart", "{:10.0f}"),
    ("elementsAtChart", "elems@chart", "{:11.0f}"),
    ("elements", "elems", "{:5.0f}"),
    ("charts", "charts", "{:6.0f}"),
    ("tables", "tables", "{:6.0f}"),
    ("scriptKbBeforeChart", "JS kB@chart", "{:11.0f}"),
    ("scriptKb", "JS kB", "{:6.0f}"),
    ("scripts", "JS files", "{:8.0f}"),
    ("fonts", "fonts", "{:5.0f}"),
)


def _median(values: list) -> float:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else float("nan")


def load_table(rows: dict[str, list[dict]]) -> str:
    """Median of each moment (ms since navigation start) and count, per page."""
    width = max(len(name) for name in rows)
    lines = [" " * width + "  " + "  ".join(heading for _, heading, _ in LOAD_COLUMNS)]
    for name, marks in rows.items():
        cells = [
            form.format(_median([m[key] for m in marks])).rjust(len(heading))
            for key, heading, form in LOAD_COLUMNS
        ]
        lines.append(name.ljust(width) + "  " + "  ".join(cells))
    return "\n".join(lines)


@dataclass
class FirstChart:
    overview: list[dict] = field(default_factory=list)
    trivial: list[dict] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return _median([m["chart"] for m in self.overview]) / _median(
            [m["chart"] for m in self.trivial]
        )


def first_chart(
    browser, app_url: str, trivial_url: str, rounds: int, traces: int, deadline: Deadline
) -> FirstChart:
    results = FirstChart()
    urls = {"overview": app_url, "trivial": trivial_url}
    first = {name: cold_load(browser, url) for name, url in urls.items()}
    print(
        "first visit after the start (untimed): "
        + ", ".join(
            f"{n} first chart {m['chart']:.0f} ms, finished {m['scriptDone']:.0f} ms"
            for n, m in first.items()
        ),
        flush=True,
    )
    for number in range(1, rounds + 1):
        deadline.check()
        # Alternate which goes first, so neither always follows the other's load.
        order = ("overview", "trivial") if number % 2 else ("trivial", "overview")
        for name in order:
            getattr(results, name).append(cold_load(browser, urls[name]))
        o, t = results.overview[-1], results.trivial[-1]
        print(
            f"round {number:2}: overview first chart {o['chart']:5.0f} ms "
            f"(finished {o['scriptDone']:5.0f}, drawn {o['drawn']:5.0f})   "
            f"trivial page first chart {t['chart']:5.0f} ms "
            f"(finished {t['scriptDone']:5.0f}, drawn {t['drawn']:5.0f})   "
            f"{o['chart'] / t['chart']:.2f}x",
            flush=True,
        )
    print(
        f"\nmedians over {rounds} rounds, ms since navigation start (html: the document "
        "received; 1st msg: the app's first WebSocket message; chart: the first trace in the "
        "DOM; frame: the animation frame after it; finished: the script run; drawn: the last "
        "change before all is drawn), and counts:"
    )
    print(load_table({"overview": results.overview, "trivial page": results.trivial}))
    paired = [
        o["chart"] / t["chart"] for o, t in zip(results.overview, results.trivial, strict=True)
    ]
    print(f"median of the rounds' own ratios: {statistics.median(paired):.2f}x")
    if traces:
        cpu: dict[str, list[dict]] = {name: [] for name in urls}
        for number in range(traces):
            deadline.check()
            for name in list(urls)[:: 1 if number % 2 == 0 else -1]:
                cpu[name].append(traced_load(browser, urls[name]))
        groups = ["total", *CPU_GROUPS, "other"]
        print(
            f"\nmain-thread CPU from the first script to the first chart, ms, median of "
            f"{traces} traced loads each (modules: evaluating JavaScript modules, plotly's "
            "among them; js: React rendering and the charts' drawing; microtasks: promise "
            "callbacks):"
        )
        print(" " * 12 + "  ".join(f"{g:>12}" for g in groups))
        for name, loads in cpu.items():
            cells = "  ".join(f"{_median([c[g] for c in loads]):12.0f}" for g in groups)
            print(f"{name:<12}{cells}")
        overview, trivial = (_median([c["total"] for c in cpu[n]]) for n in urls)
        print(f"main-thread CPU to the first chart: {overview / trivial:.2f}x the trivial page's")
    return results


# --- 2. district switch --------------------------------------------------------------------------


@dataclass(frozen=True)
class Switch:
    shown: tuple[str, ...]  # the districts shown after the click
    total: float  # ms from the click to drawn
    to_server: float  # click to the server's first message
    server: float  # first to last message
    browser: float  # last message to drawn
    messages: int


def _pills(page):
    return main_area(page).get_by_role("toolbar", name=i18n.SV["districts.choose"])


def _clicks(switches: int) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(pill to click, districts shown after it): add the next district, remove the one before."""
    shown = [FOCUS[0]]
    following = itertools.cycle(FOCUS[1:] + FOCUS[:1])
    for n in range(switches):
        if n % 2 == 0:
            district = next(following)
            shown.append(district)
        else:
            district = shown.pop(0)
        yield district, tuple(shown)  # in the order chosen, as the page lays them out


def _shows(page, districts: tuple[str, ...]) -> None:
    headings = [h.strip() for h in main_area(page).get_by_role("heading").all_inner_texts()]
    prefix = i18n.SV["districts.actions"].split("{")[0]
    actions = [h for h in headings if h.startswith(prefix)]
    wanted = [i18n.SV["districts.actions"].format(district=d) for d in districts]
    pressed = [
        d
        for d in FOCUS
        if _pills(page).get_by_role("button", name=d, exact=True).get_attribute("aria-pressed")
        == "true"
    ]
    if actions != wanted or pressed != sorted(districts, key=FOCUS.index):
        raise Failed(f"wanted {districts}, the page shows {actions}, pressed pills {pressed}")


def district_switches(browser, url: str, switches: int, deadline: Deadline) -> list[Switch]:
    warm = cold_load(browser, url, "/omraden")
    print(
        f"first visit to /omraden after the start (untimed): drawn {warm['drawn']:.0f} ms, "
        f"{warm['charts']} charts, {warm['tables']} tables",
        flush=True,
    )
    results = []
    with new_page(browser, url) as page:
        page.goto("/omraden", wait_until="commit")
        wait_for_app(page, NO_PROGRESS, PAGE_TIMEOUT_MS)
        _shows(page, FOCUS[:1])
        for number, (district, shown) in enumerate(_clicks(switches), start=1):
            deadline.check()
            since = progress(page)
            page.evaluate("() => { window.__bench.clicked = null; }")
            _pills(page).get_by_role("button", name=district, exact=True).click()
            wait_for_app(page, since, PAGE_TIMEOUT_MS)
            marks = page.evaluate(SWITCH_MARKS_JS)
            _shows(page, shown)
            if marks["clicked"] is None or marks["firstMessage"] is None:
                raise Failed(f"click {number} on {district}: no click or no answer seen {marks}")
            switch = Switch(
                shown=shown,
                total=marks["drawn"] - marks["clicked"],
                to_server=marks["firstMessage"] - marks["clicked"],
                server=marks["lastMessage"] - marks["firstMessage"],
                browser=marks["drawn"] - marks["lastMessage"],
                messages=marks["messages"],
            )
            results.append(switch)
            verb = "add" if len(shown) == 2 else "remove"
            print(
                f"switch {number:2}: {verb:<6} {district:<10} -> {' + '.join(shown):<18} "
                f"{switch.total:5.0f} ms  (click to 1st message {switch.to_server:4.0f}, "
                f"server run {switch.server:5.0f}, browser after {switch.browser:4.0f}; "
                f"{switch.messages} messages)",
                flush=True,
            )
    print(
        f"medians: click to 1st message {_median([s.to_server for s in results]):.0f} ms, "
        f"server run {_median([s.server for s in results]):.0f} ms, browser after "
        f"{_median([s.browser for s in results]):.0f} ms; adding a district "
        f"{_median([s.total for s in results if len(s.shown) == 2]):.0f} ms, removing one "
        f"{_median([s.total for s in results if len(s.shown) == 1]):.0f} ms"
    )
    return results


# --- running it ----------------------------------------------------------------------------------


def run(args: argparse.Namespace, work: Path) -> tuple[FirstChart | None, list[Switch] | None]:
    from playwright.sync_api import sync_playwright

    deadline = Deadline(args.timeout)
    print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    charts, switches = None, None
    with ExitStack() as servers, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS
        )
        if args.only in (None, "first-chart"):
            db = build_demo_database(work / "demo" / "demo.duckdb")
            app_url = servers.enter_context(streamlit_server(db, None, work / "app"))
            trivial_url = servers.enter_context(trivial_server(work / "trivial"))
            print(f"app (demo data) on {app_url}, trivial page on {trivial_url}", flush=True)
            charts = first_chart(browser, app_url, trivial_url, args.rounds, args.traces, deadline)
            no_traceback_in(work / "app", "the app")
            no_traceback_in(work / "trivial", "the trivial page")
            servers.close()  # the switches get the machine to themselves
        if args.only in (None, "switch"):
            import bench_pages

            large = copy_database(bench_pages.database("large"), work / "large")
            url = servers.enter_context(streamlit_server(large, None, work / "large"))
            print(f"\napp (large database) on {url}", flush=True)
            switches = district_switches(browser, url, args.switches, deadline)
            no_traceback_in(work / "large", "the app on the large database")
        browser.close()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return charts, switches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="loads of each page (default 10)")
    parser.add_argument("--switches", type=int, default=9, help="district clicks (default 9)")
    parser.add_argument(
        "--traces",
        type=int,
        default=3,
        help="traced loads of each page for the main-thread CPU (default 3, 0: none)",
    )
    parser.add_argument("--only", choices=("first-chart", "switch"), help="one part only")
    parser.add_argument("--timeout", type=float, default=900, help="seconds in all (default 900)")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 100 or not 1 <= args.switches <= 100 or not 0 <= args.traces <= 20:
        parser.error("--rounds and --switches must be 1-100, --traces 0-20")
    if not CHROMIUM.exists():
        print(MISSING_CHROMIUM, file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="segdash-browser-") as tmp:
        try:
            charts, switches = run(args, Path(tmp))
        except Failed as exc:
            print(f"BENCHMARK FAILED: {exc}", file=sys.stderr)
            return 2
        except Exception as exc:  # noqa: BLE001 - a wait that timed out, a page not drawn
            print(f"BENCHMARK FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 2

    missed = False
    print()
    if charts is not None:
        overview = _median([m["chart"] for m in charts.overview])
        trivial = _median([m["chart"] for m in charts.trivial])
        missed |= charts.ratio > TARGET_RATIO
        print(
            f"browser first chart: overview {overview:.0f} ms, trivial page {trivial:.0f} ms, "
            f"ratio {charts.ratio:.2f}x (target <= {TARGET_RATIO}x)"
        )
    if switches is not None:
        median = _median([s.total for s in switches])
        missed |= median > TARGET_SWITCH_MS
        print(
            f"browser district switch at large scale: median {median:.0f} ms over "
            f"{len(switches)} switches (target <= {TARGET_SWITCH_MS:.0f} ms)"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
