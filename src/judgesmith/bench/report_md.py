"""`results.md`: the report model (`report_build`) rendered as Markdown; plots are left to the HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.bench.report_build import (  # noqa: F401  (re-exported: the table helpers used to live here)
    build_report,
    describe,
    fmt,
    load_json,
    load_report,
    metric_columns,
    table_rows,
)
from judgesmith.bench.report_model import Block, Bullets, Heading, Paragraph, Plots, Report, Section, Sources, Table


def block_lines(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text, ""]
    if isinstance(block, Heading):
        return [f"### {block.text}", ""]
    if isinstance(block, Bullets):
        return [f"- {x}" for x in block.items] + [""]
    if isinstance(block, Sources):
        return [f"[{i}] {s}" for i, s in enumerate(block.items, start=1)] + ([""] if block.items else [])
    if isinstance(block, Table):
        return (["| " + " | ".join(block.header) + " |", "|---" * len(block.header) + "|"]
                + ["| " + " | ".join(r) + " |" for r in block.rows] + [""])
    if isinstance(block, Plots):
        return []
    raise TypeError(f"no Markdown for report block {type(block).__name__}")


def section_lines(section: Section) -> list[str]:
    lines = [f"## {section.title}", ""]
    for block in section.blocks:
        lines += block_lines(block)
    return lines


def render(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if report.facts:
        lines += [f"- {x}" for x in report.facts] + [""]
    for section in report.sections:
        lines += section_lines(section)
    return "\n".join(lines) + "\n"


def render_markdown(results: dict[str, Any] | None, consistency: dict[str, Any] | None = None) -> str:
    return render(build_report(results, consistency))


def write_markdown(out: str | Path) -> Path:
    """(Re)write `results.md` from `results.json` and, when present, `consistency.json`."""
    path = Path(out) / "results.md"
    path.write_text(render(load_report(out)), encoding="utf-8")
    return path
