"""`leadscore`: score leads with an explainable model kept in YAML.

Every command is a thin shell over :class:`leadscore.app.Application`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from itertools import pairwise
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from leadscore import __version__
from leadscore.diagnostics import INTERRUPTED, LeadscoreError

F = TypeVar("F", bound=Callable[..., Any])


def as_of_option(func: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        metavar="INSTANT",
        help="Score as of this moment (ISO 8601, e.g. 2026-01-01T00:00:00Z; naive is UTC). Events after it do not exist yet. Default: now.",
    )(func)


def parse_as_of(value: str | None) -> int:
    from leadscore.durations import parse_instant, to_micros

    if value is None:
        return to_micros(datetime.now(UTC).replace(microsecond=0))
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--as-of") from None


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text for people, json for programs (the same error shape as the API).",
    )(func)


def handle_errors(func: F) -> F:
    """User mistakes become a message and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.get("fmt", "text")
        try:
            return func(*args, **kwargs)
        except LeadscoreError as exc:
            _fail(exc, fmt)
        except KeyboardInterrupt:
            _interrupted()
        except RuntimeError as exc:
            if str(exc) != INTERRUPTED:
                raise
            _interrupted()
        except BrokenPipeError:
            pipe_closed()
        except OSError as exc:  # a path the user gave that cannot be written (or read)
            from leadscore.output.paths import cannot_write

            _fail(cannot_write(str(exc.filename or ""), exc, verb="use"), fmt)

    return wrapper  # type: ignore[return-value]


def _fail(exc: LeadscoreError, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(exc.to_json(), indent=2))
    else:
        from leadscore.cli import render

        render.diagnostics(exc.diagnostics)
    sys.exit(exc.exit_code)


PIPE_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for a tool the pipe's reader left


def pipe_closed() -> NoReturn:
    """The reader of standard output went away (`leadscore score … | head`): stop quietly, as
    Unix tools do, with no error message (nothing is wrong) and the exit code of SIGPIPE."""
    with contextlib.suppress(OSError):  # nothing more reaches the closed pipe, not even a flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(PIPE_CLOSED)


def _interrupted() -> None:
    click.echo("interrupted", err=True)
    sys.exit(130)


def app(quiet: bool = False) -> Any:
    from leadscore.app import Application
    from leadscore.cli.progress import progress_for

    return Application(progress_for(quiet))


MODEL = click.option(
    "--model", "-m", "model", required=True, type=click.Path(path_type=Path), help="The model file (YAML)."
)
CONTACTS = click.option(
    "--contacts",
    "-c",
    type=click.Path(path_type=Path),
    help="Contacts: CSV, Parquet or JSON Lines with a contact_id column: a file, or a folder of Parquet parts (subfolders and Hive partitions included).",
)
EVENTS = click.option(
    "--events",
    "-e",
    type=click.Path(path_type=Path),
    help="Events: CSV, Parquet or JSON Lines with event_id, contact_id, type, timestamp and properties (as columns or one JSON properties column).",
)


