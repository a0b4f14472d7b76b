"""Load contacts and events files into DuckDB, keeping every row's line number.

Files are staged as relations with a `_line` column (CSV read by
:mod:`leadscore.data.text_readers`, JSON Lines by :mod:`leadscore.data.json_lines`, Parquet
natively with its row numbers), then normalised by :mod:`leadscore.data.normalize` into the
canonical `contacts` and `events`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from leadscore.data.badrows import PART_SHIFT
from leadscore.data.column_names import check_case_clashes, parquet_names, unread_clashes
from leadscore.data.formats import Format, check_input, detect_format, parquet_source
from leadscore.data.json_lines import expand_json_column, read_jsonl
from leadscore.data.normalize import (
    ContactSpec,
    RawInput,
    empty_events,
    normalize_contacts,
    normalize_events,
)
from leadscore.data.report import BadRow, FileReport, LoadReport
from leadscore.data.sqltyping import Typing, duckdb_category
from leadscore.data.text_readers import LINE, PROPERTIES, read_csv
from leadscore.diagnostics import LeadscoreError, Location

Step = Callable[[str], None]
EVENT_FILE_COLUMNS = {"event_id", "contact_id", "type", "timestamp"}

__all__ = [
    "ContactSpec",
    "DuckDBExecutor",
    "load_contacts",
    "load_events",
    "load_inputs",
    "run",
    "scalar",
    "stage_input",
]


def run(con: Any, sql: str) -> list[Any]:
    """Run one statement to completion (DuckDB wants each result consumed)."""
    return list(con.execute(sql).fetchall())


def scalar(con: Any, sql: str) -> Any:
    return run(con, sql)[0][0]


class DuckDBExecutor:
    typing: Typing = Typing()
    one_pass_checks = True  # count(DISTINCT …) is a fast hash aggregate here (see normalize_contacts)

    def __init__(self, con: Any, refuse_nul: bool = False) -> None:
        self.con = con
        self.refuse_nul = refuse_nul  # the rows go on to PostgreSQL (see normalize._nul_checks)
        self._stats: dict[str, dict[str, tuple[bool, bool, bool]]] = {}

    def execute(self, sql: str) -> None:
        run(self.con, sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return run(self.con, sql)

    def columns(self, relation: str) -> dict[str, str]:
        return {r[0]: duckdb_category(str(r[1])) for r in run(self.con, f"DESCRIBE SELECT * FROM {relation}")}

    def materialize(self, name: str, select: str) -> None:
        run(self.con, f"CREATE OR REPLACE TEMP TABLE {name} AS {select}")

    def drop(self, name: str) -> None:
        # `temp.`: never a table of the user's own with that name, in a database file (--db)
        run(self.con, f"DROP TABLE IF EXISTS temp.{name}")

    def stage(self, name: str, select: str) -> None:
        # DuckDB scans Parquet and Arrow fast: intermediates stay views, nothing is copied
        run(self.con, f"DROP TABLE IF EXISTS temp.{name}")
        run(self.con, f"CREATE OR REPLACE TEMP VIEW {name} AS {select}")

    def count(self, relation: str) -> int:
        return int(scalar(self.con, f"SELECT count(*) FROM {relation}"))

    def provably_clean(self, raw: RawInput, required: list[str]) -> bool:
        stats = self._statistics(raw)
        return all(c in stats and stats[c][0] and stats[c][1] for c in required)

    def never_empty(self, raw: RawInput, columns: list[str]) -> set[str]:
        stats = self._statistics(raw)
        return {c for c in columns if c in stats and stats[c][1]}

    def within_years(self, raw: RawInput, column: str) -> bool:
        stats = self._statistics(raw)
        return column in stats and stats[column][2]

    def _statistics(self, raw: RawInput) -> dict[str, tuple[bool, bool, bool]]:
        """Column → (no value missing, no value the empty text, every instant within the years
        1000 to 9999), as a Parquet file's own statistics prove them in every row group
        (unproven: False). The empty text is below every other, so a row group whose least
        value is not empty holds none; one whose values are all missing holds none either. An
        instant's least and greatest value written with a four-digit year that is not 0nnn and
        not BC prove the years. A row group without statistics proves nothing."""
        if raw.parquet is None:
            return {}
        if raw.parquet not in self._stats:
            year = "regexp_full_match(coalesce({}, ''), '[1-9][0-9]{{3}}-[^B]*')"
            self._stats[raw.parquet] = {
                r[0]: (bool(r[1]), bool(r[2]), bool(r[3]))
                for r in run(
                    self.con,
                    f"""SELECT path_in_schema, bool_and(coalesce(stats_null_count, 1) = 0),
                               bool_and(coalesce(stats_min_value <> '', FALSE)
                                        OR coalesce(stats_null_count = row_group_num_rows, FALSE)),
                               bool_and({year.format("stats_min_value")} AND {year.format("stats_max_value")})
                        FROM parquet_metadata({raw.parquet}) GROUP BY 1""",
                )
            }
        return self._stats[raw.parquet]


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _renamed(name: str, columns: dict[str, str]) -> bool:
    """DuckDB gave `name` a suffix (`tier_1`) because an earlier column differs only in case."""
    base, _, number = name.rpartition("_")
    return number.isdigit() and any(c.casefold() == base.casefold() and c != name for c in columns)


def _nanos_as_utc(types: dict[str, str]) -> str:
    """A REPLACE clause for the nanosecond instants with a time zone (what pandas writes for a
    `datetime64[ns, UTC]` column), as nanosecond UTC timestamps: DuckDB has no `epoch_us` of
    those, and the session's zone is UTC, so the instant is the same."""
    nanos = [n for n, t in types.items() if t.upper() in ("TIMESTAMPTZ_NS", "TIMESTAMP_NS WITH TIME ZONE")]
    if not nanos:
        return ""
    return " REPLACE (" + ", ".join(f"CAST({_q(n)} AS TIMESTAMP_NS) AS {_q(n)}" for n in nanos) + ")"


