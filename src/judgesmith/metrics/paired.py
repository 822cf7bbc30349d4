"""Paired differences: model minus baseline on the same items, with a paired bootstrap CI.

Two judges graded the same items, so their errors are correlated; resampling each
model's items separately would ignore that and give a too-wide (or, for a shared
easy subset, misleading) interval. Here one resample draws item indices once and
evaluates both models on those same items: identical models differ by exactly 0 in
every resample, and a model that is right on the baseline's items plus a few more
has a difference that varies only with how many of those few are drawn.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from judgesmith.metrics.result import NAN, MetricResult, bootstrap_ci


def paired_difference(metric_fn: Callable[..., float], pred: Sequence, base_pred: Sequence, *shared: Sequence,
                      n_resamples: int = 1000, seed: int = 0, alpha: float = 0.05) -> MetricResult:
    """`metric_fn(pred, *shared) - metric_fn(base_pred, *shared)` with a paired percentile bootstrap CI.

    Row i of `pred`, `base_pred` and each `shared` array (e.g. the gold) is one item;
    each resample draws the rows jointly (`bootstrap_ci`). n is the number of items.
    """
    arrays = [_array(pred), _array(base_pred), *(_array(s) for s in shared)]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"paired_difference: arrays differ in length {[len(a) for a in arrays]}")
    if n == 0:
        return MetricResult(NAN, NAN, NAN, 0)

    def diff(p: np.ndarray, b: np.ndarray, *s: np.ndarray) -> float:
        return float(metric_fn(p, *s)) - float(metric_fn(b, *s))

    value = diff(*arrays)
    low, high = bootstrap_ci(diff, *arrays, n_resamples=n_resamples, seed=seed, alpha=alpha)
    return MetricResult(value, low, high, n)


def _array(values: Sequence) -> np.ndarray:
    """Numbers stay float arrays; labels (with `None` for failures) become object arrays."""
    items = list(values)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
        return np.asarray(items, dtype=float)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
