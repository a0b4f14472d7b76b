"""`evaluate`: score every contact as of the cutoff, label it by the horizon, measure the model.

The steps, all on the session's DuckDB connection: read the outcomes (and feedback) with bad-row
reporting; score as of the cutoff with every rule's value (events after the cutoff do not exist
then, SPEC §3 item 1); label the contacts (:mod:`labels`); then, per program, the metrics
(:mod:`metrics`), the funnel and acceptance (:mod:`funnel`), the rules (:mod:`rules`) and the
leads the score got most wrong (:mod:`journeys`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leadscore.data.created import check_created_at
from leadscore.data.normalize import Executor
from leadscore.data.outcomes import OUTCOMES, load_feedback, load_outcomes
from leadscore.diagnostics import LeadscoreError
from leadscore.durations import Duration, format_instant
from leadscore.model.program import EncodedFormat, Program
from leadscore.review import funnel, journeys, labels, metrics, rules
from leadscore.review.labels import Window
from leadscore.review.report import Banding, EvaluationReport, OutcomeCounts, ProgramEvaluation
from leadscore.session import Session

DEFAULT_POSITIVE = ("sql", "opportunity", "won")
Step = Callable[[str], None]


@dataclass(frozen=True)
class EvaluationRequest:
    outcomes: Path
    cutoff: int  # UTC microseconds
    horizon: Duration
    positive: tuple[str, ...] = DEFAULT_POSITIVE
    feedback: Path | None = None
    program: str | None = None
    strict: bool = False


def check_positive(values: tuple[str, ...]) -> tuple[str, ...]:
    words = tuple(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    unknown = [w for w in words if w not in OUTCOMES]
    if unknown or not words:
        raise LeadscoreError.simple(
            "R001",
            f"--positive: {', '.join(repr(w) for w in unknown) or 'no outcome'} is not an outcome",
            f"choose among {', '.join(OUTCOMES)}, separated by commas (default: {','.join(DEFAULT_POSITIVE)})",
        )
    return words


def choose_programs(session: Session, wanted: str | None) -> list[Program]:
    programs = list(session.model.programs)
    if wanted is None:
        return programs
    chosen = [p for p in programs if p.id == wanted]
    if not chosen:
        raise LeadscoreError.simple(
            "R002",
            f"the model has no program '{wanted}'",
            f"its programs: {', '.join(p.id for p in programs)}",
        )
    return chosen


def _band_order(bands: list[object] | None) -> list[str]:
    """Band names, best (highest min) first."""
    return [b.name for b in sorted(bands or [], key=lambda b: -float(b.min))]  # type: ignore[attr-defined]


def _matrix_order(program: Program) -> list[str]:
    if not program.matrix:
        return []
    first, second = (program.dimensions[d] for d in program.matrix)
    return [a + b for a in _band_order(first.bands) for b in _band_order(second.bands)]  # type: ignore[arg-type]


def _bandings(ex: Executor, program: Program, rate: float | None) -> list[Banding]:
    out = []
    if program.bands:
        order = _band_order(program.bands)  # type: ignore[arg-type]
        out.append(Banding("band", "band", metrics.conversion_by(ex, "band", order, rate)))
    for name, dim in program.dimensions.items():
        if dim.bands:
            groups = metrics.conversion_by(ex, f"{name}_band", _band_order(dim.bands), rate)  # type: ignore[arg-type]
            out.append(Banding(f"{name}_band", f"{name} band", groups))
    return out


def evaluate_program(
    session: Session, program: Program, window: Window, feedback: bool, created_at: bool
) -> ProgramEvaluation:
    ex = session.engine.executor
    population = labels.build_population(ex, program.id, window, created_at)
    rate = population.rate
    groups = metrics.score_groups(ex)
    ranking = metrics.Ranking(groups)
    encoded = isinstance(program.format, EncodedFormat)
    mql = program.stages.mql.min if program.stages and program.stages.mql else None
    columns = {r[0] for r in ex.rows(f"DESCRIBE SELECT * FROM {labels.POPULATION}")}
    low, high = journeys.surprising(ex, window, session.compiled.event_properties, session.events_of)
    return ProgramEvaluation(
        program=program.id,
        encoded=encoded,
        mql_threshold=None if mql is None else float(mql),
        population=population,
        averages=metrics.averages(ex, encoded),
        auc=metrics.roc_auc(ex),
        top=[ranking.top(s) for s in metrics.TOP_SHARES],
        deciles=ranking.deciles(),
        bandings=_bandings(ex, program, rate),
        matrix=metrics.conversion_by(ex, "matrix", _matrix_order(program), rate) if program.matrix else [],
        histogram=metrics.histogram(groups),
        roc=ranking.roc_curve(),
        gains=ranking.gains_curve(),
        funnel=funnel.funnel(ex),
        acceptance=funnel.acceptance(ex, window, feedback),
        rules=rules.rule_stats(ex, program, columns),
        low_scored_converters=low,
        high_scored_non_converters=high,
    )


def evaluate(session: Session, request: EvaluationRequest, step: Step) -> EvaluationReport:
    """The whole evaluation on an open session (its contacts and events loaded, DuckDB)."""
    started = time.perf_counter()
    positive = check_positive(request.positive)
    programs = choose_programs(session, request.program)
    con = session.engine.executor.con  # type: ignore[attr-defined]  # evaluation runs on DuckDB
    step(f"reading outcomes from {request.outcomes}")
    session.report.files.append(load_outcomes(con, request.outcomes))
    if request.feedback is not None:
        step(f"reading feedback from {request.feedback}")
        session.report.files.append(load_feedback(con, request.feedback))
    created_at = check_created_at(session.engine.executor, session.report.files[0])
    if request.strict:
        session.report.check_strict()
    window = Window(request.cutoff, request.horizon, positive)
    step(f"scoring as of the cutoff {format_instant(window.cutoff)}")
    session.score(window.cutoff, rules=True, keep=True)
    ex = session.engine.executor
    labels.label_contacts(ex, window)
    evaluations = []
    for program in programs:
        step(f"evaluating program {program.id}")
        evaluations.append(
            evaluate_program(session, program, window, request.feedback is not None, created_at)
        )
    counts = labels.outcome_counts(ex, window)
    report = EvaluationReport(
        model=session.model.model,
        model_version=session.model.version_label,
        cutoff=format_instant(window.cutoff),
        horizon=str(window.horizon),
        horizon_end=format_instant(window.end),
        positive=list(positive),
        outcomes=counts,
        programs=evaluations,
        thresholds=rules.THRESHOLDS,
        inputs=session.report.to_json(),
        diagnostics=session.report.diagnostics(),
        notes=_notes(counts, labels.unknown_contacts(ex), evaluations, window, created_at),
    )
    report.seconds = time.perf_counter() - started
    return report


def _notes(
    counts: OutcomeCounts,
    unknown: int,
    evaluations: list[ProgramEvaluation],
    window: Window,
    created_at: bool,
) -> list[str]:
    notes = []
    if counts.without_timestamp:
        notes.append(
            f"{counts.without_timestamp:,} outcomes have no timestamp: they count as labels whatever the "
            "cutoff and horizon (label only), never as conversions before the cutoff; the scores "
            "still use only the events up to the cutoff"
        )
    if counts.after_horizon:
        notes.append(
            f"{counts.after_horizon:,} outcomes fall after the horizon ({format_instant(window.end)}) and are not used"
        )
    if unknown:
        notes.append(f"{unknown:,} outcomes belong to contacts not in the contacts file; they are ignored")
    if not created_at:
        notes.append("the contacts have no created_at column: every contact counts as known at the cutoff")
    for ev in evaluations:
        pop = ev.population
        prefix = f"program {ev.program}: " if len(evaluations) > 1 else ""
        if pop.created_after_cutoff:
            notes.append(
                f"{prefix}{pop.created_after_cutoff:,} contacts created after the cutoff are left out"
            )
        if pop.already_converted:
            notes.append(
                f"{prefix}{pop.already_converted:,} contacts had already converted at the cutoff and are left out"
            )
        if ev.auc is None:
            notes.append(f"{prefix}no converters or no non-converters: AUC, gains and lift are not defined")
    return notes