def _parquet_columns(con: Any, rel: str, path: Path) -> dict[str, str]:
    try:
        return {r[0]: str(r[1]) for r in run(con, f"DESCRIBE SELECT * FROM {rel}")}
    except duckdb.Error as exc:  # not Parquet, truncated, or a folder of files that disagree
        reason = str(exc).split("\n")[0].split("Error: ", 1)[-1]
        raise LeadscoreError.simple(
            "D008",
            f"cannot be read as Parquet: {reason}",
            "check that it is a whole Parquet file (export it again), or name a CSV file .csv",
            where=Location(str(path)),
        ) from None


def stage_file(
    con: Any,
    path: Path,
    fmt: Format,
    source: str | None,
    name: str,
    wanted: set[str] | None,
    need_props: set[str],
    required: set[str],
    reads: set[str] | None = None,
) -> tuple[list[BadRow], set[str], list[str]]:
    """Expose a raw file as the relation `name` with a `_line` column; return the rows it could not
    read, the properties given both as a column and inside `properties` (the column is read), and
    the names of every column of a text file (its relation holds only those read).
    `source` is read_parquet's source for a Parquet input (see formats.parquet_source). `reads`:
    the columns the model reads, when not all of `wanted` (contacts: every column is kept)."""
    reads = wanted if reads is None else reads
    bad: list[BadRow] = []
    if path.is_dir() and fmt is not Format.PARQUET:
        raise LeadscoreError.simple(
            "D002",
            f"{path} is a folder of {fmt.value} files; the embedded engine reads a folder of Parquet parts only",
            "give one file (join the parts), convert them to Parquet, or read the folder with --engine spark",
        )
    if source is not None:
        rel = f"read_parquet({source}, file_row_number = true, union_by_name = true)"
        types = _parquet_columns(con, rel, path)
        if any(_renamed(n, types) for n in types):  # DuckDB never shows two names alike
            check_case_clashes(path, parquet_names(path), reads)
        missing_props = need_props - types.keys()
        if duckdb_category(types.get(PROPERTIES, "")) in ("text", "json") and missing_props:
            table = con.sql(
                f"SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS {LINE} FROM {rel}"
            ).to_arrow_table()
            expanded = expand_json_column(table, need_props, path)
            con.register(name, expanded.table)
            return expanded.bad, expanded.shadowed, []
        extra = ""
        shadowed: set[str] = set()
        kind = types.get(PROPERTIES, "")
        if kind.startswith("STRUCT"):
            keys = {r[0] for r in run(con, f"DESCRIBE SELECT {PROPERTIES}.* FROM {rel}")}
            shadowed = (need_props & keys) - missing_props
            extra = "".join(
                f", CAST(struct_extract({PROPERTIES}, {_lit(p)}) AS VARCHAR) AS {_q(p)}"
                for p in sorted(missing_props & keys)
            )
        elif kind.startswith("MAP"):
            extra = "".join(
                f", CAST(map_extract({PROPERTIES}, {_lit(p)})[1] AS VARCHAR) AS {_q(p)}"
                for p in sorted(missing_props)
            )
        # input order: the row in a single file; across part files (file, row) as one number
        # (one file's plain row number keeps the duplicate search a pass over two columns)
        position = (
            "file_row_number"
            if path.is_file()
            else f"CAST(file_index * {1 << PART_SHIFT} + file_row_number AS BIGINT)"
        )
        run(
            con,
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * EXCLUDE (file_row_number){_nanos_as_utc(types)}, "
            f"file_row_number + 1 AS {LINE}, {position} AS {ORDER}{extra} FROM {rel}",
        )
        return bad, shadowed, []
    text = (
        read_csv(path, wanted | {PROPERTIES} if wanted else None, reads=reads)
        if fmt is Format.CSV
        else read_jsonl(path, wanted, reads=reads)
    )
    table, bad, shadowed = text.table, list(text.bad), set(text.shadowed)
    check_case_clashes(path, text.names or table.column_names, reads, text.first_lines)
    # columns alike but for case that the model does not read are left out: the engines could
    # not keep both, and nothing needs them
    table = table.drop_columns(unread_clashes(table.column_names, reads))
    if fmt is Format.JSONL and table.num_rows == 0:
        # JSON Lines has no header: a file with no readable line still has the required columns.
        # Otherwise a required key absent from every line is a missing column (D005, D006), as
        # in a CSV file, not a bad row for each line. The other columns the model reads are
        # there too, empty: no line says they are missing (D102)
        for col in sorted((required | (reads or set()) | need_props) - set(table.column_names)):
            table = table.append_column(col, pa.nulls(table.num_rows, pa.string()))
    if need_props and PROPERTIES in table.column_names:
        expanded = expand_json_column(table, need_props, path)
        table = expanded.table
        bad += expanded.bad
        shadowed |= expanded.shadowed
    con.register(name, table)
    return bad, shadowed & need_props, text.names


