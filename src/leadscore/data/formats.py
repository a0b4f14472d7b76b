"""Recognise an input file's format from its name (or an explicit choice)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from leadscore.diagnostics import LeadscoreError


class Format(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"


_SUFFIXES = {
    ".csv": Format.CSV,
    ".tsv": Format.CSV,
    ".txt": Format.CSV,
    ".parquet": Format.PARQUET,
    ".pq": Format.PARQUET,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".json": Format.JSONL,
}


def detect_format(path: Path) -> Format:
    name = path.name.lower()
    for comp in (".gz", ".bz2", ".zst", ".zstd"):
        if name.endswith(comp):
            name = name[: -len(comp)]
    if path.is_dir():
        kinds = {detect_format(p) for p in data_parts(path)}
        if len(kinds) == 1:
            return kinds.pop()
        found = "no data file" if not kinds else "files of several kinds"
        raise LeadscoreError.simple(
            "D002",
            f"{path} is a folder with {found} (.parquet, .csv, .jsonl, in it or its subfolders)",
            "point at a file, or a folder of .parquet parts",
        )
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise LeadscoreError.simple(
        "D002",
        f"cannot tell the format of {path} from its name",
        "name it .csv, .parquet or .jsonl (optionally .gz or .bz2)",
    )


def check_input(path: Path, what: str) -> Path:
    if not path.exists():
        raise LeadscoreError.simple(
            "D001", f"{what} file not found: {path}", f"check the path given for --{what}"
        )
    return path


def data_parts(folder: Path) -> list[Path]:
    """The files of a folder input, in its subfolders too (Hive partitions such as `day=…/`),
    in path order; names starting with `.` or `_` (`_SUCCESS`, `.crc`, `_temporary/`) are not data."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )


def parquet_parts(path: Path) -> list[Path]:
    """The Parquet files behind an input: the file itself, or a folder's Parquet parts; none
    for an input of another format (never an error: for checks made after a file was read)."""
    if path.is_dir():
        return [p for p in data_parts(path) if p.suffix.lower() in (".parquet", ".pq")]
    return [path] if path.suffix.lower() in (".parquet", ".pq") else []


def parquet_source(path: Path) -> str:
    """The file, or the list of a folder's parts, as DuckDB's read_parquet takes them (SQL)."""
    files = parquet_parts(path) if path.is_dir() else [path]
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    return f"[{quoted}]" if path.is_dir() else quoted
