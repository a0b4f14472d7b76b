"""Load contacts and events files into DuckDB tables of the canonical shape.

`contacts(contact_id, <fields typed by the model>)` and
`events(event_id, contact_id, type, timestamp, <properties as text>)`, with every bad row
reported (file, line, reason) and every good row kept. Events sharing an `event_id` count once
(the first in the file); a contact id seen twice keeps its first row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.data.formats import Format, check_input, detect_format
from leadscore.data.report import MAX_LISTED, BadRow, FileReport, LoadReport
from leadscore.data.text_readers import LINE, PROPERTIES, expand_json_column, read_csv, read_jsonl
from leadscore.data.typing_sql import instant, lit, q, text_value, typed
from leadscore.diagnostics import Diagnostic, LeadscoreError, Location

Step = Callable[[str], None]

EVENT_COLUMNS = ("event_id", "contact_id", "type", "timestamp")


@dataclass(frozen=True)
class ContactSpec:
    """What the model needs from the contacts file: column → kind (`string`, …, `text`)."""

    fields: dict[str, str]


def run(con: Any, sql: str) -> list[Any]:
    """Run one statement to completion (DuckDB wants each result consumed)."""
    return list(con.execute(sql).fetchall())


def scalar(con: Any, sql: str) -> Any:
    return run(con, sql)[0][0]


def _describe(con: Any, relation: str) -> dict[str, str]:
    return {r[0]: str(r[1]) for r in run(con, f"DESCRIBE SELECT * FROM {relation}")}


def _stage(
    con: Any, path: Path, name: str, wanted: set[str] | None, need_props: set[str], required: set[str]
) -> tuple[list[BadRow], dict[str, str]]:
    """Expose the raw file as a relation `name` with a `_line` column; return read errors and column types."""
    fmt = detect_format(path)
    bad: list[BadRow] = []
    if fmt is Format.PARQUET:
        source = str(path / "*.parquet") if path.is_dir() else str(path)
        rel = f"read_parquet({lit(source)}, file_row_number = true, union_by_name = true)"
        cols = _describe(con, rel)
        json_props = cols.get(PROPERTIES) in ("VARCHAR", "JSON") and bool(need_props - cols.keys())
        if json_props:
            table = con.sql(
                f"SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS {LINE} FROM {rel}"
            ).to_arrow_table()
            expanded = expand_json_column(table, need_props, path)
            con.register(name, expanded.table)
            bad = expanded.bad
        else:
            extra = ""
            kind = cols.get(PROPERTIES, "")
            if kind.startswith("STRUCT"):
                keys = _describe(con, f"(SELECT {q(PROPERTIES)}.* FROM {rel})").keys()
                extra = "".join(
                    f", CAST(struct_extract({q(PROPERTIES)}, {lit(p)}) AS VARCHAR) AS {q(p)}"
                    for p in sorted((need_props - cols.keys()) & keys)
                )
            elif kind.startswith("MAP"):
                extra = "".join(
                    f", CAST(map_extract({q(PROPERTIES)}, {lit(p)})[1] AS VARCHAR) AS {q(p)}"
                    for p in sorted(need_props - cols.keys())
                )
            run(
                con,
                f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT *, file_row_number + 1 AS {LINE}{extra} FROM {rel}",
            )
    else:
        text = (
            read_csv(path, wanted | {PROPERTIES} if wanted else None)
            if fmt is Format.CSV
            else read_jsonl(path, wanted)
        )
        table, bad = text.table, list(text.bad)
        if fmt is Format.JSONL:
            # JSON Lines has no header: a key absent from every line is absent from each row
            for col in sorted(required - set(table.column_names)):
                table = table.append_column(col, pa.nulls(table.num_rows, pa.string()))
        if need_props and PROPERTIES in table.column_names:
            expanded = expand_json_column(table, need_props, path)
            table = expanded.table
            bad += expanded.bad
        con.register(name, table)
    return bad, _describe(con, name)


def _collect_bad(
    con: Any, report: FileReport, relation: str, reason_expr: str, read_errors: list[BadRow]
) -> None:
    total = scalar(con, f"SELECT count(*) FROM {relation} WHERE {reason_expr} IS NOT NULL")
    report.bad_total = total + len(read_errors)
    for b in read_errors:
        report.bad_by_reason[b.reason.split(":")[0]] += 1
    report.bad = list(read_errors[:MAX_LISTED])
    if total:
        rows = run(
            con,
            f"SELECT {LINE}, {reason_expr} AS reason FROM {relation} WHERE {reason_expr} IS NOT NULL ORDER BY {LINE} LIMIT {MAX_LISTED}",
        )
        report.bad += [BadRow(report.file, int(line), reason) for line, reason in rows]
        report.bad.sort(key=lambda b: b.line)
        report.bad = report.bad[:MAX_LISTED]
        for reason, n in run(
            con,
            f"SELECT split_part({reason_expr}, ':', 1), count(*) FROM {relation} WHERE {reason_expr} IS NOT NULL GROUP BY 1",
        ):
            report.bad_by_reason[reason] += n


def _first_failing(checks: list[tuple[str, str]]) -> str:
    """CASE WHEN <invalid> THEN <reason> … END: the first problem of a row, NULL when none."""
    if not checks:
        return "CAST(NULL AS VARCHAR)"
    return "CASE " + " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in checks) + " END"


def load_contacts(con: Any, path: Path, spec: ContactSpec, table: str = "contacts") -> FileReport:
    check_input(path, "contacts")
    report = FileReport(str(path), "contacts")
    read_errors, cols = _stage(con, path, "raw_contacts", None, set(), {"contact_id"})
    if "contact_id" not in cols:
        raise LeadscoreError(
            [Diagnostic("D005", "the contacts file has no contact_id column", Location(str(path), 1),
                        "every contacts file needs a contact_id column; rename the id column of your export")]
        )  # fmt: skip
    select = [f"{text_value('contact_id', cols['contact_id'])} AS contact_id"]
    checks: list[tuple[str, str]] = [
        (f"{text_value('contact_id', cols['contact_id'])} IS NULL", "'contact_id is empty'")
    ]
    for name, kind in spec.fields.items():
        if name in cols:
            t = typed(name, cols[name], kind)
            select.append(f"{t.expr} AS {q(name)}")
            if t.invalid != "FALSE":
                checks.append((t.invalid, t.reason))
        else:
            report.missing_columns.append(name)
            sql_type = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}.get(kind, "VARCHAR")
            select.append(f"CAST(NULL AS {sql_type}) AS {q(name)}")
    others = [c for c in cols if c not in spec.fields and c not in ("contact_id", LINE, "file_row_number")]
    select += [f"{text_value(c, cols[c])} AS {q(c)}" for c in others]
    reason = _first_failing(checks)
    run(
        con,
        f"CREATE OR REPLACE TEMP TABLE staged_contacts AS SELECT {LINE}, {reason} AS _reason, {', '.join(select)} FROM raw_contacts",
    )
    report.rows = scalar(con, "SELECT count(*) FROM staged_contacts") + len(read_errors)
    _collect_bad(con, report, "staged_contacts", "_reason", read_errors)
    # a contact id seen again keeps its first row; the later ones are reported
    dupes = run(
        con,
        f"""SELECT {LINE}, contact_id, first_line FROM (
              SELECT {LINE}, contact_id, min({LINE}) OVER (PARTITION BY contact_id) AS first_line
              FROM staged_contacts WHERE _reason IS NULL)
            WHERE {LINE} <> first_line ORDER BY {LINE}""",
    )
    report.duplicates = len(dupes)
    for line, cid, first in dupes[: max(0, MAX_LISTED - len(report.bad))]:
        report.bad.append(
            BadRow(
                report.file,
                int(line),
                f"contact_id '{cid}' already given on line {first}; the first row counts",
            )
        )
    columns = ", ".join(["contact_id", *(q(n) for n in spec.fields), *(q(c) for c in others)])
    run(
        con,
        f"""CREATE OR REPLACE TABLE {table} AS SELECT {columns} FROM staged_contacts
            WHERE _reason IS NULL QUALIFY row_number() OVER (PARTITION BY contact_id ORDER BY {LINE}) = 1
            ORDER BY {LINE}""",
    )
    report.loaded = scalar(con, f"SELECT count(*) FROM {table}")
    run(con, "DROP TABLE staged_contacts")
    return report


def load_events(con: Any, path: Path, properties: tuple[str, ...], table: str = "events") -> FileReport:
    check_input(path, "events")
    report = FileReport(str(path), "events")
    wanted = {*EVENT_COLUMNS, *properties}
    read_errors, cols = _stage(
        con, path, "raw_events", wanted, set(properties), {"contact_id", "type", "timestamp"}
    )
    missing = [c for c in ("contact_id", "type", "timestamp") if c not in cols]
    if missing:
        raise LeadscoreError(
            [Diagnostic("D006", f"the events file has no {', '.join(missing)} column", Location(str(path), 1),
                        "an events file has contact_id, type and timestamp columns (event_id recommended)")]
        )  # fmt: skip
    ts = instant("timestamp", cols["timestamp"])
    cid = text_value("contact_id", cols["contact_id"])
    etype = text_value("type", cols["type"])
    has_id = "event_id" in cols
    eid = text_value("event_id", cols["event_id"]) if has_id else f"CAST({LINE} AS VARCHAR)"
    checks = [
        (f"{cid} IS NULL", "'contact_id is empty'"),
        (f"{etype} IS NULL", "'type is empty'"),
        (f"{text_value('timestamp', cols['timestamp'])} IS NULL", "'timestamp is empty'"),
        (ts.invalid, ts.reason),
    ]
    if has_id:
        checks.append((f"{eid} IS NULL", "'event_id is empty'"))
    props = []
    for p in properties:
        if p in cols:
            props.append(f"{text_value(p, cols[p])} AS {q(p)}")
        else:
            if p != "is_bot":
                report.missing_columns.append(p)
            props.append(f"CAST(NULL AS VARCHAR) AS {q(p)}")
    reason = _first_failing([(c, r) for c, r in checks if c != "FALSE"])
    select = ", ".join(
        [f"{eid} AS event_id", f"{cid} AS contact_id", f"{etype} AS type", f"{ts.expr} AS timestamp", *props]
    )
    run(
        con,
        f"CREATE OR REPLACE TEMP TABLE staged_events AS SELECT {LINE}, {reason} AS _reason, {select} FROM raw_events",
    )
    report.rows = scalar(con, "SELECT count(*) FROM staged_events") + len(read_errors)
    _collect_bad(con, report, "staged_events", "_reason", read_errors)
    out_cols = ", ".join(["event_id", "contact_id", "type", "timestamp", *(q(p) for p in properties)])
    run(
        con,
        f"""CREATE OR REPLACE TEMP TABLE event_dups AS
            SELECT event_id, min({LINE}) AS first_line, count(*) - 1 AS extra
            FROM staged_events WHERE _reason IS NULL GROUP BY event_id HAVING count(*) > 1""",
    )
    report.duplicates = scalar(con, "SELECT coalesce(sum(extra), 0) FROM event_dups")
    if report.duplicates:
        run(
            con,
            f"""CREATE OR REPLACE TABLE {table} AS SELECT {out_cols} FROM staged_events s
                WHERE _reason IS NULL AND NOT EXISTS (
                  SELECT 1 FROM event_dups d WHERE d.event_id = s.event_id AND s.{LINE} > d.first_line)""",
        )
    else:
        run(
            con,
            f"CREATE OR REPLACE TABLE {table} AS SELECT {out_cols} FROM staged_events WHERE _reason IS NULL",
        )
    report.loaded = scalar(con, f"SELECT count(*) FROM {table}")
    run(con, "DROP TABLE staged_events")
    run(con, "DROP TABLE event_dups")
    return report


def count_unknown_contacts(con: Any, events: str = "events", contacts: str = "contacts") -> int:
    return int(
        scalar(
            con,
            f"SELECT count(*) FROM {events} e WHERE NOT EXISTS (SELECT 1 FROM {contacts} c WHERE c.contact_id = e.contact_id)",
        )
    )


def load_inputs(
    con: Any,
    contacts: Path,
    events: Path | None,
    spec: ContactSpec,
    properties: tuple[str, ...],
    step: Step | None = None,
) -> LoadReport:
    report = LoadReport()
    if step:
        step(f"reading contacts from {contacts}")
    report.files.append(load_contacts(con, contacts, spec))
    if events is not None:
        if step:
            step(f"reading events from {events}")
        report.files.append(load_events(con, events, properties))
        report.unknown_contact_events = count_unknown_contacts(con)
    else:
        cols = ", ".join(["CAST(NULL AS VARCHAR) AS event_id", "CAST(NULL AS VARCHAR) AS contact_id", "CAST(NULL AS VARCHAR) AS type",
                          "CAST(NULL AS TIMESTAMP) AS timestamp", *(f"CAST(NULL AS VARCHAR) AS {q(p)}" for p in properties)])  # fmt: skip
        run(con, f"CREATE OR REPLACE TABLE events AS SELECT {cols} WHERE FALSE")
    return report
