"""`report.html`: one self-contained file, tables plus every plot inline as base64 PNG.

Section ids: `models`, `bench-<key>` per benchmark, `skipped`, `consistency`.
Every image has class `plot` and a `data-plot` kind (bars, confusion, histogram,
reliability, consistency) so tools and tests can find them.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Sequence

from judgesmith.bench import plots
from judgesmith.bench.report_md import describe, load_json, metric_columns, table_rows

CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f3f3f3}tr.reported td{color:#555;font-style:italic}.plots{display:flex;flex-wrap:wrap;gap:8px}
small{color:#666}"""


def esc(text: Any) -> str:
    return html.escape(str(text))


def img(b64: str, kind: str, alt: str) -> str:
    return f'<img class="plot" data-plot="{kind}" alt="{esc(alt)}" src="data:image/png;base64,{b64}">'


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], reported_from: int | None = None) -> str:
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"]
    for i, row in enumerate(rows):
        cls = ' class="reported"' if reported_from is not None and i >= reported_from else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
    return "\n".join(out) + "</table>"


def bench_section(key: str, info: dict, entries: list[dict]) -> str:
    header, rows, sources = table_rows(info, entries)
    parts = [f'<section id="bench-{esc(key)}"><h2>{esc(info["title"])} <small>{esc(key)}</small></h2>',
             f"<p>{esc(describe(info))}</p>", html_table(header, rows, reported_from=len(entries))]
    if sources:
        parts.append("<ol>" + "".join(f"<li><small>{esc(s)}</small></li>" for s in sources) + "</ol>")
    cols = metric_columns(info["kind"], entries, info["reported"])
    figs = [img(plots.metric_bars(info["title"], cols, entries, info["reported"]), "bars", f"{key} metrics")]
    for e in entries:
        if not e["points"]["gold"]:
            continue
        figs.append(img(plots.confusion(e), "confusion", f"{e['model']} {key} confusion"))
        if e["kind"] == "absolute":
            figs.append(img(plots.histogram(e), "histogram", f"{e['model']} {key} histogram"))
        if e["points"]["confidence"]:
            figs.append(img(plots.reliability(e), "reliability", f"{e['model']} {key} reliability"))
    parts.append('<div class="plots">' + "".join(figs) + "</div></section>")
    return "\n".join(parts)


def render_html(results: dict[str, Any] | None, consistency: dict[str, Any] | None) -> str:
    from judgesmith.bench.consistency_report import consistency_html

    body = ["<h1>judgesmith benchmark report</h1>"]
    if results is not None:
        proto = results["protocol"]
        body.append(f"<p>suite <code>{esc(results['suite'])}</code>, created {esc(results['created'])}<br>"
                    f"protocol: {esc(proto['description'])}<br>parse failures: {esc(results['parse_policy'])}<br>"
                    f"intervals: 95% percentile bootstrap, {results['bootstrap']['n_resamples']} resamples, "
                    f"seed {results['bootstrap']['seed']}</p>")
        body.append('<section id="models"><h2>Models</h2>' + html_table(
            ["label", "model", "training data", "training tokens"],
            [[m["label"], m["name"], m["training_data"], m.get("training_tokens", "")]
             for m in results["models"]]) + "</section>")
        skipped = []
        for key, info in results["benchmarks"].items():
            if info["status"] != "ok":
                skipped.append(f"<li><code>{esc(key)}</code>: {esc(info['reason'])}</li>")
                continue
            body.append(bench_section(key, info, [e for e in results["results"] if e["benchmark"] == key]))
        if skipped:
            body.append('<section id="skipped"><h2>Skipped benchmarks</h2><ul>' + "".join(skipped) + "</ul></section>")
        from judgesmith.bench.report_sections import blocks_html, extra_blocks

        body.append(blocks_html(extra_blocks(results)))
    if consistency is not None:
        body.append(consistency_html(consistency))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>judgesmith report</title>"
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_html(out: str | Path) -> Path:
    """(Re)write `report.html` from `results.json` and/or `consistency.json` in `out`."""
    out = Path(out)
    results, consistency = load_json(out / "results.json"), load_json(out / "consistency.json")
    if results is None and consistency is None:
        raise FileNotFoundError(f"{out} has neither results.json nor consistency.json")
    path = out / "report.html"
    path.write_text(render_html(results, consistency), encoding="utf-8")
    return path
