"""SQL (DuckDB) expressions that type one raw column and say why a value does not fit.

A raw column is text (CSV, JSON Lines) or already typed (Parquet). Each declared type has a
parse expression (NULL when the value does not fit) and the reason reported for a bad row.
"""

from __future__ import annotations

from dataclasses import dataclass

INTEGER_TEXT = r"^[+-]?[0-9]+(\.0*)?$"
NUMBER_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
INSTANT_TEXT = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?\s*(Z|z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)?$"

_TEXT_TYPES = ("VARCHAR", "JSON")
_INT_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
)
_FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Typed:
    expr: str  # the typed value, NULL when missing or invalid
    invalid: str  # a condition true when a value is present but does not fit
    reason: str  # an SQL text expression: why


def _is_decimal(t: str) -> bool:
    return t.startswith("DECIMAL")


def text_value(col: str, raw_type: str) -> str:
    """Any raw column as text; empty text is null (SPEC §3a)."""
    c = q(col)
    if raw_type in _TEXT_TYPES:
        return f"NULLIF({c}, '')"
    if raw_type == "BOOLEAN":
        return f"CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END"
    return f"NULLIF(CAST({c} AS VARCHAR), '')"


def typed(col: str, raw_type: str, kind: str) -> Typed:
    """Parse a raw column as a declared field type (`string`, `integer`, `number`, `boolean`)."""
    c = q(col)
    text = text_value(col, raw_type)
    label = lit(col)
    if kind in ("string", "text"):
        return Typed(text, "FALSE", "NULL")
    if kind == "integer":
        if raw_type in _INT_TYPES:
            return Typed(f"CAST({c} AS BIGINT)", "FALSE", "NULL")
        if raw_type in _FLOAT_TYPES or _is_decimal(raw_type):
            ok = f"(isfinite(CAST({c} AS DOUBLE)) AND {c} = floor({c}))"
            return Typed(
                f"CASE WHEN {ok} THEN CAST({c} AS BIGINT) END",
                f"({c} IS NOT NULL AND NOT {ok})",
                f"{label} || ': ' || CAST({c} AS VARCHAR) || ' is not a whole number'",
            )
        parsed = f"TRY_CAST(regexp_replace({text}, '\\.0*$', '') AS BIGINT)"
        expr = f"CASE WHEN regexp_full_match({text}, {lit(INTEGER_TEXT)}) THEN {parsed} END"
        return Typed(
            expr,
            f"({text} IS NOT NULL AND ({expr}) IS NULL)",
            f"{label} || ': ''' || {text} || ''' is not a whole number'",
        )
    if kind == "number":
        if raw_type in _INT_TYPES or raw_type in _FLOAT_TYPES or _is_decimal(raw_type):
            ok = f"isfinite(CAST({c} AS DOUBLE))"
            return Typed(
                f"CASE WHEN {ok} THEN CAST({c} AS DOUBLE) END",
                f"({c} IS NOT NULL AND NOT {ok})",
                f"{label} || ': not a finite number'",
            )
        expr = f"CASE WHEN regexp_full_match({text}, {lit(NUMBER_TEXT)}) THEN TRY_CAST({text} AS DOUBLE) END"
        return Typed(
            expr,
            f"({text} IS NOT NULL AND ({expr}) IS NULL)",
            f"{label} || ': ''' || {text} || ''' is not a number'",
        )
    if kind == "boolean":
        if raw_type == "BOOLEAN":
            return Typed(c, "FALSE", "NULL")
        low = f"lower({text})"
        expr = f"CASE WHEN {low} = 'true' THEN TRUE WHEN {low} = 'false' THEN FALSE END"
        return Typed(
            expr,
            f"({text} IS NOT NULL AND ({expr}) IS NULL)",
            f"{label} || ': ''' || {text} || ''' is not true or false'",
        )
    raise ValueError(kind)


def instant(col: str, raw_type: str) -> Typed:
    """A UTC TIMESTAMP from an ISO 8601 text (offsets converted, naive is UTC) or a typed column."""
    c = q(col)
    if raw_type == "TIMESTAMP" or raw_type.startswith("TIMESTAMP_") or raw_type == "DATE":
        return Typed(f"CAST({c} AS TIMESTAMP)", "FALSE", "NULL")
    if raw_type.startswith("TIMESTAMP WITH TIME ZONE") or raw_type == "TIMESTAMPTZ":
        return Typed(f"CAST({c} AS TIMESTAMP)", "FALSE", "NULL")  # the session time zone is UTC
    text = text_value(col, raw_type)
    expr = f"CASE WHEN regexp_full_match({text}, {lit(INSTANT_TEXT)}) THEN CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS TIMESTAMP) END"
    return Typed(
        expr,
        f"({text} IS NOT NULL AND ({expr}) IS NULL)",
        f"{lit(col)} || ': ''' || {text} || ''' is not an ISO 8601 timestamp such as 2026-01-01T09:30:00Z'",
    )
