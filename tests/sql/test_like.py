"""LIKE patterns name an escape character only where they escape something.

DuckDB runs any LIKE that carries an ESCAPE clause on a slower path, so the clause is left out
when the pattern has nothing to escape. That is safe only while such a pattern means the same
with or without the clause on every engine: PostgreSQL and Spark escape with a backslash by
default, so a pattern holding one keeps the clause.
"""

from __future__ import annotations

import duckdb
import pytest
from sqlglot import exp

from leadscore.sql.build import like, like_literal
from leadscore.sql.dialects import DuckDBDialect, PostgresDialect, SparkDialect

ESCAPE = "!"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("newsletter", False), ("/pricing", False), ("job_application", True), ("50%", True),
     ("a!b", True), ("a\\b", True), ("Łódź", False)],
)  # fmt: skip
def test_the_escape_clause_only_where_the_pattern_escapes(text: str, escaped: bool) -> None:
    pattern = like_literal(text, ESCAPE)
    for d in (DuckDBDialect(), PostgresDialect(), SparkDialect()):
        sql = d.render(like(exp.column("v"), pattern, ESCAPE, fold=True), pretty=False)
        assert ("ESCAPE" in sql) is escaped, (d.name, sql)


VALUES = ["job_application", "jobXapplication", "JOB_APPLICATION", "a\\b", "a\\\\b", "ab", "a!b",
          "a!!b", "50%", "500", "newsletter", "NEWSLETTER", "news", "łódź"]  # fmt: skip


@pytest.mark.parametrize("text", ["job_application", "a\\b", "a!b", "50%", "newsletter", "ŁÓDŹ"])
def test_a_literal_pattern_matches_only_its_own_text_ignoring_case(text: str) -> None:
    """On DuckDB, with or without the clause: the rows that match are those equal ignoring case."""
    con = duckdb.connect()
    test = DuckDBDialect().render(like(exp.column("v"), like_literal(text, ESCAPE), ESCAPE, fold=True))
    matched = {
        v for (v,) in con.execute(f"SELECT v FROM unnest(?) AS t(v) WHERE {test}", [VALUES]).fetchall()
    }
    assert matched == {v for v in VALUES if v.lower() == text.lower()}
