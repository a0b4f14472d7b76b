"""Text rendering for the terminal: diagnostics, score summaries and explanations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from leadscore.diagnostics import Diagnostic, Severity


def diagnostics(diags: Iterable[Diagnostic], err: bool = True) -> None:
    for d in diags:
        color = "red" if d.severity is Severity.ERROR else "yellow"
        head, _, hint = d.render().partition("\n")
        click.secho(head, fg=color, err=err)
        if hint:
            click.echo(hint, err=err)


def lint_summary(warnings: list[Diagnostic], model: object) -> None:
    if warnings:
        codes = ", ".join(sorted({w.code for w in warnings}))
        click.secho(
            f"the model has {len(warnings)} lint warning(s) ({codes}); see `leadscore validate -m {model}`",
            fg="yellow",
            err=True,
        )


def fmt_points(x: float) -> str:
    """Points with up to six decimals, no trailing zeros (15, 1.501445, -10)."""
    text = f"{x:+.6f}".rstrip("0").rstrip(".")
    return text


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def explanation(exp: dict[str, Any]) -> str:
    lines: list[str] = []
    head = f"{exp['contact_id']} · program {exp['program']} · as of {exp['as_of']} · model version {exp['model_version']}"
    lines.append(head)
    score = f"score {exp['score']}"
    if exp["segment_digit"] is not None:
        score += (
            f"  (encoded: segment {exp['segment_digit']}, gates {exp['gates_met']}, points {exp['points']})"
        )
    extras = []
    if exp["matrix"]:
        extras.append(f"matrix {exp['matrix']}")
    if exp["band"]:
        extras.append(f"band {exp['band']}")
    extras.append("MQL-eligible" if exp["mql_eligible"] else "not MQL-eligible")
    lines.append(f"{score}   " + "   ".join(extras))
    if exp["gates"]:
        gates = ", ".join(f"{g['id']} {_mark(g['met'])}" for g in exp["gates"])
        lines.append(
            f"gates: {gates}  ({exp['gates_met']}/{len(exp['gates'])} met, {'qualified' if exp['qualified'] else 'not qualified'})"
        )
    lines.append("")
    types = [
        e["type"]
        for d in exp["dimensions"]
        for c in d["categories"]
        for r in c["rules"]
        for e in r.get("events", [])
    ]
    type_width = max([14, *(len(t) for t in types)])  # one column for the events' types
    for d in exp["dimensions"]:
        band = exp["dimension_bands"].get(d["name"])
        weight = f" × weight {d['weight']:g}" if d["weight"] != 1 else ""
        lines.append(f"{d['name']}  {fmt_points(d['value'])}{weight}" + (f"   [band {band}]" if band else ""))
        for c in d["categories"]:
            clamp = f"  (sum {fmt_points(c['sum'])}, clamped to its budget)" if c["clamped"] else ""
            lines.append(f"  {c['name']}  {fmt_points(c['value'])}{clamp}")
            for r in c["rules"]:
                lines.extend(_rule(r, type_width))
        if d["clamped"]:
            lines.append(f"  dimension sum {fmt_points(d['sum'])} clamped to {fmt_points(d['raw'])}")
        dec = d["decay"]
        if dec is not None:
            if dec["last_activity"] is None:
                lines.append("  decay: no activity, no decay")
            elif dec["applied"]:
                lines.append(
                    f"  decay: last activity {dec['last_activity']} ({dec['idle_days']:.2f} days idle) → "
                    f"{dec['steps']} step(s): {fmt_points(dec['before'])} → {fmt_points(dec['after'])} (floor {dec['floor']:g})"
                )
            else:
                why = (
                    "the value is not positive, and decay lowers a positive value only"
                    if dec["before"] <= 0
                    else "at or below the floor"
                    if dec["before"] <= dec["floor"]
                    else f"{dec['steps']} steps"
                )
                lines.append(
                    f"  decay: last activity {dec['last_activity']} ({dec['idle_days'] or 0:.2f} days idle), none applied ({why})"
                )
        lines.append("")
    parts = " + ".join(
        f"{d['name']} {fmt_points(d['value'])}" + (f" × {d['weight']:g}" if d["weight"] != 1 else "")
        for d in exp["dimensions"]
    )
    lines.append(
        f"total = {parts} = {exp['total']:.6f} → points {exp['points']} (rounded half away from zero)"
    )
    # each figure is rounded for the eye, and rounded parts can miss their sum in the last digit
    lines.append("(figures shown to 6 decimals; every sum is of the exact values, which --format json gives)")
    if not exp.get("engine_agrees", True):
        lines.append(
            f"WARNING: the engine scored this contact {exp.get('engine_score')}; please report this as a bug"
        )
    return "\n".join(lines)


def _rule(r: dict[str, Any], type_width: int = 14) -> list[str]:
    if r["kind"] == "fit":
        status = f"condition {'holds' if r['matched'] else 'does not hold'}"
        return [f"    {r['id']:<16} {fmt_points(r['value']):>12}   {status}"]
    counted = [e for e in r["events"] if e["status"] == "counted"]
    dropped = [e for e in r["events"] if e["status"] != "counted"]
    summary = f"{len(counted)} event(s)" + (f", {len(dropped)} dropped" if dropped else "")
    if r["clamped"]:
        summary += f"; sum {fmt_points(r['raw'])} clamped"
    out = [f"    {r['id']:<16} {fmt_points(r['value']):>12}   {summary}"]
    for e in counted:
        decay = f" × {e['weight']:.6f}" if e["weight"] != 1 else ""
        out.append(
            f"      {e['timestamp']}  {e['type']:<{type_width}} age {e['age_days']:.2f} d  {fmt_points(r['points'])}{decay} = {fmt_points(e['points'])}"
        )
    for e in dropped:
        out.append(
            f"      {e['timestamp']}  {e['type']:<{type_width}} age {e['age_days']:.2f} d  {e['reason']}"
        )
    return out
