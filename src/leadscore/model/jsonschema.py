"""The JSON Schema of the model file, generated from the same classes that validate it."""

from __future__ import annotations

from typing import Any

from leadscore import __version__
from leadscore.model.schema import Model

SCHEMA_ID = "https://leadscore.dev/schema/model.json"


def model_json_schema() -> dict[str, Any]:
    schema = Model.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"leadscore model (leadscore {__version__})",
        **schema,
    }
