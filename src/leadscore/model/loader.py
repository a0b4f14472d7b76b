"""Load a model file: YAML 1.2 → schema → semantic checks, every problem collected at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath

from pydantic import ValidationError

from leadscore.diagnostics import Diagnostic, LeadscoreError, Location, Severity, sort_diagnostics
from leadscore.model.checks import check_raw
from leadscore.model.errors_map import pydantic_diagnostics
from leadscore.model.schema import Model
from leadscore.model.yaml_source import SourceMap, load_yaml


@dataclass
class LoadedModel:
    model: Model
    source: SourceMap
    text: str
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class ValidationReport:
    """What `leadscore validate` reports: the model when it loads, and every diagnostic."""

    file: str
    model: Model | None
    diagnostics: list[Diagnostic]
    source: SourceMap | None = None

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def validate_text(text: str, file: str, lint: bool = True) -> ValidationReport:
    try:
        return _validate_text(text, file, lint)
    except RecursionError:  # brackets or conditions nested thousands deep
        diag = Diagnostic(
            "E100",
            "the model nests too deeply to read (thousands of levels of brackets or conditions)",
            Location(file, 1, 1),
            "a model needs a dozen levels at most; check for a generated or repeated block",
        )
        return ValidationReport(file, None, [diag], SourceMap(file))


def _validate_text(text: str, file: str, lint: bool) -> ValidationReport:
    doc = load_yaml(text, file)
    diags = list(doc.diagnostics)
    if doc.data is None and not diags:
        diags.append(
            Diagnostic(
                "E200",
                "the model file is empty",
                Location(file, 1, 1),
                "run `leadscore init` for a commented starter model",
            )
        )
    if doc.data is not None and not isinstance(doc.data, dict):
        from leadscore.model.base import describe

        got = describe(doc.data)
        diags.append(
            Diagnostic(
                "E203",
                f"a model file is a mapping with model:, version: and programs:, this one holds {got}",
                Location(file, 1, 1),
                "start the top-level keys at column 1, without a leading '- '"
                if isinstance(doc.data, list)
                else "run `leadscore init` for a commented starter model",
            )
        )
    if any(d.code == "E100" for d in diags) or doc.data is None or not isinstance(doc.data, dict):
        return ValidationReport(file, None, sort_diagnostics(diags), doc.source)
    model: Model | None = None
    schema_diags: list[Diagnostic] = []
    try:
        model = Model.model_validate(doc.data)
    except ValidationError as exc:
        schema_diags = pydantic_diagnostics(exc, Model, doc.data, doc.source)
    checks = check_raw(doc.data, doc.source)
    # `contains: 5` on an integer field: "contains tests text" (E303) says more than
    # "expected text" (E203) at the same place, so that one problem gets one message
    typed = {d.path for d in checks if d.code == "E303" and d.path}
    diags.extend(d for d in schema_diags if not (d.code == "E203" and d.path in typed))
    diags.extend(checks)
    if model is None:
        return ValidationReport(file, None, sort_diagnostics(diags), doc.source)
    from leadscore.model.reach import range_errors

    diags.extend(range_errors(model, doc.source))
    if lint and not any(d.severity is Severity.ERROR for d in diags):
        from leadscore.model.lint import lint_model

        diags.extend(lint_model(model, doc.source))
    return ValidationReport(
        file, model if not _has_errors(diags) else None, sort_diagnostics(diags), doc.source
    )


def _has_errors(diags: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)


def read_model_text(path: str | FsPath) -> str:
    p = FsPath(path)
    if not p.exists():
        raise LeadscoreError.simple(
            "E001",
            "model file not found",
            "check the path, or run `leadscore init` to create one",
            where=Location(str(p)),
        )
    if p.is_dir():
        raise LeadscoreError.simple(
            "E001", "a folder, not a model file", "name the .yaml file inside it", where=Location(str(p))
        )
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        data = exc.object
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise LeadscoreError(
            Diagnostic(
                "E002",
                f"the model is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                Location(str(p), line, column),
                "save the model as UTF-8",
            )
        ) from None
    except OSError as exc:
        raise LeadscoreError.simple(
            "E001", f"cannot read it: {exc.strerror}", where=Location(str(p))
        ) from None


def validate_file(path: str | FsPath, lint: bool = True) -> ValidationReport:
    return validate_text(read_model_text(path), str(path), lint=lint)


def load_model(path: str | FsPath) -> LoadedModel:
    """Load a model or raise :class:`LeadscoreError` with every error (lint warnings kept)."""
    report = validate_file(path)
    return _loaded(report, read_model_text(path))


def load_model_text(text: str, file: str = "<model>") -> LoadedModel:
    return _loaded(validate_text(text, file), text)


def _loaded(report: ValidationReport, text: str) -> LoadedModel:
    if not report.ok or report.model is None or report.source is None:
        raise LeadscoreError([d for d in report.diagnostics if d.severity is Severity.ERROR])
    warnings = [d for d in report.diagnostics if d.severity is Severity.WARNING]
    return LoadedModel(report.model, report.source, text, warnings)
