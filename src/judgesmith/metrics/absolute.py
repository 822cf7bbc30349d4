"""Absolute (1-5 score) metrics against a gold score, e.g. the mean of three GPT-4 scores.

Every function takes plain sequences `pred, gold` of equal length and returns a
float (NaN when undefined). Parse failures (`None` predictions) are handled by
`absolute_metrics`: excluded from correlations and MAE (their n drops and the
failure count is reported), counted wrong for exact match (whose n is every item).
"""

from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np
from scipy import stats

from judgesmith.metrics.result import NAN, MetricResult, with_ci


def _pair(pred: Sequence, gold: Sequence) -> tuple[np.ndarray, np.ndarray]:
    p, g = np.asarray(pred, dtype=float), np.asarray(gold, dtype=float)
    if p.shape != g.shape:
        raise ValueError(f"pred and gold differ in length: {len(p)} vs {len(g)}")
    return p, g


def _corr(fn, pred: Sequence, gold: Sequence) -> float:
    p, g = _pair(pred, gold)
    if len(p) < 3 or np.all(p == p[0]) or np.all(g == g[0]):
        return NAN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(fn(p, g)[0])


def pearson(pred: Sequence[float], gold: Sequence[float]) -> float:
    """Pearson's r: linear correlation of predicted and gold scores (scipy.stats.pearsonr); NaN below 3 items."""
    return _corr(stats.pearsonr, pred, gold)


def spearman(pred: Sequence[float], gold: Sequence[float]) -> float:
    """Spearman's rho: Pearson's r on the ranks (ties get their average rank)."""
    return _corr(stats.spearmanr, pred, gold)


def kendall_tau(pred: Sequence[float], gold: Sequence[float]) -> float:
    """Kendall's tau-b: concordant minus discordant pairs, corrected for ties (scipy.stats.kendalltau)."""
    return _corr(stats.kendalltau, pred, gold)


def round_half_up(x: float) -> int:
    """Round to the nearest integer, .5 upwards (Python's `round` rounds .5 to even)."""
    return int(math.floor(x + 0.5))


def exact_match(pred: Sequence[float | None], gold: Sequence[float]) -> float:
    """Share of items whose predicted integer score equals the rounded gold score.

    A `None`/NaN prediction (parse failure) counts as a miss.
    """
    if len(pred) != len(gold):
        raise ValueError(f"pred and gold differ in length: {len(pred)} vs {len(gold)}")
    if len(gold) == 0:
        return NAN
    hits = sum(
        1 for p, g in zip(pred, gold)
        if p is not None and not math.isnan(float(p)) and round_half_up(float(p)) == round_half_up(float(g))
    )
    return hits / len(gold)


def mae(pred: Sequence[float], gold: Sequence[float]) -> float:
    """Mean absolute error |pred - gold| on the 1-5 scale."""
    p, g = _pair(pred, gold)
    return float(np.mean(np.abs(p - g))) if len(p) else NAN


def absolute_metrics(
    pred: Sequence[float | None],
    pred_label: Sequence[int | None],
    gold: Sequence[float],
    n_resamples: int = 1000,
    seed: int = 0,
) -> dict[str, MetricResult]:
    """All absolute metrics with bootstrap CIs.

    `pred` is the continuous prediction used for correlations and MAE (the discrete
    score, the mean of samples or the distribution expectation, depending on the
    protocol); `pred_label` the integer score used for exact match. `None` marks a
    parse failure: excluded from correlations/MAE, a miss for exact match.
    """
    ok = [i for i, p in enumerate(pred) if p is not None and not math.isnan(float(p))]
    p_ok = np.array([float(pred[i]) for i in ok])
    g_ok = np.array([float(gold[i]) for i in ok])
    kw = {"n_resamples": n_resamples, "seed": seed}
    labels = np.array([np.nan if v is None else float(v) for v in pred_label])
    return {
        "pearson": with_ci(pearson, p_ok, g_ok, **kw),
        "spearman": with_ci(spearman, p_ok, g_ok, **kw),
        "kendall_tau": with_ci(kendall_tau, p_ok, g_ok, **kw),
        "mae": with_ci(mae, p_ok, g_ok, **kw),
        "exact_match": with_ci(exact_match, labels, np.asarray(gold, dtype=float), **kw),
    }
