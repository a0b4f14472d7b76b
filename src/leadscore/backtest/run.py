"""Run a backtest: every model version scored at the same moments over a period, replayed.

Each version is scored at every evaluation moment of every contact (its events' arrivals and
the daily ticks) in one query per version (see `Relations.moments`), the stage state machine is
replayed on those scores, and the versions are compared: new MQLs per month, and which contacts
end the period in another band, matrix cell or stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.backtest.moments import create_moments
from leadscore.backtest.replay import Transitions, final_states, transitions
from leadscore.data.loading import scalar
from leadscore.data.report import FileReport, LoadReport
from leadscore.diagnostics import Diagnostic, LeadscoreError
from leadscore.durations import format_instant
from leadscore.model.loader import LoadedModel
from leadscore.output.columns import layout
from leadscore.session import EngineOptions, Inputs, Session
from leadscore.sql.query import Relations, build_score_query

Step = Any


@dataclass
class VersionRun:
    label: str
    version: str
    new_mqls: dict[str, Transitions]  # program → transitions
    scored_moments: int


@dataclass
class Move:
    program: str
    what: str  # band, matrix or stage
    before: str | None
    after: str | None
    contacts: int


@dataclass
class VersionComparison:
    before: str
    after: str
    contacts: int  # compared in both
    moved: dict[str, int]  # band/matrix/stage → contacts whose value differs
    moves: list[Move]  # the most common changes
    examples: list[dict[str, Any]]  # a few contacts that moved, with both values


@dataclass
class BacktestReport:
    start: int
    end: int
    tick_us: int
    contacts: int
    sampled: bool
    versions: list[VersionRun]
    comparisons: list[VersionComparison]
    outcomes_used: int = 0
    outcomes_without_time: int = 0
    notes: list[str] = field(default_factory=list)
    evaluations: list[Any] = field(default_factory=list)  # one EvaluationReport per version, with --cutoff
    diagnostics: list[Diagnostic] = field(default_factory=list)  # about the input files (bad rows, …)

    def add_diagnostics(self, found: list[Diagnostic]) -> None:
        """The input files' diagnostics of one more version, each said once (versions that
        type the same fields alike find the same bad rows)."""
        seen = {d.render() for d in self.diagnostics}
        self.diagnostics += [d for d in found if d.render() not in seen]

    def months(self) -> list[str]:
        return sorted({m for v in self.versions for t in v.new_mqls.values() for m in t.per_month})


def _score_at_moments(
    loaded: LoadedModel,
    label: str,
    inputs: Inputs,
    start: int,
    end: int,
    tick_us: int,
    sample: int | None,
    step: Step,
    report: BacktestReport,
    checked: LoadReport,
    strict: bool,
) -> tuple[pa.Table, int]:
    session = Session.open(loaded, inputs, EngineOptions("duckdb"), step)
    try:
        whole = LoadReport([*session.report.files, *checked.files])
        if strict:
            whole.check_strict()  # every version types the fields it declares: check each
        report.add_diagnostics(whole.diagnostics())
        ex = session.engine.executor
        step(f"{label}: the evaluation moments")
        n = create_moments(ex, start, end, tick_us, sample=sample)
        step(f"{label}: scoring {n:,} contact-moments")
        d = session.engine.dialect
        relations = Relations(events_have_micros=True, moments="moments")
        sql = d.render(
            build_score_query(session.compiled, layout(session.model), None, d, relations), pretty=False
        )
        table = session.engine.fetch_arrow(sql)
        return table, n
    finally:
        session.close()


# scheduled evaluations between --from and --to (27 years of daily ticks): each one scores every
# contact, so far more is a mistake (a year typed wrong) that would fill the memory
MAX_TICKS = 10_000


def run_backtest(
    versions: list[tuple[str, LoadedModel]],
    inputs: Inputs,
    start: int,
    end: int,
    tick_us: int,
    outcomes: Path | None,
    sample: int | None,
    step: Step,
    strict: bool = False,
) -> BacktestReport:
    """With `strict`, a bad row in any input file is an error (D199), as in `score --strict`."""
    import duckdb

    if len(versions) < 2:
        raise LeadscoreError.simple(
            "B001", "a backtest compares two or more model versions", "give -m twice (or more)"
        )
    if end <= start:
        what = "is empty (--from equals --to)" if end == start else "ends before it starts"
        raise LeadscoreError.simple("B002", f"the period {what}", "give --from before --to")
    ticks = (end - start) // tick_us
    if ticks > MAX_TICKS:
        raise LeadscoreError.simple(
            "B004", f"the period holds {ticks:,} ticks; a backtest replays at most {MAX_TICKS:,}",
            "give a shorter period (--from, --to) or a longer --tick, such as 7d",
        )  # fmt: skip
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'").fetchall()
    con.execute("SET enable_progress_bar = false").fetchall()
    report = BacktestReport(start, end, tick_us, 0, sample is not None, [], [])
    outcome_rel: str | None = None
    stage_rel: str | None = None
    checked = LoadReport()  # the outcomes' report, checked with each version's inputs
    if outcomes is not None:
        from leadscore.data.outcomes import load_outcomes

        step(f"reading outcomes from {outcomes}")
        outcome_file: FileReport = load_outcomes(con, outcomes)
        checked.files.append(outcome_file)
        report.outcomes_used = int(scalar(con, f"SELECT count(*) FROM outcomes WHERE ts_us <= {end}"))
        report.outcomes_without_time = int(scalar(con, "SELECT count(*) FROM outcomes WHERE ts_us IS NULL"))
        if report.outcomes_without_time:
            report.notes.append(
                f"{report.outcomes_without_time} outcomes have no timestamp: a replay cannot place them in time, so they are left out"
            )
        con.execute(
            "CREATE TEMP TABLE first_outcomes AS SELECT contact_id, min(ts_us) AS first_outcome FROM outcomes WHERE ts_us IS NOT NULL GROUP BY 1"
        ).fetchall()
        con.execute(
            f"""CREATE TEMP TABLE outcome_stages AS SELECT contact_id, arg_max(outcome, ts_us) AS stage
                FROM outcomes WHERE ts_us IS NOT NULL AND ts_us <= {end} GROUP BY 1"""
        ).fetchall()
        outcome_rel, stage_rel = "first_outcomes", "outcome_stages"
    finals: list[tuple[str, dict[str, str]]] = []  # (label, program → final table name)
    for i, (label, loaded) in enumerate(versions):
        table, n = _score_at_moments(
            loaded, label, inputs, start, end, tick_us, sample, step, report, checked, strict
        )
        name = f"scores_v{i}"
        con.register(name, table)
        step(f"{label}: replaying the stages")
        per_program = {p.id: transitions(con, p, name, outcome_rel) for p in loaded.model.programs}
        report.versions.append(VersionRun(label, loaded.model.version_label, per_program, n))
        finals_of: dict[str, str] = {}
        for p in loaded.model.programs:
            fname = f"final_v{i}_{len(finals_of)}"
            pid = p.id.replace("'", "''")
            con.execute(
                f"""CREATE TEMP TABLE {fname} AS
                    SELECT s.contact_id, s.band, s.matrix, f.stage FROM (
                        SELECT * FROM {name} WHERE program = '{pid}'
                        QUALIFY row_number() OVER (PARTITION BY contact_id ORDER BY moment DESC) = 1) s
                    JOIN ({final_states(con, p, name, outcome_rel, stage_rel)}) f USING (contact_id)"""
            ).fetchall()
            finals_of[p.id] = fname
        finals.append((label, finals_of))
    report.contacts = int(scalar(con, "SELECT count(DISTINCT contact_id) FROM scores_v0"))
    for (a_label, a), (b_label, b) in pairwise(finals):
        report.comparisons.append(_compare(con, a_label, a, b_label, b))
    con.close()
    return report


def _compare(con: Any, a_label: str, a: dict[str, str], b_label: str, b: dict[str, str]) -> VersionComparison:
    moved: dict[str, int] = {"band": 0, "matrix": 0, "stage": 0}
    moves: list[Move] = []
    examples: list[dict[str, Any]] = []
    contacts = 0
    for program in sorted(a.keys() & b.keys()):
        ta, tb = a[program], b[program]
        contacts += int(scalar(con, f"SELECT count(*) FROM {ta} JOIN {tb} USING (contact_id)"))
        for what in ("band", "matrix", "stage"):
            rows = con.execute(
                f"""SELECT x.{what}, y.{what}, count(*) FROM {ta} x JOIN {tb} y USING (contact_id)
                    WHERE x.{what} IS DISTINCT FROM y.{what} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"""
            ).fetchall()
            moved[what] += sum(int(n) for _, _, n in rows)
            moves += [Move(program, what, x, y, int(n)) for x, y, n in rows[:5]]
        for cid, band_a, band_b, stage_a, stage_b, matrix_a, matrix_b in con.execute(
            f"""SELECT contact_id, x.band, y.band, x.stage, y.stage, x.matrix, y.matrix FROM {ta} x JOIN {tb} y USING (contact_id)
                WHERE x.band IS DISTINCT FROM y.band OR x.stage IS DISTINCT FROM y.stage OR x.matrix IS DISTINCT FROM y.matrix
                ORDER BY contact_id LIMIT 10"""
        ).fetchall():
            examples.append(
                {
                    "program": program,
                    "contact_id": cid,
                    "band": [band_a, band_b],
                    "matrix": [matrix_a, matrix_b],
                    "stage": [stage_a, stage_b],
                }
            )
    return VersionComparison(
        a_label, b_label, contacts, moved, sorted(moves, key=lambda m: -m.contacts)[:10], examples
    )


def to_json(report: BacktestReport) -> dict[str, Any]:
    return {
        "from": format_instant(report.start),
        "to": format_instant(report.end),
        "tick_hours": report.tick_us / 3_600_000_000,
        "contacts": report.contacts,
        "sampled": report.sampled,
        "outcomes_used": report.outcomes_used,
        "notes": report.notes,
        "diagnostics": [d.to_json() for d in report.diagnostics],
        "months": report.months(),
        "versions": [
            {
                "label": v.label,
                "version": v.version,
                "scored_moments": v.scored_moments,
                "new_mqls": {
                    p: {"per_month": t.per_month, "total": t.total, "mqls_at_start": t.initial_mqls}
                    for p, t in v.new_mqls.items()
                },
            }
            for v in report.versions
        ],
        "evaluations": [e.to_json() for e in report.evaluations],
        "comparisons": [
            {
                "before": c.before,
                "after": c.after,
                "contacts": c.contacts,
                "moved": c.moved,
                "moves": [m.__dict__ for m in c.moves],
                "examples": c.examples,
            }
            for c in report.comparisons
        ],
    }
