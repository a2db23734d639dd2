"""Benchmark: checking and importing a 200 000-row indicator workbook, against pandas + openpyxl.

Generates (once, cached in benchmarks/out/) a long-form indicator workbook: 50 indicators
(`Indikatorer`), 200 districts (`Områden`), 20 years, 200 000 rows in `Indikatorvärden`. Then,
in the same run:

  (a) baseline: pandas.read_excel(engine="openpyxl") reading the values sheet;
  (b) segdash: the whole check and import into a fresh database file.

Each is run in a fresh child process, so (b)'s peak memory is the child's maximum resident set
(the Rust reader and DuckDB included, not only Python objects). Target: (b) <= 15 % of (a),
peak memory of (b) under 1 GB.

    python benchmarks/bench_import.py [--rows 200000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
N_INDICATORS, N_DISTRICTS = 50, 200


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    years = rows // (N_INDICATORS * N_DISTRICTS)
    rng = random.Random(7)
    wb = Workbook(write_only=True)
    defs = wb.create_sheet("Indikatorer")
    defs.append(
        ["Kod", "Namn", "Enhet", "Högre är bättre", "Utvecklingsområde", "Källa", "Definition"]
    )
    for i in range(N_INDICATORS):
        defs.append(
            [
                f"IND{i:02d}",
                f"Indikator {i}",
                "%",
                "ja" if i % 2 else "nej",
                i % 5 + 1,
                "Benchmark",
                "Genererad",
            ]
        )
    districts = wb.create_sheet("Områden")
    districts.append(["Kod", "Namn", "Typ"])
    for d in range(N_DISTRICTS):
        districts.append([f"D{d:03d}", f"Område {d}", "jämförelse"])
    values = wb.create_sheet("Indikatorvärden")
    values.append(["Indikator", "Område", "År", "Kön", "Värde", "Mål"])
    for i in range(N_INDICATORS):
        for d in range(N_DISTRICTS):
            for y in range(years):
                values.append(
                    [
                        f"IND{i:02d}",
                        f"D{d:03d}",
                        2000 + y,
                        "T",
                        round(rng.uniform(0, 100), 1),
                        50.0 if y == years - 1 else None,
                    ]
                )
    wb.save(path)


def run_baseline(path: str) -> dict:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(path, sheet_name="Indikatorvärden", engine="openpyxl")
    return {"seconds": time.perf_counter() - start, "rows": len(frame)}


def run_segdash(path: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from segdash.importer import UploadedFile, import_files
    from segdash.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = Store(Path(tmp) / "bench.duckdb")
        data = Path(path).read_bytes()
        result = import_files(store, [UploadedFile(Path(path).name, data)], "benchmark")
        seconds = time.perf_counter() - start
        n = store.df("SELECT count(*) AS n FROM current_indicator_value")["n"].iloc[0]
        store.close()
    if result.status != "imported":
        raise SystemExit(f"import failed: {[i.message for i in result.issues[:5]]}")
    return {"seconds": seconds, "rows": int(n)}


def in_child(mode: str, path: Path) -> dict:
    """Run one mode in a fresh interpreter; returns its timing and peak resident memory."""
    code = (
        f"import json, resource, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import bench_import as b; r = b.run_{mode}({str(path)!r}); "
        "r['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        "print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best is kept")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"indicators_{args.rows}.xlsx"
    if not path.exists():
        print(f"generating {path.name} …", flush=True)
        generate(path, args.rows)
    print(f"file: {path.stat().st_size / 1e6:.1f} MB, {args.rows} value rows")
    a = min((in_child("baseline", path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    b = min((in_child("segdash", path) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    assert a["rows"] == b["rows"] == args.rows, (a, b)
    ratio = b["seconds"] / a["seconds"]
    print(f"(a) pandas.read_excel + openpyxl : {a['seconds']:7.2f} s")
    print(
        f"(b) segdash check + import       : {b['seconds']:7.2f} s   peak memory {b['peak_mb']:.0f} MB"
    )
    print(f"ratio (b)/(a)                    : {ratio:7.1%}   (target <= 15 %, peak < 1024 MB)")
    ok = ratio <= 0.15 and b["peak_mb"] < 1024
    print("target met" if ok else "TARGET MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
