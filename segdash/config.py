"""Every setting in one place: read from the environment into one frozen `Settings`.

`settings()` is the only reader of the environment in segdash. It parses the variables once
per distinct environment (tests and the CLI's `--db` change it; a running app does not), so
every caller sees the same object. One policy for a bad value, in the app and the CLI alike:
the default is used and the problem is said in plain Swedish (`Settings.problems`), logged
once, shown to analysts in the app and printed by the CLI; nothing exits.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from segdash import fmt

log = logging.getLogger(__name__)

DEFAULT_DB_PATH = Path("data") / "segdash.duckdb"
DEFAULT_ANALYSTS_PATH = Path("data") / "analysts.json"
_OFF_WORDS = {"off", "0", "nej", "no", "false", "av"}
_ON_WORDS = {"on", "1", "ja", "yes", "true", "på"}

# Every variable segdash reads, so that the cache key below is the whole of what matters.
VARIABLES = (
    "SEGDASH_DB",
    "SEGDASH_DEMO",
    "SEGDASH_ANALYSTS",
    "SEGDASH_SIGNIN_DELAY",
    "SEGDASH_IDLE_MINUTES",
    "SEGDASH_MAX_UPLOAD_MB",
    "SEGDASH_MAX_ROWS",
    "SEGDASH_MAX_UNPACKED_MB",
    "SEGDASH_MAX_VERTICES",
    "SEGDASH_CHECK_MEMORY_MB",
    "SEGDASH_CHECK_SECONDS",
    "SEGDASH_DB_WAIT_SECONDS",
    "SEGDASH_DB_LINGER_SECONDS",
    "BROWSER_PATH",
)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one upload may cost in memory and time."""

    max_upload_bytes: int = 50 * 1_000_000
    max_rows: int = 1_000_000  # data rows per sheet
    max_unpacked_bytes: int = 500 * 1_000_000  # declared uncompressed size of an xlsx/ods
    # A boundary file (GeoJSON, GeoPackage): at most this many areas and corner points in all.
    max_features: int = 10_000
    max_vertices: int = 2_000_000
    # One check (reading and checking every row) runs in a child process with this much
    # memory on top of the app's, and is stopped after this many seconds.
    check_memory_bytes: int = 2_000 * 1_000_000
    check_seconds: float = 300


@dataclass(frozen=True)
class Settings:
    db_path: str = str(DEFAULT_DB_PATH)  # SEGDASH_DB
    # The app and the CLI take turns with the file: how long one waits for the other
    # (SEGDASH_DB_WAIT_SECONDS), and how long a Store keeps it open after its last use
    # (SEGDASH_DB_LINGER_SECONDS; a page's queries share one opening).
    db_wait_seconds: float = 60.0
    db_linger_seconds: float = 1.0
    demo: bool = True  # SEGDASH_DEMO: fill a new, empty database with the demo data
    analysts_path: Path = DEFAULT_ANALYSTS_PATH  # SEGDASH_ANALYSTS
    signin_delay_seconds: float = 1.0  # SEGDASH_SIGNIN_DELAY, doubled per failure in a row
    idle_minutes: float = 30.0  # SEGDASH_IDLE_MINUTES
    limits: Limits = field(default_factory=Limits)  # SEGDASH_MAX_*, SEGDASH_CHECK_*
    chromium_path: str | None = None  # BROWSER_PATH, else chromium on PATH (report charts)
    problems: tuple[str, ...] = ()  # bad values, each replaced by its default

    @property
    def idle_seconds(self) -> float:
        return self.idle_minutes * 60


def settings() -> Settings:
    """The current settings (parsed once per distinct environment)."""
    return _parse(tuple(os.environ.get(name) for name in VARIABLES))


@functools.lru_cache(maxsize=8)
def _parse(values: tuple[str | None, ...]) -> Settings:
    raw = dict(zip(VARIABLES, values, strict=True))
    problems: list[str] = []

    def number(name: str, default: float, *, whole: bool = False, zero_ok: bool = False) -> float:
        text = (raw[name] or "").strip()
        if not text:
            return default
        try:
            value = int(text) if whole else float(text.replace(",", "."))
        except ValueError:
            value = None
        if value is None or value < 0 or (value == 0 and not zero_ok):
            kind = "ett heltal" if whole else "ett tal"
            least = "noll eller mer" if zero_ok else "större än noll"
            problems.append(
                f"{name} måste vara {kind}, {least} (var ”{text}”); standardvärdet "
                f"{fmt.number(default, 0 if float(default).is_integer() else 1)} används."
            )
            return default
        return value

    demo_text = (raw["SEGDASH_DEMO"] or "on").strip().casefold()
    demo = demo_text not in _OFF_WORDS
    if demo_text not in _OFF_WORDS | _ON_WORDS:
        problems.append(
            f"SEGDASH_DEMO ska vara on eller off (var ”{raw['SEGDASH_DEMO']}”); on används."
        )
    limits = Limits(
        max_upload_bytes=int(number("SEGDASH_MAX_UPLOAD_MB", 50, whole=True)) * 1_000_000,
        max_rows=int(number("SEGDASH_MAX_ROWS", 1_000_000, whole=True)),
        max_unpacked_bytes=int(number("SEGDASH_MAX_UNPACKED_MB", 500, whole=True)) * 1_000_000,
        max_vertices=int(number("SEGDASH_MAX_VERTICES", 2_000_000, whole=True)),
        check_memory_bytes=int(number("SEGDASH_CHECK_MEMORY_MB", 2_000, whole=True)) * 1_000_000,
        check_seconds=number("SEGDASH_CHECK_SECONDS", 300),
    )
    result = Settings(
        db_path=raw["SEGDASH_DB"] or str(DEFAULT_DB_PATH),
        db_wait_seconds=number("SEGDASH_DB_WAIT_SECONDS", 60.0, zero_ok=True),
        db_linger_seconds=number("SEGDASH_DB_LINGER_SECONDS", 1.0, zero_ok=True),
        demo=demo,
        analysts_path=Path(raw["SEGDASH_ANALYSTS"] or DEFAULT_ANALYSTS_PATH),
        signin_delay_seconds=number("SEGDASH_SIGNIN_DELAY", 1.0, zero_ok=True),
        idle_minutes=number("SEGDASH_IDLE_MINUTES", 30.0),
        limits=limits,
        chromium_path=raw["BROWSER_PATH"]
        or shutil.which("chromium")
        or shutil.which("chromium-browser"),
        problems=tuple(problems),
    )
    for problem in problems:
        log.warning("segdash: %s", problem)  # the server's log; the CLI's standard error
    return result
