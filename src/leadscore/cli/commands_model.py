"""Commands about the model itself: validate, schema, compile, init."""

from __future__ import annotations

import json
from pathlib import Path

import click

from leadscore.cli import render
from leadscore.cli.main import MODEL, app, as_of_option, format_option, handle_errors, parse_as_of
from leadscore.diagnostics import LeadscoreError, Severity


@click.command()
@MODEL
@click.option("--no-lint", is_flag=True, help="Only errors; skip the practitioners' lint warnings.")
@click.option("--strict", is_flag=True, help="Treat lint warnings as errors (exit code 1 when any).")
@format_option
@handle_errors
def validate(model: Path, no_lint: bool, strict: bool, fmt: str) -> None:
    """Check a model file and report every problem at once.

    Errors (the model cannot be used) and lint warnings (it can, but practitioners would
    change it) are printed as `file:line:col: CODE: message` with a hint. Exit code 0 when
    the model is valid, 2 when it has errors, 1 with --strict when it has warnings.
    """
    report = app().validate(model, lint=not no_lint)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in report.diagnostics if d.severity is Severity.WARNING]
    passed = report.ok and not (strict and warnings)  # what the exit code says
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": passed,
                    "file": str(model),
                    "diagnostics": [d.to_json() for d in report.diagnostics],
                },
                indent=2,
            )
        )
    else:
        render.diagnostics(report.diagnostics, err=False)
        if report.ok:
            m = report.model
            assert m is not None
            rules = sum(
                len(c.rules) for p in m.programs for d in p.dimensions.values() for c in d.categories.values()
            )
            summary = f"{model}: valid — model {m.model} version {m.version_label}, {len(m.programs)} program(s), {rules} rules"
            if passed:
                click.secho(summary + (f", {len(warnings)} warning(s)" if warnings else ""), fg="green")
            else:
                click.secho(
                    f"{summary}, but {len(warnings)} warning(s), which --strict counts as errors", fg="red"
                )
        else:
            click.secho(f"{model}: {len(errors)} error(s), {len(warnings)} warning(s)", fg="red")
    if errors:
        raise SystemExit(2)
    if strict and warnings:
        raise SystemExit(1)


@click.command()
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@handle_errors
def schema(out: Path | None) -> None:
    """Print the JSON Schema of the model file format (for editors and CI checks).

    \b
    VS Code with the YAML extension: add to the top of a model file
      # yaml-language-server: $schema=./leadscore.schema.json
    after `leadscore schema --out leadscore.schema.json`.
    """
    text = json.dumps(app().json_schema(), indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@click.command(name="compile")
@MODEL
@click.option(
    "--dialect",
    "--engine",
    "-d",
    "dialect",
    type=click.Choice(["duckdb", "postgres", "spark"]),
    default="duckdb",
    show_default=True,
    help="The SQL dialect: the engine that will run the query.",
)
@as_of_option
@click.option("--rules", is_flag=True, help="Add one rule:<id> column per rule.")
@handle_errors
def compile_(model: Path, dialect: str, as_of: str | None, rules: bool) -> None:
    """Print the SQL that scores the model, to read or to run yourself.

    The query reads two relations, `contacts` and `events` (their columns are listed in the
    header comment), and returns one row per contact and program with the output columns of
    `leadscore score`. The moment of scoring is written into the query (--as-of). The relations
    are the data as `score` checks it: fields typed, timestamps as timestamps, no bad rows and
    each id once; a raw file with text timestamps does not bind as it is.
    """
    click.echo(app().compile(model, dialect, parse_as_of(as_of), rules), nl=False)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Overwrite an existing model.yaml.")
@handle_errors
def init(directory: Path, force: bool) -> None:
    """Create a workspace with a commented starter model (model.yaml).

    The starter model follows practitioners' advice: a handful of positive behaviours, a few
    negative ones, fit and engagement budgets in balance, decay with a floor, bands and an
    MQL threshold. Edit it, then `leadscore validate -m model.yaml`.
    """
    from importlib.resources import files

    target = directory / "model.yaml"
    if directory.exists() and not directory.is_dir():
        raise LeadscoreError.simple(
            "I003", f"{directory} is a file; init creates a folder with a model.yaml in it",
            f"name a new or existing folder, such as {directory.with_suffix('')}-scoring",
        )  # fmt: skip
    if target.exists() and not force:
        raise LeadscoreError.simple(
            "I001", f"{target} already exists", "use --force to overwrite it, or pick another folder"
        )
    directory.mkdir(parents=True, exist_ok=True)
    text = files("leadscore.demo").joinpath("starter_model.yaml").read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    click.echo(f"created {target}")
    click.echo("next:")
    click.echo(f"  leadscore validate -m {target}")
    click.echo(
        "  export your contacts and events (CSV, Parquet or JSON Lines; see `leadscore demo` for samples), then:"
    )
    click.echo(f"  leadscore score -m {target} -c contacts.csv -e events.csv --out scores.csv")


def register(group: click.Group) -> None:
    for cmd in (validate, schema, compile_, init):
        group.add_command(cmd)
