"""Text for `leadscore history`, `diff` and `status` on a terminal."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when used, so that `leadscore --help` does not load them
    from leadscore.history.diff import Change
    from leadscore.history.sources import ModelDiff
    from leadscore.history.status import ModelStatus
    from leadscore.history.table import Cell, HistoryTable
    from leadscore.history.versions import ModelVersion

LABEL_WIDTH = 30  # the first column: rule or setting, and what it looks at
VERSION_WIDTH = 15  # a version column: "+3 ½30d ×5/1d *"
LEGEND = (
    "* changed from the previous version · (new) added in it · (removed) dropped in it\n"
    "+15 points · <30d only events from the last 30 days · ½30d half-life · ×5 the 5 most recent"
    " · /1d at most one per day · ≤20 / ≥-5 cap / floor · ! critical"
)


def full_width(table: HistoryTable) -> int:
    """The width that shows every version."""
    return LABEL_WIDTH + 4 + len(table.versions) * (VERSION_WIDTH + 3)


# Changes whose one-line message does not say what the thing was and is now.
SHOW_BEFORE_AFTER = frozenset({"rule_condition", "gate_condition", "rule_kind", "trigger_changed"})


def history(table: HistoryTable, file: IO[str] | None = None, width: int | None = None) -> None:
    """Print the versions, then the table (as many of the newest versions as fit the terminal)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, width=width, highlight=False)
    fit = max(1, (console.width - LABEL_WIDTH - 4) // (VERSION_WIDTH + 3))
    shown = list(range(len(table.versions)))[-fit:]
    console.print(_versions(table))
    for note in table.notes:
        console.print(note, style="yellow")
    console.print()
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    t.add_column("rule or setting", max_width=LABEL_WIDTH, overflow="fold")
    for i in shown:
        v = table.versions[i]
        day = v.day.isoformat() if v.day else ""
        t.add_column(f"{table.titles[i]}\n{day}", min_width=8, max_width=VERSION_WIDTH + 6, overflow="fold")
    group: tuple[str, str, str] | None = None
    for r in table.rows:
        if (r.program, r.dimension, r.category) != group:
            if group is None or r.program != group[0]:
                t.add_row(Text(f"program {r.program}" if r.program else "triggers", style="bold reverse"))
            group = (r.program, r.dimension, r.category)
            if r.dimension:
                t.add_row(Text(" › ".join(x for x in (r.dimension, r.category) if x), style="bold"))
        label = Text(r.item, style="italic" if r.kind not in ("rule", "gate", "trigger") else "")
        if r.what:
            what = r.what if len(r.what) < LABEL_WIDTH else r.what[: LABEL_WIDTH - 2] + "…"
            label.append(f"\n{what}", style="dim")
        t.add_row(label, *(_cell(r.cells[i]) for i in shown))
    console.print(t)
    if len(shown) < len(table.versions):
        console.print(
            f"showing the {len(shown)} newest of {len(table.versions)} versions (the terminal is "
            f"{console.width} columns wide); --format html or csv shows them all",
            style="yellow",
        )
    console.print(LEGEND, style="dim")
    for title, v in zip(table.titles, table.versions, strict=True):
        if not v.valid:
            console.print(f"\nversion {title} ({v.source}) does not validate:", style="red")
            for d in v.errors:
                console.print(d.render(), markup=False)


def _versions(table: HistoryTable) -> Any:
    from rich import box
    from rich.table import Table

    from leadscore.history.export import version_rows

    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left")
    rows = dict(version_rows(table.versions))
    for name in ("version", "date", "author", "change note", "source"):
        t.add_column(name, overflow="fold")
    for i, v in enumerate(table.versions):
        state = "" if v.valid else f"  [red]INVALID ({len(v.errors)} error(s), below)[/red]"
        t.add_row(
            table.titles[i],
            rows["date"][i],
            rows["author"][i] or "—",
            rows["change note"][i] or "—",
            v.source + state,
        )
    return t


def _cell(c: Cell) -> Any:
    from rich.text import Text

    if c.change == "new":
        return Text(f"{c.text} (new)", style="green")
    if c.change == "changed":
        return Text(f"{c.text} *", style="bold yellow")
    if c.change == "removed":
        return Text("(removed)", style="red")
    if c.change == "invalid":
        return Text("—", style="dim")
    return Text(c.text)


def diff(d: ModelDiff) -> str:
    lines = [f"{d.old.model.model if d.old.model else ''}: version {d.old.label} → version {d.new.label}"]
    lines.append(f"  from {_about(d.old)}")
    lines.append(f"  to   {_about(d.new)}")
    lines.append("")
    if not d.changes:
        lines.append("no changes that affect scores (descriptions are not compared)")
        return "\n".join(lines)
    groups: dict[str, list[Change]] = {}
    for c in d.changes:
        groups.setdefault(f"program {c.program}" if c.program else "model", []).append(c)
    for name, changes in groups.items():
        lines.append(name)
        for c in changes:
            lines.append(f"  • {c.message}")
            if c.kind in SHOW_BEFORE_AFTER and c.old is not None and c.new is not None:
                lines.append(f"      before: {c.old}")
                lines.append(f"      after:  {c.new}")
    lines.append("")
    lines.append(f"{len(d.changes)} change(s)")
    return "\n".join(lines)


def _about(v: ModelVersion) -> str:
    parts = [f"version {v.label}", v.day.isoformat() if v.day else "", v.author or ""]
    parts += [f'"{v.change_note}"' if v.change_note else "", v.source]
    return " · ".join(p for p in parts if p)


def status(s: ModelStatus) -> str:
    r = s.review
    lines = [
        f"model {s.model} version {s.version} ({s.file})",
        f"live since {s.live.day.isoformat()}: {s.live.detail}",
    ]
    if r.state == "no_schedule":
        lines.append("no review schedule: the model has no review: {first_after, every}")
        lines.append("")
        lines.append("what to do: add review: {first_after: 60d, every: 90d} to the model to be reminded")
        return "\n".join(lines)
    sched = [
        f"first {r.first_after} after going live" if r.first_after else "",
        f"every {r.every}" if r.every else "",
    ]
    lines.append("review schedule: " + ", then ".join(x for x in sched if x))
    if r.last_review:
        lines.append(f"last review recorded: {r.last_review.isoformat()}")
    if r.last_due:
        lines.append(f"last due: {r.last_due.isoformat()}")
    lines.append(
        f"next due: {r.next_due.isoformat()}" if r.next_due else "next due: none (no `every` in the schedule)"
    )
    lines.append("")
    if r.state == "not_due":
        if r.next_due:
            lines.append(f"not due yet: {r.days} day(s) left until {r.next_due.isoformat()}")
        else:
            lines.append("done: the only scheduled review has been recorded")
    elif r.state == "due_today":
        lines.append(f"DUE TODAY ({r.today.isoformat()})")
    else:
        since = r.waiting_since.isoformat() if r.waiting_since else "?"
        missed = f"; {r.missed} scheduled review(s) passed without one" if r.missed > 1 else ""
        lines.append(f"OVERDUE by {r.days} day(s): a review was due on {since}{missed}")
    lines.append("")
    lines.append("what to do:")
    lines += ["  " + x for x in advice(s)]
    return "\n".join(lines)


def advice(s: ModelStatus) -> list[str]:
    r = s.review
    live = s.live.day.isoformat()
    evaluate = f"leadscore evaluate with the outcomes since {live}"
    if r.state == "not_due":
        if r.next_due is None:
            return ["nothing scheduled; add `every` to the review setting for regular reviews"]
        return [
            f"nothing yet. On {r.next_due.isoformat()}, run {evaluate} to see whether the scores still separate the leads that convert."
        ]
    return [
        f"1. run {evaluate}: conversion per band, lift, and which rules pull their weight;",
        "2. if the model changes: commit the new version (its schedule starts when it goes live);",
        f"3. if it stays as it is: record the review with review: {{last_review: {r.today.isoformat()}}}.",
    ]
