"""Run leadscore once on one engine, in this (fresh) process; print one JSON line of figures.

    python bench/engine_contender.py {duckdb|postgres|spark} CONTACTS EVENTS OUT [--db URL] [--spark MASTER]

`seconds` is the wall time of `Application.score` (read the files, load them into the engine,
score, write OUT). For Spark the local session (its JVM) is started first and timed apart as
`session_seconds`; `seconds` does not include it.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workload import AS_OF_US  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("engine", choices=["duckdb", "postgres", "spark"])
    ap.add_argument("contacts")
    ap.add_argument("events")
    ap.add_argument("out")
    ap.add_argument("--db", default=None)
    ap.add_argument("--spark", default="local[2]")
    args = ap.parse_args()

    from leadscore.app import Application, EngineOptions

    session_seconds = 0.0
    if args.engine == "spark":
        from leadscore.engines.spark_engine import start_session

        t = time.perf_counter()
        start_session(args.spark, "leadscore-bench", {"spark.driver.memory": "6g"})
        session_seconds = time.perf_counter() - t  # the engine reuses this active session
    options = EngineOptions(args.engine, args.db, args.spark)
    t0 = time.perf_counter()
    result = Application().score(
        HERE / "model.yaml", Path(args.contacts), Path(args.events), AS_OF_US, Path(args.out), engine=options
    )
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "engine": args.engine,
                "seconds": seconds,
                "session_seconds": session_seconds,
                "rows": result.rows,
                "peak_rss_bytes": rss,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
