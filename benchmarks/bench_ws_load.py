"""Load check with light clients (a benchmark, not a test): 30 viewers change filters every 2 s
over Streamlit's own websocket protocol while an analyst imports a follow-up, so that the
figures are the server's cost and not a browser's.

    python benchmarks/bench_ws_load.py [--viewers 30] [--interval 2] [--seconds 60]
                                       [--timeout 300] [--seed 1]

Starts the real server the way the browser tests do (tests/e2e/harness.py: `python -m segdash
serve`, which is `streamlit run app.py` behind the upload guard, on a free port of 127.0.0.1)
on a fresh copy of the "large" benchmark database (benchmarks/bench_pages.py: 2 000 actions,
30 follow-ups, 200 areas with boundaries, 750 000 indicator values). No browser: each viewer is
its own session on /_stcore/stream, driven from Python the way Streamlit's frontend does it. It
sends a BackMsg `rerun_script` (ClientState: the query string, the page's script hash, the
state of the widget it changed (the server keeps the others' from the run before), the hashes of
the messages it has cached, locale and time zone) and reads the ForwardMsgs that come back: new_session, navigation (the pages' script hashes),
deltas (elements; a widget's id is in its element), page_info_changed (the query string) and
script_finished. Like the frontend it keeps the large elements it was sent and names them in
its next rerun, so that the server may send a reference instead (ref_hash).

Before the load one session opens each viewing page once, so that a new server's first queries
and imports are not charged to the load (the import's new revision is). Viewers arrive spread
over one interval. Each opens the overview, then every `--interval`
seconds for `--seconds` seconds makes one change, going round a tour (each viewer starts at
another place in it): another period (the sidebar's selectbox `f_period`) on Översikt; to
Områden with another focus district in the query string (`omrade`); another district there
(the pills `district_pick`); to Indikatorer with another indicator in the query string
(`indikator`, IND01 … IND50); another indicator there (the selectbox `indicator_pick`); to
Åtgärder; to Förvaltningar; back to Översikt. A change is timed from sending its BackMsg to the
ForwardMsg script_finished with FINISHED_SUCCESSFULLY, and it is checked against what the
deltas show: the page's title, the chosen period in the overview's introduction, "Åtgärder i
<district>", the chosen indicator's name in its chart's description. When a change takes longer
than the interval, the next one follows at once (a person waits for the page before the next
click), so a slow server gets fewer changes: the report says how many were made of the
viewers x seconds / interval offered.

Half-way through, an analyst imports a follow-up (two actions of the 2024 plan change status for
the period 2024, the overview's default) with the app's own command line, `python -m segdash
import`, against the database file the server is serving: the two take turns with the file
(README, Drift), so it is a real write while the viewers read. After the load a new session
opens the overview, whose key figures must have changed by exactly what the follow-up says.

Errors counted, by kind: Exception elements in the deltas; error alerts and the app's "database
busy" notice; page_not_found; a run that ends with another status than success (a compile
error); a change not finished within 30 s; a change whose deltas do not show what was chosen;
websocket closes; HTTP errors (the health and host-config requests a browser makes first, and
the websocket handshake); a traceback in the server's log; an import that does not succeed or
does not show. Reported: the number of changes, median, p95 and maximum latency per kind of
change (each move by its page) and in all, a change that timed out counting as 30 s; latency
over time; errors by kind; the server's CPU seconds (/proc) and the machine's load average;
the import's outcome; one verified change of each kind as a sample.
Target: p95 <= 2 s and no errors. Exit status 1 when the target is missed, 0 otherwise.
Everything is bounded: 30 s per change, 120 s for the import, `--timeout` seconds in all; the
server and the import are stopped on every way out, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCHMARKS))

import websockets
from bench_load import followup_for
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.harness import (
    VIEW_PAGES,
    copy_database,
    cpu_seconds,
    server_log,
    streamlit_server,
)

CHANGE_TIMEOUT = 30.0  # seconds from a BackMsg to its script_finished
IMPORT_TIMEOUT = 120.0  # the command line waits up to a minute for its turn with the file
TARGET_P95_MS = 2000.0
FOCUS = ("Berga", "Ryd", "Skäggetorp")
INDICATORS = [f"IND{i:02d}" for i in range(1, 51)]
MAX_CACHED_MESSAGE_AGE = 2  # Streamlit's global.maxCachedMessageAge, which the frontend follows
DEFAULT_PAGE = "oversikt"  # the default page has the url path "" in the navigation message
SUCCESS = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
CONTINUES = (
    ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN,  # st.rerun: another run follows
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
)
ERROR_ALERT = Alert.Format.ERROR


def db_busy_text() -> str:
    from segdash import i18n

    return i18n.text("sv", "error.db_busy")


# --- one session on the websocket ----------------------------------------------------------------


class Closed(Exception):
    """The server closed the websocket."""


@dataclass
class Element:
    kind: str  # the element's field in Element, e.g. "heading", "plotly_chart"
    proto: object  # the element's own message (Heading, PlotlyChart, …)
    main: bool  # in the main area (False: the sidebar)


@dataclass
class Run:
    """What one change brought back, up to its script_finished."""

    seconds: float | None = None  # None: it did not finish successfully
    elements: list[Element] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind of error, detail)
    messages: int = 0
    received: int = 0  # bytes
    references: int = 0  # ref_hash messages, answered from the cache
    widgets: dict[str, object] = field(default_factory=dict)  # widget key -> its element

    def texts(self, *kinds: str) -> list[str]:
        return [e.proto.body for e in self.elements if e.main and e.kind in kinds]

    def headings(self) -> list[str]:
        return self.texts("heading")


class Session:
    """A viewer's Streamlit session, driven as the frontend drives it."""

    def __init__(self, ws, url: str):
        self.ws = ws
        self.url = url
        self.pages: dict[str, str] = {}  # url path -> page script hash (navigation message)
        self.page = ""  # url path of the page shown
        self.query_string = ""  # the query string as the server last set it
        self.widgets: dict[str, object] = {}  # widget key -> its element, from the last whole run
        self.cache: dict[str, list] = {}  # message hash -> [ForwardMsg, age in runs]
        self.busy_text = db_busy_text()

    async def rerun(
        self,
        *,
        page: str | None = None,
        query: str | None = None,
        widget: tuple[str, str | list[str]] | None = None,
        timeout: float = CHANGE_TIMEOUT,
    ) -> Run:
        """Send one rerun and read until its script has finished. `page`: the url path to move
        to (None: stay); `query`: the query string to send (None: the current one); `widget`:
        (key, value) of a widget changed, a string (selectbox) or a list (pills)."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string if query is None else query
        if page is not None:
            if page in self.pages:
                state.page_script_hash = self.pages[page]
            else:  # the first run: the frontend names the page by its path
                state.page_name = "" if page == DEFAULT_PAGE else page
        else:
            state.page_script_hash = self.pages.get(self.page, "")
        if widget is not None:
            key, value = widget
            widget_state = state.widget_states.widgets.add()
            widget_state.id = self.widgets[key].id
            if isinstance(value, list):
                widget_state.string_array_value.data.extend(value)
            else:
                widget_state.string_value = value
        state.cached_message_hashes.extend(self.cache)
        state.context_info.timezone = "Europe/Stockholm"
        state.context_info.locale = "sv-SE"
        state.context_info.url = f"{self.url}/{page if page is not None else self.page}"
        run = Run()
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        try:
            async with asyncio.timeout(timeout):
                await self._read_until_finished(run)
        except TimeoutError:
            run.problems.append(("timeout", f"not finished within {timeout:.0f} s"))
            return run
        if not run.problems:
            run.seconds = time.perf_counter() - started
        return run

    async def drain(self, timeout: float) -> bool:
        """After a change timed out: wait (bounded) for its run to end, so the next change does
        not land in the middle of it."""
        try:
            async with asyncio.timeout(timeout):
                await self._read_until_finished(Run())
            return True
        except TimeoutError:
            return False
        finally:
            self.widgets = {}  # only the end of that run was read: its widgets are not known

    async def _read_until_finished(self, run: Run) -> None:
        self.widgets = {}
        while True:
            try:
                raw = await self.ws.recv()
            except websockets.ConnectionClosed as exc:
                raise Closed(f"websocket closed: {exc}") from exc
            run.messages += 1
            run.received += len(raw)
            incoming = ForwardMsg()
            incoming.ParseFromString(raw)
            kind = incoming.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(incoming.ref_hash)
                if cached is None:
                    run.problems.append(("protocol", f"unknown ref_hash {incoming.ref_hash}"))
                    continue
                cached[1] = 0
                run.references += 1
                metadata = incoming.metadata
                incoming = ForwardMsg()
                incoming.CopyFrom(cached[0])
                incoming.metadata.CopyFrom(metadata)
                kind = incoming.WhichOneof("type")
            elif incoming.metadata.cacheable and incoming.hash:
                self.cache[incoming.hash] = [incoming, 0]
            if kind == "delta":
                self._delta(incoming, run)
            elif kind == "navigation":
                self.pages = {
                    p.url_pathname or DEFAULT_PAGE: p.page_script_hash
                    for p in incoming.navigation.app_pages
                }
                shown = incoming.navigation.page_script_hash
                self.page = next((path for path, h in self.pages.items() if h == shown), "")
            elif kind == "page_info_changed":
                self.query_string = incoming.page_info_changed.query_string
            elif kind == "page_not_found":
                run.problems.append(("page not found", incoming.page_not_found.page_name))
            elif kind == "session_event":
                event = incoming.session_event
                if event.HasField("script_compilation_exception"):
                    text = event.script_compilation_exception.message
                    run.problems.append(("compile error", text[:300]))
            elif kind == "script_finished":
                status = incoming.script_finished
                if status in CONTINUES:
                    continue
                self.widgets = run.widgets
                self._age_cache()
                if status != SUCCESS:
                    name = ForwardMsg.ScriptFinishedStatus.Name(status)
                    run.problems.append(("script finished with error", name))
                return

    def _delta(self, incoming: ForwardMsg, run: Run) -> None:
        delta = incoming.delta
        if delta.WhichOneof("type") != "new_element":
            return
        kind = delta.new_element.WhichOneof("type")
        proto = getattr(delta.new_element, kind)
        path = incoming.metadata.delta_path
        run.elements.append(Element(kind, proto, main=bool(path) and path[0] == 0))
        widget_id = getattr(proto, "id", "") if kind != "exception" else ""
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            run.widgets[widget_id.split("-", 2)[2]] = proto  # "$$ID-<hash>-<key>"
        if kind == "exception":
            what = "warning element" if proto.is_warning else "exception"
            run.problems.append((what, f"{proto.type}: {proto.message}"[:300]))
        elif kind == "alert" and proto.format == ERROR_ALERT:
            run.problems.append(("error alert", proto.body[:300]))
        elif kind == "alert" and proto.body == self.busy_text:
            run.problems.append(("database busy", proto.body[:300]))

    def _age_cache(self) -> None:
        for entry in self.cache.values():
            entry[1] += 1
        self.cache = {h: e for h, e in self.cache.items() if e[1] <= MAX_CACHED_MESSAGE_AGE}


# --- the changes a viewer makes --------------------------------------------------------------------


@dataclass
class Change:
    """One step of the tour: what to send, on which page, and what the deltas must show."""

    kind: str
    page: str | None  # the page the step is made on (None: any, it moves)
    request: dict  # Session.rerun's arguments
    expect: Callable[[Run], str | None]  # None when the run shows the change, else what is wrong
    label: str
    # A move's choice in the query string (a shared link's): shown only while the page's own
    # choice is not set in the session (segdash.ui.sidebar.url_choice), so counted, not an error.
    from_url: Callable[[Run], str | None] | None = None


def title_is(title: str) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        return None if title in run.headings() else f"no title {title!r}: {run.headings()[:3]}"

    return check


def both(*checks: Callable[[Run], str | None]) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        return next((wrong for c in checks if (wrong := c(run)) is not None), None)

    return check


def shows_district(name: str) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        wanted = f"Åtgärder i {name}"
        found = [h for h in run.headings() if h.startswith("Åtgärder i ")]
        return None if wanted in found else f"wanted {wanted!r}, shown {found}"

    return check


def shows_indicator(name: str) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        alts = [e.proto.alt for e in run.elements if e.main and e.kind == "plotly_chart"]
        return None if any(name in alt for alt in alts) else f"no chart about {name!r}"

    return check


def shows_period(label: str) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        intro = [t for t in run.texts("markdown") if t.startswith("Läget för åtgärderna")]
        return None if intro and label in intro[0] else f"wanted {label!r}, intro {intro[:1]}"

    return check


class Tour:
    """The changes of one viewer, round the pages; each viewer starts at another step."""

    STEPS = (
        "period",
        "to districts",
        "district",
        "to indicators",
        "indicator",
        "to actions",
        "to offices",
        "to overview",
    )

    def __init__(self, number: int, seed: int, names: dict[str, str]):
        self.names = names  # indicator code -> name
        self.rng = random.Random(seed * 1000 + number)
        self.position = number % len(self.STEPS)
        self.period: str | None = None
        self.district: str | None = None
        self.indicator: str | None = None

    def next(self, session: Session) -> Change:
        step = self.STEPS[self.position]
        change = getattr(self, "_" + step.replace(" ", "_"))(session)
        if change.page is not None and session.page != change.page:
            return self._move(change.page)  # not there (yet): go there first, as a change
        self.position = (self.position + 1) % len(self.STEPS)
        return change

    def _other(self, options, current):
        return self.rng.choice([o for o in options if o != current] or list(options))

    def _move(self, page: str, params: dict | None = None, from_url=None) -> Change:
        query = urlencode(params or {})
        return Change(
            f"to {page}",
            None,
            {"page": page, "query": query},
            title_is(VIEW_PAGES[page]),
            f"to {page}" + (f"?{query}" if query else ""),
            from_url,
        )

    def _period(self, session: Session) -> Change:
        box = session.widgets.get("f_period")
        if box is None or not box.options:  # the last run did not draw it: open the page anew
            return self._move(DEFAULT_PAGE)
        options = list(box.options)[:6]  # the latest periods
        self.period = self._other(options, self.period or options[0])
        return Change(
            "period",
            DEFAULT_PAGE,
            {"widget": ("f_period", self.period)},
            both(title_is(VIEW_PAGES[DEFAULT_PAGE]), shows_period(self.period)),
            f"period {self.period}",
        )

    def _to_districts(self, session: Session) -> Change:
        self.district = self._other(FOCUS, self.district)
        return self._move("omraden", {"omrade": self.district}, shows_district(self.district))

    def _district(self, session: Session) -> Change:
        if "district_pick" not in session.widgets:
            return self._move("omraden")
        self.district = self._other(FOCUS, self.district)
        return Change(
            "district",
            "omraden",
            {"widget": ("district_pick", [self.district])},
            both(title_is(VIEW_PAGES["omraden"]), shows_district(self.district)),
            f"district {self.district}",
        )

    def _to_indicators(self, session: Session) -> Change:
        self.indicator = self._other(INDICATORS, self.indicator)
        name = self.names[self.indicator]
        return self._move("indikatorer", {"indikator": self.indicator}, shows_indicator(name))

    def _indicator(self, session: Session) -> Change:
        box = session.widgets.get("indicator_pick")
        if box is None or not box.options:
            return self._move("indikatorer")
        options = list(box.options)  # the indicators' names
        code = {name: code for code, name in self.names.items()}
        current = self.names.get(self.indicator or "")
        self.indicator = code.get(name := self._other(options, current), name)
        return Change(
            "indicator",
            "indikatorer",
            {"widget": ("indicator_pick", name)},
            both(title_is(VIEW_PAGES["indikatorer"]), shows_indicator(name)),
            f"indicator {self.indicator} ({name})",
        )

    def _to_actions(self, session: Session) -> Change:
        return self._move("atgarder")

    def _to_offices(self, session: Session) -> Change:
        return self._move("forvaltningar")

    def _to_overview(self, session: Session) -> Change:
        return self._move(DEFAULT_PAGE)


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Timed:
    viewer: int
    kind: str
    at: float  # seconds since the load began, when the change was sent
    seconds: float  # to script_finished; CHANGE_TIMEOUT when it did not finish in time
    received: int  # bytes
    finished: bool = True


@dataclass
class Results:
    changes: list[Timed] = field(default_factory=list)
    sent: Counter = field(default_factory=Counter)  # kind of change -> changes sent
    first_loads: list[float] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    samples: dict[str, str] = field(default_factory=dict)  # kind of change -> one, described
    from_url: dict[str, list[int]] = field(default_factory=dict)  # move -> [choice shown, moves]
    late: int = 0  # changes sent later than their tick, because the one before was slow
    import_ok: bool = False
    import_text: str = "not run"
    import_at: float | None = None
    import_seconds: float | None = None
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    import_cpu: float = 0.0
    elapsed: float = 0.0
    load_average: tuple[float, float] = (0.0, 0.0)  # the machine's, 1 min, before and after

    def error(self, kind: str, detail: str) -> None:
        self.errors.append((kind, detail))


def http_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=CHANGE_TIMEOUT) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def describe(change: Change, run: Run) -> str:
    headings = " | ".join(run.headings()[:3])
    alts = [e.proto.alt for e in run.elements if e.main and e.kind == "plotly_chart"]
    return (
        f"{change.label}: {run.seconds * 1000:.0f} ms, {run.messages} messages "
        f"({run.references} from the cache), {run.received / 1e6:.2f} MB; "
        f"headings: {headings}" + (f"; first chart: {alts[0][:90]!r}" if alts else "")
    )


async def viewer(
    number: int, url: str, args, names: dict[str, str], results: Results, began: float
) -> None:
    who = f"viewer {number}"
    await asyncio.sleep(number * args.interval / args.viewers)  # arrivals over one interval
    for path in ("/_stcore/health", "/_stcore/host-config"):  # what a browser asks first
        status = await asyncio.to_thread(http_get, url + path)
        if status >= 400:
            results.error("HTTP error", f"{who}: {status} for {path}")
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(
            address,
            subprotocols=["streamlit"],
            origin=url,
            max_size=None,
            ping_interval=None,  # browsers do not ping; a stall shows as a timeout instead
            open_timeout=CHANGE_TIMEOUT,
            close_timeout=5,
        ) as ws:
            session = Session(ws, url)
            run = await session.rerun(page=DEFAULT_PAGE, query="")
            for kind, detail in run.problems:
                results.error(kind, f"{who}, first load: {detail}")
            if run.seconds is None:
                return
            results.first_loads.append(run.seconds)
            tour = Tour(number, args.seed, names)
            start = time.perf_counter()
            tick = start + args.interval
            while tick <= start + args.seconds:
                await asyncio.sleep(max(0.0, tick - time.perf_counter()))
                change = tour.next(session)
                sent = time.perf_counter()
                results.sent[change.kind] += 1
                run = await session.rerun(**change.request)
                wrong = change.expect(run) if run.seconds is not None else None
                if wrong is not None:
                    run.problems.append(("wrong content", wrong))
                for kind, detail in run.problems:
                    results.error(kind, f"{who}, {change.label}: {detail}")
                if run.seconds is not None and change.from_url is not None:
                    counts = results.from_url.setdefault(change.label.split("?")[0], [0, 0])
                    counts[0] += change.from_url(run) is None
                    counts[1] += 1
                if run.seconds is not None:
                    results.changes.append(
                        Timed(number, change.kind, sent - began, run.seconds, run.received)
                    )
                    if wrong is None and change.kind not in results.samples:
                        results.samples[change.kind] = f"{who}, " + describe(change, run)
                if any(kind == "timeout" for kind, _ in run.problems):
                    # In the percentiles at the timeout, its least possible latency.
                    results.changes.append(
                        Timed(number, change.kind, sent - began, CHANGE_TIMEOUT, 0, False)
                    )
                    left = start + args.seconds + CHANGE_TIMEOUT - time.perf_counter()
                    if not await session.drain(max(left, 1.0)):
                        return
                tick += args.interval
                if time.perf_counter() > tick:  # slower than the interval: the next one at once
                    results.late += 1
                    tick = time.perf_counter()
    except Closed as exc:
        results.error("websocket closed", f"{who}: {exc}")
    except websockets.InvalidStatus as exc:
        results.error("HTTP error", f"{who}: websocket handshake: {exc}")
    except (OSError, websockets.WebSocketException) as exc:
        results.error("websocket closed", f"{who}: {type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - this viewer stops; the others go on
        results.error("client error", f"{who}: {type(exc).__name__}: {exc}")


async def analyst(db: Path, workbook: Path, at: float, results: Results, began: float) -> None:
    """The app's own command line imports the follow-up into the file the server is serving."""
    await asyncio.sleep(max(0.0, began + at - time.perf_counter()))
    results.import_at = time.perf_counter() - began
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "segdash",
        "--db",
        str(db),
        "import",
        str(workbook),
        "--who",
        "bench-analyst",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), IMPORT_TIMEOUT)
    except TimeoutError:
        results.import_text = f"not done within {IMPORT_TIMEOUT:.0f} s"
        results.error("import failed", results.import_text)
        return
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    results.import_seconds = time.perf_counter() - started
    text = output.decode("utf-8", errors="replace").strip()
    results.import_ok = process.returncode == 0 and "Importerat som import" in text
    results.import_text = " / ".join(line for line in text.splitlines()[:3] if line.strip())
    if not results.import_ok:
        results.error("import failed", f"exit {process.returncode}: {text[-500:]}")


