"""The real app in a real browser: start `streamlit run app.py` on a free local port, drive it
with Playwright (Debian's chromium), and know when a page has finished drawing.

Shared by the browser tests (through conftest.py), `scripts/screenshots.py` and
`benchmarks/bench_load.py`, so all three start, wait for and stop the server the same way.

When is a Streamlit page ready? `stApp` carries `data-test-script-state`: "initial" before the
first run, "running" while the script runs and "notRunning" after (Streamlit's own e2e suite
waits on the same attribute). Alone that is not enough:

- after a click the attribute still says "notRunning" from the previous run until the server
  starts the new one, so waiting for "notRunning" can return before the rerun has begun;
- under load the browser may handle a whole short run's messages in one go, and React then
  never shows "running" at all, so waiting for the attribute to change can wait forever;
- "notRunning" comes before everything is drawn: tables and charts are loaded lazily and show
  a `stSkeleton` first, and a plotly chart draws its SVG after that; a map (plotly's `map`
  subplot) draws on MapLibre's WebGL canvas after its SVG is there, and again each time
  Streamlit lays the chart out anew (several times while a page opens).

So an init script counts finished runs (a MutationObserver sees every change of the attribute)
and the messages the app receives on its WebSocket. A wait starts from those counts (`progress`
before the action) and ends when a run has finished since (or, if the state never visibly
changed, messages have arrived since and then stopped for 300 ms), nothing has changed for
150 ms (so a chained `st.rerun()` is waited for too), no skeleton is left, every
`stPlotlyChart` has its SVG and every map's MapLibre instance has loaded, is not moving and
has not drawn for 150 ms.

Streamlit's `stStatusWidget` (the running man) is no use for this: it only appears when a run
takes a while.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "127.0.0.1"
ANALYST = "anna"
PASSWORD = "ett-långt-lösenord"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# url path -> the page's link in the sidebar (the order of the menu)
VIEW_PAGES = {
    "oversikt": "Översikt",
    "omraden": "Områden",
    "atgarder": "Åtgärder",
    "forvaltningar": "Förvaltningar",
    "indikatorer": "Indikatorer",
    "rapport": "Rapport",
}
ANALYST_PAGES = {
    "ladda-upp": "Ladda upp",
    "rapportering": "Rapportering",
    "importhistorik": "Importhistorik",
}

MISSING_CHROMIUM = (
    f"The browser tests need Debian's chromium at {CHROMIUM} (Playwright cannot download its "
    "own browser here). Install it with `apt-get install chromium` (CI does this in .ci/run)."
)


# --- data ------------------------------------------------------------------------------------


def build_demo_database(path: Path) -> Path:
    """A database holding exactly the demo data, made by the app's own loader."""
    from segdash.demo import load_demo
    from segdash.store import Store

    with Store(path) as store:
        result = load_demo(store)
    assert result.status == "imported", [i.message for i in result.issues]
    return path


def write_analysts(path: Path) -> Path:
    """An accounts file with the one analyst the tests sign in as."""
    from segdash import auth

    auth.add_analyst(ANALYST, PASSWORD, path)
    return path


