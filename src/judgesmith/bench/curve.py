"""The learning curve as a table: quality of each benched model against its training tokens.

Read from a bench's `results.json`: every model's training tokens (the report's column),
and for each headline metric the model's value with its paired difference to the baseline
(the same items, bootstrap CI), so a step of the curve is a result only when its interval
excludes zero. Models are ordered by training tokens; the baseline (0 tokens) comes first.
Only the merged judge and its snapshots (`merged@12.5%`, ...) make the curve: a specialist
benched alone has its own tokens but is not a point of the merged judge's curve.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Optional


def tokens_of(text: str) -> Optional[int]:
    """The leading token count of a report's "training tokens" cell (`268,479 (sum of ...)` -> 268479)."""
    match = re.match(r"\s*([\d,]+)", text or "")
    return int(match.group(1).replace(",", "")) if match else None


def _num(value: Any, sign: str = "") -> str:
    """A metric value, or `n/a` where it is undefined (e.g. a correlation of constant scores)."""
    return f"{value:{sign}.3f}" if isinstance(value, (int, float)) and value == value else "n/a"


def _cell(row: dict[str, Any]) -> str:
    d = row.get("difference") or {}
    return f"{_num(row.get('value'))} ({_num(d.get('value'), '+')} [{_num(d.get('low'), '+')}, {_num(d.get('high'), '+')}])"


def _swap(results: dict[str, Any], model: str) -> str:
    """Swap consistency pooled over the model's pairwise benchmarks (pairs-weighted)."""
    from judgesmith.bench.targets import pooled

    value, total = pooled(results, model, "swap_consistency")
    return f"{value:.1%} (n={int(total)})" if value is not None else ""


def on_curve(label: str, baseline: str) -> bool:
    """The baseline, the final merged judge and its snapshot merges (`merged@<fraction>`)."""
    return label in (baseline, "merged") or label.startswith("merged@")


def curve_markdown(results: dict[str, Any]) -> str:
    """A Markdown table: model, training tokens, each paired headline metric, pooled swap consistency."""
    paired = results.get("paired") or {}
    rows = paired.get("rows") or []
    columns = list(dict.fromkeys((r["benchmark"], r["metric"]) for r in rows))
    if not columns:
        return "No paired differences in these results: bench a baseline and at least one trained model.\n"
    baseline = paired.get("baseline", "base")
    tokens = {m["label"]: tokens_of(m.get("training_tokens", "")) for m in results.get("models", [])
              if on_curve(m["label"], baseline)}
    order = sorted(tokens, key=lambda label: (label != baseline, tokens[label] is None, tokens[label] or 0))
    head = ["model", "training tokens"] + [f"{b} {m}" for b, m in columns] + ["swap consistency"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by = {(r["model"], r["benchmark"], r["metric"]): r for r in rows}
    for label in order:
        if label == baseline:
            cells = [_num(next(r.get("baseline_value") for r in rows if (r["benchmark"], r["metric"]) == c))
                     for c in columns]
        else:
            cells = [_cell(by[(label, b, m)]) if (label, b, m) in by else "" for b, m in columns]
        count = f"{tokens[label]:,}" if tokens[label] is not None else "not recorded"
        lines.append("| " + " | ".join([label, count, *cells, _swap(results, label)]) + " |")
    note = (f"\nEach cell: value (paired difference vs `{baseline}` on the same items, 95% bootstrap CI). "
            "Training tokens: the merged judge's two specialists together.\n")
    return "\n".join(lines) + "\n" + note


def write_curve(folder: Path, train_dirs: Optional[dict[str, Path]] = None) -> Path:
    """`learning_curve.md` beside a report's `results.json`; with `train_dirs` (name -> training output
    folder) also each specialist's held-out eval loss against its training tokens."""
    from judgesmith.bench.train_log import eval_history, eval_markdown

    folder = Path(folder)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    text = "# Learning curve\n\n" + curve_markdown(results)
    logs = {name: Path(d) / "metrics.jsonl" for name, d in (train_dirs or {}).items()}
    histories = {name: eval_history(path) for name, path in logs.items() if path.is_file()}
    if any(histories.values()):
        text += ("\n## Held-out eval loss of each specialist\n\nThe loss on the eval split (questions outside "
                 "training) as training went on: a denser, cheaper curve than the bench's, read from each "
                 "run's `metrics.jsonl`.\n\n" + eval_markdown(histories))
    out = folder / "learning_curve.md"
    out.write_text(text, encoding="utf-8")
    return out
