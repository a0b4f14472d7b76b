"""Bad rows found in SQL, the same way for every input kind (contacts, events, outcomes, feedback).

A staged relation carries `_line`, `_order` and `_reason` (NULL for a good row, else why the row
is bad: the first failing check of :func:`first_failing`). :func:`collect_bad` counts the bad
rows, counts them by reason and lists the first ones with their file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from leadscore.data.formats import Format, detect_format, parquet_parts
from leadscore.data.report import MAX_LISTED, BadRow, FileReport

if TYPE_CHECKING:
    from leadscore.data.normalize import Executor, RawInput


def first_failing(checks: list[tuple[str, str]], text_type: str) -> str:
    """CASE WHEN <invalid> THEN <reason> … END: the first problem of a row, NULL when none."""
    checks = [(c, r) for c, r in checks if c != "FALSE"]
    if not checks:
        return f"CAST(NULL AS {text_type})"
    return "CASE " + " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in checks) + " END"


def unreadable(raw: RawInput) -> list[tuple[str, str]]:
    """The checks for rows the reader could not parse or could not make one value of where the
    model reads one (tables read by an engine's own reader)."""
    parse = [(f"{raw.corrupt} IS NOT NULL", "'the reader could not parse this row'")] if raw.corrupt else []
    return [*parse, *raw.row_problems]


PART_SHIFT = 40  # the input position of a row of a folder of Parquet parts: part index << 40 | row


def _parts(raw: RawInput) -> list[Path]:
    """The part files of a folder of Parquet files, else []."""
    if not Path(raw.source).is_dir() or detect_format(Path(raw.source)) is not Format.PARQUET:
        return []
    return parquet_parts(Path(raw.source))


def _part_of(order: Any, parts: list[Path]) -> str:
    """The part file a row's input position names: the embedded engine's part index << 40 | row,
    or Spark's (file URI, row)."""
    if isinstance(order, int):
        return str(parts[order >> PART_SHIFT])
    uri = urlparse(str(order["_file"]))
    return unquote(uri.path) if uri.scheme == "file" else str(order["_file"])


def collect_bad(
    ex: Executor, report: FileReport, staged: str, raw: RawInput, id_col: str, total: int | None = None
) -> None:
    """Fill `report`'s bad-row counts and its first MAX_LISTED bad rows from `staged`
    (`total`: the number of bad rows in `staged`, when the caller has counted them already)."""
    if total is None:
        total = int(ex.rows(f"SELECT count(*) FROM {staged} WHERE _reason IS NOT NULL")[0][0])
    report.bad_total = total + len(raw.read_errors)
    for b in raw.read_errors:
        report.bad_by_reason[b.reason.split(":")[0]] += 1
    listed = list(raw.read_errors)
    if total:
        parts = _parts(raw)
        found = ex.rows(
            f"SELECT _line, {id_col}, _reason{', _order' if parts else ''} FROM {staged} "
            f"WHERE _reason IS NOT NULL ORDER BY _order, {id_col} LIMIT {MAX_LISTED}"
        )
        for line, ident, reason, *order in found:
            if line is None and ident is not None:
                reason = f"{id_col} '{ident}': {reason}"
            # in a folder of parts, the line is the row within its part: name the part
            file = _part_of(order[0], parts) if parts and order and order[0] is not None else report.file
            listed.append(BadRow(file, int(line or 0), reason))
        for reason, n in ex.rows(
            f"SELECT {ex.typing.reason_head('_reason')}, count(*) FROM {staged} WHERE _reason IS NOT NULL GROUP BY 1"
        ):
            report.bad_by_reason[reason] += int(n)
    listed.sort(key=lambda b: b.line)
    report.bad = listed[:MAX_LISTED]
