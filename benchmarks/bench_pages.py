"""Benchmark: how fast each page of the app reruns on a large database, against a trivial page.

Builds (once, cached as benchmarks/out/pages_large.duckdb; `--rebuild` to redo it) a large
database by writing DataFrames straight through `Store.insert_batch`, with a fixed seed:

  - 10 plans (2015 … 2024) of 200 actions each = 2 000 actions, one plan batch per year;
  - 30 follow-ups (YYYY-T1, YYYY-T2, YYYY for each plan year), a status row for every action
    of the plan in force, one follow-up batch per period = 6 000 status rows;
  - a master-data batch with 200 districts (the 4 built-in ones + 196 of type "jämförelse");
  - an indicator batch with 50 indicators and 200 districts x 50 indicators x 25 years
    (2000 … 2024) x 3 sexes (T/K/M) = 750 000 values, targets for the focus districts.

Then, in one process, with SEGDASH_DB pointing at that file, it times the app through
`streamlit.testing.v1.AppTest.from_file(app.py)`. For each page: a fresh AppTest,
`st.cache_data.clear()`, the page's first run, then N reruns (`--reruns`, default 15), each
`at.run()` timed on its own. A child page is reached as AppTest documents it for
`st.navigation` with custom url paths: one untimed run of the default page (which registers
the pages), then `st.cache_data.clear()`, `at.switch_page("pages/x.py")`, and the timed first
run. Before anything is timed, the app and the trivial page run once untimed, so module
imports and opening the database (a `st.cache_resource`) are charged to no page. Every run
must end without `at.exception` or `at.error`, on the page's own title, with at least one
table or chart; otherwise the benchmark stops with the page's traceback.

The baseline is benchmarks/trivial_page.py (a title and one small plotly bar chart), timed the
same way. Target: every page's median rerun under 200 ms and at most 5x the trivial page's
median rerun. Exit status 1 and "TARGET MISSED" (with the pages) when missed, 0 otherwise,
2 ("PAGE FAILED" and the traceback) when a page raises or does not draw.
`--profile` then looks at one more rerun of each page that missed the target: the wall time
of each step (every `ui.cached` query by name, `Store.revision`, the `charts` builders, `ui.table`,
`st.plotly_chart`, …, measured by wrapping them, no profiler), and cProfile's top functions.

    python benchmarks/bench_pages.py [--reruns 15] [--pages overview,actions] [--rebuild]
                                     [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DB_PATH = OUT / "pages_large.duckdb"
APP = ROOT / "app.py"
TRIVIAL = ROOT / "benchmarks" / "trivial_page.py"
sys.path.insert(0, str(ROOT))

# page name -> file relative to app.py (None: the default page, reached by the first run)
PAGES: dict[str, str | None] = {
    "overview": None,
    "districts": "pages/districts.py",
    "actions": "pages/actions.py",
    "offices": "pages/offices.py",
    "indicators": "pages/indicators.py",
}
TARGET_MS = 200.0
TARGET_RATIO = 5.0
RUN_TIMEOUT = 600.0  # seconds; AppTest's default of 3 s is too short for a cold large database

SEED = 20240601
PLAN_YEARS = list(range(2015, 2025))
ACTIONS_PER_YEAR = 200
N_EXTRA_DISTRICTS = 196
N_INDICATORS = 50
VALUE_YEARS = list(range(2000, 2025))
SEXES = ("T", "K", "M")


# --- building the database -----------------------------------------------------------------

_VERBS = (
    "Utveckla",
    "Stärka",
    "Införa",
    "Utöka",
    "Samordna",
    "Förbättra",
    "Etablera",
    "Följa upp",
)
_OBJECTS = (
    "läxhjälp för högstadieelever",
    "trygghetsvandringar kvällstid",
    "feriearbeten för unga",
    "språkstöd för föräldrar",
    "fältassistenternas arbete",
    "upprustning av utemiljöer",
    "föreningslivets mötesplatser",
    "vägledning till arbete",
    "belysning i gångstråk",
    "samverkan med bostadsbolagen",
    "öppen förskola",
    "simundervisning för barn",
    "hälsofrämjande insatser",
    "bibliotekets språkcafé",
    "praktikplatser i kommunen",
    "lovaktiviteter",
    "medborgarkontorets service",
    "samhällsorientering",
)
_COMMENTS = (
    "Arbetet fortskrider enligt plan.",
    "Insatsen har försenats på grund av personalbrist under våren.",
    "Samverkan med bostadsbolaget är etablerad och fungerar väl.",
    "Fler deltagare än väntat; vi ser över resurserna inför hösten.",
    "Upphandlingen är klar och genomförandet startar efter sommaren.",
    "Avvaktar beslut i nämnden om fortsatt finansiering.",
    "Målgruppen har varit svår att nå; nya kanaler prövas.",
    "Insatsen är genomförd och utvärderas under året.",
)
_UNITS = ("%", "antal", "kr", "per 1 000 inv.", "år")
_SOURCES = ("SCB", "Skolverket", "Polisen", "Arbetsförmedlingen", "Linköpings kommun")


def build(path: Path) -> dict[str, int]:
    """Write the large database to `path` (replacing it); returns rows per table."""
    import numpy as np
    import pandas as pd

    from segdash import domain
    from segdash.store import Store

    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    rng = np.random.default_rng(SEED)
    offices = [code for code, _ in domain.OFFICES]
    focus = list(domain.FOCUS_DISTRICTS)

    # master data: the four built-in districts + 196 comparison districts
    extra = [
        (f"J{i:03d}", f"Jämförelseområde {i}", "jämförelse")
        for i in range(1, N_EXTRA_DISTRICTS + 1)
    ]
    districts = pd.DataFrame([*domain.DISTRICTS, *extra], columns=["code", "name", "district_type"])

    # plans: 200 actions per year, 40 per development area, numbered "area.n"
    plans: dict[int, pd.DataFrame] = {}
    for year in PLAN_YEARS:
        rows = []
        for area in range(1, 6):
            for n in range(1, ACTIONS_PER_YEAR // 5 + 1):
                lead = offices[rng.integers(len(offices))]
                others = [o for o in offices if o != lead]
                partners = list(rng.choice(others, size=int(rng.integers(0, 3)), replace=False))
                chosen = sorted(rng.choice(focus, size=int(rng.integers(1, 4)), replace=False))
                verb = _VERBS[rng.integers(len(_VERBS))]
                title = f"{verb} {_OBJECTS[rng.integers(len(_OBJECTS))]}"
                rows.append(
                    {
                        "plan_year": year,
                        "action_no": f"{area}.{n}",
                        "area_no": area,
                        "title": title,
                        "description": f"{title} i {', '.join(chosen)} under {year}. "
                        f"Ansvarig förvaltning är {lead}.",
                        "lead_office": lead,
                        "partner_offices": [str(p) for p in partners],
                        "districts": [str(d) for d in chosen],
                        "start_when": str(year),
                        "end_when": str(year + int(rng.integers(0, 3))),
                    }
                )
        plans[year] = pd.DataFrame(rows)

    # follow-ups: three per plan year, a row for every action of the plan in force
    followups: dict[str, pd.DataFrame] = {}
    codes = list(domain.STATUS_CODES)
    for year in PLAN_YEARS:
        plan = plans[year]
        for period in (f"{year}-T1", f"{year}-T2", str(year)):
            status = rng.choice(codes, size=len(plan), p=[0.15, 0.45, 0.2, 0.15, 0.05])
            partly = rng.integers(5, 96, size=len(plan)).astype(float)
            progress = np.where(
                status == "done", 100.0, np.where(status == "not_started", 0.0, partly)
            )
            followups[period] = pd.DataFrame(
                {
                    "plan_year": year,
                    "action_no": plan["action_no"],
                    "period": period,
                    "status": status,
                    "progress": progress,
                    "comment": [_COMMENTS[i] for i in rng.integers(len(_COMMENTS), size=len(plan))],
                    "reported_office": plan["lead_office"],
                }
            )

    # indicators: 50 definitions, then every district x indicator x year x sex
    indicators = pd.DataFrame(
        {
            "code": [f"IND{i:02d}" for i in range(1, N_INDICATORS + 1)],
            "name": [
                f"Indikator {i}: {_OBJECTS[i % len(_OBJECTS)]}" for i in range(1, N_INDICATORS + 1)
            ],
            "unit": [_UNITS[i % len(_UNITS)] for i in range(N_INDICATORS)],
            "higher_is_better": [bool(i % 2) for i in range(N_INDICATORS)],
            "area_no": [i % 5 + 1 for i in range(N_INDICATORS)],
            "source": [_SOURCES[i % len(_SOURCES)] for i in range(N_INDICATORS)],
            "definition": [
                f"Uppgift från {_SOURCES[i % len(_SOURCES)]}, årsvis per område."
                for i in range(N_INDICATORS)
            ],
        }
    )
    ind, dist, yr, sx = np.meshgrid(
        np.arange(N_INDICATORS),
        np.arange(len(districts)),
        np.array(VALUE_YEARS),
        np.arange(len(SEXES)),
        indexing="ij",
    )
    ind, dist, yr, sx = ind.ravel(), dist.ravel(), yr.ravel(), sx.ravel()
    level = rng.uniform(10, 90, size=(N_INDICATORS, len(districts)))[ind, dist]
    trend = rng.normal(0, 0.8, size=(N_INDICATORS, len(districts)))[ind, dist]
    value = np.round(level + trend * (yr - VALUE_YEARS[0]) + rng.normal(0, 2, size=ind.size), 1)
    is_focus = np.isin(dist, np.arange(len(focus)))  # the focus districts come first
    target = np.where(is_focus & (yr >= 2020), np.round(level + 5, 1), np.nan)
    values = pd.DataFrame(
        {
            "indicator_code": np.array(indicators["code"])[ind],
            "district_code": np.array(districts["code"])[dist],
            "year": yr.astype("int32"),
            "sex": np.array(SEXES)[sx],
            "value": value,
            "target": pd.array(target, dtype="Float64"),  # NaN -> NULL, not a NaN value
            "source": None,
        }
    )

    store = Store(path)
    try:

        def load(cur) -> None:
            def batch(kind: str, name: str, frames: dict) -> None:
                store.insert_batch(
                    cur,
                    kind=kind,
                    file_name=name,
                    sha256=f"bench-{name}",
                    imported_by="bench_pages",
                    frames=frames,
                )

            batch("master", "omraden.xlsx", {"district": districts})
            batch(
                "indicators",
                "indikatorer.xlsx",
                {"indicator": indicators, "indicator_value": values},
            )
            for year, plan in plans.items():
                batch("plan", f"atgardsplan_{year}.xlsx", {"action": plan})
            for period, frame in followups.items():
                batch("followup", f"uppfoljning_{period}.xlsx", {"action_status": frame})

        store.write(load)
        counts = {
            view: int(store.df(f"SELECT count(*) AS n FROM {view}")["n"].iloc[0])
            for view in (
                "current_action",
                "current_action_status",
                "current_district",
                "current_indicator",
                "current_indicator_value",
            )
        }
        counts["targets"] = int(
            store.df("SELECT count(target) AS n FROM current_indicator_value")["n"].iloc[0]
        )
        counts["batches"] = int(store.df("SELECT count(*) AS n FROM import_batch")["n"].iloc[0])
    finally:
        store.close()
    return counts


def ensure_database(rebuild: bool) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if DB_PATH.exists() and not rebuild:
        print(f"database: {DB_PATH.relative_to(ROOT)} (cached; --rebuild to redo it)")
        return
    print(f"building {DB_PATH.relative_to(ROOT)} …", flush=True)
    start = time.perf_counter()
    counts = build(DB_PATH)
    seconds = time.perf_counter() - start
    print(f"built in {seconds:.1f} s, {DB_PATH.stat().st_size / 1e6:.1f} MB")
    for name, n in counts.items():
        print(f"  {name:<24} {n:>9,}")
    expected = {
        "current_action": 2_000,
        "current_action_status": 6_000,
        "current_district": 200,
        "current_indicator": 50,
        "current_indicator_value": 750_000,
    }
    wrong = {k: (counts[k], v) for k, v in expected.items() if counts[k] != v}
    if wrong:
        raise SystemExit(f"the built database has the wrong row counts (got, wanted): {wrong}")


# --- timing --------------------------------------------------------------------------------


class PageFailed(Exception):
    pass


def _check(at, page: str, what: str) -> None:
    """Fail loudly when a run raised, showed an error, or did not draw the page."""
    from segdash import i18n

    if len(at.exception):
        details = "\n\n".join(f"{e.value}\n" + "\n".join(e.stack_trace) for e in at.exception)
        raise PageFailed(f"page {page!r} raised on its {what}:\n{details}")
    if len(at.error):
        raise PageFailed(
            f"page {page!r} showed an error on its {what}: "
            + "; ".join(str(e.value) for e in at.error)
        )
    if page == "trivial":
        return
    wanted = i18n.text(i18n.DEFAULT_LANGUAGE, f"{page}.title")
    titles = [e.value for e in at.title]
    if wanted not in titles:
        infos = [str(e.value) for e in at.info]
        raise PageFailed(
            f"page {page!r} did not draw its title {wanted!r} on its {what} "
            f"(titles: {titles}; infos: {infos})"
        )
    if not _drawn(at):
        raise PageFailed(
            f"page {page!r} drew no table and no chart on its {what} "
            f"(infos: {[str(e.value) for e in at.info]})"
        )


def _drawn(at) -> int:
    return len(at.dataframe) + len(at.get("plotly_chart"))


def _new_app(page: str):
    """A fresh AppTest on the page, not yet run on it (the caller times that first run)."""
    from streamlit.testing.v1 import AppTest

    if page == "trivial":
        return AppTest.from_file(str(TRIVIAL), default_timeout=RUN_TIMEOUT)
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    if PAGES[page] is not None:
        # st.navigation with custom url paths: the pages are known only after a first run.
        at.run()
        _check(at, "overview", "registering run")
        at.switch_page(PAGES[page])
    return at


def time_page(page: str, reruns: int) -> dict:
    import streamlit as st

    at = _new_app(page)
    st.cache_data.clear()
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    _check(at, page, "first run")
    times = []
    for i in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        _check(at, page, f"rerun {i + 1}")
    return {
        "page": page,
        "first_ms": first * 1000,
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "drawn": _drawn(at),
    }


def _quiet_streamlit() -> None:
    """Running pages from a test harness and clearing caches outside a script run makes
    Streamlit log harmless "missing ScriptRunContext" warnings; keep only errors."""
    import logging

    os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"  # for when Streamlit parses its config
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def warm_up() -> None:
    """Import everything and open the database once, so no timed page pays for it."""
    from streamlit.testing.v1 import AppTest

    _quiet_streamlit()
    for path in (TRIVIAL, APP):
        at = AppTest.from_file(str(path), default_timeout=RUN_TIMEOUT).run()
        _quiet_streamlit()  # the first run parses Streamlit's config, which resets the levels
        _check(at, "trivial" if path == TRIVIAL else "overview", "warm-up run")


# --- profiling -----------------------------------------------------------------------------


def _instrument(calls: list[tuple[str, float]]) -> list[tuple[object, str, object]]:
    """Wrap the app's expensive steps so each call's wall time (inclusive) is recorded."""
    import streamlit as st

    from segdash import charts, fmt, queries, ui
    from segdash.store import Store

    targets = [
        (ui, "cached"),
        (ui, "table"),
        (ui, "chart"),
        (st, "plotly_chart"),
        (st, "dataframe"),
        (Store, "revision"),
        (queries, "search_actions"),
        (fmt, "number"),
        (fmt, "with_unit"),
        (ui, "t"),
    ]
    targets += [
        (charts, n)
        for n in dir(charts)
        if n in {"_figure"}
        or (
            not n.startswith("_")
            and callable(getattr(charts, n))
            and getattr(getattr(charts, n), "__module__", "") == charts.__name__
        )
    ]
    saved = []
    for owner, name in targets:
        original = getattr(owner, name)
        label = f"{getattr(owner, '__name__', owner)}.{name}"

        # wraps: ui.figure and ui.cached check which module the function they get is from
        @functools.wraps(original)
        def wrapper(*args, __original=original, __label=label, **kwargs):
            start = time.perf_counter()
            try:
                return __original(*args, **kwargs)
            finally:
                ms = (time.perf_counter() - start) * 1000
                if __label == "segdash.ui.cached":
                    calls.append((f"segdash.ui.cached({args[0].__qualname__})", ms))
                calls.append((__label, ms))

        saved.append((owner, name, original))
        setattr(owner, name, wrapper)
    return saved


def profile_rerun(page: str, top: int = 20) -> str:
    """Where one rerun of a page spends its time: wall time per step (instrumented, without
    a profiler), then cProfile's top functions (the script thread only)."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    at = _new_app(page)
    at.run()
    at.run()
    _check(at, page, "run before profiling")
    original_thread = LocalScriptRunner._run_script_thread
    lines = [f"--- one rerun of {page!r} ---"]

    # 1. wall time per step, no profiler
    calls: list[tuple[str, float]] = []
    script: list[float] = []

    def timed_thread(self) -> None:  # the script runs in its own thread
        start = time.perf_counter()
        try:
            original_thread(self)
        finally:
            script.append((time.perf_counter() - start) * 1000)

    LocalScriptRunner._run_script_thread = timed_thread
    saved = _instrument(calls)
    try:
        start = time.perf_counter()
        at.run()
        total = (time.perf_counter() - start) * 1000
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
        LocalScriptRunner._run_script_thread = original_thread
    _check(at, page, "instrumented rerun")
    lines.append(
        f"at.run(): {total:.1f} ms wall, of which the script thread {script[0]:.1f} ms "
        f"(the rest is AppTest setting up the run and parsing the output)"
    )
    lines.append(
        "wall time per step (inclusive; ui.table includes st.dataframe and fmt.*, "
        "ui.chart includes st.plotly_chart):"
    )
    totals: dict[str, list[float]] = {}
    for label, ms in calls:
        totals.setdefault(label, []).append(ms)
    for label, times in sorted(totals.items(), key=lambda kv: -sum(kv[1])):
        if sum(times) >= 0.5:
            lines.append(f"  {sum(times):8.1f} ms  {len(times):6d} calls  {label}")

    # 2. cProfile over another rerun
    profiler = cProfile.Profile()

    def profiled_thread(self) -> None:
        profiler.enable()
        try:
            original_thread(self)
        finally:
            profiler.disable()

    LocalScriptRunner._run_script_thread = profiled_thread
    try:
        at.run()
    finally:
        LocalScriptRunner._run_script_thread = original_thread
    _check(at, page, "profiled rerun")
    for sort, restrict in (("cumulative", r"/(segdash|pages)/|app\.py"), ("tottime", "")):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).sort_stats(sort)
        stats.print_stats(*([restrict, top] if restrict else [top]))
        text = buffer.getvalue()
        where = " in segdash/, pages/ and app.py" if restrict else ""
        lines.append(f"cProfile (times inflated by the profiler), top {top} by {sort}{where}:")
        lines.append(text[text.find("   ncalls") :].rstrip())
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15, help="timed reruns per page")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"comma-separated subset of: {', '.join(PAGES)}"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the large database")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one rerun of each page that misses the target",
    )
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGES]
    if unknown or not pages or args.reruns < 1:
        parser.error(
            f"unknown pages {unknown}; choose from {', '.join(PAGES)}"
            if unknown
            else "nothing to time"
        )

    ensure_database(args.rebuild)
    os.environ["SEGDASH_DB"] = str(DB_PATH)
    _quiet_streamlit()
    os.chdir(ROOT)

    try:
        warm_up()
        baseline = time_page("trivial", args.reruns)
        results = []
        for page in pages:
            print(f"timing {page} …", flush=True)
            results.append(time_page(page, args.reruns))
    except PageFailed as exc:
        print(f"\nPAGE FAILED: {exc}", file=sys.stderr)
        sys.exit(2)

    base = baseline["median_ms"]
    print(
        f"\n{args.reruns} reruns per page; ratio = median rerun / trivial page's median rerun;"
        " drawn = tables + charts on the page"
    )
    header = (
        f"{'page':<12} {'first run (ms)':>15} {'median rerun (ms)':>18}"
        f" {'min–max (ms)':>14} {'ratio':>7}  {'drawn':>5}  target"
    )
    print(header)
    print("-" * len(header))
    missed = []
    for r in [baseline, *results]:
        ratio = r["median_ms"] / base
        ok = r["median_ms"] < TARGET_MS and ratio <= TARGET_RATIO
        if r is not baseline and not ok:
            missed.append(r["page"])
        verdict = "–" if r is baseline else ("ok" if ok else "MISSED")
        spread = f"{r['min_ms']:.0f}–{r['max_ms']:.0f}"
        print(
            f"{r['page']:<12} {r['first_ms']:>15.0f} {r['median_ms']:>18.1f} {spread:>14}"
            f" {ratio:>6.1f}x  {r['drawn']:>5}  {verdict}"
        )
    print(
        f"target: every page's median rerun < {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x "
        f"the trivial page ({TARGET_RATIO * base:.1f} ms)"
    )

    if args.profile:
        for page in missed:
            print()
            print(profile_rerun(page))

    if missed:
        print(f"TARGET MISSED: {', '.join(missed)}")
        sys.exit(1)
    print("target met")
    sys.exit(0)


if __name__ == "__main__":
    main()
