"""Settings read from the environment, with the defaults the contract with analysts promises."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} måste vara ett heltal (var {raw!r}).") from None
    if value <= 0:
        raise SystemExit(f"{name} måste vara större än noll (var {raw!r}).")
    return value


@dataclass(frozen=True)
class Limits:
    """Bounds on what one upload may cost in memory and time."""

    max_upload_bytes: int = 50 * 1_000_000
    max_rows: int = 1_000_000  # data rows per sheet
    max_unpacked_bytes: int = 500 * 1_000_000  # declared uncompressed size of an xlsx/ods
    # One check (reading and checking every row) runs in a child process with this much
    # memory on top of the app's, and is stopped after this many seconds.
    check_memory_bytes: int = 2_000 * 1_000_000
    check_seconds: int = 300

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_upload_bytes=_env_int("SEGDASH_MAX_UPLOAD_MB", 50) * 1_000_000,
            max_rows=_env_int("SEGDASH_MAX_ROWS", 1_000_000),
            max_unpacked_bytes=_env_int("SEGDASH_MAX_UNPACKED_MB", 500) * 1_000_000,
            check_memory_bytes=_env_int("SEGDASH_CHECK_MEMORY_MB", 2_000) * 1_000_000,
            check_seconds=_env_int("SEGDASH_CHECK_SECONDS", 300),
        )


def idle_limit_seconds() -> float:
    """SEGDASH_IDLE_MINUTES (default 30): an analyst idle this long is signed out."""
    raw = os.environ.get("SEGDASH_IDLE_MINUTES", "30")
    try:
        return max(float(raw), 0.0) * 60
    except ValueError:
        return 30 * 60.0
