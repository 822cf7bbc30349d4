"""Binary gold (supported or not) read from a judge's continuous score: AUROC, balanced accuracy, thresholds.

Grounded sets label a response supported or not; a judge gives an expected 1-5 score. Two readings:
- AUROC needs no threshold: how well the score ranks supported above unsupported responses.
- Balanced accuracy needs one: the threshold is chosen on a seeded dev half of the items and applied
  to the other half, and the other way round (two-fold cross-fitting), so no item is predicted with a
  threshold chosen on itself while every item still counts.
Balanced accuracy, not accuracy: the sets are often unbalanced (SummEdits: 37% consistent) and a
judge that always says "not supported" must score 50%, not 63%.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

SUPPORTED_AT = 4.0  # a binary gold reads gold >= 4 as supported (loaders write 5 / 1; WiCE partial is 3)


def supported(gold_score: float) -> bool:
    """The binary reading of a 1-5 gold: supported when it is at least `SUPPORTED_AT`."""
    return float(gold_score) >= SUPPORTED_AT


def auroc(scores: Sequence[float], gold: Sequence[bool]) -> float:
    """Area under the ROC curve: P(score of a random supported item > score of a random unsupported one),
    ties counting one half (the Mann-Whitney U statistic over n_pos * n_neg). Items whose score is None
    or NaN are left out. NaN when either class is empty."""
    pairs = [(float(s), bool(g)) for s, g in zip(scores, gold) if s is not None and not math.isnan(float(s))]
    pos = np.array([s for s, g in pairs if g], dtype=float)
    neg = np.array([s for s, g in pairs if not g], dtype=float)
    if len(pos) == 0 or len(neg) == 0:
        return math.nan
    ranks = _average_ranks(np.concatenate([pos, neg]))
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks with ties given their average rank."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    sorted_vals = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_vals[j + 1] == sorted_vals[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def balanced_accuracy(pred: Sequence[bool | None], gold: Sequence[bool]) -> float:
    """Mean of the recall on supported items and the recall on unsupported items. A prediction of None
    (no score) counts wrong. NaN when either class is empty."""
    recalls = []
    for cls in (True, False):
        rows = [p for p, g in zip(pred, gold) if bool(g) == cls]
        if not rows:
            return math.nan
        recalls.append(sum(1 for p in rows if p is not None and bool(p) == cls) / len(rows))
    return float(sum(recalls) / 2)


def threshold_predictions(scores: Sequence[float | None], threshold: float) -> list[bool | None]:
    """Supported when the score is at least `threshold`; None stays None (no score)."""
    return [None if s is None or math.isnan(float(s)) else float(s) >= threshold for s in scores]


def candidate_thresholds(scores: Iterable[float | None]) -> list[float]:
    """Midpoints between consecutive distinct scores, plus one below and one above them all."""
    values = sorted({float(s) for s in scores if s is not None and not math.isnan(float(s))})
    if not values:
        return [3.0]
    mids = [(a + b) / 2 for a, b in zip(values, values[1:])]
    return [values[0] - 1e-6, *mids, values[-1] + 1e-6]


def choose_threshold(scores: Sequence[float | None], gold: Sequence[bool]) -> float:
    """The threshold that maximizes balanced accuracy on these items; ties go to the one closest to 3
    (the middle of the 1-5 scale), so the choice is deterministic and moderate."""
    best, best_key = 3.0, (-1.0, 0.0)
    for t in candidate_thresholds(scores):
        bacc = balanced_accuracy(threshold_predictions(scores, t), gold)
        key = (-1.0 if math.isnan(bacc) else bacc, -abs(t - 3.0))
        if key > best_key:
            best, best_key = t, key
    return float(best)


def cross_fit_predictions(ids: Sequence[str], scores: Sequence[float | None], gold: Sequence[bool],
                          dev_ids: set[str]) -> tuple[list[bool | None], float, float]:
    """Predictions for every item with a threshold chosen on the other half: (predictions, threshold chosen
    on the dev half, threshold chosen on the test half). The dev half's threshold is the one to deploy."""
    dev = [i for i, x in enumerate(ids) if x in dev_ids]
    test = [i for i, x in enumerate(ids) if x not in dev_ids]
    t_dev = choose_threshold([scores[i] for i in dev], [gold[i] for i in dev])
    t_test = choose_threshold([scores[i] for i in test], [gold[i] for i in test])
    pred: list[bool | None] = [None] * len(ids)
    for i in test:
        pred[i] = threshold_predictions([scores[i]], t_dev)[0]
    for i in dev:
        pred[i] = threshold_predictions([scores[i]], t_test)[0]
    return pred, t_dev, t_test
