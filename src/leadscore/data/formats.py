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
        parts = [p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_"))]
        kinds = {detect_format(p) for p in parts}
        if len(kinds) == 1:
            return kinds.pop()
        raise LeadscoreError.simple(
            "D002",
            f"{path} is a folder with no single kind of data file",
            "point at a file, or a folder of .parquet parts",
        )
    for suffix, fmt in _SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    raise LeadscoreError.simple(
        "D002",
        f"cannot tell the format of {path} from its name",
        "name it .csv, .parquet or .jsonl (optionally .gz)",
    )


def check_input(path: Path, what: str) -> Path:
    if not path.exists():
        raise LeadscoreError.simple(
            "D001", f"{what} file not found: {path}", f"check the path given for --{what}"
        )
    return path


def parquet_parts(path: Path) -> list[Path]:
    """The Parquet files behind an input: the file itself, or a folder's `.parquet` parts; none
    for an input of another format (never an error: for checks made after a file was read)."""
    if path.is_dir():
        return sorted(path.glob("*.parquet"))
    return [path] if path.suffix.lower() in (".parquet", ".pq") else []
