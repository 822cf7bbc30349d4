"""Binary benchmarks (supported or not, `Benchmark.binary`): AUROC and balanced accuracy of the judge's score.

The judge's continuous score (the expected 1-5 score in score mode) is read against the binary gold
(`metrics.binary.supported`). Balanced accuracy needs a threshold: it is chosen on the seeded dev half
of the item ids (`metrics.dev_split`, the same split as the pairwise tie tolerance) and applied to the
other half, and the other way round, so every item counts and none is predicted with a threshold fitted
on itself. The dev half's threshold is reported as the one to deploy; balanced accuracy at 3.0 (the
middle of the scale, no tuning) is reported beside it.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from judgesmith.metrics import dev_split, with_ci
from judgesmith.metrics.binary import auroc, balanced_accuracy, cross_fit_predictions, supported, threshold_predictions

FIXED_THRESHOLD = 3.0


def binary_view(examples: Sequence, verdicts: dict, protocol: Any) -> tuple[list[str], list[float | None], list[bool]]:
    """(ids, scores, binary gold) of the judged items with a gold; a failed verdict has score None."""
    ids, scores, gold = [], [], []
    for ex in examples:
        v = verdicts.get(ex.item.id)
        if v is None or ex.gold_score is None:
            continue
        pred, _ = protocol.absolute_prediction(v)
        ids.append(ex.item.id)
        scores.append(None if pred is None or math.isnan(pred) else float(pred))
        gold.append(supported(ex.gold_score))
    return ids, scores, gold


def predictions(all_ids: Sequence[str], ids: Sequence[str], scores: Sequence[float | None], gold: Sequence[bool],
                seed: int) -> tuple[list[bool | None], dict[str, Any]]:
    """Cross-fitted predictions and the thresholds behind them (the dev split is over every item id)."""
    dev = dev_split(all_ids, seed)
    pred, t_dev, t_test = cross_fit_predictions(ids, scores, gold, dev)
    return pred, {"chosen": t_dev, "other_half": t_test, "split_seed": seed,
                  "n_dev": sum(1 for i in ids if i in dev), "n_test": sum(1 for i in ids if i not in dev),
                  "rule": "balanced accuracy maximized on one half, applied to the other (two-fold)"}


def binary_metrics(examples: Sequence, verdicts: dict, protocol: Any, n_resamples: int, seed: int
                   ) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """(metrics as MetricResults, threshold record, gold class counts) of one model on one binary benchmark."""
    ids, scores, gold = binary_view(examples, verdicts, protocol)
    all_ids = [ex.item.id for ex in examples]
    pred, threshold = predictions(all_ids, ids, scores, gold, seed)
    kw = {"n_resamples": n_resamples, "seed": seed}
    metrics = {
        "auroc": with_ci(auroc, scores, gold, **kw),
        "balanced_accuracy": with_ci(balanced_accuracy, pred, gold, **kw),
        "balanced_accuracy_at_3": with_ci(balanced_accuracy, threshold_predictions(scores, FIXED_THRESHOLD), gold,
                                          **kw),
    }
    counts = {"supported": sum(gold), "not_supported": len(gold) - sum(gold)}
    return metrics, threshold, counts


def paired_inputs(task: Any, verdicts: dict, protocol: Any, seed: int) -> dict[str, dict[str, tuple]]:
    """Per metric, item id -> (this model's value for the item, gold): the scores for AUROC, the
    cross-fitted predictions for balanced accuracy."""
    ids, scores, gold = binary_view(task.examples, verdicts, protocol)
    pred, _ = predictions([ex.item.id for ex in task.examples], ids, scores, gold, seed)
    return {"auroc": {i: (s, g) for i, s, g in zip(ids, scores, gold) if s is not None},
            "balanced_accuracy": {i: (p, g) for i, p, g in zip(ids, pred, gold)}}
