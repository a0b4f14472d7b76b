"""What differs between engines, declared in one class per dialect.

The builders produce one sqlglot tree; a dialect overrides only the few constructs that engines
spell or evaluate differently, and renders the tree with sqlglot's generator for that engine.
"""

from __future__ import annotations

import math
from typing import ClassVar

from sqlglot import exp

from leadscore.model.regex import java_pattern, postgres_pattern
from leadscore.reference.values import DECIMAL_LITERAL
from leadscore.sql.build import BIGINT, case, col, double, like, like_literal, to_double

# a product of doubles below this is 0.0 where the engine would raise on its underflow
UNDERFLOW_ZERO = 1e-320


class SqlDialect:
    """The portable default; engines subclass it and override what differs."""

    name: ClassVar[str] = "duckdb"
    sqlglot_dialect: ClassVar[str] = "duckdb"
    # LIKE escape character: '!' is ordinary in every engine's string literals (unlike '\')
    LIKE_ESCAPE: ClassVar[str] = "!"
    # materialise the per-contact CTEs: an engine that inlines them without eliminating common
    # subexpressions would copy each clamp, decay and rounding input into every use
    MATERIALIZE_CONTACT_LAYERS: ClassVar[bool] = False
    # list aggregates with lambdas (list + list_sort, max(x, n), list_filter): ranked rules then
    # fold into the one aggregation pass instead of ranked subqueries
    LIST_AGGREGATES: ClassVar[bool] = False
    # exp() and power() raise on underflow instead of returning 0, so their arguments are guarded
    RAISES_ON_UNDERFLOW: ClassVar[bool] = False
    # bit_or / bit_count aggregates: distinct once_per windows within `within` as a bit set
    BIT_AGGREGATES: ClassVar[bool] = False
    # ILIKE lower-cases both sides as LOWER() does, without building the lowered text
    ILIKE: ClassVar[bool] = False

    def epoch_micros(self, e: exp.Expr) -> exp.Expr:
        """Exact microseconds since the Unix epoch of a UTC timestamp column."""
        return exp.Anonymous(this="EPOCH_US", expressions=[e])

    def regex_search(self, value: exp.Expr, pattern: str) -> exp.Expr:
        """True when the (portable) pattern matches anywhere in the value."""
        return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))

    def is_decimal_literal(self, value: exp.Expr) -> exp.Expr:
        """The whole text is a decimal literal (SPEC §3a): then it compares as a number."""
        return self.regex_search(value, DECIMAL_LITERAL)

    def text_number(self, value: exp.Expr) -> exp.Expr:
        """A decimal literal's text as the nearest double: beyond the largest double it is
        ±infinity and below the least it is 0, as the reference's float() reads it."""
        return to_double(value)

    def text_ordering(self, e: exp.Expr) -> exp.Expr:
        """Text ordered by code point (binary collation)."""
        return e

    def lower(self, e: exp.Expr) -> exp.Expr:
        """Lower case, one character at a time (simple Unicode case mapping, no context)."""
        return exp.Lower(this=e)

    def equals_folded(self, e: exp.Expr, text: str) -> exp.Expr:
        """`e` equals `text` ignoring case (null when `e` is null). ILIKE folds both sides itself;
        without it, `e` is lowered and compared with `text`, which must then be lower-case."""
        if self.ILIKE:  # no lowered copy of the text is built
            return like(e, like_literal(text, self.LIKE_ESCAPE), self.LIKE_ESCAPE, fold=True)
        return exp.EQ(this=self.lower(e), expression=exp.Literal.string(text))

    def scaled(self, factor: float, e: exp.Expr) -> exp.Expr:
        """factor × e, for a literal factor (see product)."""
        result = exp.Mul(this=double(factor), expression=e)
        if not self.RAISES_ON_UNDERFLOW or factor == 0.0 or abs(factor) >= 1.0:
            return result  # |factor| ≥ 1 never makes a non-zero e zero
        tiny = exp.LT(this=exp.Abs(this=e.copy()), expression=double(UNDERFLOW_ZERO / abs(factor)))
        return case((tiny, double(0.0)), default=result)

    def product(self, a: exp.Expr, b: exp.Expr) -> exp.Expr:
        """a × b. Where the engine raises on a product that underflows to zero (PostgreSQL), a
        product below UNDERFLOW_ZERO is 0.0 instead: the reference and the other engines give 0.0
        or a value as far from it, well within the engines' agreement. The test is written as
        nested CASEs, which evaluate in order, so the logarithms never see a zero."""
        result = exp.Mul(this=a, expression=b)
        if not self.RAISES_ON_UNDERFLOW:
            return result

        def small(e: exp.Expr) -> exp.Expr:
            return exp.LT(this=exp.Abs(this=e.copy()), expression=double(1.0))

        def ln_abs(e: exp.Expr) -> exp.Expr:
            return exp.Ln(this=exp.Abs(this=e.copy()))

        zero = exp.or_(
            exp.EQ(this=a.copy(), expression=double(0.0)), exp.EQ(this=b.copy(), expression=double(0.0))
        )
        both_small = exp.and_(small(a), small(b))
        vanishes = exp.LT(
            this=exp.Add(this=ln_abs(a), expression=ln_abs(b)), expression=double(math.log(UNDERFLOW_ZERO))
        )
        return case(
            (zero, result.copy()),
            (both_small, case((vanishes, double(0.0)), default=result.copy())),
            default=result,
        )

    def int_div(self, a: exp.Expr, b: exp.Expr) -> exp.Expr:
        return exp.IntDiv(this=a, expression=b)

    def render(self, tree: exp.Expr, pretty: bool = True) -> str:
        # every caller renders a tree it has just built: no defensive copy of it first
        return tree.sql(dialect=self.sqlglot_dialect, pretty=pretty, copy=False)

    def ts_column(self, name: str = "timestamp") -> exp.Expr:
        return exp.Cast(this=self.epoch_micros(col(name)), to=BIGINT.copy())


