"""Values far below any score never stop an engine: PostgreSQL raises where a product of
doubles underflows to zero (DuckDB, Spark and the reference give 0), so its products of tiny
half-life weights, decay factors and dimension weights must not get there.

The case that found it (a Hypothesis example): an event 56 years old with a 30-day half-life
(weight ~1e-205), in a dimension decaying by 10 % a week for 2,922 weeks (~1e-134): their
product is below the smallest double.
"""

from __future__ import annotations

from typing import Any

import pytest

from leadscore.records import Contact, Event
from leadscore.reference import score_rows
from tests.engines.equivalence import assert_rows_equal, model_from_dict
from tests.strategies import AS_OF

DAY = 86_400_000_000


def _model(points: float, half_life: str, every: str, weight: float) -> dict[str, Any]:
    rule = {"id": "r", "event": "b", "points": points, "half_life": half_life}
    dim = {"decay": {"every": every, "by": "10%"}, "categories": {"c": {"rules": [rule]}}}
    return {
        "model": "tiny",
        "version": 1,
        "programs": [{"id": "p", "dimensions": {"engagement": dim}, "weights": {"engagement": weight}}],
    }


@pytest.mark.parametrize(
    ("points", "half_life", "every", "weight", "age_days"),
    [
        (0.5, "30d", "7d", 1.0, 20_455),  # the Hypothesis example: weight × decay factor
        (0.5, "1d", "3650d", 1.0, 1_074),  # a subnormal weight times points below 1
        (1.0, "1d", "3650d", 0.25, 1_073),  # a subnormal dimension times a weight below 1
        (1.0, "1d", "1d", 1.0, 1_000),  # two tiny factors, neither zero on its own
    ],
)
def test_tiny_values_score_zero_on_every_engine(
    runner: Any, points: float, half_life: str, every: str, weight: float, age_days: int
) -> None:
    model = model_from_dict(_model(points, half_life, every, weight))
    assert model is not None
    contacts = [Contact("c0", {})]
    events = [Event("e0", "c0", "b", AS_OF - age_days * DAY, {})]
    expected = score_rows(model, contacts, events, AS_OF, rules=True)
    assert_rows_equal(runner.rows(model, contacts, events, AS_OF), expected)
