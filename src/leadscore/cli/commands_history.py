"""Commands about a model's versions: history, diff, status."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import click

from leadscore.cli import render_history as render
from leadscore.cli.commands_review import REPORT_FORMATS
from leadscore.cli.main import app, format_option, handle_errors

MODEL_GIT = click.option(
    "--model",
    "-m",
    "model",
    type=click.Path(path_type=Path),
    help="A model file in git: its versions are the commits that changed it (following renames).",
)
VERSIONS = click.option(
    "--versions",
    "versions",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="A folder of model files, one per version (*.yaml, *.yml), ordered by their `version`.",
)


HISTORY_FORMATS = {**REPORT_FORMATS, ".csv": "csv"}  # a report's, and a spreadsheet's


@click.command()
@MODEL_GIT
@VERSIONS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "html"]),
    default=None,
    help="text for a terminal, csv for a spreadsheet, html for one self-contained page, json for "
    "programs. Default: from the --out file's name (.html, .json, .csv), else text.",
)
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Write to this file instead of printing.")
@handle_errors
def history(model: Path | None, versions: Path | None, fmt: str | None, out: Path | None) -> None:
    """Show a model's versions side by side: rules as rows, versions as columns.

    Each cell shows a rule's points and options (+3 ½30d ×5/1d) or a setting (budgets, decay,
    bands, gates, the MQL threshold) as that version has it; cells that changed from the
    previous version are marked. Versions come from the git history of one file (-m) or from
    a folder of files (--versions). Versions that do not validate are listed with their errors.
    """
    from leadscore.history.export import to_csv
    from leadscore.history.html import to_html

    if fmt is None:  # as evaluate and journeys do: the file's name says what it holds
        fmt = HISTORY_FORMATS.get(out.suffix.lower(), "text") if out is not None else "text"
    table = app().history(model, versions)
    if fmt == "text":
        if out is None:
            render.history(table)
        else:
            with out.open("w", encoding="utf-8") as f:
                render.history(table, file=f, width=render.full_width(table))
            click.echo(f"wrote {out} ({len(table.versions)} versions, {len(table.rows)} rows)", err=True)
        return
    name = next((v.model.model for v in reversed(table.versions) if v.model), "model")
    text = {
        "json": lambda: json.dumps(table.to_json(), indent=2, ensure_ascii=False) + "\n",
        "csv": lambda: to_csv(table),
        "html": lambda: to_html(table, f"{name}: versions side by side"),
    }[fmt]()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out} ({len(table.versions)} versions, {len(table.rows)} rows)", err=True)


@click.command(name="diff")
@click.argument("a", required=False)
@click.argument("b", required=False)
@MODEL_GIT
@VERSIONS
@format_option
@handle_errors
def diff_(a: str | None, b: str | None, model: Path | None, versions: Path | None, fmt: str) -> None:
    """Say what changed between two versions of a model, rule by rule.

    \b
    A and B are model files, or, with -m FILE or --versions DIR, versions:
      leadscore diff old.yaml new.yaml           two files
      leadscore diff 3 4 --versions versions/    version labels (or file names)
      leadscore diff 3 HEAD -m model.yaml        version labels or commits (sha, HEAD~1, tag)
      leadscore diff 3 -m model.yaml             version 3 against the file as it is now
      leadscore diff -m model.yaml               the last two versions
    """
    result = app().diff(a, b, model, versions)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render.diff(result))


@click.command()
@click.option(
    "--model", "-m", "model", required=True, type=click.Path(path_type=Path), help="The model file in use."
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Compute the status as of this day (UTC) instead of today, for reproducible output.",
)
@click.option("--check", is_flag=True, help="Exit with code 1 when a review is overdue (for CI).")
@format_option
@handle_errors
def status(model: Path, today: str | None, check: bool, fmt: str) -> None:
    """Say when the model's next review is due, from its review setting.

    The schedule counts from the day the version in use went live: review.since in the model,
    else (in git) the first commit with the current version, else the model's date, else the
    file's modification time. The first review is due `first_after` later, then every `every`.
    Exit code 0; with --check, 1 when a review is overdue (a review due today is not overdue).
    """
    result = app().review_status(model, _day(today))
    if fmt == "json":
        click.echo(json.dumps({**result.to_json(), "advice": render.advice(result)}, indent=2))
    else:
        click.echo(render.status(result))
    if check and result.review.overdue:
        raise SystemExit(1)


def _day(text: str | None) -> date:
    if text is None:
        return datetime.now(UTC).date()
    from leadscore.durations import day_in_range, outside_years

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a date such as 2026-01-15", param_hint="--today") from None
    if not day_in_range(day):
        raise click.BadParameter(outside_years(text), param_hint="--today")
    return day


def register(group: click.Group) -> None:
    for cmd in (history, diff_, status):
        group.add_command(cmd)
