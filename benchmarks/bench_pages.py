"""Benchmark: how fast each page of the app runs, cold and warm, at three scales, against a
trivial page measured in the same run.

The scale ladder (`--scale`, one or more, comma-separated):

  municipality  the demo data, loaded by the app's own loader (Linköping's 32 RegSO areas);
  large         200 areas x 50 indicators x 25 years x 3 sexes = 750 000 values;
  national      6 000 areas (every DeSO area of Sweden, roughly) x 50 x 25 x 3 = 22 500 000.

Both synthetic scales have 2 000 actions (10 plan years of 200), 30 follow-ups with a status
for every action, a boundary for every area (an outline of 300 vertices, as detailed as SCB's
own, in a cell of a grid) and an open reporting round.
They are written through the store's schema, the small tables through `Store.insert_batch`
and the values with one INSERT ... SELECT in DuckDB, from a fixed seed and integer arithmetic,
so the same scale always gives the same database (cached as benchmarks/out/pages_<scale>.duckdb;
`--rebuild` to redo it; the national one takes about half a minute).

In one process, with SEGDASH_DB pointing at the database, each page is run through
`streamlit.testing.v1.AppTest`:

  cold run   Streamlit's caches cleared (data and resources: queries and figures) and a
             fresh session that starts from a choice no earlier run used: another period,
             district or indicator (`--cold` runs, each its own choice; the median counts);
  warm rerun the same session run again with the same inputs (`--reruns`, the median counts).

The analysts' pages are run signed in. The trivial page (benchmarks/trivial_page.py: a title
and one small plotly chart) is timed the same way, and the ratios are against its warm rerun.
Before anything is timed, the app and the trivial page run once, so module imports and opening
the database are charged to no page. Every run must end without an exception or an error, on
the page's own title, with a table or chart where the page has them; otherwise exit status 2.

Targets (2 cores): every page's cold run <= 300 ms at municipality and large scale and
<= 500 ms at national scale; every warm rerun <= 5x the trivial page's; with both large and
national in one run, no page's cold run more than 2x from large to national; at national
scale, this process under 1 GB resident after every page. Exit status 1 and "TARGET MISSED"
when a target is missed. The last line, one per scale:

  pages at <scale> scale: <n> pages, worst cold run <x> ms, worst warm rerun <y> ms (trivial <z> ms)

`--profile` then looks at one cold run of each page that missed: the wall time of each step
(every `ui.cached` query by name, the `charts` builders, `ui.table`, `st.plotly_chart`, ...,
measured by wrapping them) and cProfile's top functions.

    python benchmarks/bench_pages.py [--scale large,national] [--cold 5] [--reruns 15]
                                     [--pages overview,districts] [--rebuild] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
ANALYST = "bench_analyst"
APP = ROOT / "app.py"
TRIVIAL = ROOT / "benchmarks" / "trivial_page.py"
sys.path.insert(0, str(ROOT))

SEED = 20240601
PLAN_YEARS = list(range(2015, 2025))
ACTIONS_PER_YEAR = 200
N_INDICATORS = 50
VALUE_YEARS = list(range(2000, 2025))
SEXES = ("T", "K", "M")


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


# --- building the databases ----------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    name: str
    areas: int  # areas in master data, the four built-in ones included
    description: str


SCALES: dict[str, Scale] = {
    "municipality": Scale("municipality", 0, "the demo data (Linköping's 32 RegSO areas)"),
    "large": Scale("large", 200, "200 areas x 50 indicators x 25 years x 3 sexes = 750 000 values"),
    "national": Scale(
        "national", 6_000, "6 000 areas x 50 indicators x 25 years x 3 sexes = 22 500 000 values"
    ),
}


def db_path(scale: str) -> Path:
    return OUT / f"pages_{scale}.duckdb"


def _area_codes(n: int) -> list[tuple[str, str]]:
    """`n` DeSO-like area codes and names (kommun code, area type letter, number), fixed."""
    areas = []
    for i in range(n):
        kommun = 114 + (i // 20) * 7 % 2_400
        letter = "ABC"[i % 3]
        code = f"{kommun:04d}{letter}{1_000 + i % 20 * 10 + i // 8_000:04d}"
        areas.append((code, f"Område {code}"))
    return areas


def _plans_and_followups(rng) -> tuple[dict[int, object], dict[str, object]]:
    """2 000 actions over ten plan years and a status row for each in 30 follow-ups."""
    import numpy as np
    import pandas as pd

    from segdash import domain

    offices = [code for code, _ in domain.OFFICES]
    focus = list(domain.FOCUS_DISTRICTS)
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
    return plans, followups


# SCB's RegSO outlines for Linköping have 274 vertices at the median (shared/geo): a national
# DeSO layer drawn as SCB draws it is about 1.8 M vertices and 43 MB of GeoJSON.
OUTLINE_VERTICES = 300


def _outline(lon: float, lat: float, size: float) -> str:
    """A closed, wavy ring of OUTLINE_VERTICES points inside the square cell at (lon, lat)."""
    import numpy as np

    k = np.arange(OUTLINE_VERTICES - 1)
    angle = 2 * np.pi * k / (OUTLINE_VERTICES - 1)
    radius = size / 2 * (0.85 + 0.15 * np.sin(7 * angle))
    lons = np.round(lon + size / 2 + radius * np.cos(angle), 6)
    lats = np.round(lat + size / 2 + radius * np.sin(angle) * 0.55, 6)
    ring = [[float(x), float(y)] for x, y in zip(lons, lats, strict=True)]
    return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def build(path: Path, scale: Scale) -> None:
    """Write a synthetic database of `scale` to `path` (replacing it), through the store's
    schema: the small tables from DataFrames through `Store.insert_batch`, the indicator values
    with one INSERT … SELECT in DuckDB (22.5 M rows in well under a minute). Fixed seed and
    arithmetic, so the same scale always gives the same database."""
    import numpy as np
    import pandas as pd

    from segdash import domain
    from segdash.store import Store, refresh_current_values

    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    rng = np.random.default_rng(SEED)
    extra = [(code, name, domain.COMPARISON_TYPE) for code, name in _area_codes(scale.areas - 4)]
    districts = pd.DataFrame([*domain.DISTRICTS, *extra], columns=["code", "name", "district_type"])
    plans, followups = _plans_and_followups(rng)
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
    # one outline per area in a cell of a grid over southern Sweden, so that the maps have
    # every area
    side = int(np.ceil(np.sqrt(len(districts))))
    size = 6.0 / side
    boundaries = pd.DataFrame(
        {
            "district_code": districts["code"],
            "geometry": [
                _outline(11.0 + (i % side) * size, 55.5 + (i // side) * size * 0.55, size * 0.9)
                for i in range(len(districts))
            ],
            "vertices": OUTLINE_VERTICES,
            "source_crs": "EPSG:4326",
        }
    )
    store = Store(path)
    try:

        def load(cur) -> None:
            def batch(kind: str, name: str, frames: dict) -> int:
                return store.insert_batch(
                    cur,
                    kind=kind,
                    file_name=name,
                    sha256=f"bench-{name}",
                    imported_by="bench_pages",
                    frames=frames,
                )

            batch("master", "omraden.xlsx", {"district": districts})
            batch("boundaries", "omradesgranser.geojson", {"boundary": boundaries})
            values_batch = batch("indicators", "indikatorer.xlsx", {"indicator": indicators})
            cur.register("bench_districts", districts.reset_index(names="n"))
            # value = a level per (indicator, area), a trend per year and noise, all from
            # integer hashing of the row's position, so the build is the same every time
            cur.execute(
                f"""
                INSERT INTO indicator_value (batch_id, indicator_code, district_code, year, sex,
                                             value, target, source, marker)
                WITH a AS (SELECT n, code, district_type = 'fokus' AS is_focus
                           FROM bench_districts),
                     g AS (
                    SELECT i.i, a.n, a.code, a.is_focus, y.y, s.k, s.sex,
                           10 + ((i.i * 7919 + a.n * 104729) % 8000) / 100.0 AS level,
                           (((i.i * 31 + a.n * 17) % 161) - 80) / 100.0 AS trend
                    FROM range({N_INDICATORS}) i(i) CROSS JOIN a
                    CROSS JOIN range({VALUE_YEARS[0]}, {VALUE_YEARS[-1] + 1}) y(y)
                    CROSS JOIN (VALUES (0, 'T'), (1, 'K'), (2, 'M')) s(k, sex))
                SELECT ?, 'IND' || lpad(CAST(i + 1 AS VARCHAR), 2, '0'), code, y, sex,
                       round(level + trend * (y - {VALUE_YEARS[0]})
                             + ((i * 13 + n * 7 + y * 3 + k * 11) % 41 - 20) / 10.0, 1),
                       CASE WHEN is_focus AND y >= 2020 THEN round(level + 5, 1) END,
                       NULL, NULL
                FROM g ORDER BY i, n, y, k
                """,
                [values_batch],
            )
            cur.unregister("bench_districts")
            refresh_current_values(cur, values_batch)
            n_values = cur.execute(
                "SELECT count(*) FROM indicator_value WHERE batch_id = ?", [values_batch]
            ).fetchone()[0]
            cur.execute(
                "UPDATE import_batch SET row_counts = ? WHERE batch_id = ?",
                [
                    json.dumps({"indicator": len(indicators), "indicator_value": n_values}),
                    values_batch,
                ],
            )
            for year, plan in plans.items():
                batch("plan", f"atgardsplan_{year}.xlsx", {"action": plan})
            for period, frame in followups.items():
                batch("followup", f"uppfoljning_{period}.xlsx", {"action_status": frame})

        store.write(load)
        _open_round(store)
    finally:
        store.close()


def build_municipality(path: Path) -> None:
    """The demo data, loaded by the app's own loader, with the 2024 round open."""
    from segdash.demo import load_demo
    from segdash.store import Store

    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with Store(path) as store:
        result = load_demo(store)
        if result.status != "imported":
            raise SystemExit(f"the demo data did not load: {[i.message for i in result.issues]}")
        _open_round(store)


