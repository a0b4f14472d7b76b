"""Compare an engine's output rows with the reference evaluator's, column by column."""

from __future__ import annotations

import math
from typing import Any

from leadscore.model.loader import load_model_text
from leadscore.model.schema import Model

TOLERANCE = 1e-6  # SPEC §3: engines agree within 1e-6 before rounding


def model_from_dict(data: dict[str, Any]) -> Model | None:
    """Validate a generated model through the real loader; None when it is invalid."""
    import json

    from leadscore.diagnostics import LeadscoreError

    try:
        return load_model_text(json.dumps(data), "generated.yaml").model
    except LeadscoreError:
        return None


def _key(row: dict[str, Any]) -> tuple[str, str]:
    return (str(row["contact_id"]), str(row["program"]))


def assert_rows_equal(engine_rows: list[dict[str, Any]], reference_rows: list[dict[str, Any]]) -> None:
    got = {_key(r): r for r in engine_rows}
    want = {_key(r): r for r in reference_rows}
    assert got.keys() == want.keys(), (
        f"rows differ: engine-only {got.keys() - want.keys()}, reference-only {want.keys() - got.keys()}"
    )
    for key, expected in want.items():
        actual = got[key]
        assert list(actual) == list(expected), f"columns differ for {key}: {list(actual)} != {list(expected)}"
        for col, ev in expected.items():
            av = actual[col]
            if isinstance(ev, float) and not isinstance(ev, bool):
                assert isinstance(av, float), f"{key} {col}: engine {av!r} is not a float"
                assert math.isclose(av, ev, rel_tol=0, abs_tol=TOLERANCE), (
                    f"{key} {col}: engine {av!r} != reference {ev!r}"
                )
            else:
                assert type(av) is type(ev), f"{key} {col}: engine {av!r} != reference {ev!r} (type)"
                assert av == ev, f"{key} {col}: engine {av!r} != reference {ev!r}"
