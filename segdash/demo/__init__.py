"""The demo: a catalogue of public facts and clearly marked examples (`catalogue`), the example
workbooks drawn from it (`workbooks`, written to data/demo/ by `python -m segdash.demo`), and
the loading of those workbooks into an empty database through the normal importer (`seed`).
"""

from segdash.demo.catalogue import (
    DEMO_DIR,
    FOLLOWUP_FILE,
    INDICATORS_FILE,
    PLAN_FILE,
    WIDE_INDICATORS_FILE,
)
from segdash.demo.seed import DEMO_IMPORTER, demo_enabled, demo_files, ensure_demo, load_demo
from segdash.demo.workbooks import build_demo_workbooks

__all__ = [
    "DEMO_DIR",
    "DEMO_IMPORTER",
    "FOLLOWUP_FILE",
    "INDICATORS_FILE",
    "PLAN_FILE",
    "WIDE_INDICATORS_FILE",
    "build_demo_workbooks",
    "demo_enabled",
    "demo_files",
    "ensure_demo",
    "load_demo",
]