async def load(url: str, db: Path, workbook: Path, names: dict[str, str], args) -> Results:
    results = Results()
    before = os.getloadavg()[0]
    began = time.perf_counter()
    tasks = [
        asyncio.create_task(viewer(n, url, args, names, results, began))
        for n in range(args.viewers)
    ]
    tasks.append(
        asyncio.create_task(analyst(db, workbook, args.interval + args.seconds / 2, results, began))
    )
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    results.elapsed = time.perf_counter() - began
    results.load_average = (before, os.getloadavg()[0])
    return results


def key_figures(run: Run) -> dict[str, int]:
    """The overview's key figures as shown: label -> count."""
    return {
        e.proto.label: int("".join(c for c in e.proto.body if c.isdigit()) or -1)
        for e in run.elements
        if e.main and e.kind == "metric"
    }


async def visit(url: str, pages: tuple[str, ...]) -> dict[str, int]:
    """One new session opens `pages` in turn; returns the overview's key figures (its first
    page). Before the load this warms the server up, so that the first queries after a start
    (and the modules each page imports) are not charged to the load; the import's new
    revision is. After the load it shows whether the app shows the import."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        address, subprotocols=["streamlit"], origin=url, max_size=None, ping_interval=None
    ) as ws:
        session = Session(ws, url)
        figures: dict[str, int] = {}
        for page in pages:
            run = await session.rerun(page=page, query="", timeout=120)
            if run.seconds is None:
                raise RuntimeError(f"{page} did not run: {run.problems}")
            figures = figures or key_figures(run)
        return figures


def import_shown(before: dict[str, int], after: dict[str, int]) -> str | None:
    """None when the overview's key figures changed as the follow-up says: one more done, one
    more at risk, two fewer on track (for the period 2024); else what it shows."""
    from segdash import i18n

    label = {code: i18n.text("sv", f"status.{code}") for code in ("done", "at_risk", "on_track")}
    wanted = dict(before)
    for code, change in (("done", 1), ("at_risk", 1), ("on_track", -2)):
        wanted[label[code]] = before.get(label[code], 0) + change
    if after == wanted:
        return None
    return f"key figures before {before}, after {after}"


# --- data ----------------------------------------------------------------------------------------


def large_database(directory: Path) -> Path:
    """A copy of the large benchmark database (the import writes to it)."""
    import bench_pages

    return copy_database(bench_pages.database("large"), directory)


def followup_workbook(db: Path, path: Path) -> tuple[str, dict[str, str]]:
    """Two actions of the 2024 plan that are on track in 2024: one done, one at risk (the load
    check's workbook, for this database). Also the indicators' names by code, which the pages
    show."""
    from segdash import queries
    from segdash.store import Store

    with Store(db) as store:
        catalogue = queries.indicator_catalogue(store)
    names = dict(zip(catalogue["code"], catalogue["name"], strict=True))
    assert set(INDICATORS) <= set(names), "not the large benchmark database"
    (first, second), data = followup_for(db, "2024")
    path.write_bytes(data)
    return f"{first} done, {second} at risk (2024)", names


# --- the report -----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank


def row(name: str, changes: list[Timed], sent: int) -> str:
    ms = [c.seconds * 1000 for c in changes]
    finished = [c for c in changes if c.finished]
    if not ms:
        return f"| {name} | {sent} | 0 | – | – | – | – |"
    received = sum(c.received for c in finished) / max(len(finished), 1) / 1e3
    return (
        f"| {name} | {sent} | {len(finished)} | {statistics.median(ms):.0f} ms | "
        f"{p95(ms):.0f} ms | {max(ms):.0f} ms | {received:.0f} kB |"
    )


KINDS = ("period", "district", "indicator", *(f"to {page}" for page in VIEW_PAGES))


def report(results: Results, args, workbook_text: str) -> tuple[str, int, float, float]:
    everything = [c.seconds for c in results.changes]
    n = sum(results.sent.values())
    offered = args.viewers * int(args.seconds // args.interval)
    lines = [
        f"{args.viewers} viewers, a change every {args.interval:g} s for {args.seconds:g} s "
        f"each ({offered} changes if each took less than the interval), one import; "
        f"{results.elapsed:.0f} s in all",
        "",
        "| change | sent | finished | median | p95 | max | received per change |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        if results.sent[kind]:
            mine = [c for c in results.changes if c.kind == kind]
            lines.append(row(kind, mine, results.sent[kind]))
    lines.append(row("all", results.changes, n))
    if results.first_loads:
        loads = [s * 1000 for s in results.first_loads]
        lines.append(
            f"\nfirst load of the overview (not counted as a change): {len(loads)}, median "
            f"{statistics.median(loads):.0f} ms, max {max(loads):.0f} ms"
        )
    buckets: dict[int, list[float]] = {}
    for c in results.changes:
        buckets.setdefault(int(c.at // 10) * 10, []).append(c.seconds * 1000)
    lines.append("latency over time (change sent at; n, median / p95):")
    lines += [
        f"  {t:>3}-{t + 10:<3} s: {len(v):>3}, {statistics.median(v):>5.0f} / {p95(v):>5.0f} ms"
        for t, v in sorted(buckets.items())
    ]
    late = f"{results.late} changes sent late (the one before took longer than the interval)"
    lines.append(late)
    cores = os.cpu_count() or 1
    lines.append(
        f"server CPU {results.server_cpu:.1f} s over {results.elapsed:.0f} s "
        f"({results.server_cpu / max(results.elapsed, 1e-9):.2f} cores of {cores}); "
        f"the {args.viewers} clients {results.client_cpu:.1f} s; the import {results.import_cpu:.1f} s; "
        f"load average {results.load_average[0]:.1f} before, {results.load_average[1]:.1f} after "
        "(other work on the machine makes the figures noisy)"
    )
    if results.import_at is not None:
        took = f"{results.import_seconds:.1f} s" if results.import_seconds is not None else "–"
        outcome = "succeeded" if results.import_ok else "FAILED"
        lines.append(
            f"import of the follow-up ({workbook_text}) at {results.import_at:.0f} s: {outcome} "
            f"in {took}: {results.import_text}"
        )
    for move, (shown, moves) in sorted(results.from_url.items()):
        lines.append(f"{move}: the query string's choice shown after {shown} of {moves} moves")
    lines.append("samples (one verified change of each kind):")
    lines += [f"  {kind}: {results.samples[kind]}" for kind in KINDS if kind in results.samples]
    by_kind = Counter(kind for kind, _ in results.errors)
    lines.append(
        f"errors: {len(results.errors)}"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in by_kind.most_common()) + ")" if by_kind else "")
    )
    lines += [f"  - {kind}: {detail}" for kind, detail in results.errors[:30]]
    median = statistics.median(everything) * 1000 if everything else float("nan")
    high = p95(everything) * 1000 if everything else float("nan")
    lines.append(
        f"ws load at large scale: {args.viewers} viewers, {n} changes, median {median:.0f} ms, "
        f"p95 {high:.0f} ms, {len(results.errors)} errors"
    )
    return "\n".join(lines), n, median, high


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM as Ctrl-C: the same ways out stop the server and import


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=30, help="sessions at once (default 30)")
    parser.add_argument(
        "--interval", type=float, default=2.0, help="seconds between a viewer's changes (2)"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of changes (60)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds in all (300)")
    parser.add_argument("--seed", type=int, default=1, help="the viewers' choices (default 1)")
    args = parser.parse_args(argv)
    if not 1 <= args.viewers <= 200 or not 0.1 <= args.interval <= 60:
        parser.error("--viewers must be 1-200 and --interval 0.1-60")
    if not args.interval <= args.seconds <= 3600 or args.timeout < args.seconds:
        parser.error("--seconds must be from --interval to 3600, and --timeout at least that")

    signal.signal(signal.SIGTERM, _interrupt)
    work = Path(tempfile.mkdtemp(prefix="segdash-ws-load-"))
    try:
        db = large_database(work / "db")
        workbook = work / "uppföljning_2024.xlsx"
        workbook_text, names = followup_workbook(db, workbook)
        servers: list = []
        with streamlit_server(db, None, work / "server", on_start=servers.append) as url:
            pages = (DEFAULT_PAGE, "omraden", "atgarder", "forvaltningar", "indikatorer")
            try:
                before = asyncio.run(asyncio.wait_for(visit(url, pages), timeout=300))
            except (RuntimeError, TimeoutError, OSError, websockets.WebSocketException) as exc:
                log = server_log(work / "server")
                print(f"WARM-UP FAILED: {exc!r}", file=sys.stderr)
                if "Traceback" in log:
                    print(log[log.index("Traceback") :][:3000], file=sys.stderr)
                return 1
            pid = servers[0].pid
            cpu_before, client_before = cpu_seconds(pid), time.process_time()
            children_before = os.times().children_user + os.times().children_system
            try:
                results = asyncio.run(
                    asyncio.wait_for(load(url, db, workbook, names, args), timeout=args.timeout)
                )
            except TimeoutError:
                print(f"WS LOAD TIMED OUT after {args.timeout:.0f} s", file=sys.stderr)
                return 1
            results.server_cpu = cpu_seconds(pid) - cpu_before
            results.client_cpu = time.process_time() - client_before
            children = os.times().children_user + os.times().children_system
            results.import_cpu = children - children_before
            if results.import_ok:
                try:
                    after = asyncio.run(asyncio.wait_for(visit(url, (DEFAULT_PAGE,)), 120))
                    wrong = import_shown(before, after)
                except (RuntimeError, TimeoutError, OSError, websockets.WebSocketException) as exc:
                    wrong = f"the overview did not open after the load: {exc!r}"
                if wrong is not None:
                    results.error("import not shown", wrong)
                else:
                    results.import_text += "; the overview shows it"
        log = server_log(work / "server")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if "Traceback" in log:
        results.error("server traceback", log[log.index("Traceback") :][:1500])
    text, _, _, high = report(results, args, workbook_text)
    print(text)
    return 1 if results.errors or not high <= TARGET_P95_MS else 0


if __name__ == "__main__":
    sys.exit(main())