ORDER = "_pos"


def order_of(con: Any, relation: str) -> str:
    """Parquet views carry their (file, row) position; text tables their line."""
    cols = {r[0] for r in run(con, f"DESCRIBE SELECT * FROM {relation}")}
    return ORDER if ORDER in cols else LINE


def stage_input(
    con: Any,
    path: Path,
    option: str,
    name: str,
    wanted: set[str] | None,
    need_props: set[str],
    required: set[str],
    reads: set[str] | None = None,
) -> RawInput:
    """Check a file given with `--<option>`, stage it as `name` with its line numbers, and
    describe it for normalisation (input order, line, the rows the reader could not read)."""
    check_input(path, option)
    fmt = detect_format(path)
    source = parquet_source(path) if fmt is Format.PARQUET else None  # a folder's parts, listed once
    bad, shadowed, names = stage_file(con, path, fmt, source, name, wanted, need_props, required, reads)
    return RawInput(
        name,
        str(path),
        order=order_of(con, name),
        line=LINE,
        read_errors=bad,
        shadowed=sorted(shadowed),
        order_unique=True,
        parquet=source,
        file_columns=names,
    )


def load_contacts(ex: DuckDBExecutor, path: Path, spec: ContactSpec) -> FileReport:
    reads = {"contact_id", *spec.fields}
    raw = stage_input(ex.con, path, "contacts", "raw_contacts", None, set(), {"contact_id"}, reads)
    return normalize_contacts(ex, raw, spec)


def load_events(
    ex: DuckDBExecutor, path: Path, properties: tuple[str, ...], late_duplicates: bool = False
) -> FileReport:
    wanted = EVENT_FILE_COLUMNS | set(properties)
    raw = stage_input(
        ex.con, path, "events", "raw_events", wanted, set(properties), {"contact_id", "type", "timestamp"}
    )
    return normalize_events(ex, raw, properties, late=late_duplicates)


def load_inputs(
    con: Any,
    contacts: Path,
    events: Path | None,
    spec: ContactSpec,
    properties: tuple[str, ...],
    step: Step | None = None,
    late_duplicates: bool = False,
    ex: DuckDBExecutor | None = None,
) -> LoadReport:
    """Load both files; with `late_duplicates`, repeated event_ids are left for the scoring
    query to drop (see normalize_events). `ex`: the engine's executor (its settings, such as
    `refuse_nul`), else a new one on `con`."""
    ex = ex or DuckDBExecutor(con)
    report = LoadReport()
    if step:
        step(f"reading contacts from {contacts}")
    report.files.append(load_contacts(ex, contacts, spec))
    if events is not None:
        if step:
            step(f"reading events from {events}")
        report.files.append(load_events(ex, events, properties, late_duplicates))
    else:
        empty_events(ex, properties)
    return report