def _open_round(store) -> None:
    """The reporting round for the latest plan year, open, so the reporting page has a table."""
    year = int(store.df("SELECT max(plan_year) AS y FROM current_action")["y"].iloc[0])
    store.open_round(
        period=str(year),
        plan_year=year,
        deadline=date.today() + timedelta(days=30),
        message=None,
        opened_by=ANALYST,
    )


def counts(path: Path) -> dict[str, int]:
    from segdash.store import Store

    with Store(path) as store:
        result = {
            view: int(store.df(f"SELECT count(*) AS n FROM {view}")["n"].iloc[0])
            for view in (
                "current_action",
                "current_action_status",
                "current_district",
                "current_indicator",
                "current_indicator_value",
                "current_boundary",
            )
        }
    return result


def database(scale: str, rebuild: bool = False) -> Path:
    """The benchmark database of `scale`, built unless it is there already (other benchmarks
    use it too). Checks the built database's row counts."""
    path = db_path(scale)
    OUT.mkdir(parents=True, exist_ok=True)
    if path.exists() and not rebuild:
        print(f"database: {path.relative_to(ROOT)} (cached; --rebuild to redo it)", flush=True)
        return path
    print(f"building {path.relative_to(ROOT)}: {SCALES[scale].description} …", flush=True)
    start = time.perf_counter()
    if scale == "municipality":
        build_municipality(path)
    else:
        build(path, SCALES[scale])
    seconds = time.perf_counter() - start
    rows = counts(path)
    print(f"built in {seconds:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    for name, n in rows.items():
        print(f"  {name:<24} {n:>11,}".replace(",", " "))
    from segdash.store import Store

    with Store(path) as store:
        outlines = store.df(
            "SELECT sum(vertices) AS v, sum(strlen(geometry)) / 1e6 AS mb FROM current_boundary"
        ).iloc[0]
    print(
        f"  outlines: {int(outlines['v']):,} vertices, {outlines['mb']:.1f} MB of GeoJSON".replace(
            ",", " "
        )
    )
    if scale != "municipality":
        areas = SCALES[scale].areas
        expected = {
            "current_action": len(PLAN_YEARS) * ACTIONS_PER_YEAR,
            "current_action_status": len(PLAN_YEARS) * ACTIONS_PER_YEAR * 3,
            "current_district": areas,
            "current_indicator": N_INDICATORS,
            "current_indicator_value": areas * N_INDICATORS * len(VALUE_YEARS) * len(SEXES),
            "current_boundary": areas,
        }
        wrong = {k: (rows[k], v) for k, v in expected.items() if rows[k] != v}
        if wrong:
            raise SystemExit(f"the built database has the wrong row counts (got, wanted): {wrong}")
    return path


# --- timing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    file: str | None  # relative to app.py; None: the default page, reached by the first run
    title_key: str
    analyst: bool = False
    draws: bool = True  # has at least one table or chart


PAGES: dict[str, Page] = {
    p.name: p
    for p in (
        Page("overview", None, "overview.title"),
        Page("districts", "pages/districts.py", "districts.title"),
        Page("actions", "pages/actions.py", "actions.title"),
        Page("offices", "pages/offices.py", "offices.title"),
        Page("indicators", "pages/indicators.py", "indicators.title"),
        Page("report", "pages/report.py", "report.page_title"),
        Page("upload", "pages/upload.py", "upload.title", analyst=True, draws=False),
        Page("reporting", "pages/reporting.py", "reporting.title", analyst=True),
        Page("history", "pages/history.py", "history.title", analyst=True),
    )
}
TARGET_WARM_RATIO = 5.0
TARGET_COLD_MS = {"municipality": 300.0, "large": 300.0, "national": 500.0}
TARGET_GROWTH = 2.0  # cold run, large -> national, per page
TARGET_RSS_MB = 1024.0
RUN_TIMEOUT = 600.0  # seconds; AppTest's default of 3 s is too short for a cold large database


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
    wanted = i18n.text(i18n.DEFAULT_LANGUAGE, PAGES[page].title_key)
    titles = [e.value for e in at.title]
    if wanted not in titles:
        infos = [str(e.value) for e in at.info]
        raise PageFailed(
            f"page {page!r} did not draw its title {wanted!r} on its {what} "
            f"(titles: {titles}; infos: {infos})"
        )
    if PAGES[page].draws and not _drawn(at):
        raise PageFailed(
            f"page {page!r} drew no table and no chart on its {what} "
            f"(infos: {[str(e.value) for e in at.info]})"
        )


def _drawn(at) -> int:
    return len(at.dataframe) + len(at.get("plotly_chart")) + len(at.get("deck_gl_json_chart"))


@dataclass(frozen=True)
class Choice:
    """What a cold run starts from: the URL's query parameters and the page's own state."""

    params: dict[str, str]
    state: dict[str, object]

    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in {**self.params, **self.state}.items())


