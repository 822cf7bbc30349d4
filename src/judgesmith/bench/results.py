"""From stored verdicts and golds to metrics: the content of `results.json`.

Each (model, benchmark) entry keeps its metrics (value, 95% CI, n), the mode that
produced them, the parse failure count, and per-item points (gold, prediction,
confidence) so the report and its plots can be rebuilt from `results.json` alone.
Pairwise entries add the argmax reading, swap consistency and the tie tolerance
chosen on a dev split (`bench.position`); the top level adds paired differences
against the baseline model (`bench.paired`) and which engine ran at what speed.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any, Sequence

from judgesmith.bench.binary import binary_metrics
from judgesmith.bench.models import ModelSpec, training_data, training_tokens
from judgesmith.bench.paired import paired_differences
from judgesmith.bench.position import pair_view, position_metrics, tolerance_choice
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.reported import reported_for
from judgesmith.bench.store import VerdictStore
from judgesmith.metrics import (
    absolute_metrics,
    expected_calibration_error,
    pairwise_accuracy,
    pairwise_metrics,
    round_half_up,
    with_ci,
)
from judgesmith.metrics.length import length_preference, longer_wins, word_count
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
    pts: dict[str, list] = {"gold": [], "pred": [], "argmax": [], "confidence": [], "correct": []}
    for ex in examples:
        v = verdicts.get(ex.item.id)
        if v is None or ex.gold is None:
            continue
        pts["gold"].append(ex.gold)
        pts["pred"].append(protocol.pairwise_prediction(v))
        pts["argmax"].append(pair_view(ex.item.id, ex.gold, v, None).argmax)
        probs = v.probabilities
        if probs and ex.gold in ("A", "B"):
            top = "A" if probs.get("A", 0.0) >= probs.get("B", 0.0) else "B"
            pts["confidence"].append(float(probs.get(top, 0.0)))
            pts["correct"].append(top == ex.gold)
    return pts


def _pair_views(examples: Sequence, verdicts: dict[str, Verdict], protocol: Protocol) -> list:
    out, swapped = [], protocol.judge_config("pairwise").swap
    for ex in examples:
        v = verdicts.get(ex.item.id)
        if v is not None and ex.gold is not None:
            out.append(pair_view(ex.item.id, ex.gold, v, protocol.pairwise_prediction(v), swapped))
    return out


def _words_diff(examples: Sequence) -> dict[str, int]:
    return {ex.item.id: word_count(ex.item.response_a) - word_count(ex.item.response_b) for ex in examples}


def _length_preference(examples: Sequence, views: Sequence, n_resamples: int, seed: int) -> Any:
    """Spearman of the two-order margin with words(A) - words(B), over the judged pairs (`metrics.length`)."""
    diff = _words_diff(examples)
    margins = [v.margin for v in views]
    return with_ci(length_preference, margins, [diff[v.id] for v in views], n_resamples=n_resamples, seed=seed)


def longer_wins_reference(examples: Sequence, n_resamples: int, seed: int) -> dict[str, Any]:
    """Accuracy w/o gold ties of the judge that picks the longer response (no model), same pairs."""
    decisive = [ex for ex in examples if ex.gold in ("A", "B")]
    pred = [longer_wins(word_count(ex.item.response_a), word_count(ex.item.response_b)) for ex in decisive]
    gold = [ex.gold for ex in decisive]
    return with_ci(pairwise_accuracy, pred, gold, n_resamples=n_resamples, seed=seed).to_dict()


def entry_result(model: ModelSpec, task: Any, store: VerdictStore, protocol: Protocol,
                 n_resamples: int, seed: int) -> dict[str, Any]:
    verdicts = store.load(model.label, task.key)
    ids = {ex.item.id for ex in task.examples}
    judged = sum(1 for i in ids if i in verdicts)
    if task.bench.kind == "absolute":
        pts = _absolute_points(task.examples, verdicts, protocol)
        metrics = absolute_metrics(pts["pred"], pts["label"], pts["gold"], n_resamples=n_resamples, seed=seed)
        failures = sum(1 for p in pts["pred"] if p is None)
        tolerance = None
        if task.bench.binary:
            binary, threshold, counts = binary_metrics(task.examples, verdicts, protocol, n_resamples, seed)
            metrics.update(binary)
    else:
        pts = _pairwise_points(task.examples, verdicts, protocol)
        metrics = pairwise_metrics(pts["pred"], pts["gold"], n_resamples=n_resamples, seed=seed)
        failures = sum(1 for p in pts["pred"] if p is None)
        views = _pair_views(task.examples, verdicts, protocol)
        metrics.update(position_metrics(views, protocol.mode, n_resamples, seed))
        metrics["length_preference"] = _length_preference(task.examples, views, n_resamples, seed)
        tolerance = tolerance_choice(views, [ex.item.id for ex in task.examples], n_resamples, seed)
    ece = expected_calibration_error(pts["confidence"], pts["correct"]) if pts["confidence"] else math.nan
    binary_kind = task.bench.kind == "absolute" and task.bench.binary
    extra = {"threshold": threshold, "gold_classes": counts} if binary_kind else {}
    return {**extra,
        "model": model.label, "benchmark": task.key, "kind": task.bench.kind, "mode": protocol.mode,
        "n_items": len(task.examples), "n_judged": judged, "parse_failures": failures,
        "metrics": {k: m.to_dict() for k, m in metrics.items()},
        "ece": None if math.isnan(ece) else ece,
        "tie_tolerance": tolerance,
        "points": pts,
    }


def compute_results(models: Sequence[ModelSpec], tasks: Sequence[Any], store: VerdictStore, protocol: Protocol,
                    suite_name: str, n_resamples: int = 1000, seed: int = 0, baseline: str | None = "base",
                    throughput: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """Everything the Markdown/HTML reports need, as plain JSON-able data.

    `baseline` names the model the paired differences are taken against; `throughput`
    holds the runner's timing records (backend, judgments, seconds) for the run summary.
    """
    benchmarks = {}
    for t in tasks:
        benchmarks[t.key] = {
            "title": t.bench.title, "kind": t.bench.kind, "adapter": t.bench.name, "gold": t.bench.gold,
            "n_items": len(t.examples), "skipped_rows": t.skipped_rows, "status": "skipped" if t.error else "ok",
            "reason": t.error, "reported": [r.to_dict() for r in reported_for(t.bench.reported)],
            "gold_ties_dropped": not getattr(t, "gold_ties", True), "binary": t.bench.binary,
            "languages": languages(t.examples),
        }
        if t.bench.kind == "pairwise" and not t.error:
            benchmarks[t.key]["longer_wins"] = longer_wins_reference(t.examples, n_resamples, seed)
    entries = [entry_result(m, t, store, protocol, n_resamples, seed) for m in models for t in tasks if not t.error]
    return {
        "suite": suite_name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "protocol": {"name": protocol.name, "mode": protocol.mode, "description": protocol.describe()},
        "parse_policy": PARSE_POLICY,
        "bootstrap": {"n_resamples": n_resamples, "seed": seed, "confidence": 0.95},
        "models": [{"label": m.label, "name": m.name, "training_data": training_data(m),
                    "training_tokens": training_tokens(m)} for m in models],
        "benchmarks": benchmarks,
        "results": entries,
        "paired": paired_differences(models, tasks, store, protocol, baseline, n_resamples, seed),
        "throughput": summarize_throughput(throughput, [m.label for m in models]),
    }


def languages(examples: Sequence) -> dict[str, int]:
    """Item language -> count (items without one count under "unknown")."""
    out: dict[str, int] = {}
    for ex in examples:
        lang = getattr(ex.item, "language", None) or "unknown"
        out[lang] = out.get(lang, 0) + 1
    return out


def summarize_throughput(records: Sequence[dict[str, Any]], labels: Sequence[str]) -> list[dict[str, Any]]:
    """Per model and backend: judgments, prompts, seconds and judgments/s summed over its timing records."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        if r.get("model") not in labels:
            continue
        row = out.setdefault((r["model"], r["backend"]), {"model": r["model"], "backend": r["backend"],
                                                          "judgments": 0, "prompts": 0, "seconds": 0.0})
        row["judgments"] += int(r.get("judgments", 0))
        row["prompts"] += int(r.get("prompts", 0))
        row["seconds"] += float(r.get("seconds", 0.0))
    for row in out.values():
        row["judgments_per_s"] = row["judgments"] / row["seconds"] if row["seconds"] > 0 else None
    return list(out.values())
