"""The embedded engine's own configuration."""

from __future__ import annotations

from leadscore.engines.duckdb_engine import DuckDBEngine


def _settings(engine: DuckDBEngine) -> dict[str, str]:
    rows = engine.con.execute("SELECT name, value FROM duckdb_settings()").fetchall()
    return {str(name): str(value) for name, value in rows}


UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def _bytes(text: str) -> float:
    """'953.6 MiB' or '134217728B' as a number of bytes."""
    number, unit = text.replace(" ", "")[:-3], text.replace(" ", "")[-3:]
    if unit not in UNITS:
        number, unit = text.rstrip("B"), "B"
    return float(number) * UNITS[unit]


def test_memory_a_statement_freed_is_kept_for_the_next_up_to_the_memory_limit() -> None:
    engine = DuckDBEngine(memory_limit="1GB")
    try:
        settings = _settings(engine)
        limit = _bytes(settings["memory_limit"])
        # DuckDB's defaults are 128 MiB and 512 MiB: the memory would go back to the operating
        # system after every large statement (bench/README.md, "The allocator keeps freed memory");
        # DuckDB shows the values rounded to a tenth of their unit
        for name in ("allocator_flush_threshold", "allocator_bulk_deallocation_flush_threshold"):
            assert abs(_bytes(settings[name]) - limit) <= 0.001 * limit, (name, settings[name])
    finally:
        engine.close()


def test_without_it_duckdb_would_give_memory_back_sooner() -> None:
    """What the setting changes: a plain connection's thresholds sit far below its memory limit."""
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute("SELECT name, value FROM duckdb_settings()").fetchall()
        settings = {str(n): str(v) for n, v in rows}
        limit = _bytes(settings["memory_limit"])
        for name in ("allocator_flush_threshold", "allocator_bulk_deallocation_flush_threshold"):
            assert _bytes(settings[name]) < limit / 2, (name, settings[name])
    finally:
        con.close()
