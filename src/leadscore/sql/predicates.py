"""Predicates of the compiled form as SQL that is never NULL.

SQL's three-valued logic would turn `ne` on a missing value into NULL, and `NOT NULL` into
NULL; SPEC §3 says a missing value makes every operator false except `exists: false`, `ne` and
`not_in`. So each leaf is a CASE that states its result for a missing value first, and then
`AND`, `OR` and `NOT` combine plain booleans.
"""

from __future__ import annotations

from sqlglot import exp

from leadscore.compiled.ir import (
    And,
    Between,
    Compare,
    Const,
    Exists,
    FieldRef,
    InSet,
    Not,
    Or,
    Pred,
    Scalar,
    TextMatch,
)
from leadscore.model.conditions import compares_as_integers
from leadscore.model.regex import lower_pattern
from leadscore.sql.build import (
    FALSE,
    bigint,
    boolean,
    case,
    col,
    double,
    like,
    like_literal,
    paren,
    string,
    to_double,
)
from leadscore.sql.dialects import SqlDialect

_CMP = {"eq": exp.EQ, "ne": exp.NEQ, "lt": exp.LT, "lte": exp.LTE, "gt": exp.GT, "gte": exp.GTE}
_BOOL_WORDS = (string("true"), string("false"))


class PredicateCompiler:
    def __init__(
        self, dialect: SqlDialect, table: str | None = None, lowered: dict[str, str] | None = None
    ) -> None:
        self.d = dialect
        self.table = table
        # fields whose lower case the relation already carries, as a column (computed once per row)
        self.lowered = lowered or {}

    def lower_of(self, f: FieldRef) -> exp.Expr:
        if f.name in self.lowered:
            return col(self.lowered[f.name], self.table)
        return self.d.lower(self.column(f))

    def column(self, f: FieldRef) -> exp.Expr:
        return col(f.name, self.table)

    def compile(self, p: Pred) -> exp.Expr:
        if isinstance(p, Const):
            return boolean(p.value)
        if isinstance(p, And):
            return paren(exp.and_(*(self.compile(i) for i in p.items)))
        if isinstance(p, Or):
            return paren(exp.or_(*(self.compile(i) for i in p.items)))
        if isinstance(p, Not):
            return exp.Not(this=paren(self.compile(p.item)))
        if isinstance(p, Exists):
            c = self.column(p.field)
            return (
                exp.Not(this=exp.Is(this=c, expression=exp.Null()))
                if p.present
                else exp.Is(this=c, expression=exp.Null())
            )
        if isinstance(p, TextMatch):
            return self._text_match(p)
        if isinstance(p, Compare | InSet) and equality_by_ilike(p, self.d):
            if isinstance(p, Compare):
                return self._equal_folded(p.field, (p.value,), p.op == "ne")
            return self._equal_folded(p.field, p.values, p.negate)
        if isinstance(p, Compare):
            return self._typed(
                p.field,
                (p.value,),
                p.case_sensitive,
                p.op == "ne",
                lambda v, k: self._cmp(p.op, v, p.value, k, p.case_sensitive),
            )
        if isinstance(p, InSet):
            return self._typed(p.field, p.values, p.case_sensitive, p.negate, lambda v, k: self._in(v, p, k))
        if isinstance(p, Between):
            return self._typed(
                p.field, (p.low, p.high), p.case_sensitive, False, lambda v, k: self._between(v, p, k)
            )
        raise TypeError(f"unknown predicate {p!r}")  # pragma: no cover

    # -- typed comparisons ------------------------------------------------------------------

    def _equal_folded(self, f: FieldRef, values: tuple[Scalar, ...], negate: bool) -> exp.Expr:
        """`eq`/`in` ignoring case as `value ILIKE 'literal'` (escaped, so it matches only itself)."""
        c = self.column(f)
        tests = [self.d.equals_folded(c.copy(), str(v)) for v in values]
        test: exp.Expr = paren(exp.or_(*tests, copy=False)) if len(tests) > 1 else tests[0]
        if negate:
            test = exp.Not(this=test)
        return case((exp.Is(this=c, expression=exp.Null()), boolean(negate)), default=test)

    def _typed(  # type: ignore[no-untyped-def]
        self, f: FieldRef, operands: tuple[Scalar, ...], cs: bool, true_when_missing: bool, body
    ) -> exp.Expr:
        """CASE WHEN missing THEN … WHEN not comparable THEN FALSE ELSE <comparison> END."""
        c = self.column(f)
        probe = operands[0]
        missing = (exp.Is(this=c.copy(), expression=exp.Null()), boolean(true_when_missing))
        if isinstance(probe, bool):
            if f.kind == "boolean":
                return case(missing, default=body(c.copy(), "boolean"))
            lowered = self.lower_of(f)
            not_bool = exp.Not(this=exp.In(this=lowered.copy(), expressions=[w.copy() for w in _BOOL_WORDS]))
            as_bool = exp.EQ(this=lowered, expression=string("true"))
            return case(missing, (not_bool, FALSE.copy()), default=body(paren(as_bool), "boolean"))
        if isinstance(probe, int | float):
            if compares_as_integers(f.kind, operands):  # BIGINT against BIGINT: exact
                return case(missing, default=body(c.copy(), "integer"))
            if f.kind in ("integer", "number"):
                return case(missing, default=body(to_double(c.copy()), "number"))
            not_num = exp.Not(this=self.d.is_decimal_literal(c.copy()))
            return case(
                missing, (not_num, FALSE.copy()), default=body(self.d.text_number(c.copy()), "number")
            )
        value = c.copy() if cs else self.lower_of(f)
        return case(missing, default=body(self.d.text_ordering(value), "text"))

    def _literal(self, v: Scalar, kind: str, cs: bool) -> exp.Expr:
        if kind == "boolean":
            return boolean(bool(v))
        if kind == "integer":
            return bigint(int(v))
        if kind == "number":
            return double(float(v))
        lit = string(str(v))
        return self.d.text_ordering(lit if cs else self.d.lower(lit))

    def _cmp(self, op: str, value: exp.Expr, operand: Scalar, kind: str, cs: bool) -> exp.Expr:
        return _CMP[op](this=value, expression=self._literal(operand, kind, cs))

    def _in(self, value: exp.Expr, p: InSet, kind: str) -> exp.Expr:
        test = exp.In(this=value, expressions=[self._literal(v, kind, p.case_sensitive) for v in p.values])
        return exp.Not(this=paren(test)) if p.negate else test

    def _between(self, value: exp.Expr, p: Between, kind: str) -> exp.Expr:
        lo = self._literal(p.low, kind, p.case_sensitive)
        hi = self._literal(p.high, kind, p.case_sensitive)
        return paren(exp.and_(exp.GTE(this=value.copy(), expression=lo), exp.LTE(this=value, expression=hi)))

    # -- text operators ---------------------------------------------------------------------

    def _text_match(self, p: TextMatch) -> exp.Expr:
        c = self.column(p.field)
        uses_ilike = self.d.ILIKE and p.kind != "regex" and not p.case_sensitive
        value = c.copy() if p.case_sensitive or uses_ilike else self.lower_of(p.field)
        if p.kind == "regex":
            pattern = p.pattern if p.case_sensitive else lower_pattern(p.pattern)
            test = self.d.regex_search(value, pattern)
        else:
            pattern = like_pattern(p.kind, p.pattern, self.d.LIKE_ESCAPE)
            if uses_ilike:
                test = like(c.copy(), pattern, self.d.LIKE_ESCAPE, fold=True)
            else:
                pat: exp.Expr = string(pattern) if p.case_sensitive else self.d.lower(string(pattern))
                test = like(value, pattern, self.d.LIKE_ESCAPE, fold=False, expr=pat)
        return case((exp.Is(this=c, expression=exp.Null()), FALSE.copy()), default=test)


def equality_by_ilike(p: Compare | InSet, dialect: SqlDialect) -> bool:
    """Case-insensitive text `eq`/`ne`/`in`/`not_in` that ILIKE tests without a lowered copy."""
    if not dialect.ILIKE or p.case_sensitive or p.field.kind not in ("string", "text"):
        return False
    if isinstance(p, Compare) and p.op not in ("eq", "ne"):
        return False
    values = (p.value,) if isinstance(p, Compare) else p.values
    return all(isinstance(v, str) for v in values)


def like_pattern(kind: str, text: str, escape: str) -> str:
    """A LIKE pattern for contains/starts_with/ends_with/glob; `%`, `_` and the escape are escaped."""

    if kind == "glob":
        return "".join("%" if ch == "*" else "_" if ch == "?" else like_literal(ch, escape) for ch in text)
    body = like_literal(text, escape)
    if kind == "contains":
        return f"%{body}%"
    if kind == "starts_with":
        return f"{body}%"
    if kind == "ends_with":
        return f"%{body}"
    raise ValueError(kind)


__all__ = ["PredicateCompiler", "double", "equality_by_ilike", "like_pattern"]