def choices(page: str, periods: list[str], districts: list[str], n: int) -> list[Choice]:
    """`n` starting points for cold runs of `page`, each a filter value not used by the
    previous one: another period (newest first), district or indicator."""
    out = []
    for i in range(n):
        period = periods[-1 - (i % len(periods))]
        if page == "districts":
            district = districts[i % len(districts)]
            out.append(Choice({"period": period, "omrade": district}, {}))
        elif page == "indicators":
            out.append(Choice({"indikator": f"IND{(i * 7) % N_INDICATORS + 1:02d}"}, {}))
        elif page == "report":
            out.append(Choice({"period": period}, {"report_period": period}))
        elif page == "reporting":
            out.append(Choice({"period": period}, {"reporting_period": period}))
        else:
            out.append(Choice({"period": period}, {}))
    return out


_components = None


def _from_file(path: Path):
    """An AppTest of the script. A new AppTest's first run looks through every installed
    package for Streamlit components (about 0.1 s here), which a real server does once when it
    starts, not per session: that search is made once and shared, so that no page's cold run
    is charged for it."""
    global _components
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    if _components is None:
        _components = BidiComponentManager()
        _components.discover_and_register_components(start_file_watching=False)
    at = AppTest.from_file(str(path), default_timeout=RUN_TIMEOUT)
    at._bidi_component_manager = _components
    return at


