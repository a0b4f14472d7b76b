"""Versions from the git history of one model file.

Every commit that changed the file is a version, oldest first, following renames
(`git log --follow`); each version's text is `git show <commit>:<path>`. A commit that leaves
the text as it was (a rename) is not a new version. git runs as a
subprocess in the file's folder; nothing is written to the repository. When the working copy
differs from the last commit, it is one more version, marked uncommitted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from leadscore.diagnostics import LeadscoreError
from leadscore.history.folder import file_time, read_text
from leadscore.history.versions import Commit, ModelVersion, make_version

_RECORD, _UNIT, _END = "\x1e", "\x1f", "\x1d"
_LOG_FORMAT = f"{_RECORD}%H{_UNIT}%an{_UNIT}%ae{_UNIT}%cI{_UNIT}%B{_END}"


@dataclass(frozen=True)
class GitFile:
    """A file inside a git work tree: the folder git runs in and the file's name there."""

    path: Path
    root: Path

    @property
    def name(self) -> str:
        return self.path.name

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return run_git(self.path.parent, *args, check=check)


def run_git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise LeadscoreError.simple(
            "H003",
            "git is not installed (no `git` command on the PATH)",
            "install git, or keep the versions as files in a folder and use --versions DIR",
        )
    env = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_PAGER": "cat"}
    result = subprocess.run(
        [git, "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, **env},
        check=False,
    )
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LeadscoreError.simple(
            "H006",
            f"git {args[0]} failed: {message[-1] if message else f'exit code {result.returncode}'}",
            "run the same git command in the model's folder to see what git says",
            exit_code=1,
        )
    return result


def git_file(path: Path) -> GitFile:
    """The model file in its git work tree, or a clear error when it is not in one."""
    if not path.exists():
        raise LeadscoreError.simple("E001", f"model file not found: {path}", "check the path")
    if path.is_dir():
        raise LeadscoreError.simple(
            "E001",
            f"{path} is a folder, not a model file",
            f"for a folder of versions use --versions {path}",
        )
    full = path.resolve()
    result = run_git(full.parent, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise LeadscoreError.simple(
            "H004",
            f"{path} is not in a git repository",
            "commit the model to git (git init, git add, git commit), or keep its versions as "
            "files in a folder and use --versions DIR",
        )
    root = Path(result.stdout.decode("utf-8").strip()).resolve()
    return GitFile(full, root)


def commits(gf: GitFile) -> list[Commit]:
    """The commits that changed the file, oldest first, with its path at each one."""
    if gf.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        return []  # a repository without any commit yet
    out = gf.run("log", "--follow", "--name-status", "-z", f"--format={_LOG_FORMAT}", "--", gf.name)
    found: list[Commit] = []
    for record in out.stdout.decode("utf-8", "replace").split(_RECORD)[1:]:
        head, _, changes = record.partition(_END)
        sha, author, email, when, message = head.split(_UNIT, 4)
        fields = [f.strip("\n") for f in changes.split("\0") if f.strip("\n")]
        if not fields or fields[0].startswith("D"):
            continue  # a merge without a diff, or the commit that deleted the file
        path = fields[2] if fields[0][:1] in ("R", "C") and len(fields) > 2 else fields[1]
        first_line = message.strip().splitlines()[0].strip() if message.strip() else ""
        found.append(Commit(sha, author, email, _utc(when), first_line, path))
    found.reverse()
    return found


def show(gf: GitFile, commit: Commit) -> str:
    out = gf.run("show", f"{commit.sha}:{commit.path}")
    return out.stdout.decode("utf-8", "replace")


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso.strip()).astimezone(UTC)


def git_versions(path: Path, include_working_copy: bool = True) -> list[ModelVersion]:
    """Every committed version of the model file, oldest first, then the working copy if it differs."""
    gf = git_file(path)
    history = commits(gf)
    if not history:
        raise LeadscoreError.simple(
            "H005",
            f"{path} has no commits in git",
            f"commit it first: git add {path.name} && git commit -m 'first model'",
        )
    versions: list[ModelVersion] = []
    for c in history:
        text = show(gf, c)
        if versions and text == versions[-1].text:
            continue  # a rename, or a commit that changed nothing in the file's text
        versions.append(make_version(text, f"{gf.name}@{c.sha[:7]}", commit=c))
    if include_working_copy:
        text = read_text(path)
        if text != versions[-1].text:
            versions.append(
                make_version(text, f"{path.name} (uncommitted)", file_time=file_time(path), uncommitted=True)
            )
    return versions


def resolve_commit(gf: GitFile, name: str) -> str | None:
    """The full sha of a commit-ish (a sha or its prefix, HEAD~1, a tag, a branch), or None."""
    result = gf.run("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def version_at(gf: GitFile, sha: str, history: list[Commit]) -> ModelVersion | None:
    """The model file as it was at commit `sha` (under any of the names it had), or None."""
    known = {c.sha: c for c in history}
    if sha in known:
        c = known[sha]
        return make_version(show(gf, c), f"{gf.name}@{sha[:7]}", commit=c)
    rel = gf.path.relative_to(gf.root).as_posix()
    paths = [rel, *reversed([c.path for c in history])]
    for p in dict.fromkeys(paths):
        result = gf.run("show", f"{sha}:{p}", check=False)
        if result.returncode == 0:
            meta = gf.run("show", "-s", "-z", f"--format=%H{_UNIT}%an{_UNIT}%ae{_UNIT}%cI{_UNIT}%B", sha)
            full, author, email, when, message = meta.stdout.decode("utf-8", "replace").split(_UNIT, 4)
            first = message.strip("\0").strip().splitlines()
            commit = Commit(full, author, email, _utc(when), first[0] if first else "", p)
            return make_version(
                result.stdout.decode("utf-8", "replace"), f"{gf.name}@{sha[:7]}", commit=commit
            )
    return None
