"""Did you mean …? Suggestions for a misspelt key or keyword, and the words users reach for."""

from __future__ import annotations

import difflib

# Words users reach for, mapped to the key or value the format uses ('a|b': a where allowed,
# else b). Used only when the target is allowed where the word was written.
SYNONYMS = {
    # operators
    "greater_than": "gt", "greater": "gt", "more_than": "gt", "above": "gt", "over": "gt",
    "greater_than_or_equal": "gte", "greater_or_equal": "gte", "at_least": "gte", "ge": "gte",
    "less_than": "lt", "less": "lt", "below": "lt", "under": "lt", "fewer_than": "lt",
    "less_than_or_equal": "lte", "less_or_equal": "lte", "at_most": "lte", "le": "lte",
    "equals": "eq", "equal": "eq", "is": "eq", "equal_to": "eq",
    "not_equals": "ne", "not_equal": "ne", "is_not": "ne", "neq": "ne",
    "one_of": "in", "is_in": "in", "any_of": "in",
    "not_one_of": "not_in", "none_of": "not_in",
    "range": "between",
    "matches": "regex", "match": "regex", "regexp": "regex", "pattern": "regex",
    "like": "glob", "wildcard": "glob",
    "startswith": "starts_with", "begins_with": "starts_with", "prefix": "starts_with",
    "endswith": "ends_with", "suffix": "ends_with",
    "includes": "contains", "contain": "contains",
    "exist": "exists", "present": "exists", "is_set": "exists",
    "ignore_case": "case_sensitive", "case_insensitive": "case_sensitive",
    ">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "eq", "==": "eq", "!=": "ne", "<>": "ne",
    # combinators
    "and": "all", "all_of": "all", "or": "any",
    # field types
    "text": "string", "str": "string", "varchar": "string",
    "int": "integer", "whole": "integer", "float": "number", "decimal": "number",
    "double": "number", "numeric": "number", "bool": "boolean",
    # budgets and thresholds
    "budget": "max", "cap": "max", "maximum": "max", "minimum": "min|floor", "threshold": "min",
    "min_score": "min", "mql_min": "min", "floor_at": "floor", "lower_bound": "floor",
    # rules
    "score": "points", "value": "points", "pts": "points", "type": "event",
    "event_type": "event", "halflife": "half_life", "filter": "where", "condition": "when",
    "bots": "include_bots", "include": "include_bots", "with_bots": "include_bots",
    # triggers
    "actions": "do", "then": "do", "action": "do", "when": "on|when", "trigger": "on",
}  # fmt: skip


def did_you_mean(word: str, options: list[str]) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            return lowered[word.lower()]
        return None
    return close[0]


def suggest(word: str, options: list[str]) -> str | None:
    """A did-you-mean for a key or keyword: a known synonym first, then a close spelling."""
    for synonym in SYNONYMS.get(word.lower().replace("-", "_").replace(" ", "_"), "").split("|"):
        if synonym in options:
            return synonym
    guess = did_you_mean(word, [o for o in options if o != word])
    return guess
