"""Normalise raw contacts and events into the canonical relations, on any engine.

The raw relation (a file staged with its line numbers, or a user's table) is typed by the
model's `fields` with the engine's :class:`~leadscore.data.sqltyping.Typing`; bad rows are
counted and the first ones listed (file, line or id, reason); duplicates keep their first row
in input order. The result is `contacts(contact_id, <fields>, …)` and
`events(event_id, contact_id, type, ts_us, <properties>)`, `ts_us` being exact UTC microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from leadscore.data.badrows import collect_bad as _collect_bad
from leadscore.data.badrows import first_failing as _first_failing
from leadscore.data.badrows import unreadable as _unreadable
from leadscore.data.column_names import spelled_otherwise
from leadscore.data.report import MAX_LISTED, READ_EVENTS, BadRow, FileReport
from leadscore.data.sqltyping import Typed, Typing
from leadscore.diagnostics import Diagnostic, LeadscoreError, Location

EVENT_COLUMNS = ("event_id", "contact_id", "type", "timestamp")
ORDER = "_order"  # the contacts keep their input position, so scores come out in input order
# which row of a repeated id counts in a table (it has no input order)
TABLE_CONTACTS_RULE = "a table has no input order: the row whose fields sort first counts"
TABLE_EVENTS_RULE = (
    "a table has no input order: the row with the lowest --order-by value counts, else the earliest "
    "timestamp, then the type, contact_id and properties, A to Z"
)
WITH_COPIES = "events_with_copies"  # the good events, later copies of repeated event_ids included


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

    def stage(self, name: str, select: str) -> None:
        """An intermediate relation: a view where the engine scans files cheaply, else stored."""
        ...

    def count(self, relation: str) -> int: ...

    def provably_clean(self, raw: RawInput, required: list[str]) -> bool:
        """True when the file's own statistics prove every `required` value present (not null,
        not empty) in every row; parses that can fail are ruled out by the caller."""
        ...

    def never_empty(self, raw: RawInput, columns: list[str]) -> set[str]:
        """The `columns` whose file statistics prove that no value is the empty text (so
        turning empty text into a missing value can be skipped)."""
        ...

    def within_years(self, raw: RawInput, column: str) -> bool:
        """The file's statistics prove the typed instants of `column` within the years 1000 to
        9999 (so their check row by row can be skipped)."""
        ...


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
    order_unique: bool = False  # `order` tells every row apart (a file position)
    parquet: str | None = (
        None  # read_parquet's source (SQL) of the Parquet file(s) behind it, for their statistics
    )
    shadowed: list[str] = field(default_factory=list)  # properties given as a column and inside `properties`
    # (SQL condition, reason as SQL text) of rows the reader read but that hold a list or record
    # where the model reads one value (Spark's JSON reader gives such a column one nested type)
    row_problems: list[tuple[str, str]] = field(default_factory=list)
    # every column of the file, also those not read (a text file's relation holds only the read
    # ones): to name a column that differs from a missing one only in letter case
    file_columns: list[str] = field(default_factory=list)


NESTED = ("struct", "nested")  # categories of columns that hold records or lists, not one value


def refuse_nested(raw: RawInput, cols: dict[str, str], read: list[str]) -> None:
    """A column the model reads that holds a list or a record in every row (a typed Parquet or
    table column) is a file problem, not a bad row on each line: nothing in it can be compared."""
    nested = [c for c in read if cols.get(c) in NESTED]
    if nested:
        shown = ", ".join(nested)
        raise LeadscoreError(
            [Diagnostic("D009", f"the column{'s' if len(nested) > 1 else ''} {shown} hold{'' if len(nested) > 1 else 's'} lists or records, not one value per row",
                        Location(raw.source, 1 if raw.order_unique else 0),
                        "export one plain value (text, number, boolean or timestamp) per cell, or name the value inside the record as its own column")]
        )  # fmt: skip


NUL_REASON = "holds the NUL character (\\0), which PostgreSQL text cannot store"


def _nul_checks(ex: Executor, columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Where the rows go on to PostgreSQL (`ex.refuse_nul`), a text value holding the NUL
    character is a bad row: PostgreSQL cannot store one (the copy would stop the run).
    `columns`: (SQL of a text value, the column's name)."""
    if not getattr(ex, "refuse_nul", False):
        return []
    t = ex.typing
    return [(f"contains({expr}, chr(0))", t.lit(f"{name} {NUL_REASON}")) for expr, name in columns]


