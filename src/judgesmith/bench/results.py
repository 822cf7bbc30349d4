"""From stored verdicts and golds to metrics: the content of `results.json`.

Each (model, benchmark) entry keeps its metrics (value, 95% CI, n), the parse
failure count, and per-item points (gold, prediction, confidence) so the report
and its plots can be rebuilt from `results.json` alone.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any, Sequence

from judgesmith.bench.models import ModelSpec, training_data
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.reported import reported_for
from judgesmith.bench.store import VerdictStore
from judgesmith.metrics import absolute_metrics, expected_calibration_error, pairwise_metrics, round_half_up
from judgesmith.records import SCORE_LABELS, Verdict

PARSE_POLICY = ("excluded from correlations and MAE (their n is lower) and counted wrong "
                "for exact match and pairwise accuracy")


def _absolute_points(examples: Sequence, verdicts: dict[str, Verdict], protocol: Protocol) -> dict[str, list]:
    pts: dict[str, list] = {"gold": [], "pred": [], "label": [], "confidence": [], "correct": []}
    for ex in examples:
        v = verdicts.get(ex.item.id)
        if v is None or ex.gold_score is None:
            continue
        pred, label = protocol.absolute_prediction(v)
        pts["gold"].append(float(ex.gold_score))
        pts["pred"].append(pred)
        pts["label"].append(label)
        probs = v.probabilities
        if probs:
            top = max(SCORE_LABELS, key=lambda k: probs.get(k, 0.0))
            pts["confidence"].append(float(probs.get(top, 0.0)))
            pts["correct"].append(int(top) == round_half_up(float(ex.gold_score)))
    return pts


def _pairwise_points(examples: Sequence, verdicts: dict[str, Verdict], protocol: Protocol) -> dict[str, list]:
    pts: dict[str, list] = {"gold": [], "pred": [], "confidence": [], "correct": []}
    for ex in examples:
        v = verdicts.get(ex.item.id)
        if v is None or ex.gold is None:
            continue
        pts["gold"].append(ex.gold)
        pts["pred"].append(protocol.pairwise_prediction(v))
        probs = v.probabilities
        if probs and ex.gold in ("A", "B"):
            top = "A" if probs.get("A", 0.0) >= probs.get("B", 0.0) else "B"
            pts["confidence"].append(float(probs.get(top, 0.0)))
            pts["correct"].append(top == ex.gold)
    return pts


def entry_result(model: ModelSpec, task: Any, store: VerdictStore, protocol: Protocol,
                 n_resamples: int, seed: int) -> dict[str, Any]:
    verdicts = store.load(model.label, task.key)
    ids = {ex.item.id for ex in task.examples}
    judged = sum(1 for i in ids if i in verdicts)
    if task.bench.kind == "absolute":
        pts = _absolute_points(task.examples, verdicts, protocol)
        metrics = absolute_metrics(pts["pred"], pts["label"], pts["gold"], n_resamples=n_resamples, seed=seed)
        failures = sum(1 for p in pts["pred"] if p is None)
    else:
        pts = _pairwise_points(task.examples, verdicts, protocol)
        metrics = pairwise_metrics(pts["pred"], pts["gold"], n_resamples=n_resamples, seed=seed)
        failures = sum(1 for p in pts["pred"] if p is None)
    ece = expected_calibration_error(pts["confidence"], pts["correct"]) if pts["confidence"] else math.nan
    return {
        "model": model.label, "benchmark": task.key, "kind": task.bench.kind,
        "n_items": len(task.examples), "n_judged": judged, "parse_failures": failures,
        "metrics": {k: m.to_dict() for k, m in metrics.items()},
        "ece": None if math.isnan(ece) else ece,
        "points": pts,
    }


def compute_results(models: Sequence[ModelSpec], tasks: Sequence[Any], store: VerdictStore, protocol: Protocol,
                    suite_name: str, n_resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Everything the Markdown/HTML reports need, as plain JSON-able data."""
    benchmarks = {}
    for t in tasks:
        benchmarks[t.key] = {
            "title": t.bench.title, "kind": t.bench.kind, "adapter": t.bench.name, "gold": t.bench.gold,
            "n_items": len(t.examples), "skipped_rows": t.skipped_rows, "status": "skipped" if t.error else "ok",
            "reason": t.error, "reported": [r.to_dict() for r in reported_for(t.bench.reported)],
        }
    entries = [entry_result(m, t, store, protocol, n_resamples, seed) for m in models for t in tasks if not t.error]
    return {
        "suite": suite_name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "protocol": {"name": protocol.name, "mode": protocol.mode, "description": protocol.describe()},
        "parse_policy": PARSE_POLICY,
        "bootstrap": {"n_resamples": n_resamples, "seed": seed, "confidence": 0.95},
        "models": [{"label": m.label, "name": m.name, "training_data": training_data(m)} for m in models],
        "benchmarks": benchmarks,
        "results": entries,
    }
