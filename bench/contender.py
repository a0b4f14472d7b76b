"""Run one contender once, in this (fresh) process, and print one JSON line with its figures.

    python bench/contender.py {leadscore|evaluate|handwritten|loop} CONTACTS EVENTS OUT [--max-events N]

`evaluate` runs `leadscore evaluate` as the command does (the evaluation, then the HTML and JSON
reports written to OUT and OUT.json), with outcomes.parquet and feedback.parquet beside CONTACTS,
the cutoff at the scoring instant and a 90-day horizon.

`seconds` is the wall time of the scoring call alone (read the inputs, score, write OUT), after
the imports; `process_seconds` includes the interpreter start and the imports. "The imports"
are those of every module the call uses, also of the ones imported only on first use (duckdb for
every contender; for leadscore the YAML parser, the loaders, the engine, the lint checks and
sqlglot's DuckDB dialect): PRELOAD makes them before the clock starts, and
`imported_during_run` lists any module still first imported inside the timed call (run.py
warns when it is not empty). `peak_rss_bytes` is this process's peak resident set size
(`ru_maxrss`), which covers DuckDB's memory too.
run.py starts a new process for every run, so no cache survives from one run to the next
(except the operating system's file cache, which every contender shares alike).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workload import AS_OF, AS_OF_US  # noqa: E402

# modules the scoring call would otherwise import on first use (see `seconds` above)
PRELOAD = {
    "handwritten": ["duckdb"],
    "loop": ["pyarrow.dataset", "pyarrow.parquet"],
    "leadscore": [
        "duckdb",
        "ruamel.yaml",
        "leadscore.data.loading",
        "leadscore.engines.duckdb_engine",
        "leadscore.model.lint",
        "sqlglot.dialects.duckdb",
        "sqlglot.optimizer.annotate_types",
        "sqlglot.optimizer.simplify",
    ],
}
PRELOAD["evaluate"] = PRELOAD["leadscore"]


def _evaluate(contacts: Path, events: Path, out: Path) -> dict[str, object]:
    import json as json_

    from leadscore.app import Application
    from leadscore.durations import Duration
    from leadscore.review.evaluate import EvaluationRequest
    from leadscore.review.html import render_html

    request = EvaluationRequest(
        outcomes=contacts.parent / "outcomes.parquet",
        feedback=contacts.parent / "feedback.parquet",
        cutoff=AS_OF_US,
        horizon=Duration.parse("90d"),
    )
    before = set(sys.modules)
    t0 = time.perf_counter()
    report = Application().evaluate(HERE / "model.yaml", contacts, events, request)
    out.write_text(render_html(report), encoding="utf-8")
    out.with_suffix(".json").write_text(json_.dumps(report.to_json()), encoding="utf-8")
    seconds = time.perf_counter() - t0
    p = report.programs[0]
    return {
        "seconds": seconds,
        "evaluated": p.population.evaluated,
        "converters": p.population.converters,
        "auc": p.auc,
        "lift_top10": p.top[0].lift,
        "html_bytes": out.stat().st_size,
        "modules_before": before,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=["leadscore", "evaluate", "handwritten", "loop"])
    ap.add_argument("contacts")
    ap.add_argument("events")
    ap.add_argument("out")
    ap.add_argument("--max-events", type=int, default=None)
    args = ap.parse_args()

    as_of_us = AS_OF_US  # the baselines do not import leadscore at all
    import importlib

    for module in PRELOAD[args.name]:
        importlib.import_module(module)
    if args.name == "handwritten":
        import handwritten
    elif args.name == "loop":
        import loop
    else:
        from leadscore.app import Application
        from leadscore.durations import parse_instant
    extra: dict[str, object] = {}
    if args.name == "leadscore":
        as_of_us = parse_instant(AS_OF)
        assert as_of_us == AS_OF_US, "workload.AS_OF_US disagrees with parse_instant(AS_OF)"

        app = Application()
        before = set(sys.modules)
        t0 = time.perf_counter()
        result = app.score(
            HERE / "model.yaml", Path(args.contacts), Path(args.events), as_of_us, Path(args.out)
        )
        seconds = time.perf_counter() - t0
        import leadscore

        extra = {
            "rows": result.rows,
            "load_report": result.report.to_json(),
            "leadscore_module": str(Path(leadscore.__file__).parent),
        }
    elif args.name == "evaluate":
        extra = _evaluate(Path(args.contacts), Path(args.events), Path(args.out))
        seconds = float(extra.pop("seconds"))  # type: ignore[arg-type]
        before = extra.pop("modules_before")  # type: ignore[assignment]
    elif args.name == "handwritten":
        before = set(sys.modules)
        t0 = time.perf_counter()
        handwritten.run(args.contacts, args.events, args.out, as_of_us)
        seconds = time.perf_counter() - t0
    else:
        before = set(sys.modules)
        t0 = time.perf_counter()
        extra = loop.run(args.contacts, args.events, args.out, as_of_us, args.max_events)
        seconds = time.perf_counter() - t0
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "name": args.name,
                "seconds": seconds,
                "process_seconds": time.perf_counter() - STARTED,
                "peak_rss_bytes": rss_kib * 1024,
                "imported_during_run": sorted(set(sys.modules) - before),
                **extra,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
