"""The same model and workload on all three engines in one run (issue: one model, three engines).

    .venv/bin/python bench/engines.py                 # 100k contacts / 2M events on DuckDB, PostgreSQL, Spark
    .venv/bin/python bench/engines.py --postgres-full # also PostgreSQL at 1M contacts / 20M events
    options: --db URL (default postgresql://postgres@127.0.0.1:5432/test), --spark MASTER (local[2]),
             --repeat N (default 3; medians), --skip-spark

Every run is a fresh process. The outputs of PostgreSQL and Spark are compared with the
embedded engine's on every column (floats within 1e-6); a difference fails the run. Peak memory
is the leadscore process's own (the PostgreSQL server's and Spark's JVM memory are not in it).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402


def run(engine: str, folder: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(HERE / "engine_contender.py"),
        engine,
        str(folder / "contacts.parquet"),
        str(folder / "events.parquet"),
        str(out),
    ]
    if engine == "postgres":
        cmd += ["--db", args.db]
    if engine == "spark":
        cmd += ["--spark", args.spark]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def compare(a: Path, b: Path) -> int:
    """Number of differing cells between two score files (floats within 1e-6)."""
    import pyarrow.parquet as pq

    ta = {(r["contact_id"], r["program"]): r for r in pq.read_table(a).to_pylist()}
    tb = {(r["contact_id"], r["program"]): r for r in pq.read_table(b).to_pylist()}
    if ta.keys() != tb.keys():
        return max(len(ta), len(tb))
    bad = 0
    for k, row in ta.items():
        for col, v in row.items():
            w = tb[k][col]
            if isinstance(v, float) and isinstance(w, float):
                bad += not math.isclose(v, w, abs_tol=1e-6)
            else:
                bad += v != w
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--spark", default="local[2]")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--postgres-full", action="store_true")
    ap.add_argument("--skip-spark", action="store_true")
    args = ap.parse_args()
    engines = ["duckdb", "postgres"] + ([] if args.skip_spark else ["spark"])
    sizes = [(100_000, 2_000_000, engines)]
    if args.postgres_full:
        sizes.append((1_000_000, 20_000_000, ["duckdb", "postgres"]))
    report: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for contacts, events, names in sizes:
            folder = workload.ensure_workload(contacts, events)
            times: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
            for i in range(args.repeat):
                for name in names if i % 2 == 0 else list(reversed(names)):
                    r = run(name, folder, Path(tmp) / f"{name}-{contacts}.parquet", args)
                    times[name].append(r)
                    print(f"  {contacts:>9,} / {events:>10,}  {name:<9} {r['seconds']:7.2f} s", flush=True)
            base = statistics.median(r["seconds"] for r in times["duckdb"])
            for name in names:
                med = statistics.median(r["seconds"] for r in times[name])
                diff = (
                    0
                    if name == "duckdb"
                    else compare(
                        Path(tmp) / f"duckdb-{contacts}.parquet", Path(tmp) / f"{name}-{contacts}.parquet"
                    )
                )
                report.append(
                    {
                        "contacts": contacts,
                        "events": events,
                        "engine": name,
                        "median_seconds": med,
                        "min_seconds": min(r["seconds"] for r in times[name]),
                        "ratio_to_duckdb": med / base,
                        "events_per_second": events / med,
                        "spark_session_seconds": statistics.median(r["session_seconds"] for r in times[name]),
                        "peak_gb": max(r["peak_rss_bytes"] for r in times[name]) / 1e9,
                        "cells_differing_from_duckdb": diff,
                    }
                )
    print(
        f"\n{'contacts':>9} {'events':>11}  {'engine':<9} {'median s':>9} {'ratio':>6} {'events/s':>11} {'peak GB':>8} {'diff cells':>10}"
    )
    for r in report:
        print(
            f"{r['contacts']:>9,} {r['events']:>11,}  {r['engine']:<9} {r['median_seconds']:9.2f} {r['ratio_to_duckdb']:6.2f} "
            f"{r['events_per_second']:11,.0f} {r['peak_gb']:8.2f} {r['cells_differing_from_duckdb']:>10}"
        )
    print(
        "ratio = median / DuckDB's median at the same size; Spark's times exclude starting its local session (reported in the JSON)"
    )
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "engines-latest.json").write_text(json.dumps(report, indent=2))
    return 1 if any(r["cells_differing_from_duckdb"] for r in report) else 0


if __name__ == "__main__":
    sys.exit(main())
