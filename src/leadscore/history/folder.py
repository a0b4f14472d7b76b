"""Versions from a folder of model files (`--versions DIR`) and from a single file.

Every `*.yaml` and `*.yml` file directly in the folder is a version. They are ordered by the
model's `version`: whole numbers first, in numeric order, then texts (and files whose version
cannot be read) in the natural order of their file names (`v2.yaml` before `v10.yaml`). Two
files with the same whole number are ordered by file name. A version's date is the model's
`date` when it has one, else the file's modification time.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from leadscore.diagnostics import LeadscoreError
from leadscore.history.versions import ModelVersion, make_version, natural_key

MODEL_SUFFIXES = (".yaml", ".yml")


def file_time(path: Path) -> datetime:
    """The file's modification time, UTC, to the second."""
    return datetime.fromtimestamp(int(os.stat(path).st_mtime), tz=UTC)


def read_text(path: Path) -> str:
    from leadscore.model.loader import read_model_text

    return read_model_text(path)


def file_version(path: Path, source: str | None = None) -> ModelVersion:
    """One model file as a version (its date: the model's `date`, else the modification time).
    A file that cannot be read as text (not UTF-8, say) is an invalid version with that error."""
    try:
        text = read_text(path)
    except LeadscoreError as exc:
        version = make_version("", source or str(path), file_time=file_time(path))
        return replace(version, errors=list(exc.diagnostics))
    return make_version(text, source or str(path), file_time=file_time(path))


def folder_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise LeadscoreError.simple(
            "H001",
            f"versions folder not found: {folder}",
            "give the folder that holds one model file per version",
        )
    if not folder.is_dir():
        raise LeadscoreError.simple(
            "H001",
            f"{folder} is a file, not a folder of versions",
            f"for the git history of one model file use -m {folder}",
        )
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in MODEL_SUFFIXES]
    if not files:
        raise LeadscoreError.simple(
            "H002",
            f"{folder} holds no model files (*.yaml, *.yml)",
            "put one model file per version in the folder, such as v1.yaml, v2.yaml",
        )
    return sorted(files, key=lambda p: natural_key(p.name))


def folder_versions(folder: Path) -> list[ModelVersion]:
    """Every model file in `folder`, oldest version first (see the module's docstring)."""
    versions = [file_version(p, _shown(folder, p)) for p in folder_files(folder)]
    return order_versions(versions)


def order_versions(versions: list[ModelVersion]) -> list[ModelVersion]:
    """Whole-number versions first, numerically; then the rest in their given (file name) order."""
    numbered = [(v.version, i) for i, v in enumerate(versions) if isinstance(v.version, int)]
    rest = [i for i, v in enumerate(versions) if not isinstance(v.version, int)]
    order = [i for _, i in sorted(numbered)] + rest
    return [versions[i] for i in order]


def _shown(folder: Path, path: Path) -> str:
    return (folder / path.name).as_posix()
