"""Pairwise (A/B/tie) metrics against a gold preference.

Predictions and golds are strings "A", "B" or "tie"; `None` (a parse failure)
never matches and so counts as wrong. A predicted tie counts as wrong whenever the
gold has a winner.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from judgesmith.metrics.result import NAN, MetricResult, with_ci

FAILED = "<none>"


def _norm(values: Sequence[str | None]) -> np.ndarray:
    return np.array([FAILED if v is None else str(v) for v in values], dtype=object)


def pairwise_accuracy(pred: Sequence[str | None], gold: Sequence[str | None], ties: bool = False) -> float:
    """Share of pairs where the predicted winner equals the gold.

    `ties=False`: only pairs whose gold has a winner ("A"/"B") count; a predicted tie
    or a parse failure there is wrong (the Prometheus "w/o tie" setting).
    `ties=True`: every pair with a gold label counts, and a gold tie is right only
    when the prediction is a tie (the "w/ tie" setting). Pairs with gold `None` are
    always skipped. NaN when no pair qualifies.
    """
    if len(pred) != len(gold):
        raise ValueError(f"pred and gold differ in length: {len(pred)} vs {len(gold)}")
    allowed = {"A", "B", "tie"} if ties else {"A", "B"}
    pairs = [(p, g) for p, g in zip(pred, gold) if g in allowed]
    if not pairs:
        return NAN
    return sum(1 for p, g in pairs if p == g) / len(pairs)


def pairwise_metrics(pred: Sequence[str | None], gold: Sequence[str | None], n_resamples: int = 1000,
                     seed: int = 0) -> dict[str, MetricResult]:
    """Accuracy without ties always; with ties too when the gold has any tie. CIs by bootstrap."""
    p, g = _norm(pred), _norm(gold)
    out: dict[str, MetricResult] = {}
    no_tie = np.array([x in ("A", "B") for x in g], dtype=bool)
    out["accuracy"] = with_ci(pairwise_accuracy, p[no_tie], g[no_tie], n_resamples=n_resamples, seed=seed)
    if any(x == "tie" for x in g):
        labelled = np.array([x in ("A", "B", "tie") for x in g], dtype=bool)
        out["accuracy_ties"] = with_ci(
            lambda a, b: pairwise_accuracy(a, b, ties=True), p[labelled], g[labelled],
            n_resamples=n_resamples, seed=seed,
        )
    return out