def copy_database(template: Path, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "app.duckdb"
    shutil.copyfile(template, target)
    return target


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def streamlit_server(
    db: Path,
    analysts: Path | None,
    workdir: Path,
    timeout: float = 90,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    secrets_text: str = "",
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`python -m segdash serve` (streamlit run app.py behind the upload guard) on a free port
    of 127.0.0.1 with this database; yields its URL.

    The server is always stopped: terminate, then kill if it has not gone in 10 seconds. Its
    output goes to workdir/server.log and is shown if it does not start. `on_start` is given
    the process once it answers (the load check reads its CPU time).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    url = f"http://{HOST}:{port}"
    secrets = workdir / "secrets.toml"  # empty unless given: a developer's own stay out
    secrets.write_text(secrets_text, encoding="utf-8")
    env = {
        **os.environ,
        "SEGDASH_DB": str(db),
        "SEGDASH_ANALYSTS": str(analysts or workdir / "no-analysts.json"),
        "SEGDASH_SIGNIN_DELAY": "0",
        "SEGDASH_DEMO": "on",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "segdash",
        "serve",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        HOST,
        "--server.fileWatcherType",
        "none",
        "--secrets.files",
        str(secrets),
    ]
    with running_server(command, env, url, workdir, timeout, on_start) as started:
        yield started


@contextmanager
def running_server(
    command: list[str],
    env: dict[str, str],
    url: str,
    workdir: Path,
    timeout: float = 90,
    on_start: Callable[[subprocess.Popen], None] | None = None,
) -> Iterator[str]:
    """Start a Streamlit server `command` from the project's folder, wait until `url` answers
    its health check, yield the URL; always stopped (terminate, then kill after 10 seconds).
    Its output goes to workdir/server.log, shown when it does not start."""
    log_path = workdir / "server.log"
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start on {url}:\n"
                        + log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
                    )
                time.sleep(0.2)
            if on_start is not None:
                on_start(server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """CPU time a process and its finished children have used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def server_log(workdir: Path) -> str:
    path = workdir / "server.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


# --- the browser -----------------------------------------------------------------------------

# Counts finished script runs and the app's WebSocket messages, with when each last happened.
RUN_COUNTER_JS = """
(() => {
  const state = window.__segdash = {runs: 0, changed: performance.now(), messages: 0, received: 0};
  new MutationObserver((records) => {
    for (const record of records) {
      state.changed = performance.now();
      const now = record.target.getAttribute('data-test-script-state');
      if (now === 'notRunning' && record.oldValue !== 'notRunning') state.runs += 1;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { state.messages += 1; state.received = performance.now(); });
    }
  };
})();
"""
# Streamlit saves a table's CSV with the File System Access API when the browser has it; a
# headless browser then opens nothing. Without it Streamlit falls back to a normal download.
NO_SAVE_PICKER_JS = "delete window.showSaveFilePicker; window.showSaveFilePicker = undefined;"

NO_PROGRESS = {"runs": 0, "messages": 0}
PROGRESS_JS = """
() => (window.__segdash ? {runs: window.__segdash.runs, messages: window.__segdash.messages}
                        : {runs: 0, messages: 0})
"""
DRAWN_JS = """
(since) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = window.__segdash;
  if (!app || !state) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const now = performance.now();
  const ran = state.runs > since.runs
    || (state.messages > since.messages && now - state.received >= 300);
  if (!ran || now - state.changed < 150 || now - state.received < 150) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.js-plotly-plot .main-svg')) return false;
    // A map draws on MapLibre's WebGL canvas after plotly's SVG, and again each time the
    // chart is laid out anew: wait until it has loaded and not drawn for 150 ms.
    const layout = chart.querySelector('.js-plotly-plot')._fullLayout;
    for (const id of (layout && layout._subplots.map) || []) {
      const map = layout[id]._subplot && layout[id]._subplot.map;
      if (!map) return false;
      if (!map.__segdash) {
        const drawn = map.__segdash = {at: now};
        for (const e of ['render', 'dataloading']) map.on(e, () => { drawn.at = performance.now(); });
      }
      if (!map.loaded() || map.isMoving() || now - map.__segdash.at < 150) return false;
    }
  }
  return true;
}
"""
# What DRAWN_JS looks at, for the message when a wait times out.
STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = window.__segdash || {};
  return {
    url: location.href,
    script: app && app.getAttribute('data-test-script-state'),
    connection: app && app.getAttribute('data-test-connection-state'),
    runs: state.runs, messages: state.messages,
    ms_since_change: Math.round(performance.now() - state.changed),
    ms_since_message: Math.round(performance.now() - state.received),
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    charts_without_svg: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
      .filter((c) => !c.querySelector('.js-plotly-plot .main-svg')).length,
    maps_not_loaded: [...document.querySelectorAll('.js-plotly-plot')]
      .flatMap((gd) => ((gd._fullLayout && gd._fullLayout._subplots.map) || [])
        .map((id) => gd._fullLayout[id]._subplot))
      .filter((s) => !(s && s.map && s.map.loaded())).length,
  };
}
"""


def launch_chromium(playwright, **options):
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING_CHROMIUM)
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options
    )


def context_options(base_url: str, width: int = 1440, height: int = 900) -> dict:
    return {
        "base_url": base_url,
        "viewport": {"width": width, "height": height},
        "locale": "sv-SE",
        "timezone_id": "Europe/Stockholm",
        "accept_downloads": True,
    }


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == HOST


def prepare_context(context) -> None:
    """Init scripts, and nothing leaves 127.0.0.1 (test_own_host_only.py proves that the app
    asks for nothing elsewhere; blocking here keeps every other test off the network too)."""
    context.add_init_script(RUN_COUNTER_JS)
    context.add_init_script(NO_SAVE_PICKER_JS)
    context.route(
        "**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort()
    )


