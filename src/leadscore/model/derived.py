"""Constants derived from a model, computed once and shared by every engine.

Keeping these in one place means the reference evaluator and the compiled SQL use the very
same floating-point values (a floor of `50% of mql`, a decay factor of `1 - 10%`).
"""

from __future__ import annotations

from leadscore.model.dimension import Decay
from leadscore.model.program import Program


def floor_points(decay: Decay, mql: float | None) -> float:
    """The floor F in points for the MQL threshold `mql`; 0 without a floor (SPEC §3 item 6), and
    0 for a share of a threshold the program lacks (E306, which bounds checks still survive)."""
    if decay.floor is None:
        return 0.0
    if decay.floor.kind == "points":
        return decay.floor.value
    return decay.floor.value / 100.0 * (mql or 0.0)


def decay_floor(program: Program, decay: Decay) -> float:
    """The floor F in points of a valid program's decay."""
    if decay.floor is not None and decay.floor.kind != "points" and program.mql_threshold is None:
        raise ValueError("a floor relative to the MQL threshold needs one")  # rejected at load (E306)
    return floor_points(decay, program.mql_threshold)


def decay_factor(decay: Decay) -> float:
    """The multiplier per step of a percentage decay: 1 - P/100."""
    assert decay.by.kind == "percent"
    return 1.0 - decay.by.value / 100.0


def weight(program: Program, dimension: str) -> float:
    return (program.weights or {}).get(dimension, 1.0)
