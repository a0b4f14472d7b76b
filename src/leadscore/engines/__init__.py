"""Engines that run the compiled scoring query: DuckDB (embedded default), PostgreSQL, Spark."""

ENGINES = ("duckdb", "postgres", "spark")
