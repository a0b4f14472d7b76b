"""The side-by-side table as CSV: the reviewer's spreadsheet, one row per rule or setting.

The first columns say where a row belongs (`program`, `dimension`, `category`), what it is
(`item`, `kind`) and what it looks at (`what`); then one column per version, oldest first.
Six rows at the top describe the versions (version, date, author, change note, source,
status). A cell reads as the version has it, with the change from the previous version in
brackets: `+15 (was +10)`, `+5 (new)`, `(removed)`, `+10 (condition changed)`.
"""

from __future__ import annotations

import csv
import io

from leadscore.history.table import Cell, HistoryTable
from leadscore.history.versions import ModelVersion

HEAD = ["program", "dimension", "category", "item", "kind", "what"]


def cell_text(cell: Cell) -> str:
    if cell.change == "new":
        return f"{cell.text} (new)"
    if cell.change == "changed":
        return f"{cell.text} ({cell.note})"
    if cell.change == "removed":
        return "(removed)"
    if cell.change == "invalid":
        return "(invalid)"
    return cell.text


def version_rows(versions: list[ModelVersion]) -> list[tuple[str, list[str]]]:
    """(name, one value per version) for the rows that describe the versions."""
    return [
        ("version", [v.label for v in versions]),
        ("date", [v.day.isoformat() if v.day else "" for v in versions]),
        ("author", [v.author or "" for v in versions]),
        ("change note", [v.change_note or "" for v in versions]),
        ("source", [v.source for v in versions]),
        ("status", [status(v) for v in versions]),
    ]


def status(v: ModelVersion) -> str:
    if v.valid:
        return "uncommitted" if v.uncommitted else "valid"
    return f"invalid: {len(v.errors)} error(s)\n" + "\n".join(d.render() for d in v.errors)


def to_csv(table: HistoryTable) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*HEAD, *table.titles])
    for name, values in version_rows(table.versions):
        w.writerow(["", "", "", name, "version", "", *values])
    for r in table.rows:
        w.writerow(
            [r.program, r.dimension, r.category, r.item, r.kind, r.what, *(cell_text(c) for c in r.cells)]
        )
    return out.getvalue()
