"""The review loop's commands: evaluate and journeys."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from leadscore.cli import render
from leadscore.cli.main import EVENTS, MODEL, QUIET, STRICT, app, handle_errors
from leadscore.diagnostics import LeadscoreError
from leadscore.output.paths import check_target

REPORT_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".txt": "text", ".md": "text"}


def _instant(value: str, option: str) -> int:
    from leadscore.durations import parse_instant

    try:
        return parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _duration(value: str, option: str = "--horizon") -> object:
    from leadscore.model.base import parse_positive_duration

    try:
        return parse_positive_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def report_format(fmt: str | None, out: Path | None, inputs: Iterable[Path | None] = ()) -> str:
    """The report's format; also checks, before any work, that `out` can be written and is
    none of the `inputs`."""
    if out is not None:
        check_target(out, inputs, missing_folder="R004")
    if fmt is not None:
        return fmt
    if out is None:
        return "text"
    found = REPORT_FORMATS.get(out.suffix.lower())
    if found is None:
        raise LeadscoreError.simple(
            "R003",
            f"cannot tell the report format from the name {out.name}",
            "end it in .html, .json or .txt, or give --format",
        )
    return found


CONTACTS = click.option(
    "--contacts",
    "-c",
    required=True,
    type=click.Path(path_type=Path),
    help="Contacts: CSV, Parquet or JSON Lines with a contact_id column (and created_at, when known).",
)
OUT = click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the report to this file (.html, .json or .txt) instead of standard output.",
)


def emit(
    report: Any, kind: str, out: Path | None, html: Callable[[Any], str], text: Callable[[Any], str]
) -> bool:
    """Render the report as `kind`, then print it or write it to `out`; True when written.

    Bad input rows are reported on standard error, except when JSON goes to standard output
    (the JSON holds them)."""
    rendered = (
        json.dumps(report.to_json(), indent=2) + "\n"
        if kind == "json"
        else html(report)
        if kind == "html"
        else text(report)
    )
    if kind != "json" or out is not None:
        render.diagnostics(report.diagnostics)
    if out is None:
        sys.stdout.write(rendered)
        return False
    _write(out, rendered)
    return True


def _write(out: Path, text: str) -> None:
    check_target(out, missing_folder="R004")
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)  # readers never see half a report


@click.command()
@MODEL
@CONTACTS
@EVENTS
@click.option(
    "--outcomes",
    required=True,
    type=click.Path(path_type=Path),
    help="Outcomes: contact_id, outcome (sal, sql, opportunity, won, lost, disqualified), timestamp (optional: label only), value, reason.",
)
@click.option(
    "--feedback",
    type=click.Path(path_type=Path),
    help="Sales feedback: contact_id, verdict (accepted or rejected), reason, note, timestamp.",
)
@click.option(
    "--cutoff",
    required=True,
    metavar="INSTANT",
    help="Score as of this moment (ISO 8601; naive is UTC): only the events up to it count.",
)
@click.option(
    "--horizon",
    required=True,
    metavar="DURATION",
    help="How long after the cutoff an outcome counts as a conversion: 90d, 12w, …",
)
@click.option(
    "--positive",
    default="sql,opportunity,won",
    show_default=True,
    metavar="OUTCOMES",
    help="The outcomes that count as converting, separated by commas.",
)
@click.option("--program", help="Only this program (default: every program of the model).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    help="text for a terminal, json for programs, html for a report with charts. Default: from --out's name, else text.",
)
@OUT
@STRICT
@QUIET
@handle_errors
def evaluate(
    model: Path,
    contacts: Path,
    events: Path | None,
    outcomes: Path,
    feedback: Path | None,
    cutoff: str,
    horizon: str,
    positive: str,
    program: str | None,
    fmt: str | None,
    out: Path | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Evaluate the model against what happened after a cutoff.

    Scores every contact as of --cutoff with only the events up to it, and labels it by what
    happened in the --horizon after it: a contact converts when it reaches one of the --positive
    outcomes in (cutoff, cutoff + horizon]. Contacts that had already converted at the cutoff,
    and contacts created after it, are left out. Outcomes without a timestamp count as labels.

    Reports: average points of converters and non-converters; ROC AUC; gains and lift at the top
    10 % and 20 %; conversion per decile, band and matrix cell; the MQL funnel; sales acceptance
    of MQLs (with --feedback); each rule's firings, lift and a suggestion; and the low-scored
    leads that converted and the high-scored ones that did not, with their journeys.

    \b
      leadscore evaluate -m model.yaml -c contacts.csv -e events.csv --outcomes outcomes.csv \\
          --cutoff 2026-08-01 --horizon 90d --out report.html
    """
    from leadscore.review.evaluate import EvaluationRequest

    kind = report_format(fmt, out, [contacts, events, outcomes, feedback])
    request = EvaluationRequest(
        outcomes=outcomes,
        cutoff=_instant(cutoff, "--cutoff"),
        horizon=_duration(horizon),  # type: ignore[arg-type]
        positive=tuple(positive.split(",")),
        feedback=feedback,
        program=program,
        strict=strict,
    )
    from leadscore.review.html import render_html
    from leadscore.review.text import render as render_text

    report = app(quiet).evaluate(model, contacts, events, request)
    if emit(report, kind, out, render_html, render_text) and not quiet:
        for p in report.programs:
            top10 = p.top_share(0.1)
            lift = top10.lift if top10 else None
            click.secho(
                f"program {p.program}: {p.population.evaluated:,} contacts, {p.population.converters:,} converters, "
                f"AUC {'—' if p.auc is None else f'{p.auc:.3f}'}, "
                f"lift at the top 10 % {'—' if lift is None else f'{lift:.2f}×'}",
                err=True,
            )
        click.secho(f"wrote the {kind} report to {out} in {report.seconds:.1f} s", fg="green", err=True)


