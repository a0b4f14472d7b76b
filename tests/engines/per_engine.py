"""Turn one property into a test per engine, each with its own example budget.

Spark plans a large query in about two seconds, so it gets a quarter of the examples the
in-process and PostgreSQL engines get; the nightly profile raises all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import ENGINES, make_runner

SCALE = {"duckdb": 1.0, "postgres": 0.5, "spark": 0.25}


def for_each_engine(
    module_globals: dict[str, Any], name: str, **strategies: Any
) -> Callable[[Callable[..., None]], None]:
    """Define `test_<name>_<engine>` for every engine; the body gets `runner` and the drawn values."""

    def decorate(body: Callable[..., None]) -> None:
        default = settings.default
        assert default is not None  # conftest.py loads a profile
        for engine in ENGINES:
            budget = max(5, int(default.max_examples * SCALE[engine]))

            def make(engine: str = engine, budget: int = budget) -> Callable[..., None]:
                @settings(
                    max_examples=budget,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                )
                @given(**strategies)
                def test(request: pytest.FixtureRequest, **drawn: Any) -> None:
                    body(make_runner(engine, request), **drawn)

                test.__name__ = f"test_{name}_{engine}"
                test.__doc__ = body.__doc__
                return test

            module_globals[f"test_{name}_{engine}"] = make()

    return decorate
