"""The output columns of `leadscore score`, the same for every engine.

`contact_id, program, score, points, <dimension>_points…, qualified, gates_met,
<dimension>_band…, band, matrix, mql_eligible, model_version, as_of` and, with `--rules`,
one `rule:<rule id>` column per rule. Columns are the union over the model's programs; a
program lacking a column leaves it empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from leadscore.durations import format_instant
from leadscore.model.schema import Model
from leadscore.reference.trace import ProgramResult

ColumnType = Literal["text", "integer", "double", "boolean"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    dimensions: tuple[str, ...]
    banded_dimensions: tuple[str, ...]
    rule_ids: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def layout(model: Model, rules: bool = False) -> Layout:
    dims = _unique([d for p in model.programs for d in p.dimensions])
    banded = _unique([d for p in model.programs for d, dim in p.dimensions.items() if dim.bands])
    rule_ids = _unique(
        [
            r.id
            for p in model.programs
            for dim in p.dimensions.values()
            for c in dim.categories.values()
            for r in c.rules
        ]
    )
    cols: list[Column] = [
        Column("contact_id", "text"),
        Column("program", "text"),
        Column("score", "integer"),
        Column("points", "integer"),
        *(Column(f"{d}_points", "double") for d in dims),
        Column("qualified", "boolean"),
        Column("gates_met", "integer"),
        *(Column(f"{d}_band", "text") for d in banded),
        Column("band", "text"),
        Column("matrix", "text"),
        Column("mql_eligible", "boolean"),
        Column("model_version", "text"),
        Column("as_of", "text"),
    ]
    if rules:
        cols.extend(Column(f"rule:{r}", "double") for r in rule_ids)
    return Layout(tuple(cols), dims, banded, rule_ids if rules else ())


def row_from_result(model: Model, result: ProgramResult, rules: bool = False) -> dict[str, Any]:
    lay = layout(model, rules)
    dim_values = {d.name: d.value for d in result.dimensions}
    row: dict[str, Any] = {
        "contact_id": result.contact_id,
        "program": result.program,
        "score": result.score,
        "points": result.points,
    }
    for d in lay.dimensions:
        row[f"{d}_points"] = dim_values.get(d)
    row["qualified"] = result.qualified
    row["gates_met"] = result.gates_met
    for d in lay.banded_dimensions:
        row[f"{d}_band"] = result.dimension_bands.get(d)
    row["band"] = result.band
    row["matrix"] = result.matrix
    row["mql_eligible"] = result.mql_eligible
    row["model_version"] = model.version_label
    row["as_of"] = format_instant(result.as_of)
    if rules:
        values = result.rule_values()
        for r in lay.rule_ids:
            row[f"rule:{r}"] = values.get(r)
    return row
