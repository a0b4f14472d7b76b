"""Normalise raw contacts and events into the canonical relations, on any engine.

The raw relation (a file staged with its line numbers, or a user's table) is typed by the
model's `fields` with the engine's :class:`~leadscore.data.sqltyping.Typing`; bad rows are
counted and the first ones listed (file, line or id, reason); duplicates keep their first row
in input order. The result is `contacts(contact_id, <fields>, …)` and
`events(event_id, contact_id, type, timestamp, <properties>)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from leadscore.data.report import MAX_LISTED, BadRow, FileReport
from leadscore.data.sqltyping import Typing
from leadscore.diagnostics import Diagnostic, LeadscoreError, Location

EVENT_COLUMNS = ("event_id", "contact_id", "type", "timestamp")


class Executor(Protocol):
    """The few things normalisation needs from an engine."""

    typing: Typing

    def execute(self, sql: str) -> None: ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → category (see sqltyping)."""
        ...

    def materialize(self, name: str, select: str) -> None:
        """Make `name` a stored relation (a temporary table, a cached view) holding `select`."""
        ...

    def drop(self, name: str) -> None: ...


@dataclass(frozen=True)
class ContactSpec:
    """What the model needs from the contacts: column → kind (`string`, …, `text`)."""

    fields: dict[str, str]


@dataclass
class RawInput:
    relation: str  # a relation holding the raw columns
    source: str  # for reports: the file path or the table name
    order: str | None = None  # SQL giving input order (files: the line); None for tables
    line: str | None = None  # SQL giving the reported line; None when unknown
    read_errors: list[BadRow] = field(default_factory=list)
    corrupt: str | None = None  # a column holding the text of rows the reader could not parse


def _first_failing(checks: list[tuple[str, str]], text_type: str) -> str:
    """CASE WHEN <invalid> THEN <reason> … END: the first problem of a row, NULL when none."""
    checks = [(c, r) for c, r in checks if c != "FALSE"]
    if not checks:
        return f"CAST(NULL AS {text_type})"
    return "CASE " + " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in checks) + " END"


def _collect_bad(ex: Executor, report: FileReport, staged: str, raw: RawInput, id_col: str) -> None:
    total = int(ex.rows(f"SELECT count(*) FROM {staged} WHERE _reason IS NOT NULL")[0][0])
    report.bad_total = total + len(raw.read_errors)
    for b in raw.read_errors:
        report.bad_by_reason[b.reason.split(":")[0]] += 1
    listed = list(raw.read_errors)
    if total:
        found = ex.rows(
            f"SELECT _line, {id_col}, _reason FROM {staged} WHERE _reason IS NOT NULL ORDER BY _order, {id_col} LIMIT {MAX_LISTED}"
        )
        for line, ident, reason in found:
            if line is None and ident is not None:
                reason = f"{id_col} '{ident}': {reason}"
            listed.append(BadRow(report.file, int(line or 0), reason))
        for reason, n in ex.rows(
            f"SELECT {ex.typing.reason_head('_reason')}, count(*) FROM {staged} WHERE _reason IS NOT NULL GROUP BY 1"
        ):
            report.bad_by_reason[reason] += int(n)
    listed.sort(key=lambda b: b.line)
    report.bad = listed[:MAX_LISTED]


def _unreadable(raw: RawInput) -> list[tuple[str, str]]:
    return [(f"{raw.corrupt} IS NOT NULL", "'the reader could not parse this row'")] if raw.corrupt else []


def _order_sql(raw: RawInput, fallback: str) -> str:
    return raw.order if raw.order is not None else fallback


def normalize_contacts(ex: Executor, raw: RawInput, spec: ContactSpec, out: str = "contacts") -> FileReport:
    t = ex.typing
    report = FileReport(raw.source, "contacts")
    cols = {k: v for k, v in ex.columns(raw.relation).items() if not k.startswith("_")}
    if "contact_id" not in cols:
        raise LeadscoreError(
            [Diagnostic("D005", "the contacts have no contact_id column", Location(raw.source, 1),
                        "every contacts file or table needs a contact_id column; rename the id column of your export")]
        )  # fmt: skip
    cid = t.text_value("contact_id", cols["contact_id"])
    select = [f"{cid} AS contact_id"]
    checks = [*_unreadable(raw), (f"{cid} IS NULL", "'contact_id is empty'")]
    for name, kind in spec.fields.items():
        if name in cols:
            typed = t.typed(name, cols[name], kind)
            select.append(f"{typed.expr} AS {t.q(name)}")
            checks.append((typed.invalid, typed.reason))
        else:
            report.missing_columns.append(name)
            select.append(f"CAST(NULL AS {t.sql_types[kind]}) AS {t.q(name)}")
    others = [c for c in cols if c not in spec.fields and c != "contact_id"]
    select += [f"{t.text_value(c, cols[c])} AS {t.q(c)}" for c in others if cols[c] != "struct"]
    line = raw.line or "CAST(NULL AS BIGINT)"
    ex.materialize(
        "staged_contacts",
        f"SELECT {line} AS _line, {_order_sql(raw, cid)} AS _order, {_first_failing(checks, t.sql_types['text'])} AS _reason, "
        f"{', '.join(select)} FROM {raw.relation}",
    )
    report.rows = int(ex.rows("SELECT count(*) FROM staged_contacts")[0][0]) + len(raw.read_errors)
    _collect_bad(ex, report, "staged_contacts", raw, "contact_id")
    ranked = (
        "SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY _order) AS _rank, "
        "min(_line) OVER (PARTITION BY contact_id) AS _first_line FROM staged_contacts WHERE _reason IS NULL"
    )
    dupes = ex.rows(
        f"SELECT _line, contact_id, _first_line FROM ({ranked}) r WHERE _rank > 1 ORDER BY _order LIMIT {MAX_LISTED}"
    )
    report.duplicates = int(ex.rows(f"SELECT count(*) FROM ({ranked}) r WHERE _rank > 1")[0][0])
    for line, dup, first in dupes[: max(0, MAX_LISTED - len(report.bad))]:
        where = f"on line {first}" if first is not None else "earlier"
        reason = f"contact_id '{dup}' already given {where}; the first row counts"
        report.bad.append(BadRow(report.file, int(line or 0), reason))
    names = ["contact_id", *(t.q(n) for n in spec.fields), *(t.q(c) for c in others if cols[c] != "struct")]
    ex.materialize(out, f"SELECT {', '.join(names)} FROM ({ranked}) r WHERE _rank = 1 ORDER BY _order")
    report.loaded = int(ex.rows(f"SELECT count(*) FROM {out}")[0][0])
    ex.drop("staged_contacts")
    return report