def wait_for_app(page, since: dict = NO_PROGRESS, timeout: float = 60_000) -> None:
    """Wait until a script run after `since` (see `progress`) has finished and all is drawn."""
    try:
        page.wait_for_function(DRAWN_JS, arg=since, polling=50, timeout=timeout)
    except Exception as exc:
        raise AssertionError(
            f"the app did not finish drawing (since {since}): {page.evaluate(STATE_JS)}"
        ) from exc


def goto(page, path_and_query: str = "/", timeout: float = 60_000) -> None:
    """Open a URL of the app (relative to the context's base_url) and wait until it is drawn."""
    page.goto(path_and_query)
    wait_for_app(page, NO_PROGRESS, timeout)


def progress(page) -> dict:
    """How many runs have finished and messages arrived so far, to wait for more after it."""
    return page.evaluate(PROGRESS_JS)


def wait_for_rerun(page, since: dict, timeout: float = 60_000) -> None:
    """After an action that reruns the script: wait for that run (and any it chains) to end.
    `since` is `progress(page)` from before the action."""
    wait_for_app(page, since, timeout)


@contextmanager
def rerun(page, timeout: float = 60_000) -> Iterator[None]:
    """`with rerun(page): click(...)`: the block's action reruns the script; wait for it."""
    since = progress(page)
    yield
    wait_for_rerun(page, since, timeout)


# --- what counts as an error in the browser --------------------------------------------------


def known_noise(text: str, url: str) -> str | None:
    """Why a console error is not ours to fix, or None when it counts.

    - Streamlit's frontend asks for /_stcore/health and /_stcore/host-config under the page's
      own path first (/omraden/_stcore/health) and gets 404 before it tries the root.
    - Requests that would leave 127.0.0.1 are blocked on purpose (see prepare_context).
    """
    path = urlsplit(url).path
    if "404" in text and path.endswith(("/_stcore/health", "/_stcore/host-config")):
        return "streamlit-base-path-probe"
    if url and not is_local(url):
        return "blocked-external-request"
    return None


class BrowserErrors:
    """Console errors, uncaught page errors and failed local responses seen by one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.ignored: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        reason = known_noise(message.text, url)
        entry = f"console: {message.text} ({url})"
        (self.ignored if reason else self.errors).append(entry)

    def _response(self, response) -> None:
        if response.status >= 400 and known_noise(str(response.status), response.url) is None:
            self.errors.append(f"HTTP {response.status}: {response.url}")


def exceptions_on_page(page) -> list[str]:
    """Tracebacks Streamlit shows in place of a page (`st.exception`, uncaught errors)."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


# --- reading what the page shows --------------------------------------------------------------


def main_area(page):
    return page.locator('[data-testid="stMain"]')


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def unfold(page, label: str) -> None:
    """Open a folded section of the main area whose content is made only once it is open
    (`ui.fold`): the click runs the page again."""
    fold = main_area(page).locator('[data-testid="stExpander"]', has_text=label)
    with rerun(page):
        fold.locator("summary").click()
    fold.locator('[data-testid="stExpanderDetails"]').wait_for()


def choose(page, label: str, option: str, scope=None) -> None:
    """Pick an option in a selectbox or multiselect (in `scope`, by default the main area) the
    way a keyboard user does: type to narrow the list (it is virtualised, and a click alone
    does not always open it), then pick."""
    box = (scope or main_area(page)).get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    with rerun(page):
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")  # a multiselect's list stays open


def sign_in(page, scope=None) -> None:
    """Fill in and send a sign-in form inside `scope` (by default the page's own)."""
    form = (scope or main_area(page)).locator('[data-testid="stForm"]')
    form.get_by_label("Användarnamn").fill(ANALYST)
    form.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    with rerun(page):
        form.get_by_role("button", name="Logga in").click()


def metrics(page) -> dict[str, str]:
    """Label -> value of every `st.metric` in the main area, as shown."""
    main = main_area(page)
    labels = main.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = main.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values, strict=True)}


def read_table(page, dataframe) -> list[dict[str, str]]:
    """The rows of an `st.dataframe` as shown. Its cells are drawn on a canvas, so they are
    read through the table's own "Download as CSV" button. That button sits in a toolbar that
    only shows on hover and overlaps the grid, so the click is dispatched to it directly."""
    button = dataframe.locator(
        '[data-testid="stBaseButton-elementToolbar"][aria-label="Download as CSV"]'
    )
    with page.expect_download() as download:
        button.dispatch_event("click")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
