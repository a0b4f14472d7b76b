"""Column names as the engines see them: compared without letter case."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from leadscore.data.formats import parquet_parts
from leadscore.diagnostics import LeadscoreError, Location


def check_case_clashes(
    path: Path, names: list[str], wanted: set[str] | None, first_lines: dict[str, int] | None = None
) -> None:
    """Columns whose names differ only in letter case (`Tier`, `tier`) are one column to the
    engines, which compare names without case (DuckDB reads the second as `tier_1`): refuse a
    file where such a pair holds a column leadscore reads, rather than read the wrong one.
    `first_lines` (JSON Lines): where each key first appears, to name the line of the later one."""
    groups = [g for g in _alike(names) if wanted is None or wanted & set(g)]
    if groups:
        clashes = ", ".join("/".join(sorted(g)) for g in groups)
        lines = first_lines or {}
        where = Location(str(path))
        if lines:  # the line where a second spelling first appears (one line among many)
            later, line = max(((n, lines[n]) for n in groups[0] if n in lines), key=lambda x: x[1])
            where = Location(str(path), line)
            clashes += f" ('{later}' first on line {line})"
        raise LeadscoreError.simple(
            "D004",
            f"column names differ only in letter case: {clashes}",
            "rename one of each pair; the engines compare column names without case",
            where=where,
        )


def unread_clashes(names: list[str], reads: set[str] | None) -> list[str]:
    """The columns of groups alike but for case of which the model reads none."""
    if reads is None:
        return []
    return [n for g in _alike(names) if not reads & set(g) for n in g]


def _alike(names: list[str]) -> list[list[str]]:
    """Groups of two or more names that differ only in letter case."""
    groups: dict[str, list[str]] = {}
    for n in dict.fromkeys(names):
        groups.setdefault(n.casefold(), []).append(n)
    return [g for g in groups.values() if len(g) > 1]


def spelled_otherwise(name: str, columns: Iterable[str]) -> str | None:
    """A column that is `name` but for letter case (`Country` for `country`), if any."""
    return next((c for c in columns if c.casefold() == name.casefold() and c != name), None)


def parquet_fields(path: Path) -> list[Any]:
    """The columns (pyarrow fields) of a Parquet file, or of every part of a folder, in order."""
    import pyarrow.parquet as pq

    return [f for part in parquet_parts(path) for f in pq.read_schema(part)]


def parquet_names(path: Path) -> list[str]:
    return [f.name for f in parquet_fields(path)]


def nanosecond_columns(fields: list[Any]) -> list[str]:
    """The columns of nanosecond timestamps (what pandas writes for `datetime64[ns]`)."""
    import pyarrow as pa

    nanos = (f.name for f in fields if pa.types.is_timestamp(f.type) and f.type.unit == "ns")
    return list(dict.fromkeys(nanos))
