"""A contact's `created_at`, which `evaluate` and `journeys` read (scoring does not).

It is read like an event's timestamp (the same accepted forms, offsets converted). A value that
is not a timestamp is reported (D105) and the contact is kept with no known creation time
(`evaluate` counts it as created before the cutoff, `journeys` does not pick it as a recent
lead); with `--strict` it is an error.
"""

from __future__ import annotations

from typing import Any

from leadscore.data.report import MAX_LISTED, BadRow, FileReport
from leadscore.data.sqltyping import INSTANT_TEXT, Typing

CREATED_AT = "created_at"
_REASON = "is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended); the contact's creation time is unknown"


def created_us(column: str) -> str:
    """SQL: the UTC microseconds of a created_at text, NULL when missing or not a timestamp."""
    t = Typing()
    return f"CASE WHEN {t.regex_full(column, INSTANT_TEXT)} THEN {t.micros(t.parse_instant(column))} END"


def _unreadable(column: str) -> str:
    return f"{column} IS NOT NULL AND ({created_us(column)}) IS NULL"


def check_created_at(ex: Any, report: FileReport) -> bool:
    """Whether the contacts have a created_at column; if so, count and list in `report` the
    contacts whose created_at is not a timestamp."""
    if CREATED_AT not in ex.columns("contacts"):
        return False
    report.created_unreadable = int(
        ex.rows(f"SELECT count(*) FROM contacts WHERE {_unreadable(CREATED_AT)}")[0][0]
    )
    if report.created_unreadable:
        first = ex.rows(
            f"SELECT s._line, c.{CREATED_AT} FROM contacts c JOIN staged_contacts s ON s._order = c._order "
            f"WHERE {_unreadable('c.' + CREATED_AT)} ORDER BY c._order LIMIT {MAX_LISTED}"
        )
        report.created_examples = [
            BadRow(report.file, int(n or 0), f"{CREATED_AT}: '{value}' {_REASON}") for n, value in first
        ]
    return True
