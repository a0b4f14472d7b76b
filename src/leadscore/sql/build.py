"""Small constructors for sqlglot nodes, so the builders read like the SQL they make."""

from __future__ import annotations

import math

from sqlglot import exp

DOUBLE = exp.DataType.build("DOUBLE")
BIGINT = exp.DataType.build("BIGINT")
VARCHAR = exp.DataType.build("VARCHAR")
BOOLEAN = exp.DataType.build("BOOLEAN")

TRUE = exp.Boolean(this=True)
FALSE = exp.Boolean(this=False)


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def string(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def integer(value: int) -> exp.Expr:
    lit = exp.Literal.number(abs(value))
    return exp.Neg(this=lit) if value < 0 else lit


def bigint(value: int) -> exp.Expr:
    return exp.Cast(this=integer(value), to=BIGINT.copy())


def double(value: float) -> exp.Expr:
    """A DOUBLE literal that round-trips exactly (`repr` is the shortest exact form)."""
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value} as SQL")
    text = repr(float(value))
    neg = text.startswith("-")
    lit = exp.Literal.number(text.lstrip("-"))
    cast = exp.Cast(this=lit, to=DOUBLE.copy())
    return exp.Neg(this=cast) if neg else cast


def to_double(e: exp.Expr) -> exp.Expr:
    return exp.Cast(this=e, to=DOUBLE.copy())


def boolean(value: bool) -> exp.Boolean:
    return exp.Boolean(this=value)


def null(type_: exp.DataType) -> exp.Expr:
    return exp.Cast(this=exp.Null(), to=type_.copy())


def case(*whens: tuple[exp.Expr, exp.Expr], default: exp.Expr | None = None) -> exp.Case:
    # built directly: the builder methods (`Case.when`) deep-copy their arguments every time
    return exp.Case(ifs=[exp.If(this=cond, true=then) for cond, then in whens], default=default)


def coalesce(e: exp.Expr, default: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=e, expressions=[default])


def paren(e: exp.Expr) -> exp.Expr:
    return exp.Paren(this=e)


def add_all(items: list[exp.Expr]) -> exp.Expr:
    if not items:
        return double(0.0)
    out = items[0]
    for item in items[1:]:
        out = exp.Add(this=out, expression=item)
    return out


def clamp(e: exp.Expr, lo: float | None, hi: float | None) -> exp.Expr:
    """Like the reference's clamp: below `lo` gives `lo`, above `hi` gives `hi`."""
    whens: list[tuple[exp.Expr, exp.Expr]] = []
    if lo is not None:
        whens.append((exp.LT(this=e.copy(), expression=double(lo)), double(lo)))
    if hi is not None:
        whens.append((exp.GT(this=e.copy(), expression=double(hi)), double(hi)))
    if not whens:
        return e
    return case(*whens, default=e.copy())


def round_half_away(e: exp.Expr, scale: float) -> exp.Expr:
    """sign(x) * floor(|x| * scale + 0.5) / scale, exactly as the reference writes it."""
    scaled = exp.Add(
        this=exp.Mul(this=exp.Abs(this=e.copy()), expression=double(scale)), expression=double(0.5)
    )
    magnitude = exp.Div(this=exp.Floor(this=scaled), expression=double(scale))
    return exp.Mul(this=to_double(exp.Sign(this=e.copy())), expression=paren(magnitude))


def official(e: exp.Expr) -> exp.Expr:
    """The official score: round to 6 decimals, then to an integer, half away from zero."""
    return exp.Cast(this=round_half_away(round_half_away(e, 1e6), 1.0), to=BIGINT.copy())


def alias(e: exp.Expr, name: str) -> exp.Expr:
    return exp.alias_(e, ident(name), copy=False)


def like(value: exp.Expr, pattern: str, escape: str, fold: bool, expr: exp.Expr | None = None) -> exp.Expr:
    """`value LIKE pattern` (ILIKE when `fold`), with `ESCAPE` only where the pattern escapes.

    A pattern with no escape character and no backslash means the same with or without the
    clause on every engine (PostgreSQL's and Spark's default escape is the backslash), and
    DuckDB takes a much slower path for any LIKE that names an escape character (measured on
    20M events: 1.7 s against 0.9 s for the rules' filter). `expr` renders the pattern when it
    is not the plain literal (a lowered one).
    """
    node = exp.ILike if fold else exp.Like
    test = node(this=value, expression=expr if expr is not None else exp.Literal.string(pattern))
    if escape not in pattern and "\\" not in pattern:
        return test
    return exp.Escape(this=test, expression=exp.Literal.string(escape))


def like_literal(text: str, escape: str) -> str:
    """`text` as a LIKE pattern that matches only itself: `%`, `_` and the escape are escaped."""
    return "".join(escape + ch if ch in ("%", "_", escape) else ch for ch in text)
