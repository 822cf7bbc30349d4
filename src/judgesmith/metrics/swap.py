"""Position bias of a pairwise judge that saw every pair in both orders, and its tie tolerance.

Terms (all in the pair's original positions, "A" = the first response as stored):
- order picks: `first` is the pick of the pair as stored, `second` the pick of the
  swapped pair mapped back (its "B" is our "A"); `None` when that order gave no pick.
- margin: `P(A) - P(B)` of the two-order averaged distribution
  `p(k) = (p_first(k) + p_second_mapped_back(k)) / 2`; `None` without distributions.
- tie rule (the engine's `aggregate_swap`): orders that agree decide; otherwise a
  |margin| above the tolerance decides by its sign; otherwise a tie when both orders
  gave a pick, the single pick when only one did, `None` when neither did.
- argmax prediction: the sign of the margin, never a tie; a margin of exactly 0 or
  no distribution gives `None`, which counts as wrong.

Accuracies follow `pairwise_accuracy`: "without gold ties" counts pairs whose gold
is A/B; "with gold ties" counts every labelled pair, a gold tie right only when the
prediction is a tie (so the argmax prediction can never get a gold tie right).
"""

from __future__ import annotations

import random
from typing import Iterable, Mapping, Sequence

from judgesmith.metrics.pairwise import pairwise_accuracy
from judgesmith.metrics.result import NAN

# Fine at the low end: an untrained small model's two orders often differ by under 0.02 (Gemma 3 270M on Auto-J).
TOLERANCE_GRID: tuple[float, ...] = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0)
CRITERION = ("the tolerance with the highest accuracy with gold ties on the dev split "
             "(a gold tie is right only when predicted a tie); equal accuracies go to the smaller tolerance")


def order_pick(probs: Mapping[str, float] | None) -> str | None:
    """The argmax of one order's A/B distribution; `None` without a distribution or at exact equality."""
    if not probs:
        return None
    a, b = float(probs.get("A", 0.0)), float(probs.get("B", 0.0))
    if a == b:
        return None
    return "A" if a > b else "B"


def argmax_prediction(margin: float | None) -> str | None:
    """"A" when the averaged distribution favours A (margin > 0), "B" when < 0; `None` at 0 or unknown."""
    if margin is None or margin == 0:
        return None
    return "A" if margin > 0 else "B"


def tie_rule(first: str | None, second: str | None, margin: float | None, tolerance: float) -> str | None:
    """The bidirectional verdict under `tolerance` (the engine's rule, see module doc)."""
    picks = [p for p in (first, second) if p in ("A", "B")]
    if len(picks) == 2 and first == second:
        return first
    if margin is not None and abs(margin) > tolerance:
        return "A" if margin > 0 else "B"
    if len(picks) == 2:
        return "tie"
    return picks[0] if picks else None


def tie_rule_predictions(first: Sequence[str | None], second: Sequence[str | None],
                         margin: Sequence[float | None], tolerance: float) -> list[str | None]:
    """`tie_rule` for every pair."""
    if not (len(first) == len(second) == len(margin)):
        raise ValueError(f"first, second, margin differ in length: {len(first)}, {len(second)}, {len(margin)}")
    return [tie_rule(f, s, m, tolerance) for f, s, m in zip(first, second, margin)]


def swap_consistency(first: Sequence[str | None], second: Sequence[str | None]) -> float:
    """Share of pairs whose two orders pick the same response (in original positions).

    A pair where either order gave no pick counts as inconsistent; n is every pair.
    A judge that answers "A" whatever the order scores 0. NaN for no pairs.
    """
    if len(first) != len(second):
        raise ValueError(f"first and second differ in length: {len(first)} vs {len(second)}")
    if not len(first):
        return NAN
    return sum(1 for f, s in zip(first, second) if f in ("A", "B") and f == s) / len(first)


def tie_rate(pred: Sequence[str | None]) -> float:
    """Share of predictions that are ties (over every pair, gold tie or not); NaN for no pairs."""
    return sum(1 for p in pred if p == "tie") / len(pred) if len(pred) else NAN


def dev_split(ids: Iterable[str], seed: int = 0) -> set[str]:
    """The dev half of a benchmark's items: a seeded shuffle of the sorted ids, first floor(n/2).

    Depends only on the ids and the seed, so every model gets the same split.
    """
    order = sorted(set(ids))
    random.Random(seed).shuffle(order)
    return set(order[:len(order) // 2])


def tolerance_tradeoff(first: Sequence[str | None], second: Sequence[str | None], margin: Sequence[float | None],
                       gold: Sequence[str | None], grid: Sequence[float] = TOLERANCE_GRID) -> list[dict[str, float]]:
    """Per tolerance: accuracy with gold ties, accuracy without gold ties, and tie rate of the tie rule."""
    rows = []
    for tol in grid:
        pred = tie_rule_predictions(first, second, margin, tol)
        rows.append({"tolerance": float(tol), "accuracy_ties": pairwise_accuracy(pred, gold, ties=True),
                     "accuracy": pairwise_accuracy(pred, gold), "tie_rate": tie_rate(pred)})
    return rows


def choose_tolerance(tradeoff: Sequence[Mapping[str, float]]) -> float:
    """The tolerance of `tolerance_tradeoff` rows that meets `CRITERION`; the smallest when all are NaN."""
    if not tradeoff:
        raise ValueError("choose_tolerance needs at least one tolerance row")
    best = min(tradeoff, key=lambda r: r["tolerance"])
    for row in sorted(tradeoff, key=lambda r: r["tolerance"]):
        acc, top = row["accuracy_ties"], best["accuracy_ties"]
        if acc == acc and (top != top or acc > top):  # NaN-safe: x != x only for NaN
            best = row
    return float(best["tolerance"])
