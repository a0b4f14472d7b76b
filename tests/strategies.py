"""Hypothesis strategies: generated models and data for engine-vs-reference property tests.

Models are generated as plain dicts (what a user writes in YAML) and validated by the real
loader, so the tests also exercise the schema. Values come from small pools chosen to collide
with the operands: case folding (`ŁÓDŹ`/`łódź`, `Straße`), decimal-looking text, LIKE
metacharacters, empty strings (null), whitespace, and numeric boundaries. Timestamps cluster on
the boundaries that matter: exactly at T, exactly at the edge of `within`, on `once_per`
window edges, in the future (not yet existing at T) and before 1970.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from leadscore.durations import MICROS_PER_DAY, MICROS_PER_HOUR
from leadscore.records import Contact, Event

# --- the universe of fields -------------------------------------------------------------------

CONTACT_FIELDS = {"s1": "string", "s2": "string", "i1": "integer", "n1": "number", "b1": "boolean"}
UNDECLARED = ("u1",)  # undeclared contact columns are text
EVENT_PROPS = ("url", "p1", "p2")
EVENT_TYPES = ("a", "b", "c", "page_view")

TEXT_POOL = [
    "PL", "pl", " PL", "DE", "ŁÓDŹ", "łódź", "Łódź", "Straße", "STRASSE", "straße", "ΣΑΣ", "σας",
    "5", "5.0", "-3", "+2", ".5", "7.", "1e3", "12abc", "abc", "true", "TRUE", "False", "yes",
    "%", "_", "!", "a%b", "x_y", "xzy", "aZZb", "a!b", "a!!b", "a\\b", "a\\_b", "*", "?", "/pricing", "https://a.com/pricing?x=1",
    "https://a.com/careers", "/Careers/jobs", "vp sales", "Head of Growth", "chief", "Ω", "日本",
    # line breaks: `.` and `$` must treat them alike on every engine (Java's `.` skipped \r)
    "a\nb", "a\rb", "a\u2028b", "a\x85b", "ab\n",
]  # fmt: skip
TEXT = st.one_of(st.sampled_from(TEXT_POOL), st.text(alphabet="abAB%_*?!.-5 łŁß", max_size=6))
# 2^53 + 1 is the first integer a double cannot hold: integer fields against whole-number
# operands compare exactly, up to the ends of 64 bits
BIG_INTS = [2**53, 2**53 + 1, 2**63 - 1, -(2**63)]
INTS = st.one_of(
    st.sampled_from([-1, 0, 1, 2, 49, 50, 51, 999, 1000, 10**6, *BIG_INTS]), st.integers(-100, 100)
)
NUMS = st.one_of(st.sampled_from([-0.5, 0.0, 0.5, 2.5, 49.5, 1e-7, 3.14159, 1000.0]), INTS.map(float))
POINTS = st.sampled_from([-20, -10, -2.5, -0.5, 0.5, 1, 2.5, 3, 5, 10, 15, 20, 33.3, 59.5, 100])
DURATIONS = st.sampled_from(["1h", "6h", "12h", "1d", "2d", "7d", "30d", "1w"])
DURATION_US = {"1h": MICROS_PER_HOUR, "6h": 6 * MICROS_PER_HOUR, "12h": 12 * MICROS_PER_HOUR,
               "1d": MICROS_PER_DAY, "2d": 2 * MICROS_PER_DAY, "7d": 7 * MICROS_PER_DAY,
               "30d": 30 * MICROS_PER_DAY, "1w": 7 * MICROS_PER_DAY}  # fmt: skip

GLOBS = [
    "*",
    "*/pricing*",
    "*careers*",
    "?l",
    "??",
    "a%b",
    "x_y",
    "*!*",
    "*\\*",
    "ł*",
    "*ŁÓDŹ",
    "straße",
    "5*",
]
REGEXES = [
    "pricing",
    "^/c",
    "(vp|head|chief)",
    "l[óo]d",
    "^[0-9]+$",
    "a.b",
    "x_y",
    "^$",
    "ß",
    "c+a?r",
    "(?:ab)+",
    "b$",
]
SUBSTRINGS = ["pl", "PL", "ł", "ß", "%", "_", "!", "\\", "care", "", "5"]


def _text_operand() -> st.SearchStrategy[str]:
    return st.sampled_from(TEXT_POOL + SUBSTRINGS)


@st.composite
def leaf(draw: st.DrawFn, source: str) -> dict[str, Any]:
    if source == "event":
        field = draw(st.sampled_from([*EVENT_PROPS, "type"]))
        kind = "text"
    else:
        field = draw(st.sampled_from([*CONTACT_FIELDS, *UNDECLARED, "missing_col"]))
        kind = CONTACT_FIELDS.get(field, "text")
    cs = draw(st.booleans()) if kind in ("string", "text") else False
    if kind == "boolean":
        op = draw(st.sampled_from(["eq", "ne", "in", "not_in", "exists"]))
        value: Any = [draw(st.booleans())] if op in ("in", "not_in") else draw(st.booleans())
    elif kind in ("integer", "number"):
        op = draw(
            st.sampled_from(["eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "between", "exists"])
        )
        # an integer field takes whole numbers (exact) and now and then a fraction (as doubles)
        number = st.one_of(INTS, INTS, NUMS) if kind == "integer" else NUMS
        if op in ("in", "not_in"):
            value = draw(st.lists(number, min_size=1, max_size=3))
        elif op == "between":
            a, b = draw(number), draw(number)
            value = [min(a, b), max(a, b)]
        elif op == "exists":
            value = draw(st.booleans())
        else:
            value = draw(number)
    else:
        ops = ["eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "between", "exists",
               "contains", "starts_with", "ends_with", "glob", "regex"]  # fmt: skip
        op = draw(st.sampled_from(ops))
        numeric = kind == "text" and draw(st.integers(0, 3)) == 0
        scalar: st.SearchStrategy[Any] = NUMS if numeric else _text_operand()
        if op in ("in", "not_in"):
            value = draw(st.lists(scalar, min_size=1, max_size=3))
        elif op == "between":
            a, b = draw(scalar), draw(scalar)
            value = [min(a, b), max(a, b)]
        elif op == "exists":
            value = draw(st.booleans())
        elif op == "glob":
            value = draw(st.sampled_from(GLOBS))
        elif op == "regex":
            value = draw(st.sampled_from(REGEXES))
        elif op in ("contains", "starts_with", "ends_with"):
            value = draw(st.sampled_from(SUBSTRINGS + TEXT_POOL[:8]))
        elif kind == "text" and op in ("eq", "ne") and draw(st.integers(0, 5)) == 0:
            value = draw(st.booleans())
        else:
            value = draw(scalar)
    out: dict[str, Any] = {"field": field, op: value}
    if cs:
        out["case_sensitive"] = True
    return out


def condition(source: str, depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    base = leaf(source)
    if depth == 0:
        return base
    sub = condition(source, depth - 1)
    return st.one_of(
        base,
        base,
        st.lists(sub, min_size=0, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(sub, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        sub.map(lambda c: {"not": c}),
    )


@st.composite
def behaviour_rule(draw: st.DrawFn, rid: str) -> dict[str, Any]:
    types = draw(st.lists(st.sampled_from(EVENT_TYPES), min_size=1, max_size=2, unique=True))
    r: dict[str, Any] = {"id": rid, "event": types[0] if len(types) == 1 and draw(st.booleans()) else types}
    r["points"] = draw(POINTS)
    if draw(st.integers(0, 3)) == 0:
        r["where"] = draw(condition("event", 1))
    # each option alone is common; combinations still occur
    options = draw(
        st.sets(st.sampled_from(["within", "once_per", "half_life", "limit", "clamp"]), max_size=3)
    )
    for key in ("within", "once_per", "half_life"):
        if key in options:
            r[key] = draw(DURATIONS)
    if "limit" in options:
        r["limit"] = draw(st.integers(1, 4))
    if draw(st.integers(0, 5)) == 0:
        r["include_bots"] = True
    lo, hi = (None, None)
    if "clamp" in options:
        lo, hi = draw(st.sampled_from([(None, 15), (-5, None), (-10, 10), (0, 0)]))
    if lo is not None:
        r["min"] = lo
    if hi is not None:
        r["max"] = hi
    return r


@st.composite
def fit_rule(draw: st.DrawFn, rid: str) -> dict[str, Any]:
    return {"id": rid, "when": draw(condition("contact", 2)), "points": draw(POINTS)}


@st.composite
def bands(draw: st.DrawFn) -> list[dict[str, Any]]:
    mins = sorted(
        draw(
            st.lists(
                st.sampled_from([-10, 0, 1, 5, 10, 20, 30, 50, 100, 250]), min_size=1, max_size=4, unique=True
            )
        )
    )
    names = "DCBA"[-len(mins) :] if draw(st.booleans()) else [str(4 - i) for i in range(len(mins))]
    return [{"name": n, "min": m} for n, m in zip(names, mins, strict=True)]


@st.composite
def program(draw: st.DrawFn, pid: str, counter: list[int]) -> dict[str, Any]:
    def next_id(prefix: str) -> str:
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    dims: dict[str, Any] = {}
    for dname in draw(
        st.sampled_from([["fit", "engagement"], ["engagement"], ["fit"], ["email", "web", "fit"]])
    ):
        cats: dict[str, Any] = {}
        for ci in range(draw(st.integers(1, 2))):
            rules = []
            for _ in range(draw(st.integers(1, 3))):
                behaviour = dname != "fit" or draw(st.integers(0, 4)) == 0
                rules.append(
                    draw(behaviour_rule(next_id("r"))) if behaviour else draw(fit_rule(next_id("f")))
                )
            cat: dict[str, Any] = {"rules": rules}
            cmin, cmax = draw(st.sampled_from([(None, None), (None, 25), (-20, None), (0, 40)]))
            if cmin is not None:
                cat["min"] = cmin
            if cmax is not None:
                cat["max"] = cmax
            cats[f"c{ci}"] = cat
        dim: dict[str, Any] = {"categories": cats}
        dmin, dmax = draw(st.sampled_from([(None, None), (None, 50), (0, 100), (-10, 30)]))
        if dmin is not None:
            dim["min"] = dmin
        if dmax is not None:
            dim["max"] = dmax
        if draw(st.booleans()):
            dim["bands"] = draw(bands())
        if dname != "fit" and draw(st.booleans()):
            decay: dict[str, Any] = {
                "every": draw(DURATIONS),
                "by": draw(st.sampled_from(["10%", "50%", "100%", "33.3%", 5, 2.5])),
            }
            if draw(st.booleans()):
                decay["after"] = draw(st.sampled_from(["0d", "1d", "7d", "30d"]))
            decay_floor = draw(st.sampled_from([None, 0, 5, -5, "50% of mql", "25% of mql"]))
            if decay_floor is not None:
                decay["floor"] = decay_floor
            dim["decay"] = decay
        dims[dname] = dim
    p: dict[str, Any] = {"id": pid, "dimensions": dims}
    if draw(st.integers(0, 2)) == 0:
        p["applies_to"] = draw(condition("contact", 1))
    if draw(st.booleans()):
        p["gates"] = [
            {"id": next_id("g"), "when": draw(condition("contact", 1))}
            for _ in range(draw(st.integers(1, 3)))
        ]
    if draw(st.integers(0, 2)) == 0:
        p["bands"] = draw(bands())
    banded = [n for n, d in dims.items() if "bands" in d]
    if len(banded) >= 2 and draw(st.booleans()):
        p["matrix"] = banded[:2]
    if draw(st.integers(0, 3)) == 0:
        p["weights"] = {n: draw(st.sampled_from([0.5, 2, 1.5, -1])) for n in dims if draw(st.booleans())}
    mql_needed = any(isinstance(d.get("decay", {}).get("floor"), str) for d in dims.values())
    if mql_needed or draw(st.booleans()):
        mql: dict[str, Any] = {"min": draw(st.sampled_from([1, 10, 30, 60, 100, 150, 300]))}
        if draw(st.booleans()):
            mql["require_gates"] = True
        p["stages"] = {"mql": mql}
    if draw(st.integers(0, 3)) == 0:
        seg = draw(st.sampled_from([
            None,
            {"field": "i1", "map": [[None, 0, 1], [1, 50, 2], [51, None, 3]]},
            {"field": "n1", "map": [[0, 0.5, 4], [0.5, 100, 5]]},
            {"field": "s1", "map": {"pl": 1, "Łódź": 2, "straße": 3}},
            {"field": "u1", "map": [[-5, 5, 7]]},
        ]))  # fmt: skip
        p["format"] = {"encoded": {"segment": seg} if seg else {}}
    return p


@st.composite
def model_dict(draw: st.DrawFn) -> dict[str, Any]:
    counter = [0]
    programs = [draw(program(f"p{i}", counter)) for i in range(draw(st.integers(1, 2)))]
    return {
        "model": "generated",
        "version": draw(st.integers(1, 9)),
        "fields": dict(CONTACT_FIELDS),
        "programs": programs,
    }


# --- data -----------------------------------------------------------------------------------

AS_OF = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


@st.composite
def contact(draw: st.DrawFn, cid: str) -> Contact:
    fields: dict[str, Any] = {}
    for name, kind in CONTACT_FIELDS.items():
        if draw(st.integers(0, 4)) == 0:
            continue  # missing
        if kind == "string":
            fields[name] = draw(TEXT.filter(bool))
        elif kind == "integer":
            fields[name] = draw(INTS)
        elif kind == "number":
            fields[name] = draw(NUMS)
        else:
            fields[name] = draw(st.booleans())
    if draw(st.booleans()):
        fields["u1"] = draw(st.one_of(TEXT.filter(bool), st.sampled_from(["0", "3", "-5", "5.5", "12"])))
    return Contact(cid, fields)


def model_durations(model: dict[str, Any]) -> list[int]:
    """Every duration a generated model uses, in microseconds (within, once_per, decay, …)."""
    import json
    import re

    text = json.dumps(model)
    found = {DURATION_US[m] for m in re.findall(r'"(\d+[hdw])"', text) if m in DURATION_US}
    found |= {int(m) * MICROS_PER_DAY for m in re.findall(r'"(\d+)d"', text)}
    return sorted(found)


def offsets(durations: list[int]) -> st.SearchStrategy[int]:
    """Microseconds before T: on and around the model's own edges, and ordinary ages.

    T is midnight UTC, a multiple of every window length of a day or less, so `k × D` before T
    is a `once_per` window edge; `D` before T is the `within` edge; `after + k × every` is a
    decay step edge.
    """
    primary = {0}
    for us in durations or list(DURATION_US.values()):
        primary |= {us, us - 1, us + 1}
    edges = set(primary) | {1, -1}
    for us in durations:
        edges |= {2 * us, 3 * us, 2 * us - 1}
    for a in durations:
        for b in durations:
            edges |= {a + b, a + b - 1, a + b + 1}
    return st.one_of(
        st.sampled_from(sorted(primary)),
        st.sampled_from(sorted(primary)),
        st.sampled_from(sorted(edges)),
        st.integers(0, 90 * MICROS_PER_DAY),
        st.integers(-2 * MICROS_PER_DAY, 0),  # the future: not yet at T
        st.integers(AS_OF + MICROS_PER_DAY, AS_OF + 400 * MICROS_PER_DAY),  # before 1970
    )


@st.composite
def event(draw: st.DrawFn, eid: str, cid: str, as_of: int, ages: st.SearchStrategy[int]) -> Event:
    props: dict[str, str | None] = {}
    for p in EVENT_PROPS:
        if draw(st.booleans()):
            props[p] = draw(TEXT.filter(bool))
    if draw(st.integers(0, 7)) == 0:
        props["is_bot"] = draw(st.sampled_from(["true", "TRUE", "True", "false", "yes", "1"]))
    return Event(eid, cid, draw(st.sampled_from(EVENT_TYPES)), as_of - draw(ages), props)


@st.composite
def dataset(
    draw: st.DrawFn, as_of: int = AS_OF, durations: list[int] | None = None
) -> tuple[list[Contact], list[Event]]:
    ages = offsets(durations or [])
    n = draw(st.integers(1, 4))
    contacts = [draw(contact(f"c{i}")) for i in range(n)]
    events: list[Event] = []
    for i in range(draw(st.integers(0, 40))):
        cid = f"c{n}" if draw(st.integers(0, 9)) == 0 else f"c{draw(st.integers(0, n - 1))}"  # c{n}: unknown
        events.append(draw(event(f"e{i}", cid, as_of, ages)))
    # ties: copies at the same instant; duplicates: a second event with a used event_id
    if bool(events) and draw(st.booleans()):
        e = draw(st.sampled_from(events))
        events.append(Event(f"e{len(events)}", e.contact_id, e.type, e.ts, e.props))
    if bool(events) and draw(st.booleans()):
        e = draw(st.sampled_from(events))
        events.append(
            Event(e.event_id, e.contact_id, draw(st.sampled_from(EVENT_TYPES)), e.ts - MICROS_PER_DAY, {})
        )
    # a used event_id again, under any contact (unknown included), anything else drawn afresh:
    # the first copy counts whether or not a rule reads it
    for _ in range(draw(st.integers(0, 2)) if events else 0):
        e = draw(st.sampled_from(events))
        copy = draw(event(e.event_id, f"c{draw(st.integers(0, n))}", as_of, ages))
        events.insert(draw(st.integers(events.index(e) + 1, len(events))), copy)
    return contacts, events


# --- focused strategies: one feature, many chances to hit its edges ----------------------------


def single_rule_model(
    rule: dict[str, Any], dimension: dict[str, Any] | None = None, **program: Any
) -> dict[str, Any]:
    dim = {"categories": {"c": {"rules": [rule]}}, **(dimension or {})}
    return {
        "model": "focused",
        "version": 1,
        "fields": dict(CONTACT_FIELDS),
        "programs": [{"id": "p", "dimensions": {"d": dim}, **program}],
    }


@st.composite
def rule_events(
    draw: st.DrawFn, rule: dict[str, Any], as_of: int, contacts: int = 5
) -> tuple[list[Contact], list[Event]]:
    """Several contacts, each with events of the rule's types on the rule's own edges."""
    durations = [DURATION_US[rule[k]] for k in ("within", "once_per", "half_life") if k in rule]
    ages = offsets(durations)
    types = rule["event"] if isinstance(rule["event"], list) else [rule["event"]]
    cs = [Contact(f"c{i}", {}) for i in range(contacts)]
    events: list[Event] = []
    for c in cs:
        for _ in range(draw(st.integers(0, 8))):
            props: dict[str, str | None] = {}
            for p in EVENT_PROPS:
                if draw(st.booleans()):
                    props[p] = draw(TEXT.filter(bool))
            if draw(st.integers(0, 7)) == 0:
                props["is_bot"] = draw(st.sampled_from(["true", "TRUE", "false", "1"]))
            etype = (
                draw(st.sampled_from(types))
                if draw(st.integers(0, 5))
                else draw(st.sampled_from(EVENT_TYPES))
            )
            events.append(Event(f"e{len(events)}", c.contact_id, etype, as_of - draw(ages), props))
    return cs, events


def operand_variants(cond: Any) -> list[Any]:
    """Values near a condition's operands: the operand itself, re-cased, one character changed,
    extended on either side, shortened; numbers just below and above. These sit on the edges
    that LIKE escaping, case folding and decimal-literal parsing must get right."""
    out: list[Any] = []

    def walk(c: Any) -> None:
        if isinstance(c, dict):
            for k, v in c.items():
                if k in ("all", "any"):
                    for x in v:
                        walk(x)
                elif k == "not":
                    walk(v)
                elif k not in ("field", "case_sensitive"):
                    for x in v if isinstance(v, list) else [v]:
                        add(x)

    def add(x: Any) -> None:
        if isinstance(x, bool):
            out.extend([x, str(x).lower(), str(x).upper()])
        elif isinstance(x, int | float):
            out.extend([x, x - 1, x + 1, x + 0.5, str(x), f"{x}abc"])
        elif isinstance(x, str):
            text = x.replace("*", "zz").replace("?", "q")
            out.extend([text, text.upper(), text.lower(), f"a{text}", f"{text}b", text[:-1] or "z"])
            for i in range(min(len(text), 3)):
                out.append(text[:i] + "z" + text[i + 1 :])

    walk(cond)
    return [v for v in out if v != ""]


@st.composite
def condition_contacts(draw: st.DrawFn, cond: Any = None, n: int = 12) -> list[Contact]:
    """Contacts for a condition test: half their values taken from near the condition's operands."""
    near = operand_variants(cond)
    contacts = []
    for i in range(n):
        c = draw(contact(f"c{i}"))
        if near:
            fields = dict(c.fields)
            for name, kind in [*CONTACT_FIELDS.items(), ("u1", "text")]:
                if draw(st.booleans()):
                    v = draw(st.sampled_from(near))
                    ok = (
                        (kind in ("string", "text") and isinstance(v, str))
                        or (
                            kind == "integer"
                            and isinstance(v, int)
                            and not isinstance(v, bool)
                            and -(2**63) <= v < 2**63
                        )  # a value beyond 64 bits is a bad row
                        or (kind == "number" and isinstance(v, int | float) and not isinstance(v, bool))
                        or (kind == "boolean" and isinstance(v, bool))
                    )
                    if ok:
                        fields[name] = float(v) if kind == "number" else v
            c = Contact(c.contact_id, fields)
        contacts.append(c)
    return contacts
