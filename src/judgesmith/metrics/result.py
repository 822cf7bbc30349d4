"""`MetricResult` and the seeded bootstrap every reported figure carries.

A number without its uncertainty and sample size invites over-reading: a 0.05
Pearson gain on 40 items is noise. So every metric travels as value + 95% CI + n.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class MetricResult:
    """A statistic with its bootstrap interval (`low`, `high`) and the n it was computed on.

    `value` is NaN when the statistic is undefined (n too small, constant input).
    """

    value: float
    low: float
    high: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MetricResult":
        def f(x: Any) -> float:
            return float("nan") if x is None else float(x)

        return cls(f(d.get("value")), f(d.get("low")), f(d.get("high")), int(d.get("n", 0)))

    def format(self, digits: int = 3, percent: bool = False) -> str:
        """`0.512 [0.401, 0.610] (n=80)`; `n/a (n=0)` when undefined."""
        if math.isnan(self.value):
            return f"n/a (n={self.n})"
        scale, unit = (100.0, "%") if percent else (1.0, "")
        d = 1 if percent else digits

        def num(x: float) -> str:
            return "?" if math.isnan(x) else f"{x * scale:.{d}f}"

        return f"{num(self.value)}{unit} [{num(self.low)}, {num(self.high)}] (n={self.n})"


NAN = float("nan")


def bootstrap_ci(
    metric_fn: Callable[..., float],
    *arrays: Sequence,
    n_resamples: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Percentile bootstrap interval of `metric_fn(*arrays)`, resampling the rows jointly.

    The arrays are paired (row i of each belongs together); each resample draws n
    rows with replacement. Resamples where the statistic is undefined (NaN, e.g. a
    correlation on a constant resample) are dropped rather than poisoning the
    interval; this is why we do not use `scipy.stats.bootstrap`, which returns NaN
    as soon as one resample is degenerate (common with 1-5 integer scores).
    Returns (NaN, NaN) when fewer than two rows or no defined resample.
    """
    if not arrays:
        raise ValueError("bootstrap_ci needs at least one array")
    cols = [np.asarray(a) for a in arrays]
    n = len(cols[0])
    if any(len(c) != n for c in cols):
        raise ValueError(f"bootstrap_ci: arrays differ in length {[len(c) for c in cols]}")
    if n < 2:
        return NAN, NAN
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(n_resamples):
        idx = rng.integers(0, n, size=n)
        value = metric_fn(*(c[idx] for c in cols))
        if value is not None and not math.isnan(value):
            stats.append(float(value))
    if not stats:
        return NAN, NAN
    low, high = np.percentile(stats, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(low), float(high)


def with_ci(metric_fn: Callable[..., float], *arrays: Sequence, n_resamples: int = 1000,
            seed: int = 0, alpha: float = 0.05) -> MetricResult:
    """`metric_fn` on the arrays plus its bootstrap CI, as a `MetricResult`."""
    n = len(arrays[0]) if arrays else 0
    value = metric_fn(*arrays) if n else NAN
    value = NAN if value is None else float(value)
    low, high = bootstrap_ci(metric_fn, *arrays, n_resamples=n_resamples, seed=seed, alpha=alpha) if n else (NAN, NAN)
    return MetricResult(value, low, high, n)
