"""The JSON Schema of the model file, generated from the same classes that validate it."""

from __future__ import annotations

from typing import Any

from leadscore import __version__
from leadscore.model.schema import Model

SCHEMA_ID = "https://leadscore.dev/schema/model.json"


def model_json_schema() -> dict[str, Any]:
    schema = _names_only(Model.model_json_schema(by_alias=True, mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"leadscore model (leadscore {__version__})",
        **schema,
    }


def _names_only(node: Any) -> Any:
    """Mappings keyed by names (dimensions, categories, weights) take no other key: pydantic
    states the name pattern alone, which lets any other key through (`validate` refuses it)."""
    if isinstance(node, dict):
        node = {k: _names_only(v) for k, v in node.items()}
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
    elif isinstance(node, list):
        node = [_names_only(v) for v in node]
    return node
