"""The application object: every operation leadscore offers, for the CLI, the API and tests.

Shells (the CLI today, the HTTP service later) parse input, call this object and render what
it returns; no domain logic lives in them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadscore.compiled import compile_model
from leadscore.compiled.ir import CompiledModel
from leadscore.data.damage import reading
from leadscore.diagnostics import LeadscoreError
from leadscore.model.loader import LoadedModel, ValidationReport, load_model, validate_file
from leadscore.output.columns import layout
from leadscore.output.paths import check_target
from leadscore.output.writers import output_format
from leadscore.progress import Progress, Silent
from leadscore.session import EngineOptions, ExplainResult, Inputs, Planned, ScoreResult, Session
from leadscore.sql.dialects import get_dialect
from leadscore.sql.query import build_score_query

if TYPE_CHECKING:
    from datetime import date

    from leadscore.backtest.run import BacktestReport
    from leadscore.demo.workspace import DemoResult
    from leadscore.history.sources import ModelDiff
    from leadscore.history.status import ModelStatus
    from leadscore.history.table import HistoryTable
    from leadscore.history.versions import ModelVersion
    from leadscore.journeys.build import JourneysRequest
    from leadscore.journeys.report import JourneysReport
    from leadscore.review.evaluate import EvaluationRequest
    from leadscore.review.report import EvaluationReport

__all__ = ["Application", "EngineOptions", "Inputs", "ScoreResult"]

DEFAULT_ENGINE = EngineOptions()


class Application:
    """leadscore's operations. One instance per process is enough; it holds no data itself."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress: Progress = progress or Silent()

    # -- the model ----------------------------------------------------------------------------

    def validate(self, model_path: Path, lint: bool = True) -> ValidationReport:
        return validate_file(model_path, lint=lint)

    def load_model(self, model_path: Path) -> LoadedModel:
        return load_model(model_path)

    def json_schema(self) -> dict[str, Any]:
        from leadscore.model.jsonschema import model_json_schema

        return model_json_schema()

    def compile(self, model_path: Path, dialect: str, as_of: int, rules: bool = False) -> str:
        loaded = load_model(model_path)
        cm = compile_model(loaded.model)
        d = get_dialect(dialect)
        sql = d.render(build_score_query(cm, layout(loaded.model, rules), as_of, d))
        return _compile_header(loaded, cm, dialect, as_of) + sql + ";\n"

    # -- model history and reviews --------------------------------------------------------------

    def model_versions(
        self, model_path: Path | None = None, versions: Path | None = None
    ) -> list[ModelVersion]:
        """The versions of a model: the git history of `model_path`, or the files in `versions`."""
        from leadscore.history.sources import load_versions

        return load_versions(model_path, versions)

    def history(self, model_path: Path | None = None, versions: Path | None = None) -> HistoryTable:
        """The versions side by side: rules and settings as rows, versions as columns."""
        from leadscore.history.table import build_table

        return build_table(self.model_versions(model_path, versions))

    def diff(
        self, a: str | None, b: str | None, model_path: Path | None = None, versions: Path | None = None
    ) -> ModelDiff:
        """What changed from version `a` to `b` (files, labels or commits; see history.sources)."""
        from leadscore.history.sources import diff

        return diff(a, b, model_path, versions)

    def review_status(self, model_path: Path, today: date) -> ModelStatus:
        """When the review of the model in use is due, as of `today` (UTC)."""
        from leadscore.history.status import model_status

        return model_status(model_path, load_model(model_path).model, today)

    # -- data and scoring -----------------------------------------------------------------------

    def open(
        self,
        model_path: Path,
        inputs: Inputs,
        engine: EngineOptions = DEFAULT_ENGINE,
        strict: bool = False,
        late_duplicates: bool = False,
        planned: Planned | None = None,
    ) -> Session:
        with reading([inputs.contacts, inputs.events]):
            return Session.open(
                load_model(model_path), inputs, engine, self.progress.step, strict, late_duplicates, planned
            )

    def score(
        self,
        model_path: Path,
        contacts: Path | None,
        events: Path | None,
        as_of: int,
        out: Path | None,
        rules: bool = False,
        strict: bool = False,
        engine: EngineOptions = DEFAULT_ENGINE,
        tables: Inputs | None = None,
        out_table: str | None = None,
    ) -> ScoreResult:
        """Score every contact as of `as_of`; write to a file and/or a table."""
        started = time.perf_counter()
        inputs = _inputs(contacts, events, tables)
        if out is not None:  # fail early on a bad output name or place, before any work
            check_target(out, [inputs.contacts, inputs.events])  # a folder is O003, not O001
            output_format(out)
        if out_table is not None and out_table in (inputs.contacts_table, inputs.events_table):
            raise _writes_an_input(out_table)
        if out_table is not None and engine.engine == "duckdb" and engine.db in (None, ":memory:"):
            raise LeadscoreError.simple(
                "C006",
                f"--out-table {out_table}: the embedded engine has no database to keep it in",
                "give --db scores.duckdb (a DuckDB file, made if new), or write a file with --out",
            )
        # scored once: repeated event_ids are looked for among the events the rules read only
        session = self.open(
            model_path, inputs, engine, strict, late_duplicates=True, planned=Planned(as_of, rules)
        )
        try:
            tables_in = [t for t in (inputs.contacts_table, inputs.events_table) if t is not None]
            if out_table is not None and any(session.engine.same_table(out_table, t) for t in tables_in):
                raise _writes_an_input(out_table)  # the same table under another name (`public.t`, `T`)
            self.progress.step(f"scoring on {engine.engine}")
            with reading([inputs.contacts, inputs.events]):
                n = session.score(as_of, rules, out, out_table)
            return ScoreResult(
                rows=n,
                contacts=session.report.files[0].loaded,
                programs=len(session.model.programs),
                out=out,
                out_table=out_table,
                report=session.report,
                seconds=time.perf_counter() - started,
                model_version=session.model.version_label,
                as_of=as_of,
                engine=engine.engine,
                warnings=session.loaded.warnings,
            )
        finally:
            session.close()
            self.progress.done()

    def explain(
        self,
        model_path: Path,
        contacts: Path | None,
        events: Path | None,
        contact_id: str,
        as_of: int,
        program: str | None = None,
        engine: EngineOptions = DEFAULT_ENGINE,
        tables: Inputs | None = None,
    ) -> ExplainResult:
        """One contact's score point by point, from the reference evaluator on the engine's data,
        checked against the engine's own row for that contact. A contact that cannot be explained
        (X001, X002) is reported after the data's own diagnostics (its row may have been bad)."""
        from leadscore.explain import explanation
        from leadscore.output.columns import row_from_result
        from leadscore.reference.evaluator import evaluate_contact

        inputs = _inputs(contacts, events, tables)
        session = self.open(model_path, inputs, engine)
        try:
            self.progress.step(f"explaining {contact_id}")
            try:
                contact, evs = session.contact_records(contact_id)
                results = evaluate_contact(session.model, contact, evs, as_of)
                if program is not None:
                    programs = [p.id for p in session.model.programs]
                    if program not in programs:
                        raise LeadscoreError.simple(
                            "X002",
                            f"the model has no program '{program}'",
                            f"its programs: {', '.join(programs)}",
                        )
                    results = [r for r in results if r.program == program]
                    if not results:
                        raise LeadscoreError.simple(
                            "X002",
                            f"contact '{contact_id}' is not scored by program '{program}'",
                            "its applies_to leaves the contact out; leave out --program to see every program",
                        )
            except LeadscoreError as exc:
                raise LeadscoreError(
                    [*session.report.diagnostics(), *exc.diagnostics], exc.exit_code
                ) from None
            engine_rows = session.engine_rows_for(contact_id, as_of)
            out = []
            for res in results:
                exp = explanation(res, session.model.version_label)
                ref_row = row_from_result(session.model, res, rules=True)
                eng = engine_rows.get(res.program)
                exp["engine"] = engine.engine
                exp["engine_agrees"] = (
                    eng is not None
                    and eng["score"] == ref_row["score"]
                    and eng["points"] == ref_row["points"]
                )
                exp["engine_score"] = eng["score"] if eng else None
                out.append(exp)
            return ExplainResult(out, session.report)
        finally:
            session.close()
            self.progress.done()

    # -- the review loop ----------------------------------------------------------------------

    def evaluate(
        self, model_path: Path, contacts: Path, events: Path | None, request: EvaluationRequest
    ) -> EvaluationReport:
        """Score every contact as of the cutoff, label it by the horizon, measure the model (DuckDB)."""
        from leadscore.review.evaluate import evaluate

        # bad rows of all four files are checked together (request.strict), so open leniently;
        # scored once, so repeated event_ids are looked for among the events the rules read
        planned = Planned(request.cutoff, rules=True)  # evaluate scores with every rule's value
        inputs = Inputs(contacts=contacts, events=events)
        session = self.open(model_path, inputs, late_duplicates=True, planned=planned)
        try:
            with reading([contacts, events]):
                return evaluate(session, request, self.progress.step)
        finally:
            session.close()
            self.progress.done()

    def journeys(
        self, model_path: Path, contacts: Path, events: Path | None, request: JourneysRequest
    ) -> JourneysReport:
        """Timelines and score curves of a sample of recent leads, won and lost deals (DuckDB)."""
        from leadscore.journeys.build import journeys

        session = self.open(model_path, Inputs(contacts=contacts, events=events))
        try:
            return journeys(session, request, self.progress.step)
        finally:
            session.close()
            self.progress.done()

    def backtest(
        self,
        models: list[Path],
        contacts: Path,
        events: Path | None,
        start: int,
        end: int,
        outcomes: Path | None = None,
        tick_us: int = 86_400_000_000,
        sample: int | None = None,
        evaluation: EvaluationRequest | None = None,
        strict: bool = False,
    ) -> BacktestReport:
        """Replay two or more model versions over [start, end]: new MQLs per month, and moves;
        with `evaluation`, each version is also evaluated (side by side in the report)."""
        from leadscore.backtest.run import run_backtest
        from leadscore.review.evaluate import evaluate

        versions = [(str(path), load_model(path)) for path in models]
        inputs = Inputs(contacts=contacts, events=events)
        try:
            report = run_backtest(
                versions, inputs, start, end, tick_us, outcomes, sample, self.progress.step, strict
            )
            for path in models if evaluation is not None else []:
                assert evaluation is not None
                self.progress.step(f"evaluating {path}")
                session = self.open(path, inputs)
                try:
                    report.evaluations.append(evaluate(session, evaluation, self.progress.step))
                finally:
                    session.close()
            return report
        finally:
            self.progress.done()

    # -- the demo -------------------------------------------------------------------------------

    def demo(self, directory: Path, contacts: int = 5000, seed: int = 7, force: bool = False) -> DemoResult:
        from leadscore.data.loading import run, scalar
        from leadscore.demo import workspace
        from leadscore.durations import parse_instant

        started = time.perf_counter()
        self.progress.step("generating a sample B2B funnel")
        model, data = workspace.prepare(directory, contacts, seed, force)
        session = self.open(model, Inputs(contacts=data.contacts_csv, events=data.events_csv))
        try:
            self.progress.step("scoring")
            scores = directory / "scores.csv"
            rows = session.score(parse_instant(data.as_of), rules=True, out=scores, keep=True)
            con = session.engine.executor.con  # type: ignore[attr-defined]  # the demo runs on DuckDB
            matrix = dict(
                run(con, "SELECT coalesce(matrix, '-'), count(*) FROM scores GROUP BY 1 ORDER BY 1")
            )
            mql = int(scalar(con, "SELECT count(*) FROM scores WHERE mql_eligible"))
            return workspace.DemoResult(
                directory=directory,
                model=model,
                scores=scores,
                data=data,
                as_of=data.as_of,
                seconds=time.perf_counter() - started,
                rows=rows,
                mql=mql,
                hottest=workspace.hottest(con),
                matrix_counts=matrix,
            )
        finally:
            session.close()
            self.progress.done()


