"""Pairwise verdicts judged in both orders, read two ways, plus the tie tolerance chosen on a dev split.

Everything here is recomputed from stored verdicts (a swapped verdict keeps both
orders in `samples`, already mapped back to the original positions, and their
averaged distribution in `probabilities`), so changing the tolerance never re-judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from judgesmith.metrics import (
    TOLERANCE_GRID,
    argmax_prediction,
    choose_tolerance,
    dev_split,
    order_pick,
    pairwise_accuracy,
    swap_consistency,
    tie_rate,
    tolerance_tradeoff,
    with_ci,
)
from judgesmith.metrics.swap import CRITERION, tie_rule_predictions
from judgesmith.records import Verdict


@dataclass(frozen=True)
class PairView:
    """One judged pair: gold, stored verdict, per-order picks (argmax and parsed) and the averaged margin."""

    id: str
    gold: str | None
    verdict: str | None
    margin: float | None
    first_argmax: str | None = None
    second_argmax: str | None = None
    first_parsed: str | None = None
    second_parsed: str | None = None
    both_orders: bool = False

    @property
    def argmax(self) -> str | None:
        return argmax_prediction(self.margin)


def _parsed(v: Verdict) -> str | None:
    return v.winner if v.parse_ok and v.winner in ("A", "B") else None


def pair_view(item_id: str, gold: str | None, v: Verdict, verdict: str | None, swapped: bool = True) -> PairView:
    """`verdict` is the protocol's prediction (the stored tie-rule winner for the default protocol);
    `swapped` says the verdict was judged in both orders (its two `samples` are the orders)."""
    probs = v.probabilities
    margin = float(probs.get("A", 0.0)) - float(probs.get("B", 0.0)) if probs else None
    if not swapped or len(v.samples) != 2:
        return PairView(item_id, gold, verdict, margin)
    first, second = v.samples
    return PairView(item_id, gold, verdict, margin, order_pick(first.probabilities), order_pick(second.probabilities),
                    _parsed(first), _parsed(second), both_orders=True)


def _acc(ties: bool):
    return lambda p, g: pairwise_accuracy(p, g, ties=ties)


def _obj(values: Sequence) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def position_metrics(views: Sequence[PairView], mode: str, n_resamples: int, seed: int) -> dict[str, Any]:
    """Argmax accuracies (without / with gold ties), verdict tie rate and swap consistency, as MetricResults;
    with both orders also each order's own argmax accuracy (order 1 as given, order 2 swapped)."""
    kw = {"n_resamples": n_resamples, "seed": seed}
    out: dict[str, Any] = {}
    if any(v.margin is not None for v in views):
        decisive = [v for v in views if v.gold in ("A", "B")]
        out["argmax_accuracy"] = with_ci(_acc(False), _obj([v.argmax for v in decisive]),
                                         _obj([v.gold for v in decisive]), **kw)
        if any(v.gold == "tie" for v in views):
            labelled = [v for v in views if v.gold in ("A", "B", "tie")]
            out["argmax_accuracy_ties"] = with_ci(_acc(True), _obj([v.argmax for v in labelled]),
                                                  _obj([v.gold for v in labelled]), **kw)
    out["tie_rate"] = with_ci(tie_rate, _obj([v.verdict for v in views]), **kw)
    two = [v for v in views if v.both_orders]
    if any(v.margin is not None for v in two):  # without distributions there is no argmax pick
        out["swap_consistency"] = with_ci(swap_consistency, _obj([v.first_argmax for v in two]),
                                          _obj([v.second_argmax for v in two]), **kw)
        decisive = [v for v in two if v.gold in ("A", "B")]
        for name, pick in (("order1_accuracy", "first_argmax"), ("order2_accuracy", "second_argmax")):
            out[name] = with_ci(_acc(False), _obj([getattr(v, pick) for v in decisive]),
                                _obj([v.gold for v in decisive]), **kw)
    if two and mode == "generate":
        out["swap_consistency_verdicts"] = with_ci(swap_consistency, _obj([v.first_parsed for v in two]),
                                                   _obj([v.second_parsed for v in two]), **kw)
    return out


def tolerance_choice(views: Sequence[PairView], all_ids: Sequence[str], n_resamples: int, seed: int,
                     grid: Sequence[float] = TOLERANCE_GRID) -> dict[str, Any] | None:
    """Choose the tie tolerance on the dev half (`dev_split` of every item id), report on the other half.

    Only pairs judged in both orders count; None when there are none.
    """
    two = [v for v in views if v.both_orders]
    if not two:
        return None
    dev_ids = dev_split(all_ids, seed)
    dev = [v for v in two if v.id in dev_ids]
    test = [v for v in two if v.id not in dev_ids]

    def cols(vs: Sequence[PairView]) -> tuple[list, list, list, list]:
        return ([v.first_parsed for v in vs], [v.second_parsed for v in vs], [v.margin for v in vs],
                [v.gold for v in vs])

    dev_rows = tolerance_tradeoff(*cols(dev), grid=grid)
    test_rows = tolerance_tradeoff(*cols(test), grid=grid)
    chosen = choose_tolerance(dev_rows)
    first, second, margin, gold = cols(test)
    pred = _obj(tie_rule_predictions(first, second, margin, chosen))
    gold_arr = _obj(gold)
    kw = {"n_resamples": n_resamples, "seed": seed}
    decisive = np.array([g in ("A", "B") for g in gold], dtype=bool)
    labelled = np.array([g in ("A", "B", "tie") for g in gold], dtype=bool)
    test_metrics = {
        "accuracy": with_ci(_acc(False), pred[decisive], gold_arr[decisive], **kw).to_dict(),
        "accuracy_ties": with_ci(_acc(True), pred[labelled], gold_arr[labelled], **kw).to_dict(),
        "tie_rate": with_ci(tie_rate, pred, **kw).to_dict(),
    }
    return {"chosen": chosen, "criterion": CRITERION, "split_seed": seed, "n_dev": len(dev), "n_test": len(test),
            "dev_gold_ties": sum(1 for v in dev if v.gold == "tie"),
            "grid": [{"tolerance": d["tolerance"], "dev": _clean(d), "test": _clean(t)}
                     for d, t in zip(dev_rows, test_rows)],
            "test": test_metrics}


def _clean(row: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if v != v else v) for k, v in row.items() if k != "tolerance"}