@click.command()
@MODEL
@CONTACTS
@EVENTS
@click.option(
    "--outcomes",
    type=click.Path(path_type=Path),
    help="Outcomes (contact_id, outcome, timestamp, value, reason): where the won and lost deals come from.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="INSTANT",
    help="Show the journeys up to this moment (ISO 8601; naive is UTC); nothing after it is read. Default: now.",
)
@click.option(
    "--period",
    default="90d",
    show_default=True,
    metavar="DURATION",
    help="The recent leads were created, and the deals won or lost, in this long before --as-of.",
)
@click.option(
    "--sample", default=10, show_default=True, type=click.IntRange(1, 1000), help="Contacts per group."
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    type=int,
    help="Which sample: the same seed shows the same contacts on every run; change it for another draw.",
)
@click.option(
    "--contact",
    "contact_ids",
    multiple=True,
    metavar="ID",
    help="Show this contact instead of a sample (repeat for several).",
)
@click.option("--program", help="The program whose score is shown (default: the model's first).")
@click.option(
    "--show-events",
    default=30,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="The most recent events listed per contact (the curve always uses all of them).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    help="text for a terminal, json for programs, html for a page with the score curves. Default: from --out's name, else text.",
)
@OUT
@STRICT
@QUIET
@handle_errors
def journeys(
    model: Path,
    contacts: Path,
    events: Path | None,
    outcomes: Path | None,
    as_of: str | None,
    period: str,
    sample: int,
    seed: int,
    contact_ids: tuple[str, ...],
    program: str | None,
    show_events: int,
    fmt: str | None,
    out: Path | None,
    strict: bool,
    quiet: bool,
) -> None:
    """The journeys of recent leads, won deals and lost deals: events and score curves.

    For a sample of each group (ten by default) shows every contact's timeline: its events,
    newest first, with the points each one added and the rules it passes; its score curve from
    a week before its first event to --as-of (at every event and every day, computed by the same
    query as `score`); its outcomes; and for lost deals, the last actions before the deal was
    lost and how long the lead had been quiet.

    \b
    recent leads  created in the --period before --as-of, not won, lost or disqualified
    won deals     a won outcome in the period
    lost deals    a lost outcome in the period (and no won)

    \b
      leadscore journeys -m model.yaml -c contacts.csv -e events.csv --outcomes outcomes.csv \\
          --as-of 2026-11-01 --out journeys.html
      leadscore journeys -m model.yaml -c contacts.csv -e events.csv --contact c00042
    """
    from leadscore.cli.main import parse_as_of
    from leadscore.journeys.build import JourneysRequest

    kind = report_format(fmt, out, [contacts, events, outcomes])
    request = JourneysRequest(
        as_of=parse_as_of(as_of),
        period=_duration(period, "--period"),  # type: ignore[arg-type]
        outcomes=outcomes,
        sample=sample,
        seed=seed,
        contacts=contact_ids,
        program=program,
        events_shown=show_events,
        strict=strict,
    )
    from leadscore.journeys.html import render_html
    from leadscore.journeys.text import render as render_text

    report = app(quiet).journeys(model, contacts, events, request)
    if emit(report, kind, out, render_html, render_text) and not quiet:
        shown = ", ".join(f"{len(g.journeys)} {g.title}" for g in report.groups)
        click.secho(
            f"wrote the {kind} journeys ({shown}) to {out} in {report.seconds:.1f} s", fg="green", err=True
        )


def register(group: click.Group) -> None:
    group.add_command(evaluate)
    group.add_command(journeys)
