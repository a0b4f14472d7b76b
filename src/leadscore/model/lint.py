"""Lint placeholder, replaced below."""

from __future__ import annotations

from leadscore.diagnostics import Diagnostic
from leadscore.model.schema import Model
from leadscore.model.yaml_source import SourceMap


def lint_model(model: Model, source: SourceMap) -> list[Diagnostic]:
    return []
