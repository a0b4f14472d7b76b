"""`leadscore demo`: a sample funnel, scored, with the hottest leads explained and next steps."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from leadscore.cli.main import app, handle_errors


@click.command()
@click.argument("directory", type=click.Path(path_type=Path), default="leadscore-demo")
@click.option(
    "--contacts",
    "contacts",
    type=click.IntRange(100, 1_000_000),
    default=5000,
    show_default=True,
    help="How many contacts to generate (about 35 events each).",
)
@click.option(
    "--seed", type=int, default=7, show_default=True, help="Random seed: the same seed gives the same data."
)
@click.option("--force", is_flag=True, help="Overwrite the demo files in an existing folder.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display (the demo's report is still printed).")
@handle_errors
def demo(directory: Path, contacts: int, seed: int, force: bool, quiet: bool) -> None:
    """Create a sample workspace, score it and show the ten hottest leads.

    The workspace (default ./leadscore-demo) holds a sample model (model.yaml) and a
    generated B2B funnel over six months: contacts.csv, events.csv (email bots, careers-page
    visitors, interest that fades) and outcomes.csv (deals won and lost). The scores go to
    scores.csv.
    """
    from rich.console import Console
    from rich.table import Table

    result = app(quiet).demo(directory, contacts=contacts, seed=seed, force=force)
    console = Console()
    d = result.data
    console.print(
        f"[bold]leadscore demo[/bold] — {d.contacts:,} contacts, {d.events:,} events, {d.outcomes:,} outcomes "
        f"in {directory}/, scored as of {result.as_of} in {result.seconds:.1f} s",
        soft_wrap=True,  # a path is never broken in two (a pipe's 80 columns broke it)
    )
    table = Table(title="The ten hottest leads", title_justify="left", show_lines=False)
    for col, kw in (
        ("#", {"justify": "right"}),
        ("contact", {}),
        ("who", {}),
        ("score", {"justify": "right"}),
        ("cell", {}),
        ("MQL", {}),
        ("why (top rules)", {}),
    ):
        table.add_column(col, **kw)  # type: ignore[arg-type]
    for i, lead in enumerate(result.hottest, start=1):
        who = ", ".join(x for x in (lead.name, lead.job_title, lead.company) if x)
        why = ", ".join(f"{rule} {points:+g}" for rule, points in lead.reasons)
        table.add_row(
            str(i),
            lead.contact_id,
            who,
            str(lead.score),
            lead.matrix or "-",
            "yes" if lead.mql_eligible else "",
            why,
        )
    console.print(table)
    cells = "  ".join(f"{k}:{v}" for k, v in sorted(result.matrix_counts.items()))
    console.print(f"{result.mql} MQL-eligible contacts. Contacts per matrix cell: {cells}", soft_wrap=True)
    top = result.hottest[0].contact_id if result.hottest else "<contact_id>"
    base = f"-m {shlex.quote(str(result.model))} -c {shlex.quote(str(d.contacts_csv))} -e {shlex.quote(str(d.events_csv))}"
    steps = [
        (
            f"see why {top} is on top, point by point:",
            f"leadscore explain {base} --contact {top} --as-of {result.as_of}",
        ),
        ("read the model and its lint advice:", f"leadscore validate -m {shlex.quote(str(result.model))}"),
        (
            f"change a rule's points in {result.model}, then score again:",
            f"leadscore score {base} --as-of {result.as_of} --out {shlex.quote(str(result.scores))}",
        ),
        (
            "check the model against the outcomes (an HTML report):",
            f"leadscore evaluate {base} --outcomes {shlex.quote(str(d.outcomes_csv))}"
            + (f" --feedback {shlex.quote(str(d.feedback_csv))}" if d.feedback_csv else "")
            + f" --cutoff 2026-08-01 --horizon 90d --out {shlex.quote(str(result.directory / 'report.html'))}",
        ),
        ("see the SQL it runs:", f"leadscore compile -m {shlex.quote(str(result.model))}"),
        ("start your own model:", "leadscore init my-scoring"),
    ]
    console.print("\n[bold]What to try next[/bold]")
    for text, command in steps:
        console.print(f"  {text}", soft_wrap=True)
        console.print(
            f"    {command}", soft_wrap=True, highlight=False, markup=False
        )  # never wrapped: copy-paste safe


def register(group: click.Group) -> None:
    group.add_command(demo)