def _new_app(page: str, choice: Choice | None = None):
    """A fresh AppTest on the page, not yet run on it (the caller times that first run)."""
    from segdash.ui.signin import ANALYST_KEY

    if page == "trivial":
        return _from_file(TRIVIAL)
    at = _from_file(APP)
    if choice is not None:
        for key, value in choice.params.items():
            at.query_params[key] = value
    if PAGES[page].analyst:
        at.session_state[ANALYST_KEY] = ANALYST
    if PAGES[page].file is not None:
        # st.navigation with custom url paths: the pages are known only after a first run.
        at.run()
        _check(at, "overview", "registering run")
        at.switch_page(PAGES[page].file)
    if choice is not None:
        for key, value in choice.state.items():
            at.session_state[key] = value
    return at


def _clear_caches() -> None:
    """Every cached query result and figure, and the queries' own memo of the current run's
    repeated questions (the database handle is not a cache)."""
    import streamlit as st

    from segdash import queries

    st.cache_data.clear()
    st.cache_resource.clear()
    queries.clear_memo()


def time_trivial(reruns: int) -> dict:
    at = _new_app("trivial")
    _clear_caches()
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    _check(at, "trivial", "first run")
    warm = []
    for i in range(reruns):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        _check(at, "trivial", f"rerun {i + 1}")
    return {"page": "trivial", "cold": [first * 1000], "warm": [w * 1000 for w in warm]}