class DuckDBDialect(SqlDialect):
    """DuckDB: RE2 regexes, byte-order text comparison, utf8proc simple lower case."""

    name = "duckdb"
    sqlglot_dialect = "duckdb"
    LIST_AGGREGATES = True
    BIT_AGGREGATES = True
    ILIKE = True


# a decimal at or beyond 2^1024 - 2^970 rounds to infinity, one at or below 2^-1075 to zero
# (round to nearest, ties to even): the bounds written out exactly
_OVERFLOW = str(2**1024 - 2**970)
_UNDERFLOW = "0." + str(5**1075).rjust(1075, "0")  # 2^-1075 = 5^1075 / 10^1075


def _exact(text: str) -> exp.Expr:
    return exp.Cast(this=exp.Literal.number(text), to=exp.DataType.build("NUMERIC"))


class PostgresDialect(SqlDialect):
    r"""PostgreSQL ≥ 14 (EXTRACT returns an exact numeric).

    - `lower()` follows the database's LC_CTYPE: the database must be UTF-8 with a libc locale
      such as C.UTF-8 or en_US.UTF-8 (checked when connecting);
    - text order follows the collation, so ordering operators use `COLLATE "C"`;
    - ARE regexes: `.` also matches a newline, so it is rewritten to `[^\n]`;
    - `bigint / bigint` truncates, which is what the window and decay arithmetic wants;
    - single-use CTEs are inlined with no common-subexpression elimination, so the per-contact
      layers are MATERIALIZED (otherwise each layer multiplies the expressions below it).
    """

    name = "postgres"
    sqlglot_dialect = "postgres"
    MATERIALIZE_CONTACT_LAYERS = True
    RAISES_ON_UNDERFLOW = True

    def epoch_micros(self, e: exp.Expr) -> exp.Expr:
        seconds = exp.Extract(this=exp.var("EPOCH"), expression=e)
        return exp.Cast(
            this=exp.Mul(this=seconds, expression=exp.Literal.number(1_000_000)), to=BIGINT.copy()
        )

    def regex_search(self, value: exp.Expr, pattern: str) -> exp.Expr:
        return exp.RegexpLike(this=value, expression=exp.Literal.string(postgres_pattern(pattern)))

    def text_ordering(self, e: exp.Expr) -> exp.Expr:
        return exp.Collate(this=e, expression=exp.Identifier(this="C", quoted=True))

    def int_div(self, a: exp.Expr, b: exp.Expr) -> exp.Expr:
        return exp.Div(this=a, expression=b, typed=True)

    def text_number(self, value: exp.Expr) -> exp.Expr:
        # PostgreSQL refuses a text beyond the double's range ('1e400', 400 zeros and a 1)
        # instead of rounding it to ±infinity or 0: those are decided as exact numerics first
        n = exp.Cast(this=value.copy(), to=exp.DataType.build("NUMERIC"))
        magnitude = exp.Abs(this=n.copy())
        infinite = exp.Mul(this=exp.Sign(this=n), expression=to_double(exp.Literal.string("Infinity")))
        return case(
            (exp.GTE(this=magnitude.copy(), expression=_exact(_OVERFLOW)), infinite),
            (exp.LTE(this=magnitude, expression=_exact(_UNDERFLOW)), double(0.0)),
            default=to_double(value),
        )


class SparkDialect(SqlDialect):
    r"""Apache Spark ≥ 3.5 (session time zone UTC).

    - Java's `toLowerCase` applies the final-sigma rule ('ΣΑΣ' → 'σας'); replacing 'Σ' by 'σ'
      first gives the simple, per-character mapping the other engines use;
    - Java's `$` also matches before a final newline, so it is rewritten to `\z`;
    - numeric literals are DECIMAL: every literal is already cast to DOUBLE by the builders;
    - `DIV` is integer division.
    """

    name = "spark"
    sqlglot_dialect = "spark"

    def epoch_micros(self, e: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="UNIX_MICROS", expressions=[e])

    def regex_search(self, value: exp.Expr, pattern: str) -> exp.Expr:
        return exp.RegexpLike(this=value, expression=exp.Literal.string(java_pattern(pattern)))

    def lower(self, e: exp.Expr) -> exp.Expr:
        no_final_sigma = exp.Anonymous(
            this="REPLACE", expressions=[e, exp.Literal.string("Σ"), exp.Literal.string("σ")]
        )
        return exp.Lower(this=no_final_sigma)


DIALECTS: dict[str, type[SqlDialect]] = {
    "duckdb": DuckDBDialect,
    "postgres": PostgresDialect,
    "spark": SparkDialect,
}


def get_dialect(name: str) -> SqlDialect:
    try:
        return DIALECTS[name]()
    except KeyError:
        raise ValueError(f"unknown dialect '{name}'; choose one of {', '.join(DIALECTS)}") from None
