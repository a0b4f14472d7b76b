"""Progress on a terminal (a spinner with the current step and elapsed time); silence in pipes."""

from __future__ import annotations

import sys
from typing import Any


class TerminalProgress:
    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress: Any = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: Any = None

    def step(self, description: str) -> None:
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(description, total=None)
        else:
            self._progress.update(self._task, description=description)

    def done(self) -> None:
        if self._task is not None:
            self._progress.stop()
            self._task = None


def progress_for(quiet: bool) -> Any:
    from leadscore.progress import Silent

    if quiet or not sys.stderr.isatty():
        return Silent()
    return TerminalProgress()
