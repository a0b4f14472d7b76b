"""`leadscore backtest`: replay model versions over a period and compare what they would have done."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.core import ParameterSource

from leadscore.cli.main import CONTACTS, EVENTS, QUIET, STRICT, app, format_option, handle_errors


def _instant(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    from leadscore.durations import parse_instant

    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from leadscore.durations import Duration

    try:
        return Duration.parse_positive(value).micros
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--model",
    "-m",
    "models",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="A model version (give two or more, oldest first).",
)
@CONTACTS
@EVENTS
@click.option(
    "--outcomes",
    type=click.Path(path_type=Path),
    help="Outcomes (contact_id, outcome, timestamp, …): stages they set take precedence.",
)
@click.option(
    "--from",
    "start",
    required=True,
    metavar="DATE",
    callback=_instant,
    help="The first instant of the period (ISO 8601; a date is midnight UTC): every contact is "
    "scored then, and an MQL then is counted 'at start', not as new.",
)
@click.option(
    "--to",
    "end",
    required=True,
    metavar="DATE",
    callback=_instant,
    help="The last instant of the period: every contact is scored then, and the versions are "
    "compared on the band, matrix cell and stage it has at that instant.",
)
@click.option(
    "--tick",
    default="1d",
    show_default=True,
    callback=_duration,
    help="The scheduled evaluation between events (decay moves scores without events): at "
    "multiples of it from 1970-01-01T00:00Z, so 1d is midnight UTC and 7d falls on Thursdays.",
)
@click.option(
    "--sample",
    type=click.IntRange(1),
    help="Replay only this many contacts (a fixed, deterministic sample) on large data.",
)
@click.option(
    "--cutoff",
    metavar="DATE",
    callback=_instant,
    help="Also evaluate each version as of this moment against the outcomes (see `leadscore evaluate`).",
)
@click.option(
    "--horizon",
    default="90d",
    show_default=True,
    help="With --cutoff: the window after the cutoff in which a conversion counts.",
)
@click.option(
    "--positive",
    default="sql,opportunity,won",
    show_default=True,
    help="With --cutoff: the outcomes that count as a conversion.",
)
@STRICT
@QUIET
@format_option
@handle_errors
def backtest(
    models: tuple[Path, ...],
    contacts: Path | None,
    events: Path | None,
    outcomes: Path | None,
    start: int,
    end: int,
    tick: int,
    sample: int | None,
    cutoff: int | None,
    horizon: str,
    positive: str,
    strict: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Replay two or more model versions over a period, side by side.

    Every contact is scored at every evaluation moment of the period — each event's arrival,
    each daily tick, and --from and --to — under each version, and the stage state machine (lead → MQL, recycling,
    outcomes) is replayed. Shows how many MQLs each version would have produced per month, and
    which contacts end the period in another band, matrix cell or stage. With --cutoff, each
    version is also evaluated against the outcomes (AUC, lift, conversion by band), side by side.

    \b
      leadscore backtest -m model_v1.yaml -m model_v2.yaml -c contacts.csv -e events.csv \\
          --outcomes outcomes.csv --from 2026-05-01 --to 2026-11-01
    """
    from leadscore.backtest.run import to_json
    from leadscore.cli.main import make_inputs

    make_inputs(contacts, events, None, None, None)
    assert contacts is not None
    evaluation = None
    given = click.get_current_context().get_parameter_source
    if cutoff is None and any(given(o) is ParameterSource.COMMANDLINE for o in ("horizon", "positive")):
        raise click.UsageError("--horizon and --positive set the evaluation of --cutoff; give --cutoff too")
    if cutoff is not None:
        from leadscore.diagnostics import LeadscoreError
        from leadscore.durations import Duration
        from leadscore.review.evaluate import EvaluationRequest

        if outcomes is None:
            raise LeadscoreError.simple(
                "B003", "--cutoff evaluates against outcomes, but none were given", "add --outcomes FILE"
            )
        try:
            window = Duration.parse(horizon)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--horizon") from None
        wanted = tuple(p.strip().lower() for p in positive.split(",") if p.strip())
        evaluation = EvaluationRequest(outcomes=outcomes, cutoff=cutoff, horizon=window, positive=wanted)
    report = app(quiet).backtest(
        list(models), contacts, events, start, end, outcomes, tick, sample, evaluation, strict
    )
    if fmt == "json":  # the JSON holds the diagnostics
        click.echo(json.dumps(to_json(report), indent=2))
        return
    from leadscore.cli import render as diagnostics
    from leadscore.cli.render_backtest import render

    diagnostics.diagnostics(report.diagnostics)  # bad input rows, on standard error
    click.echo(render(report))


def register(group: click.Group) -> None:
    group.add_command(backtest)
