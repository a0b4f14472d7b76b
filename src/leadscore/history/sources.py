"""Where versions come from, and how `leadscore diff` names one.

`load_versions` reads a folder (`--versions DIR`) or the git history of one file (`-m FILE`).
`resolve` turns a name given on the command line into a version, trying in order:

1. a path to a model file that exists (read as it is on disk);
2. with `--versions DIR`: a version label (the model's `version`, such as `3` or `2026-06`),
   then a file name in the folder, with or without `.yaml`/`.yml`;
3. with `-m FILE`: a version label (the newest commit with that `version`; the working copy
   when it has that version and differs from the last commit), then anything git reads as a
   commit (a sha or its prefix, `HEAD~1`, a tag, a branch): the file as it was at that commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadscore.diagnostics import Diagnostic, LeadscoreError
from leadscore.history.diff import Change, diff_models
from leadscore.history.folder import MODEL_SUFFIXES, file_version, folder_versions
from leadscore.history.git import commits, git_file, git_versions, resolve_commit, version_at
from leadscore.history.versions import ModelVersion
from leadscore.model.schema import Model


@dataclass(frozen=True)
class ModelDiff:
    old: ModelVersion
    new: ModelVersion
    changes: list[Change]

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "changes": [c.to_json() for c in self.changes],
        }


def load_versions(model: Path | None, versions: Path | None) -> list[ModelVersion]:
    if model is not None and versions is not None:
        raise LeadscoreError.simple(
            "H009",
            "give either -m FILE (the file's git history) or --versions DIR (a folder of versions), not both",
        )
    if versions is not None:
        return folder_versions(versions)
    if model is None:
        raise LeadscoreError.simple(
            "H009",
            "name the versions: -m FILE for the git history of a model file, or --versions DIR for a folder",
            "for example: leadscore history -m model.yaml",
        )
    return git_versions(model)


def diff(a: str | None, b: str | None, model: Path | None, versions: Path | None) -> ModelDiff:
    """A and B as given (see the module docstring); without B, the newest version (or the file
    given with -m as it is now); without either, the last two versions."""
    if a is None or b is None:
        if model is None and versions is None:
            raise LeadscoreError.simple(
                "H009",
                "name two model files, or give -m FILE or --versions DIR to compare versions",
                "for example: leadscore diff old.yaml new.yaml, or leadscore diff -m model.yaml",
            )
        listed = load_versions(model, versions)
        if a is None:
            if len(listed) < 2:
                raise LeadscoreError.simple(
                    "H007", f"there is only one version ({listed[0].source}), nothing to compare it with"
                )
            old, new = listed[-2], listed[-1]
        else:
            old = resolve(a, model, versions, listed)
            new = file_version(model) if model is not None else listed[-1]
    else:
        old, new = resolve(a, model, versions), resolve(b, model, versions)
    return ModelDiff(old, new, diff_models(_valid(old), _valid(new)))


def _valid(v: ModelVersion) -> Model:
    if v.model is None:
        head = Diagnostic(
            "H008",
            f"version {v.label} ({v.source}) does not validate, so it cannot be compared",
            hint="fix its errors below, or compare other versions",
        )
        raise LeadscoreError([head, *v.errors])
    return v.model


def resolve(
    name: str, model: Path | None, versions: Path | None, listed: list[ModelVersion] | None = None
) -> ModelVersion:
    path = Path(name)
    if path.is_file():
        return file_version(path)
    if versions is None and model is None:
        raise LeadscoreError.simple(
            "H007",
            f"no model file {name}",
            "to name a version by its label or commit, add -m model.yaml (git) or --versions DIR",
        )
    listed = listed if listed is not None else load_versions(model, versions)
    labelled = [v for v in listed if v.label == name]
    if versions is not None:
        if len(labelled) > 1:
            files = ", ".join(v.source for v in labelled)
            raise LeadscoreError.simple(
                "H007", f"several files have version {name}: {files}", "name the file instead"
            )
        if labelled:
            return labelled[0]
        for v in listed:
            file = Path(v.source).name
            if name in (file, *(file.removesuffix(s) for s in MODEL_SUFFIXES if file.endswith(s))):
                return v
        raise _not_found(name, listed, f"in {versions}", "a model file")
    assert model is not None
    if labelled:
        return labelled[-1]
    gf = git_file(model)
    sha = resolve_commit(gf, name)
    found = version_at(gf, sha, commits(gf)) if sha else None
    if found is None:
        where = f"at commit {sha[:7]}" if sha else "in its git history"
        raise _not_found(name, listed, f"of {model} {where}", "a commit or a model file")
    return found


def _not_found(name: str, listed: list[ModelVersion], where: str, other: str) -> LeadscoreError:
    """`other`: what else names a version here (a commit only in git history, not in a folder)."""
    labels = ", ".join(dict.fromkeys(v.label for v in listed))
    return LeadscoreError.simple(
        "H007",
        f"no version '{name}' {where}",
        f"the versions are: {labels}; name one of them, or {other}",
    )
