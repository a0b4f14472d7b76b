"""SPEC §3 item 8 and §3a: the total rounded to 6 decimals, then to an integer, half away from zero."""

from __future__ import annotations

import math

import pytest

from leadscore.rounding import official_value, round_half_away


@pytest.mark.parametrize(
    ("total", "official"),
    [
        (59.5, 60.0),  # SPEC: 59.5 → 60
        (-0.5, -1.0),  # SPEC: −0.5 → −1
        (59.4999994, 59.0),
        (59.4999995, 60.0),  # 59.5 at 6 decimals
        (2.4999995, 3.0),  # Python's round(x, 6) gives 2.499999 here (half to even on the double)
        (-2.4999995, -3.0),
        (0.0, 0.0),
    ],
)
def test_official_value(total: float, official: float) -> None:
    assert official_value(total) == official


def test_round_half_away_to_places() -> None:
    assert round_half_away(0.125, 2) == 0.13
    assert round_half_away(-0.125, 2) == -0.13
    assert round_half_away(2.675, 2) == 2.68  # 2.675 is 2.67499999… as a double; scaled it is 267.5


def test_unbounded_totals_stay_unbounded() -> None:
    assert official_value(math.inf) == math.inf
    assert official_value(-math.inf) == -math.inf
