"""`results.md`: one table per benchmark, measured rows next to reported reference rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from judgesmith.metrics import MetricResult

ABS_METRICS = ("pearson", "spearman", "kendall_tau", "mae", "exact_match")
PAIR_METRICS = ("accuracy", "accuracy_ties", "argmax_accuracy", "argmax_accuracy_ties", "tie_rate",
                "swap_consistency", "swap_consistency_verdicts")
PERCENT = {"exact_match", *PAIR_METRICS}
LABELS = {"pearson": "Pearson", "spearman": "Spearman", "kendall_tau": "Kendall tau", "mae": "MAE",
          "exact_match": "exact match", "accuracy": "acc. w/o ties", "accuracy_ties": "acc. w/ ties",
          "argmax_accuracy": "argmax acc. w/o ties", "argmax_accuracy_ties": "argmax acc. w/ ties",
          "tie_rate": "tie rate", "swap_consistency": "swap consistency",
          "swap_consistency_verdicts": "swap consistency (verdicts)"}
PAIR_NOTE = ("acc.: the verdict with its tie rule (tolerance fixed at judging time; see the tuned tolerance "
             "below); argmax acc.: the larger two-order averaged probability, never a tie; w/o ties: pairs with a "
             "decisive gold; w/ ties: every pair, a gold tie right only when predicted a tie.")


def metric_columns(kind: str, entries: list[dict], reported: list[dict]) -> list[str]:
    names = ABS_METRICS if kind == "absolute" else PAIR_METRICS
    present = {k for e in entries for k in e["metrics"]} | {r["metric"] for r in reported}
    return [m for m in names if m in present]


def fmt(metric: str, d: dict | None) -> str:
    if d is None:
        return ""
    return MetricResult.from_dict(d).format(percent=metric in PERCENT)


def fmt_reported(metric: str, value: float) -> str:
    return f"{value * 100:.2f}%" if metric in PERCENT else f"{value:.3f}"


def table_rows(info: dict, entries: list[dict]) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows (measured models, then reported reference judges) and the numbered sources."""
    cols = metric_columns(info["kind"], entries, info["reported"])
    header = ["judge", *(LABELS[c] for c in cols), "parse failures", "judged", "mode"]
    rows = [[e["model"], *(fmt(c, e["metrics"].get(c)) for c in cols), str(e["parse_failures"]),
             f"{e['n_judged']}/{e['n_items']}", e.get("mode", "")] for e in entries]
    sources: list[str] = []
    by_judge: dict[str, dict[str, dict]] = {}
    for r in info["reported"]:
        by_judge.setdefault(r["judge"], {})[r["metric"]] = r
    for judge, found in by_judge.items():
        refs = set()
        for r in found.values():
            text = r["source"] + (f" ({r['note']})" if r.get("note") else "")
            if text not in sources:
                sources.append(text)
            refs.add(sources.index(text) + 1)
        marks = "".join(f"[{i}]" for i in sorted(refs))
        rows.append([f"{judge} (reported, not measured here) {marks}",
                     *(fmt_reported(c, found[c]["value"]) if c in found else "" for c in cols), "", "", ""])
    return header, rows, sources


def describe(info: dict) -> str:
    text = f"{info['kind']}, {info['n_items']} items, gold: {info['gold'] or 'see adapter'}"
    if info.get("gold_ties_dropped"):
        text += "; gold ties dropped before sampling (decisive pairs only)"
    if info["kind"] == "pairwise":
        text += ". " + PAIR_NOTE
    return text + (f"; {info['skipped_rows']} rows skipped by the loader" if info["skipped_rows"] else "")


def benchmark_table(key: str, info: dict, entries: list[dict]) -> list[str]:
    header, rows, sources = table_rows(info, entries)
    lines = [f"## {info['title']} (`{key}`)", "", describe(info), "",
             "| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines.append("")
    lines += [f"[{i}] {s}" for i, s in enumerate(sources, start=1)] + ([""] if sources else [])
    return lines


def consistency_lines(cons: dict[str, Any]) -> list[str]:
    from judgesmith.bench.consistency_report import consistency_markdown

    return consistency_markdown(cons)


def render_markdown(results: dict[str, Any], consistency: dict[str, Any] | None = None) -> str:
    proto = results["protocol"]
    lines = ["# judgesmith benchmark report", "",
             f"- suite: `{results['suite']}`; created {results['created']}",
             f"- protocol: {proto['description']}",
             f"- parse failures: {results['parse_policy']}",
             f"- intervals: 95% percentile bootstrap, {results['bootstrap']['n_resamples']} resamples, "
             f"seed {results['bootstrap']['seed']}", "",
             "## Models", "", "| label | model | training data | training tokens |", "|---|---|---|---|"]
    lines += [f"| {m['label']} | `{m['name']}` | {m['training_data']} | {m.get('training_tokens', '')} |"
              for m in results["models"]]
    lines.append("")
    skipped = []
    for key, info in results["benchmarks"].items():
        if info["status"] != "ok":
            skipped.append(f"- `{key}`: {info['reason']}")
            continue
        lines += benchmark_table(key, info, [e for e in results["results"] if e["benchmark"] == key])
    if skipped:
        lines += ["## Skipped benchmarks", "", *skipped, ""]
    from judgesmith.bench.report_sections import blocks_markdown, extra_blocks

    lines += blocks_markdown(extra_blocks(results))
    if consistency:
        lines += consistency_lines(consistency)
    return "\n".join(lines) + "\n"


def load_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_markdown(out: str | Path) -> Path:
    """(Re)write `results.md` from `results.json` and, when present, `consistency.json`."""
    out = Path(out)
    results = load_json(out / "results.json")
    consistency = load_json(out / "consistency.json")
    if results is None and consistency is None:
        raise FileNotFoundError(f"{out} has neither results.json nor consistency.json")
    if results is None:
        text = "# judgesmith consistency report\n\n" + "\n".join(consistency_lines(consistency)) + "\n"
    else:
        text = render_markdown(results, consistency)
    path = out / "results.md"
    path.write_text(text, encoding="utf-8")
    return path