def time_page(page: str, starts: list[Choice], reruns: int) -> dict:
    """Cold runs (caches cleared, a new starting choice each), then warm reruns of the last."""
    cold = []
    at = None
    for choice in starts:
        at = _new_app(page, choice)
        _clear_caches()
        start = time.perf_counter()
        at.run()
        cold.append((time.perf_counter() - start) * 1000)
        _check(at, page, f"cold run ({choice.label()})")
    warm = []
    for i in range(reruns):
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
        _check(at, page, f"warm rerun {i + 1}")
    return {"page": page, "cold": cold, "warm": warm, "drawn": _drawn(at)}


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

    _quiet_streamlit()
    for path in (TRIVIAL, APP):
        at = _from_file(path).run()
        _quiet_streamlit()  # the first run parses Streamlit's config, which resets the levels
        _check(at, "trivial" if path == TRIVIAL else "overview", "warm-up run")


def rss_mb() -> float:
    """The process's resident memory now (not its peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


def profile_cold(page: str, choice: Choice, top: int = 20) -> str:
    """Where one cold run of a page spends its time: wall time per step (instrumented, without
    a profiler), then cProfile's top functions over another cold run (the script thread only)."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    original_thread = LocalScriptRunner._run_script_thread
    lines = [f"--- one cold run of {page!r} ({choice.label()}) ---"]

    # 1. wall time per step, no profiler
    calls: list[tuple[str, float]] = []
    script: list[float] = []

    def timed_thread(self) -> None:  # the script runs in its own thread
        start = time.perf_counter()
        try:
            original_thread(self)
        finally:
            script.append((time.perf_counter() - start) * 1000)

    at = _new_app(page, choice)
    _clear_caches()
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
    _check(at, page, "instrumented cold run")
    lines.append(
        f"at.run(): {total:.1f} ms wall, of which the script thread {script[-1]:.1f} ms "
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

    # 2. cProfile over another cold run
    profiler = cProfile.Profile()

    def profiled_thread(self) -> None:
        profiler.enable()
        try:
            original_thread(self)
        finally:
            profiler.disable()

    at = _new_app(page, choice)
    _clear_caches()
    LocalScriptRunner._run_script_thread = profiled_thread
    try:
        at.run()
    finally:
        LocalScriptRunner._run_script_thread = original_thread
    _check(at, page, "profiled cold run")
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


def _ms(x: float) -> str:
    return f"{x:,.1f}".replace(",", " ")


def run_scale(scale: str, pages: list[str], args) -> dict:
    """Time every page at one scale; returns the figures and the targets missed."""
    from segdash import queries
    from segdash.store import Store

    path = database(scale, args.rebuild)
    os.environ["SEGDASH_DB"] = str(path)
    with Store(path) as store:
        periods = queries.periods(store)
    districts = ["Berga", "Ryd", "Skäggetorp"]
    warm_up()
    baseline = time_trivial(args.reruns)
    results = []
    for page in pages:
        print(f"timing {page} at {scale} scale …", flush=True)
        results.append(time_page(page, choices(page, periods, districts, args.cold), args.reruns))
    rss = rss_mb()

    trivial = statistics.median(baseline["warm"])
    cold_target = TARGET_COLD_MS[scale]
    print(
        f"\n{scale} scale ({SCALES[scale].description}); cold run = caches cleared and a"
        f" starting choice not used before, median of {args.cold}; warm = median of"
        f" {args.reruns} reruns with the same inputs; ratio = warm / trivial page's warm"
    )
    header = (
        f"{'page':<11} {'cold (ms)':>10} {'cold max':>9} {'warm (ms)':>10} {'ratio':>7}"
        f" {'drawn':>6}  target"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'trivial':<11} {_ms(baseline['cold'][0]):>10} {'':>9} {_ms(trivial):>10}"
        f" {1.0:>6.1f}x {'':>6}  –"
    )
    missed = []
    figures = {}
    for r in results:
        cold = statistics.median(r["cold"])
        warm = statistics.median(r["warm"])
        ratio = warm / trivial
        why = []
        if cold > cold_target:
            why.append(f"cold > {cold_target:.0f} ms")
        if ratio > TARGET_WARM_RATIO:
            why.append(f"warm > {TARGET_WARM_RATIO:.0f}x trivial")
        if why:
            missed.append(f"{r['page']} ({', '.join(why)})")
        figures[r["page"]] = {"cold": cold, "warm": warm, "ratio": ratio}
        print(
            f"{r['page']:<11} {_ms(cold):>10} {_ms(max(r['cold'])):>9} {_ms(warm):>10}"
            f" {ratio:>6.1f}x {r['drawn']:>6}  {'MISSED: ' + '; '.join(why) if why else 'ok'}"
        )
    print(
        f"targets at {scale} scale: every page's cold run <= {cold_target:.0f} ms and warm rerun"
        f" <= {TARGET_WARM_RATIO:.0f}x the trivial page ({_ms(TARGET_WARM_RATIO * trivial)} ms)"
    )
    print(f"memory of this process after every page: {rss:,.0f} MB resident".replace(",", " "))
    if scale == "national" and rss >= TARGET_RSS_MB:
        missed.append(f"memory ({rss:.0f} MB >= {TARGET_RSS_MB:.0f} MB)")
    if args.profile:
        for r in results:
            if r["page"] in {m.split(" ")[0] for m in missed}:
                print()
                print(profile_cold(r["page"], choices(r["page"], periods, districts, 1)[0]))
    worst_cold = max(f["cold"] for f in figures.values())
    worst_warm = max(f["warm"] for f in figures.values())
    summary = (
        f"pages at {scale} scale: {len(figures)} pages, worst cold run {worst_cold:.0f} ms,"
        f" worst warm rerun {worst_warm:.0f} ms (trivial {trivial:.0f} ms)"
    )
    return {"figures": figures, "missed": missed, "summary": summary, "trivial": trivial}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        default="large",
        help="one or more of municipality, large, national, comma-separated (default: large);"
        " with both large and national, the growth of each page's cold run is checked too",
    )
    parser.add_argument("--cold", type=int, default=5, help="cold runs per page")
    parser.add_argument("--reruns", type=int, default=15, help="warm reruns per page")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"comma-separated subset of: {', '.join(PAGES)}"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases")
    parser.add_argument(
        "--profile", action="store_true", help="profile a cold run of each page that misses"
    )
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    scales = [s.strip() for s in args.scale.split(",") if s.strip()]
    unknown = [p for p in pages if p not in PAGES] + [s for s in scales if s not in SCALES]
    if unknown or not pages or not scales or args.reruns < 1 or args.cold < 1:
        parser.error(
            f"unknown {unknown}; pages: {', '.join(PAGES)}; scales: {', '.join(SCALES)}"
            if unknown
            else "nothing to time"
        )
    scales.sort(key=list(SCALES).index)
    _quiet_streamlit()
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        from segdash import auth

        accounts = Path(tmp) / "analysts.json"
        auth.add_analyst(ANALYST, "bench-password-1234", accounts)
        os.environ["SEGDASH_ANALYSTS"] = str(accounts)
        try:
            done = {scale: run_scale(scale, pages, args) for scale in scales}
        except PageFailed as exc:
            print(f"\nPAGE FAILED: {exc}", file=sys.stderr)
            sys.exit(2)

    missed = [f"{scale}: {m}" for scale, r in done.items() for m in r["missed"]]
    if "large" in done and "national" in done:
        print("\ngrowth of the cold run from large to national scale (target <= 2x per page):")
        for page, large in done["large"]["figures"].items():
            growth = done["national"]["figures"][page]["cold"] / large["cold"]
            verdict = "ok" if growth <= TARGET_GROWTH else "MISSED"
            print(f"  {page:<11} {growth:5.2f}x  {verdict}")
            if growth > TARGET_GROWTH:
                missed.append(f"growth: {page} ({growth:.2f}x)")
    if missed:
        print("TARGET MISSED: " + "; ".join(missed))
    for r in done.values():
        print(r["summary"])
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
