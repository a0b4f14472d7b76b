"""From files to scores: the whole data-in path gives the reference's results on the records.

Generated contacts and events are written as CSV, JSON Lines or Parquet (properties as columns
or as one JSON `properties` column, timestamps with `Z`, offsets or naive), loaded and scored by
the application exactly as `leadscore score` does, and compared with the reference evaluator on
the original records.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leadscore.app import Application
from leadscore.reference import score_rows
from tests.data.files import write_contacts, write_contacts_parquet, write_events
from tests.engines.equivalence import assert_rows_equal, model_from_dict
from tests.strategies import AS_OF, CONTACT_FIELDS, EVENT_PROPS, dataset, model_dict, model_durations

PARQUET_TYPES = {
    "s1": pa.string(),
    "s2": pa.string(),
    "i1": pa.int64(),
    "n1": pa.float64(),
    "b1": pa.bool_(),
    "u1": pa.string(),
}


@settings(max_examples=25)
@given(
    model_dict(),
    st.data(),
    st.sampled_from(["csv", "jsonl", "parquet"]),
    st.sampled_from(["csv", "jsonl", "parquet"]),
    st.booleans(),
    st.integers(0, 2**32),
)
def test_files_score_like_the_reference(
    tmp_path_factory: pytest.TempPathFactory,
    mdict: dict[str, Any],
    data: st.DataObject,
    contacts_fmt: str,
    events_fmt: str,
    json_props: bool,
    seed: int,
) -> None:
    model = model_from_dict(mdict)
    assume(model is not None)
    assert model is not None  # narrowed for mypy: assume() rejected None
    contacts, events = data.draw(dataset(AS_OF, model_durations(mdict)))
    tmp = tmp_path_factory.mktemp("files")
    rng = random.Random(seed)
    columns = [*CONTACT_FIELDS, "u1"]
    cpath = tmp / f"contacts.{contacts_fmt}"
    if contacts_fmt == "parquet":
        write_contacts_parquet(cpath, contacts, PARQUET_TYPES)
    else:
        write_contacts(cpath, contacts, columns, contacts_fmt)
    epath = tmp / f"events.{events_fmt}"
    write_events(epath, events, [*EVENT_PROPS, "is_bot"], events_fmt, rng, json_props=json_props)
    out = tmp / "scores.jsonl"
    Application().score(_write_model(tmp, mdict), cpath, epath, AS_OF, out, rules=True)
    got = [json.loads(line) for line in out.read_text().splitlines()]
    expected = score_rows(model, contacts, events, AS_OF, rules=True)
    assert_rows_equal(got, expected)


def _write_model(tmp: Path, mdict: dict[str, object]) -> Path:
    path = tmp / "model.yaml"
    path.write_text(json.dumps(mdict), encoding="utf-8")  # JSON is YAML 1.2
    return path
