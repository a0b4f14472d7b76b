"""A Parquet file damaged inside a data page: found when the engine decodes it, reported as D008."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadscore.app import Application
from leadscore.data.damage import damaged_parquet, reading
from leadscore.diagnostics import LeadscoreError
from leadscore.durations import parse_instant
from tests.conftest import ROOT

MODEL = ROOT / "tests" / "fixtures" / "spec_example.yaml"


def _files(tmp: Path) -> tuple[Path, Path]:
    n = 200_000
    table = pa.table(
        {"contact_id": [f"c{i}" for i in range(n)], "country": ["PL"] * n, "employees": list(range(n))}
    )
    good = tmp / "good.parquet"
    pq.write_table(table, good, compression="snappy", row_group_size=50_000)
    data = bytearray(good.read_bytes())
    rng = random.Random(7)
    for i in range(len(data) // 4, len(data) // 4 + 2000):  # a data page; the footer stays whole
        data[i] = rng.randrange(256)
    bad = tmp / "damaged.parquet"
    bad.write_bytes(bytes(data))
    return good, bad


def test_a_damaged_data_page_is_a_user_error(tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    assert damaged_parquet([good, None]) is None
    with pytest.raises(LeadscoreError) as info:
        Application().score(MODEL, bad, None, parse_instant("2026-01-01"), tmp_path / "o.csv")
    d = info.value.diagnostics[0]
    assert d.code == "D008"
    assert d.message.startswith("cannot be read: a data page is damaged")
    assert d.location is not None  # the file is in the JSON shape's `file`, not only in the text
    assert Path(d.location.file).name == "damaged.parquet"
    assert not (tmp_path / "o.csv").exists()


def test_other_failures_are_not_blamed_on_the_files(tmp_path: Path) -> None:
    good, _ = _files(tmp_path)
    with pytest.raises(RuntimeError, match="a bug"), reading([good]):
        raise RuntimeError("a bug")