def engine_options(func: F) -> F:
    """--engine, --db, --spark and the table inputs, shared by score and explain."""
    from leadscore.engines import ENGINES  # not the session: --help stays light

    options = [
        click.option("--engine", type=click.Choice(ENGINES), default="duckdb", show_default=True, envvar="LEADSCORE_ENGINE",
                     help="Where to score: duckdb (embedded), postgres or spark. Env: LEADSCORE_ENGINE."),
        click.option("--db", envvar="LEADSCORE_DB", metavar="URL|FILE",
                     help="postgres: postgresql://user@host:5432/database; duckdb: a database file (default: in memory). Env: LEADSCORE_DB."),
        click.option("--spark", "spark_master", envvar="LEADSCORE_SPARK", metavar="MASTER",
                     help="spark: the master, e.g. local[2] (default local[*]) or spark://host:7077. Env: LEADSCORE_SPARK."),
        click.option("--contacts-table", metavar="NAME", help="Read contacts from this table or view in the engine instead of a file."),
        click.option("--events-table", metavar="NAME", help="Read events from this table or view in the engine instead of a file."),
        click.option("--order-by", metavar="COLUMN",
                     help="With --events-table: the column giving input order, so the first of duplicate event_ids counts (default: the earliest timestamp)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def make_inputs(
    contacts: Path | None,
    events: Path | None,
    contacts_table: str | None,
    events_table: str | None,
    order_by: str | None,
) -> Any:
    from leadscore.session import Inputs

    inputs = Inputs(contacts, events, contacts_table, events_table, order_by)
    inputs.check()
    return inputs


def make_engine(engine: str, db: str | None, spark_master: str | None) -> Any:
    from leadscore.session import EngineOptions

    return EngineOptions(engine, db, spark_master)


STRICT = click.option("--strict", is_flag=True, help="Any bad input row (in any of the files) is an error.")
QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress display and no summary.")


def wants_json(args: list[str]) -> bool:
    """`--format json` (or `--format=json`) is on the command line, even one that fails to parse."""
    return "--format=json" in args or any(pair == ("--format", "json") for pair in pairwise(args))


def usage_error(exc: click.UsageError, argv: list[str] | None = None) -> LeadscoreError:
    """A command line click cannot parse, as one line with a code, like every other mistake."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "leadscore"
    if ctx is None:  # `validate -m` with no value: click gives no context; name the command
        named = next((w for w in argv or [] if w in cli.commands), None)
        command = f"leadscore {named}" if named else command
    message = exc.format_message().replace("\n", " ")
    hint = f"{command} --help lists its options"
    if isinstance(exc, click.MissingParameter) and isinstance(exc.param, click.Option) and ctx is not None:
        # `leadscore validate model.yaml`: the value is there, without its option
        stray = _bare_words(ctx.command, argv or [], ctx.info_name)
        if stray:
            option = max(exc.param.opts, key=len)
            hint = f"{stray[0]} is given without an option; did you mean {option} {stray[0]}?"
    elif message.startswith("Got unexpected extra argument"):
        hint = f"every value follows its option (--contacts FILE, …); {hint}"
    elif isinstance(exc, click.NoSuchOption) and ctx is not None and _is_short(exc.option_name):
        # `backtest -o outcomes.csv`: -o is --out elsewhere, and this command has no short form
        longer = sorted(
            o for p in ctx.command.params for o in p.opts if o.startswith("--" + exc.option_name[1])
        )
        if longer:
            hint = f"did you mean {' or '.join(longer)}? {hint}"
    return LeadscoreError.simple("C007", f"{command}: {message}", hint)


def _is_short(option: str) -> bool:
    return len(option) == 2 and option[0] == "-" and option[1] != "-"


def _bare_words(command: click.Command, argv: list[str], name: str | None) -> list[str]:
    """The words after the command's name that are neither options nor an option's value."""
    takes_value = {
        o
        for p in command.params
        if isinstance(p, click.Option) and not p.is_flag and not p.count
        for o in (*p.opts, *p.secondary_opts)
    }
    words = argv[argv.index(name) + 1 :] if name in argv else []
    bare: list[str] = []
    skip = False
    for w in words:
        if skip:
            skip = False
        elif w in takes_value:
            skip = True
        elif not w.startswith("-"):
            bare.append(w)
    return bare


class LeadscoreGroup(click.Group):
    """Reports an unparseable command line (unknown option, missing or bad value) as C007 on
    one line, or as JSON with --format json, instead of click's usage block."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, False, **extra)
        except BrokenPipeError:  # (also while writing an error or help)
            pipe_closed()
        except click.exceptions.NoArgsIsHelpError as exc:  # `leadscore` alone: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            _fail(usage_error(exc, argv), "json" if wants_json(argv) else "text")
        except click.ClickException as exc:  # a file click itself opens, say
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(
    cls=LeadscoreGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="leadscore")
def cli() -> None:
    """Explainable lead scoring: a model in YAML, scores in SQL, every point accounted for.

    \b
    Start here:
      leadscore demo                      a sample funnel, scored, with next steps
      leadscore init my-scoring           a new workspace with a commented model
      leadscore validate -m model.yaml    check a model: every problem, with file:line:col
      leadscore score -m model.yaml -c contacts.csv -e events.csv --out scores.csv
      leadscore explain -m model.yaml -c contacts.csv -e events.csv --contact c-0042
    """
    if os.environ.get("NO_COLOR"):  # https://no-color.org: no ANSI colours, even on a terminal
        click.get_current_context().color = False


from leadscore.cli import (  # noqa: E402
    commands_backtest,
    commands_demo,
    commands_history,
    commands_model,
    commands_review,
    commands_score,
)

commands_demo.register(cli)
commands_model.register(cli)
commands_score.register(cli)
commands_review.register(cli)
commands_history.register(cli)
commands_backtest.register(cli)


def main() -> None:
    cli(prog_name="leadscore")


if __name__ == "__main__":  # pragma: no cover
    main()
