"""Hints for a value of the wrong type: what was expected, in words, and an example per key."""

from __future__ import annotations

from typing import Any

from leadscore.model.base import is_number_text

TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
}


# An example per key, shown in the hints of E202 (missing) and E203 (wrong type).
EXAMPLES = {
    "id": "id: demo_request",
    "when": "when: {field: country, eq: PL}",
    "event": "event: page_view",
    "points": "points: 10",
    "every": "every: 30d",
    "by": "by: 10%",
    "field": "field: country",
    "name": "name: A",
    "min": "min: 40",
    "model": "model: acme-b2b",
    "version": "version: 1",
    "programs": "programs: [{id: main, dimensions: {...}}]",
    "dimensions": "dimensions: {fit: {categories: {...}}}",
    "categories": "categories: {target_market: {rules: [...]}}",
    "rules": "rules: [{id: saas, when: {field: industry, eq: saas}, points: 15}]",
    "on": "on: {program: main, stage_enters: mql}",
    "do": "do: [{add_to_segment: nurture}]",
    "url": 'url: "https://crm.example.com/hooks/mql"',
    "map": "map: [[0, 49, 1], [50, 999, 2], [1000, null, 3]]",
    "segment": "segment: {field: employees, map: [...]}",
    "encoded": "encoded: {segment: {field: employees, map: [...]}}",
    "decay": "decay: {after: 30d, every: 30d, by: 10%}",
    "review": "review: {first_after: 60d, every: 90d}",
    "stages": "stages: {mql: {min: 60}}",
    "mql": "mql: {min: 60}",
    "fields": "fields: {country: string, employees: integer}",
    "gates": "gates: [{id: adult, when: {field: age, gte: 18}}]",
    "bands": "bands: [{name: C, min: 0}, {name: B, min: 15}, {name: A, min: 30}]",
    "triggers": "triggers: [{id: hand_to_sales, on: {...}, do: [...]}]",
    "webhook": 'webhook: {url: "https://crm.example.com/hooks/mql"}',
    "assign": "assign: {round_robin: [ana, ben]}",
    "all": "all: [{field: country, eq: PL}, {field: employees, gte: 50}]",
    "any": "any: [{field: country, eq: PL}, {field: country, eq: DE}]",
    "matrix": "matrix: [fit, engagement]",
    "weights": "weights: {fit: 1, engagement: 0.5}",
}

ITEMS = {
    "do": "action",
    "programs": "program",
    "any": "condition",
    "round_robin": "owner",
    "rules": "rule",
    "event": "event type",
}

_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})


def type_hint(etype: str, got: Any, key: str | int | None) -> str | None:
    if etype == "string_type" and isinstance(got, int | float | bool):
        return "quote the value to use it as text"
    if etype == "bool_type" and isinstance(got, str):
        if got.lower() in _YAML11_BOOLEANS:
            return "YAML 1.2 reads yes, no, on and off as text; write true or false"
        if got.lower() in ("true", "false"):
            return f"write {got.lower()} without quotes"
    if etype in ("int_type", "float_type") and isinstance(got, str) and is_number_text(got):
        return f"write {got.strip()} without quotes"
    example = EXAMPLES.get(key) if isinstance(key, str) else None
    if etype in ("dict_type", "model_type", "model_attributes_type"):
        if example:
            return f"for example {example}"
        if isinstance(got, list):
            return "write key: value pairs here, not a list of '- ' items"
    if etype in ("list_type", "tuple_type"):
        if example:
            return f"for example {example}"
        return "write a list: one '- ' item per line, or [a, b]"
    return None


def literal_options(expected: str) -> list[str]:
    return [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",") if o.strip()]
