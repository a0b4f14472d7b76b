"""Commands that read data: score and explain."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import click

from leadscore.cli import render
from leadscore.cli.main import (
    CONTACTS,
    EVENTS,
    MODEL,
    QUIET,
    app,
    as_of_option,
    engine_options,
    format_option,
    handle_errors,
    make_engine,
    make_inputs,
    parse_as_of,
)


@click.command()
@MODEL
@CONTACTS
@EVENTS
@engine_options
@as_of_option
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Write scores here: .csv, .parquet or .jsonl. Default: CSV on standard output.",
)
@click.option(
    "--out-table", metavar="NAME", help="Write scores to this table in the engine, replacing it atomically."
)
@click.option("--rules", is_flag=True, help="Add one rule:<rule id> column per rule with its value.")
@click.option(
    "--strict", is_flag=True, help="Any bad input row is an error (exit code 2) instead of a reported skip."
)
@QUIET
@format_option
@handle_errors
def score(
    model: Path,
    contacts: Path | None,
    events: Path | None,
    engine: str,
    db: str | None,
    spark_master: str | None,
    contacts_table: str | None,
    events_table: str | None,
    order_by: str | None,
    as_of: str | None,
    out: Path | None,
    out_table: str | None,
    rules: bool,
    strict: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Score every contact with the model, as of a moment.

    Writes one row per contact and program: contact_id, program, score, points,
    <dimension>_points…, qualified, gates_met, <dimension>_band…, band, matrix, mql_eligible,
    model_version, as_of (and rule:<id>… with --rules).

    Bad input rows (an unparseable timestamp, a value of the wrong type, a missing
    contact_id) are reported with file and line and skipped; the good rows are scored.

    \b
    Engines:
      leadscore score -m model.yaml -c contacts.csv -e events.csv --out scores.csv
      leadscore score -m model.yaml --engine postgres --db postgresql://u@host/crm \\
          --contacts-table crm.contacts --events-table crm.events --out-table crm.lead_scores
      leadscore score -m model.yaml --engine spark --spark local[4] -c contacts/ -e events/ --out scores.parquet
    """
    inputs = make_inputs(contacts, events, contacts_table, events_table, order_by)
    application = app(quiet)
    to_stdout = out is None and out_table is None
    target = out
    tmpdir = None
    if to_stdout:
        tmpdir = tempfile.mkdtemp(prefix="leadscore-")
        target = Path(tmpdir) / "scores.csv"
    try:
        result = application.score(
            model, None, None, parse_as_of(as_of), target, rules=rules, strict=strict,
            engine=make_engine(engine, db, spark_master), tables=inputs, out_table=out_table,
        )  # fmt: skip
        if to_stdout and target is not None:
            with open(target, encoding="utf-8") as f:
                shutil.copyfileobj(f, sys.stdout)
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    diags = result.report.diagnostics()
    if fmt == "json":
        summary = {
            "ok": True,
            "rows": result.rows,
            "contacts": result.contacts,
            "programs": result.programs,
            "engine": result.engine,
            "out": str(out) if out else None,
            "out_table": out_table,
            "model_version": result.model_version,
            "seconds": round(result.seconds, 3),
            "input": result.report.to_json(),
            "diagnostics": [d.to_json() for d in diags],
        }
        click.echo(json.dumps(summary, indent=2), err=to_stdout)
        return
    render.diagnostics(diags)  # bad input rows are always reported, even with --quiet
    if not quiet:
        render.lint_summary(result.warnings, model)
        where = f" → {out}" if out else ""
        where += f" → table {out_table}" if out_table else ""
        click.secho(
            f"scored {result.contacts:,} contacts ({result.rows:,} rows, {result.programs} program(s)) on {result.engine} in {result.seconds:.1f} s{where}",
            fg="green",
            err=True,
        )


@click.command()
@MODEL
@CONTACTS
@EVENTS
@engine_options
@click.option(
    "--contact",
    "contact_id",
    required=True,
    multiple=True,
    help="The contact_id to explain (one; `leadscore journeys` takes several).",
)
@click.option("--program", help="Only this program (default: every program the contact is scored by).")
@as_of_option
@QUIET
@format_option
@handle_errors
def explain(
    model: Path,
    contacts: Path | None,
    events: Path | None,
    engine: str,
    db: str | None,
    spark_master: str | None,
    contacts_table: str | None,
    events_table: str | None,
    order_by: str | None,
    contact_id: tuple[str, ...],
    program: str | None,
    as_of: str | None,
    quiet: bool,
    fmt: str,
) -> None:
    """Explain one contact's score, point by point.

    Shows every rule's value; the events that counted with their age and decayed points; the
    events a limit or once_per dropped; clamps to budgets; inactivity decay; gates; bands and
    the matrix cell. The numbers add up to the score, which is checked against the engine's.
    """
    if len(contact_id) > 1:  # click kept the last silently
        raise click.UsageError(
            f"--contact is given {len(contact_id)} times; explain takes one contact "
            "(leadscore journeys shows several)"
        )
    (contact,) = contact_id
    inputs = make_inputs(contacts, events, contacts_table, events_table, order_by)
    found = app(quiet).explain(
        model,
        None,
        None,
        contact,
        parse_as_of(as_of),
        program,
        engine=make_engine(engine, db, spark_master),
        tables=inputs,
    )
    results = found.explanations
    diags = found.report.diagnostics()
    if fmt == "json":
        # one program's explanation is the object itself (as before); the data's diagnostics
        # (bad rows, which may be why an event is missing) go with every explanation
        for r in results:
            r["diagnostics"] = [d.to_json() for d in diags]
        click.echo(json.dumps(results if len(results) != 1 else results[0], indent=2))
        return
    render.diagnostics(diags)  # bad input rows are always reported, even with --quiet
    if not results:
        click.echo(f"{contact} is not scored by any program (applies_to excludes it)")
    for r in results:
        click.echo(render.explanation(r))


def register(group: click.Group) -> None:
    for cmd in (score, explain):
        group.add_command(cmd)
