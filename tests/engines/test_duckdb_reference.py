"""DuckDB gives the reference evaluator's results on generated models and data (SPEC §3)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from leadscore.compiled import compile_model
from leadscore.engines.arrow_tables import contacts_table, events_table, model_fields
from leadscore.engines.duckdb_engine import DuckDBEngine
from leadscore.output.columns import layout
from leadscore.reference import score_rows
from leadscore.reference.evaluator import group_events
from tests.engines.equivalence import assert_rows_equal, model_from_dict
from tests.strategies import AS_OF, dataset, model_dict, model_durations


def duckdb_rows(model, contacts, events, as_of, rules=True):  # type: ignore[no-untyped-def]
    cm = compile_model(model)
    deduped = [e for evs in group_events(events).values() for e in evs]
    engine = DuckDBEngine(threads=1)
    try:
        engine.register("contacts", contacts_table(contacts, model_fields(cm)))
        engine.register("events", events_table(deduped, cm.event_properties))
        return engine.score(cm, layout(model, rules), as_of).to_pylist()
    finally:
        engine.close()


@given(model_dict(), st.data(), st.sampled_from([AS_OF, AS_OF - 86_400_000_000 * 15, AS_OF + 1]))
def test_duckdb_equals_reference(mdict, data, as_of):  # type: ignore[no-untyped-def]
    model = model_from_dict(mdict)
    assume(model is not None)
    contacts, events = data.draw(dataset(as_of, model_durations(mdict)))
    expected = score_rows(model, contacts, events, as_of, rules=True)
    assert_rows_equal(duckdb_rows(model, contacts, events, as_of), expected)
