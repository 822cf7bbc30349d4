"""A training run's `metrics.jsonl` read back for reports: tokens per step and the held-out eval loss.

The log is appended to by every invocation of a run; each begins with a `train_begin` line at the
step it resumed from. TRL's `num_tokens` restarts at zero in each invocation, so the run's count at
a step is that invocation's count plus the run's count at its resume step. Lines with
`tokens_total` (written by `judgesmith.train.callbacks.TokenCounter`) already carry the run's count.
The eval loss at a step is the cheap learning signal: one point per `eval_steps`, no bench needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional


@dataclass(frozen=True)
class EvalPoint:
    step: int
    tokens: Optional[int]   # the run's training tokens at that step (None where none was logged)
    eval_loss: float


def read_log(path: Path) -> list[dict[str, Any]]:
    """The log's lines as dicts; a line cut short by a kill is skipped, not fatal."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def tokens_by_step(lines: list[dict[str, Any]]) -> dict[int, int]:
    """The run's training tokens at each logged step, counted across resumes (a replayed step keeps the
    count of the invocation that reached the final checkpoint: the later one)."""
    counts: dict[int, int] = {}
    offset, current = 0, {}
    for line in lines:
        if line.get("event") == "train_begin":
            step = int(line.get("step", 0))
            offset = current.get(step, counts.get(step, 0)) if step > 0 else 0
            current = {}
        elif "tokens_total" in line:
            current[int(line["step"])] = counts[int(line["step"])] = int(line["tokens_total"])
        elif "num_tokens" in line and "step" in line:
            current[int(line["step"])] = counts[int(line["step"])] = offset + int(line["num_tokens"])
    return counts


def invocation_seconds(lines: list[dict[str, Any]]) -> list[float]:
    """Wall seconds of each invocation of the run: from its `train_begin` to its last timed line.

    A resumed stage's own record keeps only its last invocation's time; the sum of these is what the
    whole run cost. Lines without a `time` (older logs) give no invocation.
    """
    spans: list[list[float]] = []
    for line in lines:
        when = line.get("time")
        if not isinstance(when, (int, float)):
            continue
        if line.get("event") == "train_begin":
            spans.append([float(when), float(when)])
        elif spans:
            spans[-1][1] = max(spans[-1][1], float(when))
    return [end - start for start, end in spans]


def eval_history(path: Path) -> list[EvalPoint]:
    """Held-out eval loss per step (the last measurement of a step wins), with the run's tokens there."""
    lines = read_log(path)
    tokens = tokens_by_step(lines)
    losses = {int(line["step"]): float(line["eval_loss"]) for line in lines if "eval_loss" in line}
    out = []
    for step, loss in sorted(losses.items()):
        seen = [tokens[s] for s in tokens if s <= step]
        out.append(EvalPoint(step, max(seen) if seen else None, loss))
    return out


def eval_markdown(histories: dict[str, list[EvalPoint]]) -> str:
    """One table per specialist: step, training tokens, held-out eval loss."""
    parts = []
    for name, points in histories.items():
        if not points:
            continue
        rows = [f"| {p.step} | {'' if p.tokens is None else f'{p.tokens:,}'} | {p.eval_loss:.4f} |" for p in points]
        parts.append(f"### {name}\n\n| step | training tokens | eval loss |\n|---|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)
