"""Paired differences against a baseline model (default `base`): same items, paired bootstrap CIs.

Per benchmark the headline metric: Pearson for absolute sets (items both models
scored), AUROC and cross-fitted balanced accuracy for binary sets (`bench.binary`),
argmax accuracy without gold ties for pairwise sets (decisive items both models
judged), and the same accuracy on all pairwise benchmarks' items pooled.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Sequence

from judgesmith.bench.models import ModelSpec
from judgesmith.bench.position import pair_view
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.store import VerdictStore
from judgesmith.bench.binary import paired_inputs
from judgesmith.metrics import pairwise_accuracy, paired_difference, pearson
from judgesmith.metrics.binary import auroc, balanced_accuracy

log = logging.getLogger(__name__)

POOLED = "pooled pairwise"
METRIC_NAMES = {"pearson": "Pearson", "argmax_accuracy": "argmax accuracy w/o gold ties", "auroc": "AUROC",
                "balanced_accuracy": "balanced accuracy (threshold cross-fitted)"}
BINARY_METRICS = {"auroc": auroc, "balanced_accuracy": balanced_accuracy}
PLAIN = {"pearson", "auroc"}  # shown as numbers; the other metrics as percentages


def _binary(task: Any) -> bool:
    return task.bench.kind == "absolute" and getattr(task.bench, "binary", False)


def _absolute(task: Any, verdicts: dict, protocol: Protocol) -> dict[str, tuple[float, float]]:
    """item id -> (prediction, gold) for items with a parsed prediction and a gold score."""
    out = {}
    for ex in task.examples:
        v = verdicts.get(ex.item.id)
        if v is None or ex.gold_score is None:
            continue
        pred, _ = protocol.absolute_prediction(v)
        if pred is not None and not math.isnan(pred):
            out[ex.item.id] = (float(pred), float(ex.gold_score))
    return out


def _pairwise(task: Any, verdicts: dict, protocol: Protocol) -> dict[str, tuple[str | None, str]]:
    """item id -> (argmax prediction, gold) for judged items whose gold is A or B."""
    out = {}
    for ex in task.examples:
        v = verdicts.get(ex.item.id)
        if v is not None and ex.gold in ("A", "B"):
            out[f"{task.key}/{ex.item.id}"] = (pair_view(ex.item.id, ex.gold, v, None).argmax, ex.gold)
    return out


def _row(model: str, bench: str, metric: str, fn: Any, mine: dict, base: dict, n_resamples: int,
         seed: int) -> dict[str, Any]:
    ids = sorted(set(mine) & set(base))
    pred, base_pred, gold = [mine[i][0] for i in ids], [base[i][0] for i in ids], [mine[i][1] for i in ids]
    diff = paired_difference(fn, pred, base_pred, gold, n_resamples=n_resamples, seed=seed)
    value = fn(pred, gold) if ids else math.nan
    base_value = fn(base_pred, gold) if ids else math.nan
    return {"model": model, "benchmark": bench, "metric": metric, "difference": diff.to_dict(),
            "value": None if math.isnan(value) else value, "baseline_value": None if math.isnan(base_value) else base_value}


def paired_differences(models: Sequence[ModelSpec], tasks: Sequence[Any], store: VerdictStore, protocol: Protocol,
                       baseline: str | None = "base", n_resamples: int = 1000, seed: int = 0) -> dict[str, Any] | None:
    """Rows `{model, benchmark, metric, difference (value, CI, n), value, baseline_value}`; None without a baseline."""
    labels = [m.label for m in models]
    if not baseline or baseline not in labels or len(labels) < 2:
        if baseline and baseline not in labels and len(labels) > 1:
            log.info("no model labelled %r: paired differences skipped (choose one with --baseline)", baseline)
        return None
    ok = [t for t in tasks if not t.error]
    data: dict[str, dict[str, dict]] = {}
    for label in labels:
        data[label] = {}
        for t in ok:
            verdicts = store.load(label, t.key)
            read = _absolute if t.bench.kind == "absolute" else _pairwise
            data[label][t.key] = read(t, verdicts, protocol)
    binary = {label: {t.key: paired_inputs(t, store.load(label, t.key), protocol, seed) for t in ok if _binary(t)}
              for label in labels}
    rows = []
    for label in labels:
        if label == baseline:
            continue
        mine, base = data[label], data[baseline]
        for t in ok:
            if _binary(t):
                for metric, fn in BINARY_METRICS.items():
                    rows.append(_row(label, t.key, metric, fn, binary[label][t.key][metric],
                                     binary[baseline][t.key][metric], n_resamples, seed))
                continue
            metric, fn = ("pearson", pearson) if t.bench.kind == "absolute" else ("argmax_accuracy", pairwise_accuracy)
            rows.append(_row(label, t.key, metric, fn, mine[t.key], base[t.key], n_resamples, seed))
        pair_keys = [t.key for t in ok if t.bench.kind == "pairwise"]
        if len(pair_keys) > 1:
            pooled_mine = {k: v for key in pair_keys for k, v in mine[key].items()}
            pooled_base = {k: v for key in pair_keys for k, v in base[key].items()}
            rows.append(_row(label, POOLED, "argmax_accuracy", pairwise_accuracy, pooled_mine, pooled_base,
                             n_resamples, seed))
    return {"baseline": baseline, "mode": protocol.mode, "rows": rows,
            "method": "difference = model - baseline on the items both judged; 95% paired percentile bootstrap "
                      "(items resampled jointly for both models)"}
