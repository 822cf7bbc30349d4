"""`report.html`: the report model (`report_build`) as one self-contained file, plots inline as base64 PNG.

Section ids: `models`, `bench-<key>` per benchmark, `skipped`, `position`, `paired`,
`run`, `consistency`. Every image has class `plot` and a `data-plot` kind (bars,
confusion, histogram, reliability, consistency) so tools and tests can find them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Sequence

from judgesmith.bench.report_build import build_report, load_report
from judgesmith.bench.report_model import Block, Bullets, Heading, Paragraph, Plots, Report, Section, Sources, Table

CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f3f3f3}tr.reported td{color:#555;font-style:italic}.plots{display:flex;flex-wrap:wrap;gap:8px}
small{color:#666}"""
CODE = re.compile(r"`([^`]+)`")


def esc(text: Any) -> str:
    return html.escape(str(text))


def inline(text: Any) -> str:
    """Escaped text with Markdown `code` spans as `<code>`."""
    return CODE.sub(r"<code>\1</code>", esc(text))


def img(b64: str, kind: str, alt: str) -> str:
    return f'<img class="plot" data-plot="{kind}" alt="{esc(alt)}" src="data:image/png;base64,{b64}">'


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], reported_from: int | None = None) -> str:
    out = ["<table><tr>" + "".join(f"<th>{inline(h)}</th>" for h in header) + "</tr>"]
    for i, row in enumerate(rows):
        cls = ' class="reported"' if reported_from is not None and i >= reported_from else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>")
    return "\n".join(out) + "</table>"


def block_html(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{inline(block.text)}</p>"
    if isinstance(block, Heading):
        return f"<h3>{inline(block.text)}</h3>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{inline(x)}</li>" for x in block.items) + "</ul>"
    if isinstance(block, Sources):
        return "<ol>" + "".join(f"<li><small>{inline(s)}</small></li>" for s in block.items) + "</ol>"
    if isinstance(block, Table):
        return html_table(block.header, block.rows, block.reported_from)
    if isinstance(block, Plots):
        return '<div class="plots">' + "".join(img(p.draw(), p.kind, p.alt) for p in block.plots) + "</div>"
    raise TypeError(f"no HTML for report block {type(block).__name__}")


def section_html(section: Section) -> str:
    parts = [f'<section id="{esc(section.id)}"><h2>{inline(section.title)}</h2>']
    parts += [block_html(b) for b in section.blocks]
    return "\n".join(parts) + "</section>"


def render(report: Report) -> str:
    body = [f"<h1>{inline(report.title)}</h1>"]
    if report.facts:
        body.append("<p>" + "<br>".join(inline(x) for x in report.facts) + "</p>")
    body += [section_html(s) for s in report.sections]
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>judgesmith report</title>"
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def render_html(results: dict[str, Any] | None, consistency: dict[str, Any] | None) -> str:
    return render(build_report(results, consistency))


def write_html(out: str | Path) -> Path:
    """(Re)write `report.html` from `results.json` and/or `consistency.json` in `out`."""
    path = Path(out) / "report.html"
    path.write_text(render(load_report(out)), encoding="utf-8")
    return path