def normalize_events(
    ex: Executor, raw: RawInput, properties: tuple[str, ...], out: str = "events"
) -> FileReport:
    t = ex.typing
    report = FileReport(raw.source, "events")
    cols = {k: v for k, v in ex.columns(raw.relation).items() if not k.startswith("_")}
    missing = [c for c in ("contact_id", "type", "timestamp") if c not in cols]
    if missing:
        raise LeadscoreError(
            [Diagnostic("D006", f"the events have no {', '.join(missing)} column", Location(raw.source, 1),
                        "events have contact_id, type and timestamp columns (event_id recommended)")]
        )  # fmt: skip
    ts = t.instant("timestamp", cols["timestamp"])
    cid = t.text_value("contact_id", cols["contact_id"])
    etype = t.text_value("type", cols["type"])
    has_id = "event_id" in cols
    # without an event_id column every row is its own event (files: named by its line)
    eid = (
        t.text_value("event_id", cols["event_id"])
        if has_id
        else (t.cast_text(raw.line) if raw.line else f"CAST(NULL AS {t.sql_types['text']})")
    )
    checks = [
        *_unreadable(raw),
        (f"{cid} IS NULL", "'contact_id is empty'"),
        (f"{etype} IS NULL", "'type is empty'"),
        (f"{t.text_value('timestamp', cols['timestamp'])} IS NULL", "'timestamp is empty'"),
        (ts.invalid, ts.reason),
    ]
    if has_id:
        checks.append((f"{eid} IS NULL", "'event_id is empty'"))
    props = []
    for p in properties:
        if p in cols:
            props.append(f"{t.text_value(p, cols[p])} AS {t.q(p)}")
        else:
            if p != "is_bot":
                report.missing_columns.append(p)
            props.append(f"CAST(NULL AS {t.sql_types['text']}) AS {t.q(p)}")
    line = raw.line or "CAST(NULL AS BIGINT)"
    order = _order_sql(raw, ts.expr)
    ex.materialize(
        "staged_events",
        f"SELECT {line} AS _line, {order} AS _order, {_first_failing(checks, t.sql_types['text'])} AS _reason, {eid} AS event_id, "
        f"{cid} AS contact_id, {etype} AS type, {ts.expr} AS {t.q('timestamp')}, {', '.join(props) or 'NULL AS _none'} "
        f"FROM {raw.relation}",
    )
    report.rows = int(ex.rows("SELECT count(*) FROM staged_events")[0][0]) + len(raw.read_errors)
    _collect_bad(ex, report, "staged_events", raw, "event_id")
    names = ", ".join(["event_id", "contact_id", "type", t.q("timestamp"), *(t.q(p) for p in properties)])
    extra = (
        0
        if not has_id
        else int(
            ex.rows(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM staged_events WHERE _reason IS NULL GROUP BY event_id HAVING count(*) > 1) d"
            )[0][0]
        )
    )
    report.duplicates = extra
    if extra:
        # the first row of each event_id in input order counts (ties: the earliest instant)
        ranked = (
            f"SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY _order, {t.q('timestamp')}, type) AS _rank "
            "FROM staged_events WHERE _reason IS NULL"
        )
        ex.materialize(out, f"SELECT {names} FROM ({ranked}) r WHERE _rank = 1")
    else:
        ex.materialize(out, f"SELECT {names} FROM staged_events WHERE _reason IS NULL")
    report.loaded = int(ex.rows(f"SELECT count(*) FROM {out}")[0][0])
    ex.drop("staged_events")
    return report


def count_unknown_contacts(ex: Executor, events: str = "events", contacts: str = "contacts") -> int:
    return int(
        ex.rows(
            f"SELECT count(*) FROM {events} e WHERE NOT EXISTS (SELECT 1 FROM {contacts} c WHERE c.contact_id = e.contact_id)"
        )[0][0]
    )


def empty_events(ex: Executor, properties: tuple[str, ...], out: str = "events") -> None:
    t = ex.typing
    text = t.sql_types["text"]
    cols = ", ".join(
        [f"CAST(NULL AS {text}) AS event_id", f"CAST(NULL AS {text}) AS contact_id", f"CAST(NULL AS {text}) AS type",
         f"CAST(NULL AS TIMESTAMP) AS {t.q('timestamp')}", *(f"CAST(NULL AS {text}) AS {t.q(p)}" for p in properties)]
    )  # fmt: skip
    ex.materialize(out, f"SELECT {cols} FROM (SELECT 1 AS one) o WHERE 1 = 0")
