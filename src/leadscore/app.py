"""The application object: every operation leadscore offers, for the CLI, the API and tests.

Shells (the CLI today, the HTTP service later) parse input, call this object and render what
it returns; no domain logic lives in them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadscore.compiled import compile_model
from leadscore.compiled.ir import CompiledModel
from leadscore.data.loading import ContactSpec, load_inputs, run, scalar
from leadscore.data.report import LoadReport
from leadscore.diagnostics import Diagnostic, LeadscoreError, Severity
from leadscore.model.loader import LoadedModel, ValidationReport, load_model, validate_file
from leadscore.output.columns import Layout, layout
from leadscore.output.writers import duckdb_copy_options, output_format
from leadscore.progress import Progress, Silent
from leadscore.records import Contact, Event
from leadscore.sql.dialects import get_dialect
from leadscore.sql.query import build_score_query

if TYPE_CHECKING:
    from leadscore.demo.workspace import DemoResult


@dataclass
class ScoreResult:
    rows: int
    contacts: int
    programs: int
    out: Path | None
    report: LoadReport
    seconds: float
    model_version: str
    as_of: int
    warnings: list[Diagnostic] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)


class Session:
    """A model with its data loaded into an engine: score, explain, query."""

    def __init__(self, loaded: LoadedModel, engine: Any, report: LoadReport) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.compiled: CompiledModel = compile_model(loaded.model)
        self.engine = engine
        self.report = report

    def score_sql(self, as_of: int, rules: bool = False, contacts_relation: str = "contacts") -> str:
        from leadscore.sql.query import Relations

        lay = layout(self.model, rules)
        sql: str = self.engine.score_sql(self.compiled, lay, as_of, Relations(contacts=contacts_relation))
        return sql

    def score_to(self, out: Path | None, as_of: int, rules: bool = False) -> tuple[int, list[dict[str, Any]]]:
        """Write scores to `out` (or keep them in a table); return the row count and a preview."""
        sql = self.score_sql(as_of, rules)
        con = self.engine.con
        run(con, f"CREATE OR REPLACE TEMP TABLE scores AS {sql}")
        n = int(scalar(con, "SELECT count(*) FROM scores"))
        if out is not None:
            fmt = output_format(out)
            tmp = out.with_name(f".{out.name}.tmp")
            run(con, f"COPY scores TO '{_sql_path(tmp)}' {duckdb_copy_options(fmt)}")
            tmp.replace(out)  # atomic: readers never see a half-written file
        return n, []

    def scores(self) -> Any:
        return self.engine.con.sql("SELECT * FROM scores")

    def contact_records(self, contact_id: str) -> tuple[Contact, list[Event]]:
        con = self.engine.con
        cur = con.execute("SELECT * FROM contacts WHERE contact_id = ?", [contact_id])
        row = cur.fetchone()
        names = [d[0] for d in cur.description]
        cur.fetchall()
        if row is None:
            raise LeadscoreError.simple(
                "X001", f"no contact '{contact_id}' in the contacts file", "check the contact_id"
            )
        values = dict(zip(names, row, strict=True))
        contact = Contact(
            contact_id, {k: v for k, v in values.items() if k != "contact_id" and v is not None}
        )
        props = self.compiled.event_properties
        cols = ", ".join(['"event_id"', '"type"', 'epoch_us("timestamp") AS ts', *(f'"{p}"' for p in props)])
        evs = con.execute(
            f"SELECT {cols} FROM events WHERE contact_id = ? ORDER BY ts DESC, event_id", [contact_id]
        ).fetchall()
        events = [Event(e[0], contact_id, e[1], int(e[2]), dict(zip(props, e[3:], strict=True))) for e in evs]
        return contact, events

    def close(self) -> None:
        self.engine.close()


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
        lay: Layout = layout(loaded.model, rules)
        sql = d.render(build_score_query(cm, lay, as_of, d))
        return _compile_header(loaded, cm, dialect, as_of) + sql + ";\n"

    # -- data and scoring -----------------------------------------------------------------------

    def open(self, model_path: Path, contacts: Path, events: Path | None, strict: bool = False) -> Session:
        from leadscore.engines.duckdb_engine import DuckDBEngine

        loaded = load_model(model_path)
        cm = compile_model(loaded.model)
        engine = DuckDBEngine()
        try:
            spec = ContactSpec({**loaded.model.fields, **{f.name: f.kind for f in cm.contact_fields}})
            report = load_inputs(
                engine.con, contacts, events, spec, cm.event_properties, step=self.progress.step
            )
        except BaseException:
            engine.close()
            raise
        if strict and report.bad_total:
            engine.close()
            errors = [
                Diagnostic(d.code, d.message, d.location, d.hint, Severity.ERROR)
                for d in report.diagnostics()
                if d.code in ("D100", "D101")
            ]
            raise LeadscoreError(
                [
                    *errors,
                    Diagnostic(
                        "D199",
                        f"{report.bad_total} bad rows and --strict is on",
                        hint="fix the rows, or run without --strict to skip them",
                    ),
                ]
            )
        return Session(loaded, engine, report)

    def score(
        self,
        model_path: Path,
        contacts: Path,
        events: Path | None,
        as_of: int,
        out: Path | None,
        rules: bool = False,
        strict: bool = False,
    ) -> ScoreResult:
        started = time.perf_counter()
        if out is not None:
            output_format(out)  # fail early on a bad output name, before any work
        session = self.open(model_path, contacts, events, strict)
        try:
            self.progress.step("scoring")
            n, preview = session.score_to(out, as_of, rules)
            contacts_n = session.report.files[0].loaded
            return ScoreResult(
                rows=n,
                contacts=contacts_n,
                programs=len(session.model.programs),
                out=out,
                report=session.report,
                seconds=time.perf_counter() - started,
                model_version=session.model.version_label,
                as_of=as_of,
                warnings=session.loaded.warnings,
                preview=preview,
            )
        finally:
            session.close()
            self.progress.done()

    def explain(
        self,
        model_path: Path,
        contacts: Path,
        events: Path | None,
        contact_id: str,
        as_of: int,
        program: str | None = None,
    ) -> list[dict[str, Any]]:
        from leadscore.explain import explanation
        from leadscore.output.columns import row_from_result
        from leadscore.reference.evaluator import evaluate_contact

        session = self.open(model_path, contacts, events)
        try:
            self.progress.step(f"explaining {contact_id}")
            contact, evs = session.contact_records(contact_id)
            results = evaluate_contact(session.model, contact, evs, as_of)
            if program is not None:
                results = [r for r in results if r.program == program]
                if not results:
                    raise LeadscoreError.simple(
                        "X002", f"contact '{contact_id}' is not scored by program '{program}'"
                    )
            # the engine's own row for this contact must agree with the explanation
            con = session.engine.con
            run(
                con,
                "CREATE OR REPLACE TEMP VIEW one_contact AS SELECT * FROM contacts WHERE contact_id = "
                + _sql_text(contact_id),
            )
            engine_rows = {
                r["program"]: r
                for r in con.sql(session.score_sql(as_of, True, "one_contact")).to_arrow_table().to_pylist()
            }
            out = []
            for res in results:
                exp = explanation(res, session.model.version_label)
                ref_row = row_from_result(session.model, res, rules=True)
                eng = engine_rows.get(res.program)
                exp["engine_agrees"] = (
                    eng is not None
                    and eng["score"] == ref_row["score"]
                    and eng["points"] == ref_row["points"]
                )
                exp["engine_score"] = eng["score"] if eng else None
                out.append(exp)
            return out
        finally:
            session.close()
            self.progress.done()

    # -- the demo -------------------------------------------------------------------------------

    def demo(self, directory: Path, contacts: int = 5000, seed: int = 7, force: bool = False) -> DemoResult:
        from leadscore.demo import workspace
        from leadscore.durations import parse_instant

        started = time.perf_counter()
        self.progress.step("generating a sample B2B funnel")
        model, data = workspace.prepare(directory, contacts, seed, force)
        session = self.open(model, data.contacts_csv, data.events_csv)
        try:
            self.progress.step("scoring")
            scores = directory / "scores.csv"
            rows, _ = session.score_to(scores, parse_instant(data.as_of), rules=True)
            con = session.engine.con
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


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def _sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _compile_header(loaded: LoadedModel, cm: CompiledModel, dialect: str, as_of: int) -> str:
    from leadscore.durations import format_instant

    fields = ", ".join(["contact_id", *(f"{f.name} ({f.kind})" for f in cm.contact_fields)])
    props = ", ".join(["event_id", "contact_id", "type", "timestamp (UTC)", *cm.event_properties])
    return (
        f"-- leadscore: model {loaded.model.model} version {loaded.model.version_label}, dialect {dialect}\n"
        f"-- scores as of {format_instant(as_of)}; reads two relations:\n"
        f"--   contacts({fields})\n"
        f"--   events({props})  -- one row per event_id; text properties\n"
    )
