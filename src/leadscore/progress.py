"""Progress reporting: a small protocol the application calls; shells decide how to show it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def step(self, description: str) -> None:
        """A new phase of the work has started."""

    def done(self) -> None:
        """The work is finished (or failed)."""


class Silent:
    def step(self, description: str) -> None:
        pass

    def done(self) -> None:
        pass