def _order_sql(raw: RawInput, fallback: str) -> str:
    return raw.order if raw.order is not None else fallback


def _keep(ex: Executor) -> Any:
    """How the canonical relations are kept: stored where the engine re-reads inputs slowly."""
    return ex.materialize if getattr(ex, "store_canonical", False) else ex.stage


def _what(raw: RawInput) -> str:
    return "file" if raw.order_unique else "table"


def _alike_hint(missing: list[str], columns: list[str], what: str = "file") -> str | None:
    """`the file has 'Contact_ID'`: columns that are the missing ones but for letter case."""
    alike = {m: c for m in missing if (c := spelled_otherwise(m, columns)) is not None}
    if not alike:
        return None
    named = ", ".join(f"'{c}'" for c in alike.values())
    return f"the {what} has {named}: names must match in letter case too; rename {'them' if len(alike) > 1 else 'it'} {', '.join(alike)}"


def normalize_contacts(ex: Executor, raw: RawInput, spec: ContactSpec, out: str = "contacts") -> FileReport:
    t = ex.typing
    report = FileReport(raw.source, "contacts", table=not raw.order_unique)
    if raw.order is None:
        report.first_rule = TABLE_CONTACTS_RULE
    cols = {k: v for k, v in ex.columns(raw.relation).items() if not k.startswith("_")}
    if "contact_id" not in cols:
        hint = _alike_hint(["contact_id"], [*cols, *raw.file_columns], _what(raw))
        raise LeadscoreError(
            [Diagnostic("D005", "the contacts have no contact_id column", Location(raw.source, 1 if raw.order_unique else 0),
                        hint or "every contacts file or table needs a contact_id column; rename the id column of your export")]
        )  # fmt: skip
    refuse_nested(raw, cols, ["contact_id", *spec.fields])
    plain = ex.never_empty(raw, [c for c, k in cols.items() if k == "text"])
    cid = t.text_value("contact_id", cols["contact_id"], "contact_id" in plain)
    select = [f"{cid} AS contact_id"]
    checks = [*_unreadable(raw), (f"{cid} IS NULL", "'contact_id is empty'")]
    for name, kind in spec.fields.items():
        if name in cols:
            typed = t.typed(name, cols[name], kind, name in plain)
            select.append(f"{typed.expr} AS {t.q(name)}")
            checks.append((typed.invalid, typed.reason))
        else:
            if name not in raw.file_columns:  # (in the file, but only on lines that are bad rows)
                report.missing(name, [*cols, *raw.file_columns])
            select.append(f"CAST(NULL AS {t.sql_types[kind]}) AS {t.q(name)}")
    # a column named like a field but in other letter case ('tier' for the field 'Tier') is not
    # that field (the field is missing), and is left out so the engine cannot take one for the other
    folded = {f.casefold() for f in spec.fields}
    others = [c for c in cols if c not in spec.fields and c != "contact_id" and c.casefold() not in folded]
    others = [c for c in others if cols[c] not in NESTED]  # undeclared, so never read by a rule
    select += [f"{t.text_value(c, cols[c], c in plain)} AS {t.q(c)}" for c in others]
    text_columns = [
        "contact_id",
        *(n for n, k in spec.fields.items() if n in cols and k in ("string", "text")),
    ]
    checks += _nul_checks(ex, [(t.q(c), c) for c in [*text_columns, *others] if cols.get(c) == "text"])
    line = raw.line or "CAST(NULL AS BIGINT)"
    staged = (
        f"SELECT {line} AS _line, {_order_sql(raw, cid)} AS _order, {_first_failing(checks, t.sql_types['text'])} AS _reason, "
        f"{', '.join(select)} FROM {raw.relation}"
    )
    # typed files whose statistics prove every contact_id present need no row-by-row check
    typed_ok = all(cond == "FALSE" for cond, _ in checks[len(_unreadable(raw)) + 1 :])
    clean = (
        not raw.read_errors and not _unreadable(raw) and typed_ok and ex.provably_clean(raw, ["contact_id"])
    )
    one_pass = raw.order_unique and getattr(ex, "one_pass_checks", False)
    # where the checks take one pass (DuckDB), the typed rows are stored once: a contacts file is
    # often a single Parquet row group, which is read on one thread, and every later statement
    # (the checks, the counts, the scoring join) then reads the stored rows in parallel
    (ex.materialize if one_pass else ex.stage)("staged_contacts", staged)
    good = "s._reason IS NULL"
    counted_bad: int | None = None
    counted_dups: int | None = None
    if one_pass:
        # one scan counts the rows, the bad rows and the later rows of ids given twice; their
        # details are looked up only when there are any (usually there are none)
        rows, bad, extra = ex.rows(
            "SELECT count(*), count(_reason), count(*) - count(_reason) "
            "- count(DISTINCT CASE WHEN _reason IS NULL THEN contact_id END) FROM staged_contacts"
        )[0]
        report.rows = int(rows) + len(raw.read_errors)
        counted_bad, counted_dups = int(bad), int(extra)
    else:
        report.rows = ex.count(raw.relation) + len(raw.read_errors)
    if not clean:
        _collect_bad(ex, report, "staged_contacts", raw, "contact_id", total=counted_bad)
    names = [
        "contact_id",
        *(t.q(n) for n in spec.fields),
        *(t.q(c) for c in others),
        ORDER,
    ]
    selected = ", ".join(f"s.{n}" for n in names)
    if raw.order_unique:
        # ids given twice, with their first good row; the later rows are reported and dropped
        if counted_dups == 0:
            report.duplicates = 0
        else:
            ex.materialize(
                "contact_dups",
                "SELECT contact_id, min(_order) AS first_order, min(_line) AS first_line, count(*) - 1 AS extra "
                f"FROM staged_contacts s{'' if clean else ' WHERE ' + good} GROUP BY contact_id HAVING count(*) > 1",
            )
            report.duplicates = int(ex.rows("SELECT coalesce(sum(extra), 0) FROM contact_dups")[0][0])
        join = " LEFT JOIN contact_dups d ON d.contact_id = s.contact_id AND s._order > d.first_order"
        dupes = []
        if report.duplicates:
            dupes = ex.rows(
                f"SELECT s._line, s.contact_id, d.first_line FROM staged_contacts s JOIN contact_dups d "
                f"ON d.contact_id = s.contact_id AND s._order > d.first_order ORDER BY s._order LIMIT {MAX_LISTED}"
            )
        # no bad-row filter where none was found in the stored rows (their count is exact)
        filtered = not clean and counted_bad != 0
        where = [*([good] if filtered else []), *(["d.contact_id IS NULL"] if report.duplicates else [])]
        body = f"SELECT {selected} FROM staged_contacts s{join if report.duplicates else ''}"
        _keep(ex)(out, body + (f" WHERE {' AND '.join(where)}" if where else ""))
    else:
        # a table has no input order: of rows sharing a contact_id, the one whose fields sort
        # first (field by field in the model's order, then the other columns; empty last)
        tie = "".join(f", {n} NULLS LAST" for n in names if n not in ("contact_id", ORDER))
        ranked = (
            f"SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY _order{tie}) AS _rank, "
            f"min(_line) OVER (PARTITION BY contact_id) AS _first_line FROM staged_contacts s WHERE {good}"
        )
        dupes = ex.rows(
            f"SELECT _line, contact_id, _first_line FROM ({ranked}) r WHERE _rank > 1 ORDER BY _order LIMIT {MAX_LISTED}"
        )
        report.duplicates = int(ex.rows(f"SELECT count(*) FROM ({ranked}) r WHERE _rank > 1")[0][0])
        ex.materialize(out, f"SELECT {', '.join(names)} FROM ({ranked}) r WHERE _rank = 1")
    for dup_line, dup, first in dupes[: max(0, MAX_LISTED - len(report.bad))]:
        where_first = f"on line {first}" if first is not None else "earlier"
        rule = "the first row counts" if raw.order is not None else TABLE_CONTACTS_RULE
        reason = f"contact_id '{dup}' already given {where_first}; {rule}"
        report.bad.append(BadRow(report.file, int(dup_line or 0), reason, code="D103"))
    return report


