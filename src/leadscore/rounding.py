"""Rounding as SPEC §3 states it, shared by the reference evaluator and the model's bounds.

The compiled SQL writes the same arithmetic out (sql/build.py); one Python statement of it here
keeps the evaluator and the lint checks on the same side of every .5.
"""

from __future__ import annotations

import math


def round_half_away(x: float, digits: int = 0) -> float:
    """Round half away from zero, as written out in SQL: sign(x) * floor(|x| * 10^d + 0.5) / 10^d."""
    scale = 10.0**digits
    return math.copysign(math.floor(abs(x) * scale + 0.5) / scale, x) if x != 0 else 0.0


def official_value(total: float) -> float:
    """The official score of a total: rounded to 6 decimals, then to a whole number, half away
    from zero (SPEC §3 item 8 and §3a); infinities (unbounded totals) stay as they are."""
    if math.isinf(total):
        return total
    return round_half_away(round_half_away(total, 6))
