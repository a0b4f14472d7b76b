"""Check a file to be written before any work: its folder, that it is not a folder, that it can
be written, and that it is none of the run's inputs (scores written over the contacts file would
lose the contacts)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from leadscore.diagnostics import LeadscoreError


def check_target(out: Path, inputs: Iterable[Path | None] = (), missing_folder: str = "O002") -> None:
    if not out.parent.exists():
        raise LeadscoreError.simple(
            missing_folder, f"the folder {out.parent} does not exist", "create it first"
        )
    if out.is_dir():
        raise LeadscoreError.simple(
            "O003", f"cannot write {out}: it is a folder", f"name a file, such as {out / 'scores.csv'}"
        )
    for given in inputs:
        if given is not None and _same(out, given):
            which = "" if str(given) == str(out) else f" ({given})"
            raise LeadscoreError.simple(
                "O004",
                f"{out} is one of this run's inputs{which}; writing would replace it",
                "write to another file",
            )
    probe = out.with_name(f".{out.name}.tmp")  # where the atomic writers write first
    try:
        with probe.open("a"):
            pass
        probe.unlink()
    except OSError as exc:
        raise cannot_write(out, exc) from None


def cannot_write(path: Path | str, exc: OSError, verb: str = "write") -> LeadscoreError:
    """O003 for a file system error: the path, and the system's own reason."""
    reason = exc.strerror or str(exc)
    return LeadscoreError.simple(
        "O003",
        f"cannot {verb} {path}: {reason}",
        "check that the folder exists and can be written, and that the name is a file, not a folder",
    )


def _same(out: Path, given: Path) -> bool:
    """`out` is the input `given`, or a file inside an input folder (of Parquet parts)."""
    try:
        if out.exists() and given.exists() and os.path.samefile(out, given):
            return True
        return given.is_dir() and out.resolve().is_relative_to(given.resolve())
    except OSError:
        return False