def normalize_events(
    ex: Executor, raw: RawInput, properties: tuple[str, ...], out: str = "events", late: bool = False
) -> FileReport:
    """The canonical `events`; with `late` (a file, DuckDB), repeated event_ids are not searched
    for here: the scoring query finds the later copies among the events its rules read (see
    Relations.event_ids), and the report counts those. `events` still reads right for anyone
    else: it is a view that runs the full search when it is read."""
    t = ex.typing
    report = FileReport(raw.source, "events", shadowed=list(raw.shadowed), table=not raw.order_unique)
    if raw.order is None or not raw.order_unique:
        report.first_rule = TABLE_EVENTS_RULE
    cols = {k: v for k, v in ex.columns(raw.relation).items() if not k.startswith("_")}
    missing = [c for c in ("contact_id", "type", "timestamp") if c not in cols]
    if missing:
        hint = _alike_hint(missing, [*cols, *raw.file_columns], _what(raw))
        raise LeadscoreError(
            [Diagnostic("D006", f"the events have no {', '.join(missing)} column", Location(raw.source, 1 if raw.order_unique else 0),
                        hint or "events have contact_id, type and timestamp columns (event_id recommended)")]
        )  # fmt: skip
    refuse_nested(raw, cols, [*EVENT_COLUMNS, *properties])
    ts = t.instant("timestamp", cols["timestamp"])
    typed_instants = cols["timestamp"] in ("timestamp", "timestamptz", "date")
    if typed_instants and ts.invalid != "FALSE" and ex.within_years(raw, "timestamp"):
        ts = Typed(ts.expr, "FALSE", "NULL")  # a typed column the statistics prove in range
    has_id = "event_id" in cols
    # typed files whose statistics prove every required value present need no row-by-row check
    required = ["contact_id", "type", "timestamp", *(["event_id"] if has_id else [])]
    clean = (
        not raw.read_errors
        and not _unreadable(raw)
        and ts.invalid == "FALSE"
        and ex.provably_clean(raw, required)
    )
    # proven present and non-empty: no NULLIF needed on the text
    cid = t.text_value("contact_id", cols["contact_id"], clean)
    etype = t.text_value("type", cols["type"], clean)
    # without an event_id column every row is its own event (files: named by its line)
    eid = (
        t.text_value("event_id", cols["event_id"], clean)
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
    plain = ex.never_empty(raw, [p for p in properties if cols.get(p) == "text"])
    for p in properties:
        if p in cols:
            props.append(f"{t.text_value(p, cols[p], p in plain)} AS {t.q(p)}")
        else:
            if p != "is_bot" and p not in raw.file_columns:  # (a key only bad lines give)
                report.missing(p, [*cols, *raw.file_columns])
            props.append(f"CAST(NULL AS {t.sql_types['text']}) AS {t.q(p)}")
    nul = _nul_checks(
        ex, [(t.q(c), c) for c in ("event_id", "contact_id", "type", *properties) if cols.get(c) == "text"]
    )
    checks += nul
    clean = clean and not nul
    line = raw.line or "CAST(NULL AS BIGINT)"
    order = _order_sql(raw, ts.expr)
    staged = (
        f"SELECT {line} AS _line, {order} AS _order, {_first_failing(checks, t.sql_types['text'])} AS _reason, {eid} AS event_id, "
        f"{cid} AS contact_id, {etype} AS type, {ts.expr} AS ts_us, {', '.join(props) or 'NULL AS _none'} "
        f"FROM {raw.relation}"
    )
    ex.stage("staged_events", staged)
    report.rows = ex.count(raw.relation) + len(raw.read_errors)
    if clean:
        report.bad_total = 0
    else:
        _collect_bad(ex, report, "staged_events", raw, "event_id")
    good = "" if clean else " WHERE _reason IS NULL"
    names = ", ".join(["event_id", "contact_id", "type", "ts_us", *(t.q(p) for p in properties)])
    if has_id and raw.order_unique:
        # one narrow pass finds the ids seen twice and the position of their first good row;
        # the later rows are dropped with an anti-join (the first in input order counts)
        source = (
            f"SELECT {eid} AS event_id, {order} AS _order FROM {raw.relation}"
            if clean
            else f"SELECT event_id, _order FROM staged_events{good}"
        )
        dups = f"SELECT event_id, min(_order) AS first_order, count(*) - 1 AS extra FROM ({source}) s GROUP BY event_id HAVING count(*) > 1"
        if late:
            # grouping every row by event_id is the costliest step of a run; the scoring query
            # looks up only the events its rules read (among all rows' ids), so `event_dups` is
            # a view, grouped only if someone reads the canonical events
            ex.stage("event_ids", source)
            ex.stage("event_dups", dups)
            report.duplicates_among = READ_EVENTS
        else:
            ex.materialize("event_dups", dups)
            report.duplicates = int(ex.rows("SELECT coalesce(sum(extra), 0) FROM event_dups")[0][0])
        selected = ", ".join(f"s.{n.strip()}" for n in names.split(","))
        body = f"SELECT {selected} FROM staged_events s"
        if late or report.duplicates:
            # the good rows before deduplication, with event_id and position: a scoring query
            # may drop the later copies itself, after its own filters (see Relations.event_dups
            # and Relations.event_ids)
            ex.stage(WITH_COPIES, "SELECT * FROM staged_events" + good)
            report.deduplicate_with = (WITH_COPIES, "event_ids" if late else "event_dups")
            # the later copies go by an anti-join on event_id with a residual condition (never a
            # correlated NOT EXISTS, which DuckDB answers by materialising and regrouping every row)
            body = t.anti_join(
                body, "event_dups d", "d.event_id = s.event_id AND s._order > d.first_order", "d.event_id"
            )
        _keep(ex)(out, body if clean else t.and_where(body, "s._reason IS NULL"))
    elif has_id:
        # no unique input order (a table): rank within each event_id, ties by instant, type,
        # contact and properties (empty last), so that the same rows always keep the same one
        tie = "".join(f", {t.q(p)} NULLS LAST" for p in properties)
        ranked = (
            f"SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY _order, ts_us, type, contact_id{tie}) "
            f"AS _rank FROM staged_events{good}"
        )
        report.duplicates = int(ex.rows(f"SELECT count(*) FROM ({ranked}) r WHERE _rank > 1")[0][0])
        ex.materialize(out, f"SELECT {names} FROM ({ranked}) r WHERE _rank = 1")
    else:
        _keep(ex)(out, f"SELECT {names} FROM staged_events{good}")
    return report


def events_where(report: FileReport | None, where: str) -> str:
    """The canonical events that meet `where` (a few contacts' events, say), as a subquery.

    When repeated event_ids were left to the scoring query (READ_EVENTS; DuckDB), the full
    `events` view would group every row by event_id; here only the chosen rows' ids are looked
    up among all rows' (one scan of the ids, a hash table of the chosen rows).
    """
    if report is None or report.duplicates_among != READ_EVENTS or report.deduplicate_with is None:
        return f"(SELECT * FROM events WHERE {where})"
    with_copies, ids = report.deduplicate_with
    return (
        f"(WITH chosen AS MATERIALIZED (SELECT * FROM {with_copies} WHERE {where}), "
        f"later AS (SELECT DISTINCT c._order FROM {ids} i JOIN chosen c "
        "ON i.event_id = c.event_id AND i._order < c._order) "
        "SELECT chosen.* EXCLUDE (_line, _order, _reason) FROM chosen ANTI JOIN later ON chosen._order = later._order)"
    )


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
         "CAST(NULL AS BIGINT) AS ts_us", *(f"CAST(NULL AS {text}) AS {t.q(p)}" for p in properties)]
    )  # fmt: skip
    ex.materialize(out, f"SELECT {cols} FROM (SELECT 1 AS one) o WHERE 1 = 0")
