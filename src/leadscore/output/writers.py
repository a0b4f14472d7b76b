"""Write score rows to CSV, Parquet or JSON Lines (chosen by the file name)."""

from __future__ import annotations

from pathlib import Path

from leadscore.diagnostics import LeadscoreError

OUTPUT_FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def output_format(path: Path) -> str:
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LeadscoreError.simple(
            "O001", f"cannot tell the output format of {path}", "name the output .csv, .parquet or .jsonl"
        )
    if not path.parent.exists():
        raise LeadscoreError.simple("O002", f"the folder {path.parent} does not exist", "create it first")
    return fmt


def duckdb_copy_options(fmt: str) -> str:
    return {"csv": "(FORMAT csv, HEADER)", "parquet": "(FORMAT parquet)", "jsonl": "(FORMAT json)"}[fmt]


def write_arrow(table: object, out: Path) -> None:
    """Write an Arrow table with DuckDB's writers (the same output as the DuckDB engine), atomically."""
    import duckdb

    fmt = output_format(out)
    tmp = out.with_name(f".{out.name}.tmp")
    con = duckdb.connect()
    try:
        con.register("scores_out", table)
        con.execute(f"COPY scores_out TO '{sql_path(tmp)}' {duckdb_copy_options(fmt)}").fetchall()
    finally:
        con.close()
    tmp.replace(out)


def sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
