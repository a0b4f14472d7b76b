"""Typing raw columns in SQL, per engine: parse a value as its declared type, or say why not.

A raw column is text (CSV, JSON Lines, a text column of a table) or already typed (Parquet, a
typed column). Its engine type is first reduced to a category (`text`, `integer`, `float`,
`decimal`, `boolean`, `timestamp` (naive, UTC), `timestamptz`, `date`, `struct`, `nested` (a list), `other`);
each declared kind then has one parse expression (NULL when the value does not fit) and the
reason reported for a bad row. The rules are the same on every engine; only spelling differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

INTEGER_TEXT = r"^[+-]?[0-9]+(\.0*)?$"
NUMBER_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
NOT_WHOLE = "is not a whole number"
# 1e3 (a JSON number may be written so) is a number, but an integer field reads digits only
EXPONENT_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+$"
EXPONENT = "is written with an exponent; an integer field takes plain digits, such as 1500"
TOO_LARGE = "is a whole number beyond 64 bits (more than 9.2e18 from zero)"
# years 1000-9999, hours 0-23 (not 24:00), minutes and seconds 0-59, offsets within ±18:00 (as --as-of): a
# wider pattern let each engine read `+99:99` or `T24:00` its own way, or shift times by days
# a zone follows a time at once (` UTC` after one space): Spark read `10:00:00 +02:00`,
# `10:00 -05` and `10:00:00UTC`, which DuckDB and PostgreSQL refuse, and none reads a zone after
# a bare date or a lower-case `z`; those fail the shape, so every engine refuses them alike
INSTANT_TEXT = (
    r"^[1-9][0-9]{3}-[0-9]{1,2}-[0-9]{1,2}([T ]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
    r"( UTC|Z|[+-]((0[0-9]|1[0-7])(:?[0-5][0-9])?|18(:?00)?))?)?$"
)
# the same shape with any four-digit year: what is refused for its year alone (0999-12-31)
INSTANT_ANY_YEAR = INSTANT_TEXT.replace("^[1-9][0-9]{3}-", "^[0-9]{4}-", 1)
NOT_AN_INSTANT = "is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended)"
NOT_A_DAY = "is not a day of the calendar (a month from 1 to 12, a day the month has)"
OUTSIDE_YEARS = "is outside the years 1000 to 9999"
FIRST_MICROS = -30610224000000000  # 1000-01-01T00:00:00Z in microseconds since 1970
END_MICROS = 253402300800000000  # 10000-01-01T00:00:00Z
# what a spreadsheet writes for 1500.5 or 1234 in some locales: 1500,50, 1.234,50, 1,234
COMMA_NUMBER_TEXT = r"^[+-]?[0-9][0-9.]*,[0-9.,]*[0-9]$"
COMMA_NUMBER = "is not a number: write it with a decimal point and no thousands separator, such as 1500.50"
COMMA_WHOLE = "is not a whole number: write it without a thousands separator, such as 1200"
# Unix time in seconds (9-10 digits) or milliseconds (12-13), perhaps with a fraction
EPOCH_TEXT = r"^[0-9]{9,13}(\.[0-9]+)?$"
EPOCH = (
    "is not a timestamp: it looks like Unix time in seconds or milliseconds; "
    "write ISO 8601, such as 2026-01-01T09:30:00Z"
)
NUMERIC_CATEGORIES = ("integer", "float", "decimal")
# a double as an engine writes it with an exponent: 1e+16 (DuckDB, PostgreSQL), 1.2345678E7 (Spark)
SCIENTIFIC = "^(-?)([0-9])(?:[.]([0-9]+))?[eE]([-+]?[0-9]+)$"


@dataclass(frozen=True)
class Typed:
    expr: str  # the typed value, NULL when missing or invalid
    invalid: str  # true when a value is present but does not fit
    reason: str  # an SQL text expression: why


class Typing:
    """DuckDB spelling; PostgreSQL and Spark override what differs."""

    sql_types: ClassVar[dict[str, str]] = {
        "string": "VARCHAR",
        "text": "VARCHAR",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "boolean": "BOOLEAN",
    }

    # -- spelling ---------------------------------------------------------------------------

    def q(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def lit(self, text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    def regex_full(self, expr: str, pattern: str) -> str:
        """The anchored (^…$) pattern matches the whole text."""
        return f"regexp_full_match({expr}, {self.lit(pattern)})"

    def cast_text(self, expr: str) -> str:
        return f"CAST({expr} AS VARCHAR)"

    def parse_bigint(self, text: str) -> str:
        """`text` matches INTEGER_TEXT; NULL when it does not fit in 64 bits."""
        return f"TRY_CAST(regexp_replace({text}, '\\.0*$', '') AS BIGINT)"

    def parse_double(self, text: str) -> str:
        """`text` matches NUMBER_TEXT; NULL when it is beyond the range of a double."""
        return f"CASE WHEN isfinite(TRY_CAST({text} AS DOUBLE)) THEN TRY_CAST({text} AS DOUBLE) END"

    def finite(self, expr: str) -> str:
        return f"isfinite(CAST({expr} AS DOUBLE))"

    def whole(self, expr: str) -> str:
        """A finite number without a fraction (of any size)."""
        return f"{expr} = floor({expr})"

    def parse_instant(self, text: str) -> str:
        """An ISO 8601 text as a UTC timestamp; NULL when it is not a valid instant."""
        return f"TRY_CAST({text} AS TIMESTAMPTZ)"

    def utc_timestamp(self, col: str, category: str) -> str:
        """A typed instant column as a naive UTC timestamp (the session time zone is UTC)."""
        return f"CAST({col} AS TIMESTAMP)"

    def concat(self, *parts: str) -> str:
        return "(" + " || ".join(parts) + ")"

    def json_text(self, col: str, key: str) -> str:
        """The value of `key` in the JSON object a column holds, as text (NULL where the text is
        not JSON, the key is absent or null; a list or object as its JSON text)."""
        text = self.cast_text(col)
        path = self.lit('$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"')
        return f"CASE WHEN json_valid({text}) THEN json_extract_string({text}, {path}) END"

    def json_invalid(self, col: str) -> str:
        """The column holds text that is not JSON (a bad row where a property is read from it)."""
        return f"({col} IS NOT NULL AND NOT json_valid({self.cast_text(col)}))"

    def says(self, col: str, value: str, what: str, quoted: bool = True) -> str:
        """The reason `<col>: '<value>' <what>` of a bad row, as SQL (`value` is SQL text)."""
        q = "''" if quoted else ""
        return self.concat(self.lit(col), f"': {q}'", value, f"'{q} {what}'")

    def reason_head(self, expr: str) -> str:
        return f"split_part({expr}, ':', 1)"

    def anti_join(self, select: str, other: str, on: str, other_key: str) -> str:
        """`select` (a SELECT … FROM with no WHERE) without the rows that have a match in `other`.

        DuckDB's ANTI JOIN lets filters on the left side be pushed below the join, so only the
        rows that survive them are probed."""
        return f"{select} ANTI JOIN {other} ON {on}"

    @staticmethod
    def and_where(select: str, condition: str) -> str:
        return f"{select} {'AND' if ' WHERE ' in select else 'WHERE'} {condition}"

    # -- rules (shared) ---------------------------------------------------------------------

    def text_value(self, col: str, category: str, never_empty: bool = False) -> str:
        """Any raw column as text; empty text is null (SPEC §3a). `never_empty`: the file's
        statistics prove the text column holds no empty text, so it is read as it is (no NULLIF
        on every row)."""
        c = self.q(col)
        if category == "text":
            return c if never_empty else f"NULLIF({c}, '')"
        if category == "boolean":
            return f"CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END"
        if category == "float":
            return self.float_text(c)
        if category in ("timestamp", "timestamptz"):
            return self.instant_text(self.utc_timestamp(c, category))
        return f"NULLIF({self.cast_text(c)}, '')"

    def strftime(self, ts: str, fraction: bool) -> str:
        """A UTC timestamp as 2026-01-01T09:30:00Z, with `fraction` as 2026-01-01T09:30:00.250000Z."""
        return f"strftime({ts}, {self.lit('%Y-%m-%dT%H:%M:%S.%fZ' if fraction else '%Y-%m-%dT%H:%M:%SZ')})"

    def instant_text(self, ts: str) -> str:
        """A timestamp column read as text: ISO 8601 in UTC, as leadscore writes instants
        (`2026-05-20T10:30:00Z`, microseconds only where there are any), the same on every
        engine (each engine's own text differs: `2026-05-20 10:30:00+00`, `2026-05-20 10:30:00`)."""
        whole = f"{self.micros(ts)} % 1000000 = 0"
        return f"CASE WHEN {whole} THEN {self.strftime(ts, False)} ELSE {self.strftime(ts, True)} END"

    def group(self, text: str, pattern: str, n: int) -> str:
        """The text of group `n` of `pattern` in `text` ('' or NULL where it took no part)."""
        return f"regexp_extract({text}, {self.lit(pattern)}, {n})"

    def float_text(self, x: str) -> str:
        """A double as a decimal literal, the same text on every engine: the engine's own digits
        (they give the double back), written out without an exponent and with a fraction, as
        `12345678.0`, `0.00001` or `10000000000000000.0`. Each engine writes an exponent from its
        own size on (Spark from 10^7: `1.2345678E7`; PostgreSQL writes `150`, DuckDB `150.0`), and
        text compares with a number only as a decimal literal (SPEC §3a)."""
        s = self.cast_text(x)
        minus, first, rest, power = (self.group(s, SCIENTIFIC, n) for n in (1, 2, 3, 4))
        fraction = f"coalesce({rest}, '')"
        kept = f"TRIM(TRAILING '0' FROM {self.concat(first, fraction)})"
        digits = f"(CASE WHEN {kept} = '' THEN '0' ELSE {kept} END)"
        e = f"CAST({power} AS INTEGER)"
        sign = f"coalesce({minus}, '')"
        small = self.concat(sign, "'0.'", f"repeat('0', -{e} - 1)", digits)
        whole = self.concat(sign, f"rpad({digits}, {e} + 1, '0')", "'.0'")
        split = self.concat(sign, f"substr({digits}, 1, {e} + 1)", "'.'", f"substr({digits}, {e} + 2)")
        out = f"CASE WHEN {e} < 0 THEN {small} WHEN length({digits}) <= {e} + 1 THEN {whole} ELSE {split} END"
        return (
            f"CASE WHEN {self.regex_full(s, SCIENTIFIC)} THEN {out} "
            f"WHEN {self.regex_full(s, '^-?[0-9]+$')} THEN {self.concat(s, self.lit('.0'))} ELSE {s} END"
        )

    def typed(self, col: str, category: str, kind: str, never_empty: bool = False) -> Typed:
        c = self.q(col)
        text = self.text_value(col, category, never_empty)
        if kind in ("string", "text"):
            return Typed(text, "FALSE", "NULL")
        if kind == "integer":
            if category == "integer":
                return Typed(f"CAST({c} AS BIGINT)", "FALSE", "NULL")
            if category in ("float", "decimal"):
                whole = f"({self.finite(c)} AND {self.whole(c)})"
                # a whole number beyond 64 bits (1e30) cannot be cast: a bad row, not an error
                ok = f"({whole} AND {c} >= -9223372036854775808.0 AND {c} < 9223372036854775808.0)"
                shown = self.cast_text(c)
                why = (
                    f"CASE WHEN {whole} THEN {self.says(col, shown, TOO_LARGE, quoted=False)} "
                    f"ELSE {self.says(col, shown, NOT_WHOLE, quoted=False)} END"
                )
                return Typed(
                    f"CASE WHEN {ok} THEN CAST({c} AS BIGINT) END", f"({c} IS NOT NULL AND NOT {ok})", why
                )
            shape = self.regex_full(text, INTEGER_TEXT)
            expr = f"CASE WHEN {shape} THEN {self.parse_bigint(text)} END"
            why = (
                f"CASE WHEN {shape} THEN {self.says(col, text, TOO_LARGE)} "
                f"WHEN {self.regex_full(text, EXPONENT_TEXT)} THEN {self.says(col, text, EXPONENT)} "
                f"WHEN {self.regex_full(text, COMMA_NUMBER_TEXT)} THEN {self.says(col, text, COMMA_WHOLE)} "
                f"ELSE {self.says(col, text, NOT_WHOLE)} END"
            )
            return Typed(expr, f"({text} IS NOT NULL AND ({expr}) IS NULL)", why)
        if kind == "number":
            if category in NUMERIC_CATEGORIES:
                ok = self.finite(c)
                return Typed(
                    f"CASE WHEN {ok} THEN CAST({c} AS {self.sql_types['number']}) END",
                    f"({c} IS NOT NULL AND NOT {ok})",
                    self.concat(self.lit(col), "': not a finite number'"),
                )
            expr = f"CASE WHEN {self.regex_full(text, NUMBER_TEXT)} THEN {self.parse_double(text)} END"
            why = (
                f"CASE WHEN {self.regex_full(text, COMMA_NUMBER_TEXT)} THEN {self.says(col, text, COMMA_NUMBER)} "
                f"ELSE {self.says(col, text, 'is not a number')} END"
            )
            return Typed(expr, f"({text} IS NOT NULL AND ({expr}) IS NULL)", why)
        if kind == "boolean":
            if category == "boolean":
                return Typed(c, "FALSE", "NULL")
            low = f"lower({text})"
            expr = f"CASE WHEN {low} = 'true' THEN TRUE WHEN {low} = 'false' THEN FALSE END"
            return Typed(
                expr,
                f"({text} IS NOT NULL AND ({expr}) IS NULL)",
                self.says(col, text, "is not true or false"),
            )
        raise ValueError(kind)

    def micros(self, timestamp: str) -> str:
        """Exact microseconds since the Unix epoch of a UTC timestamp (or a TIMESTAMPTZ)."""
        return f"epoch_us({timestamp})"

    def in_years(self, col: str, micros: str) -> Typed:
        """A typed instant (`micros`, its exact microseconds), held to the years 1000 to 9999 as
        a text instant is: a typed 0001-01-01 (a placeholder some systems write for "no date")
        is a bad row, not an event two thousand years old."""
        outside = f"({micros} < {FIRST_MICROS} OR {micros} >= {END_MICROS})"
        shown = self.instant_text(self.utc_timestamp(self.q(col), "timestamp"))
        return Typed(
            micros, f"({self.q(col)} IS NOT NULL AND {outside})", self.says(col, shown, OUTSIDE_YEARS)
        )

    def instant(self, col: str, category: str) -> Typed:
        """Exact UTC microseconds from an ISO 8601 text (offsets converted, naive is UTC) or a typed column."""
        if category in ("timestamp", "timestamptz"):
            return self.in_years(col, self.micros(self.q(col)))
        if category == "date":
            return self.in_years(col, self.micros(self.utc_timestamp(self.q(col), category)))
        text = self.text_value(col, category)
        shaped = self.regex_full(text, INSTANT_TEXT)
        expr = f"CASE WHEN {shaped} THEN {self.micros(self.parse_instant(text))} END"
        # the shape is right but the day is not (2026-02-30), or only the year is out of range
        why = (
            f"CASE WHEN {shaped} THEN {self.says(col, text, NOT_A_DAY)} "
            f"WHEN {self.regex_full(text, INSTANT_ANY_YEAR)} THEN {self.says(col, text, OUTSIDE_YEARS)} "
            f"WHEN {self.regex_full(text, EPOCH_TEXT)} THEN {self.says(col, text, EPOCH)} "
            f"ELSE {self.says(col, text, NOT_AN_INSTANT)} END"
        )
        return Typed(expr, f"({text} IS NOT NULL AND ({expr}) IS NULL)", why)


class PostgresTyping(Typing):
    """PostgreSQL: no TRY_CAST, so parses are guarded by range checks and a temporary function."""

    sql_types: ClassVar[dict[str, str]] = {
        "string": "TEXT",
        "text": "TEXT",
        "integer": "BIGINT",
        "number": "DOUBLE PRECISION",
        "boolean": "BOOLEAN",
    }
    # a function in the session's own temporary schema: it needs no privileges and vanishes
    SETUP = (
        "CREATE OR REPLACE FUNCTION pg_temp.leadscore_instant(t text) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $$ "
        "BEGIN RETURN (t::timestamptz AT TIME ZONE 'UTC'); EXCEPTION WHEN others THEN RETURN NULL; END $$; "
        "CREATE OR REPLACE FUNCTION pg_temp.leadscore_json(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$ "
        "BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$"
    )

    def json_text(self, col: str, key: str) -> str:
        doc = f"pg_temp.leadscore_json(CAST({col} AS TEXT))"
        return f"CASE WHEN jsonb_typeof({doc}) = 'object' THEN {doc} ->> {self.lit(key)} END"

    def json_invalid(self, col: str) -> str:
        return f"({col} IS NOT NULL AND pg_temp.leadscore_json(CAST({col} AS TEXT)) IS NULL)"

    def regex_full(self, expr: str, pattern: str) -> str:
        return f"({expr} ~ {self.lit(pattern)})"

    def anti_join(self, select: str, other: str, on: str, other_key: str) -> str:
        return f"{select} LEFT JOIN {other} ON {on} WHERE {other_key} IS NULL"

    def cast_text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def group(self, text: str, pattern: str, n: int) -> str:
        return f"(regexp_match({text}, {self.lit(pattern)}))[{n}]"

    def strftime(self, ts: str, fraction: bool) -> str:
        pattern = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"' if fraction else 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
        return f"to_char({ts}, {self.lit(pattern)})"

    def parse_bigint(self, text: str) -> str:
        n = f"CAST(regexp_replace({text}, '\\.0*$', '') AS NUMERIC)"
        return (
            f"CASE WHEN {n} BETWEEN -9223372036854775808 AND 9223372036854775807 THEN CAST({n} AS BIGINT) END"
        )

    def parse_double(self, text: str) -> str:
        n = f"CAST({text} AS NUMERIC)"
        return f"CASE WHEN abs({n}) <= 1.7976931348623157e308 THEN CAST({n} AS DOUBLE PRECISION) END"

    def finite(self, expr: str) -> str:
        return f"(CAST({expr} AS DOUBLE PRECISION) NOT IN ('Infinity', '-Infinity', 'NaN'))"

    def parse_instant(self, text: str) -> str:
        return f"pg_temp.leadscore_instant({text})"

    def micros(self, timestamp: str) -> str:
        return f"CAST(EXTRACT(EPOCH FROM {timestamp}) * 1000000 AS BIGINT)"

    def instant(self, col: str, category: str) -> Typed:
        if category in ("timestamp", "timestamptz", "date"):
            return self.in_years(col, self.micros(self.utc_timestamp(self.q(col), category)))
        return super().instant(col, category)

    def utc_timestamp(self, col: str, category: str) -> str:
        if category == "timestamptz":
            return f"({col} AT TIME ZONE 'UTC')"
        return f"CAST({col} AS TIMESTAMP)"


class SparkTyping(Typing):
    """Spark SQL: backquoted names, backslash escapes in literals, Java regexes."""

    sql_types: ClassVar[dict[str, str]] = {
        "string": "STRING",
        "text": "STRING",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "boolean": "BOOLEAN",
    }

    def q(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def lit(self, text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def anti_join(self, select: str, other: str, on: str, other_key: str) -> str:
        return f"{select} LEFT ANTI JOIN {other} ON {on}"

    def regex_full(self, expr: str, pattern: str) -> str:
        # Java's $ also matches before a final newline; \z is the very end
        java = pattern[:-1] + "\\z" if pattern.endswith("$") else pattern
        return f"({expr} RLIKE {self.lit(java)})"

    def cast_text(self, expr: str) -> str:
        return f"CAST({expr} AS STRING)"

    def strftime(self, ts: str, fraction: bool) -> str:
        pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'" if fraction else "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return f"date_format({ts}, {self.lit(pattern)})"

    def parse_bigint(self, text: str) -> str:
        return f"TRY_CAST(regexp_replace({text}, {self.lit(chr(92) + '.0*$')}, '') AS BIGINT)"

    def parse_double(self, text: str) -> str:
        d = f"TRY_CAST({text} AS DOUBLE)"
        return f"CASE WHEN NOT isnan({d}) AND abs({d}) < double('Infinity') THEN {d} END"

    def finite(self, expr: str) -> str:
        d = f"CAST({expr} AS DOUBLE)"
        return f"(NOT isnan({d}) AND abs({d}) < double('Infinity'))"

    def whole(self, expr: str) -> str:
        # Spark's floor() of a double is a 64-bit integer, which overflows past 9.2e18
        return f"{expr} % 1 = 0"

    def parse_instant(self, text: str) -> str:
        # Spark needs the seconds: 10:00Z → 10:00:00Z
        with_seconds = f"regexp_replace({text}, {self.lit('^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2})(?![:0-9])')}, '$1:00')"
        return f"TRY_CAST({with_seconds} AS TIMESTAMP)"

    def utc_timestamp(self, col: str, category: str) -> str:
        return f"CAST({col} AS TIMESTAMP)"

    def micros(self, timestamp: str) -> str:
        return f"unix_micros({timestamp})"

    def instant(self, col: str, category: str) -> Typed:
        if category in ("timestamp", "timestamptz", "date"):
            return self.in_years(col, self.micros(self.utc_timestamp(self.q(col), category)))
        return super().instant(col, category)

    def concat(self, *parts: str) -> str:
        return "concat(" + ", ".join(parts) + ")"

    def json_text(self, col: str, key: str) -> str:
        path = self.lit("$['" + key.replace("'", "\\'") + "']")
        return f"get_json_object({self.cast_text(col)}, {path})"

    def json_invalid(self, col: str) -> str:
        return f"({col} IS NOT NULL AND get_json_object({self.cast_text(col)}, '$') IS NULL)"


def duckdb_category(t: str) -> str:
    t = t.upper()
    if t.endswith("]"):  # a list (VARCHAR[]) or an array (INTEGER[3])
        return "nested"
    if t == "VARCHAR" or t.startswith("VARCHAR"):
        return "text"
    if t == "JSON":
        return "json"  # read as its text, like any other type (compared with '' it must be valid JSON)
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"):
        return "integer"  # every value fits a BIGINT
    if t in ("UBIGINT", "HUGEINT", "UHUGEINT"):
        return "decimal"  # values may not fit a BIGINT: typed with the range check of decimals
    if t in ("FLOAT", "DOUBLE", "REAL"):
        return "float"
    if t.startswith("DECIMAL"):
        return "decimal"
    if t == "BOOLEAN":
        return "boolean"
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return "timestamptz"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "DATE":
        return "date"
    if t.startswith(("STRUCT", "MAP", "UNION")):
        return "struct"
    return "other"
