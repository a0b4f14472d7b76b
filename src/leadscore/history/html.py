"""The side-by-side table as one self-contained HTML file: no network, no scripts.

Styles are inline; a changed cell is coloured and says how it changed in small print (and in a
tooltip), so the page reads the same on screen, printed, or in a browser without colour.
"""

from __future__ import annotations

from html import escape

from leadscore.history.export import status, version_rows
from leadscore.history.table import Cell, HistoryTable, Row

STYLE = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.sub { color: #59636e; margin: 0 0 16px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d1d9e0; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f6f8fa; }
th.item { min-width: 10em; }
td.what { color: #59636e; max-width: 28em; font-size: 12px; }
td.v { min-width: 7em; max-width: 16em; font-variant-numeric: tabular-nums; }
tr.meta td { min-width: 7em; }
tr.group th { background: #eef1f4; font-weight: 600; }
tr.setting th { font-style: italic; font-weight: normal; }
tr.meta th, tr.meta td { background: #fbfbfc; font-size: 12px; }
td.new { background: #dafbe1; }
td.changed { background: #fff1c2; }
td.removed { background: #ffebe9; color: #82071e; }
td.invalid { background: #f6f8fa; color: #8c959f; }
td small { display: block; color: #59636e; }
ul.legend { color: #59636e; font-size: 12px; }
pre.errors { background: #ffebe9; padding: 8px; white-space: pre-wrap; }
"""


def to_html(table: HistoryTable, title: str) -> str:
    t = table
    n = len(t.titles)
    head = "".join(f"<th>{escape(x)}</th>" for x in t.titles)
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{n} version(s), oldest first; each cell is compared with the previous valid version.</p>',
        f'<table><thead><tr><th class="item">rule or setting</th><th>looks at</th>{head}</tr></thead><tbody>',
    ]
    for name, values in version_rows(t.versions)[1:-1]:
        cells = "".join(f"<td>{escape(v)}</td>" for v in values)
        out.append(f'<tr class="meta"><th>{escape(name)}</th><td></td>{cells}</tr>')
    states = "".join(
        f'<td class="{"" if v.valid else "invalid"}">{escape(status(v).splitlines()[0])}</td>'
        for v in t.versions
    )
    out.append(f'<tr class="meta"><th>status</th><td></td>{states}</tr>')
    group: tuple[str, str, str] | None = None
    for r in t.rows:
        key = (r.program, r.dimension, r.category)
        if key != group:
            group = key
            out.append(f'<tr class="group"><th colspan="{n + 2}">{escape(_group(r))}</th></tr>')
        cls = "setting" if r.kind not in ("rule", "gate", "trigger") else "item"
        cells = "".join(_cell(c) for c in r.cells)
        out.append(
            f'<tr class="{cls}"><th>{escape(r.item)}</th><td class="what">{escape(r.what)}</td>{cells}</tr>'
        )
    out.append("</tbody></table>")
    out.append(LEGEND)
    for title_, v in zip(t.titles, t.versions, strict=True):
        if not v.valid:
            errors = "\n".join(d.render() for d in v.errors)
            out.append(
                f"<h2>Version {escape(title_)} does not validate</h2><pre class=errors>{escape(errors)}</pre>"
            )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _group(r: Row) -> str:
    if not r.program:
        return "triggers"
    return " › ".join(x for x in (f"program {r.program}", r.dimension, r.category) if x)


def _cell(c: Cell) -> str:
    text = escape(c.text)
    if c.change == "new":
        return f'<td class="v new" title="added in this version">{text}<small>new</small></td>'
    if c.change == "changed":
        note = escape(c.note)
        return f'<td class="v changed" title="{note}">{text}<small>{note}</small></td>'
    if c.change == "removed":
        return '<td class="v removed" title="removed in this version">removed</td>'
    if c.change == "invalid":
        return '<td class="v invalid">—</td>'
    return f'<td class="v">{text}</td>'


LEGEND = """<ul class="legend">
<li>Green: new in this version. Yellow: changed from the previous version (what it was is in small print). Red: removed in this version.</li>
<li>Rule cells: <b>+15</b> points; <b>&lt;30d</b> only events from the last 30 days; <b>½30d</b> points halve every 30 days;
<b>×5</b> the 5 most recent events; <b>/1d</b> at most one event per day; <b>≤20</b> / <b>≥-5</b> the rule's cap and floor;
<b>!</b> a critical behaviour; <b>+bots</b> bot events count.</li>
</ul>"""
