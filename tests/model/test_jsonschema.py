"""The JSON Schema (`leadscore schema`) against `validate`: editors that check a model with the
schema accept every model `validate` accepts, and refuse the broken shapes it refuses.

A schema cannot state what depends on other parts of the file (a dimension a trigger names, a
recycle value below the MQL threshold, two bands with one `min`), so those are listed below
with the reason, and every other golden broken model with a shape error (E2xx) must fail the
schema too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from ruamel.yaml import YAML

from leadscore.model.jsonschema import model_json_schema
from leadscore.model.loader import load_model
from tests.strategies import model_dict

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
VALIDATOR = jsonschema.Draft202012Validator(model_json_schema())

# broken models whose only shape errors (E2xx) a JSON Schema cannot state
BEYOND_A_SCHEMA = {
    "28_recycle_above_mql": "recycle_below must lie below the MQL threshold, another key's value",
    "29_bands_duplicate_mins": "two bands with one min: uniqueness of a field inside list items",
    "48_segment_map_values_alike_but_for_case": "keys that differ only in letter case",
}


def _data(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _schema_errors(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


VALID_MODELS = [
    ROOT / "tests/fixtures/spec_example.yaml",
    ROOT / "src/leadscore/demo/starter_model.yaml",
    ROOT / "bench/model.yaml",
    *sorted((ROOT / "src/leadscore/demo").glob("*model*.yaml")),
]


@pytest.mark.parametrize("path", sorted(set(VALID_MODELS)), ids=lambda p: p.name)
def test_the_schema_accepts_the_models_we_ship(path: Path) -> None:
    load_model(path)  # valid (raises otherwise)
    assert _schema_errors(_data(path)) == []


def _golden_with_shape_errors() -> list[Path]:
    found = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        rendered = path.with_suffix(".txt").read_text(encoding="utf-8")
        if any(f": E2{d}" in rendered for d in "0123456789"):
            found.append(path)
    return found


@pytest.mark.parametrize("path", _golden_with_shape_errors(), ids=lambda p: p.stem)
def test_the_schema_refuses_the_broken_shapes_validate_refuses(path: Path) -> None:
    try:
        data = _data(path)
    except Exception:  # not YAML a plain loader reads (duplicate keys, tags): nothing to check
        pytest.skip("not plain YAML")
    if path.stem in BEYOND_A_SCHEMA:
        assert _schema_errors(data) == [], "the schema now catches it: drop it from BEYOND_A_SCHEMA"
    else:
        assert _schema_errors(data) != [], f"{path.name}: validate refuses it, the schema accepts it"


@given(model=model_dict())
def test_every_generated_valid_model_passes_the_schema(model: dict[str, Any]) -> None:
    assert _schema_errors(model) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda m: m["programs"][0]["dimensions"]["fit"]["categories"]["target_market"]["rules"][0].update(
                points=2e9
            ),
            "points beyond 1e9",
        ),
        (lambda m: m["programs"][0].update(matrix=["fit", "fit"]), "a matrix naming one dimension twice"),
        (lambda m: m["programs"][0].update(matrix=["fit"]), "a matrix of one"),
        (
            lambda m: m["programs"][0]["dimensions"]["engagement"]["categories"]["interest"]["rules"][
                2
            ].update(within="0d"),
            "a zero duration",
        ),
        (
            lambda m: m["programs"][0]["dimensions"]["fit"]["categories"]["target_market"]["rules"][0][
                "when"
            ].update(gte=5),
            "two operators",
        ),
        (lambda m: m["triggers"][0]["on"].update(band_enters="A"), "a trigger watching two things"),
        (lambda m: m["programs"][0].update(dimensions={}), "no dimension"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_shapes_the_schema_now_states(change: Any, path: str) -> None:
    model = _data(ROOT / "tests/fixtures/spec_example.yaml")
    assert _schema_errors(model) == []
    change(model)
    assert _schema_errors(model) != [], path
