"""What differs between engines, declared in one class per dialect.

The builders produce one sqlglot tree; a dialect overrides only the few constructs that engines
spell or evaluate differently, and renders the tree with sqlglot's generator for that engine.
"""

from __future__ import annotations

from typing import ClassVar

from sqlglot import exp

from leadscore.reference.values import DECIMAL_LITERAL
from leadscore.sql.build import BIGINT, col


class SqlDialect:
    """The portable default; engines subclass it and override what differs."""

    name: ClassVar[str] = "duckdb"
    sqlglot_dialect: ClassVar[str] = "duckdb"
    # LIKE escape character: '!' is ordinary in every engine's string literals (unlike '\')
    LIKE_ESCAPE: ClassVar[str] = "!"

    def epoch_micros(self, e: exp.Expr) -> exp.Expr:
        """Exact microseconds since the Unix epoch of a UTC timestamp column."""
        return exp.Anonymous(this="EPOCH_US", expressions=[e])

    def regex_search(self, value: exp.Expr, pattern: str) -> exp.Expr:
        """True when the (portable) pattern matches anywhere in the value."""
        return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))

    def is_decimal_literal(self, value: exp.Expr) -> exp.Expr:
        """The whole text is a decimal literal (SPEC §3a): then it compares as a number."""
        return self.regex_search(value, DECIMAL_LITERAL)

    def text_ordering(self, e: exp.Expr) -> exp.Expr:
        """Text ordered by code point (binary collation)."""
        return e

    def int_div(self, a: exp.Expr, b: exp.Expr) -> exp.Expr:
        return exp.IntDiv(this=a, expression=b)

    def render(self, tree: exp.Expr, pretty: bool = True) -> str:
        return tree.sql(dialect=self.sqlglot_dialect, pretty=pretty)

    def ts_column(self, name: str = "timestamp") -> exp.Expr:
        return exp.Cast(this=self.epoch_micros(col(name)), to=BIGINT.copy())


class DuckDBDialect(SqlDialect):
    name = "duckdb"
    sqlglot_dialect = "duckdb"


DIALECTS: dict[str, type[SqlDialect]] = {"duckdb": DuckDBDialect}


def get_dialect(name: str) -> SqlDialect:
    try:
        return DIALECTS[name]()
    except KeyError:
        raise ValueError(f"unknown dialect '{name}'; choose one of {', '.join(DIALECTS)}") from None
