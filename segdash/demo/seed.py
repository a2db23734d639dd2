"""Filling an empty database with the demo workbooks in `data/demo`, through the normal importer."""

from __future__ import annotations

from pathlib import Path

from segdash.config import settings
from segdash.demo.catalogue import BOUNDARY_FILE, DEMO_DIR
from segdash.importer import ImportResult, import_files, read_upload
from segdash.store import Store

DEMO_IMPORTER = "segdash (exempeldata)"


def demo_files() -> list[Path]:
    """The demo workbooks and SCB's RegSO boundaries for Linköping."""
    return sorted([*DEMO_DIR.glob("*.xlsx"), DEMO_DIR / BOUNDARY_FILE])


def load_demo(store: Store) -> ImportResult:
    """Import every demo file as example data (flagged, so the app can say so)."""
    files = [read_upload(path) for path in demo_files()]
    return import_files(store, files, DEMO_IMPORTER, is_demo=True)


def demo_enabled() -> bool:
    """SEGDASH_DEMO=off keeps a new database empty (for a production install)."""
    return settings().demo


def ensure_demo(store: Store) -> ImportResult | None:
    """Load the demo data into a database that has never had any; otherwise do nothing."""
    if store.has_data() or not demo_enabled():
        return None
    return load_demo(store)