def _compile_header(loaded: LoadedModel, cm: CompiledModel, dialect: str, as_of: int) -> str:
    from leadscore.durations import format_instant

    fields = ", ".join(["contact_id", *(f"{f.name} ({f.kind})" for f in cm.contact_fields)])
    props = ", ".join(["event_id", "contact_id", "type", "timestamp (UTC)", *cm.event_properties])
    return (
        f"-- leadscore: model {loaded.model.model} version {loaded.model.version_label}, dialect {dialect}\n"
        f"-- scores as of {format_instant(as_of)}; reads two relations:\n"
        f"--   contacts({fields})\n"
        f"--   events({props})  -- one row per event_id; text properties\n"
        "-- typed and checked as `leadscore score` leaves them: `timestamp` a TIMESTAMP, not text;\n"
        "-- no bad rows, no repeated contact_id or event_id (a raw file read as is may not bind)\n"
    )


def _writes_an_input(out_table: str) -> LeadscoreError:
    return LeadscoreError.simple(
        "O004", f"the table {out_table} is one of this run's inputs; writing would replace it",
        "write the scores to another table",
    )  # fmt: skip


def _inputs(contacts: Path | None, events: Path | None, tables: Inputs | None) -> Inputs:
    """The files or the tables; both is C002, as on the command line (not files ignored)."""
    if tables is None:
        return Inputs(contacts=contacts, events=events)
    return replace(tables, contacts=contacts or tables.contacts, events=events or tables.events)
