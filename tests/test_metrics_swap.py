"""Position-bias metrics and the tie tolerance: hand-computed values and the engine's rule as reference."""

import math
import random

import numpy as np
import pytest

from judgesmith.judge.engine import aggregate_swap
from judgesmith.metrics import (
    argmax_prediction,
    choose_tolerance,
    dev_split,
    order_pick,
    paired_difference,
    pairwise_accuracy,
    pearson,
    swap_consistency,
    tie_rate,
    tie_rule,
    tolerance_tradeoff,
)
from judgesmith.metrics.result import bootstrap_ci
from judgesmith.records import Verdict

# (first pick, second pick mapped back, margin P(A)-P(B), gold); see the hand computation below
PAIRS = [("A", "A", 0.6, "A"), ("A", "B", 0.04, "tie"), ("A", "B", -0.08, "B"), ("B", "A", 0.25, "tie"),
         ("B", "B", -0.3, "A"), (None, "A", 0.02, "A"), (None, None, None, "B")]
FIRST, SECOND, MARGIN, GOLD = (list(col) for col in zip(*PAIRS))


def test_order_pick_and_argmax():
    assert order_pick({"A": 0.7, "B": 0.3}) == "A" and order_pick({"A": 0.2, "B": 0.8}) == "B"
    assert order_pick({"A": 0.5, "B": 0.5}) is None and order_pick(None) is None
    assert argmax_prediction(0.01) == "A" and argmax_prediction(-0.2) == "B"
    assert argmax_prediction(0.0) is None and argmax_prediction(None) is None


def test_tradeoff_by_hand():
    rows = {r["tolerance"]: r for r in tolerance_tradeoff(FIRST, SECOND, MARGIN, GOLD, grid=(0.0, 0.05, 0.1, 0.3))}
    # tol 0:    A, A,   B,   A,   B, A, None -> right (w/ ties) pairs 1,3,6; decisive golds: 1,3,5,6,7
    # tol 0.05: pair 2 (|0.04|) becomes a tie -> right 1,2,3,6
    # tol 0.1:  pair 3 (|-0.08|) becomes a tie too -> right 1,2,6; decisive right 1,6
    # tol 0.3:  pair 4 (|0.25|) becomes a tie too -> right 1,2,4,6
    expected = {0.0: (3 / 7, 3 / 5, 0), 0.05: (4 / 7, 3 / 5, 1 / 7), 0.1: (3 / 7, 2 / 5, 2 / 7),
                0.3: (4 / 7, 2 / 5, 3 / 7)}
    for tol, (acc_ties, acc, ties) in expected.items():
        assert rows[tol]["accuracy_ties"] == pytest.approx(acc_ties)
        assert rows[tol]["accuracy"] == pytest.approx(acc)
        assert rows[tol]["tie_rate"] == pytest.approx(ties)
    # 0.05 and 0.3 tie at 4/7: the smaller tolerance wins
    assert choose_tolerance(list(rows.values())) == 0.05


def test_choose_tolerance_without_gold_labels_takes_the_smallest():
    rows = tolerance_tradeoff(["A"], ["B"], [0.1], [None], grid=(0.3, 0.0, 0.1))
    assert all(math.isnan(r["accuracy_ties"]) for r in rows)
    assert choose_tolerance(rows) == 0.0
    with pytest.raises(ValueError):
        choose_tolerance([])


def test_tie_rule_is_the_engines_aggregation():
    rng = random.Random(3)
    for _ in range(300):
        def order():
            p = rng.choice([rng.random(), 0.5])
            probs = {"A": p, "B": 1 - p} if rng.random() < 0.8 else None
            parsed = rng.random() < 0.8
            winner = rng.choice(["A", "B"]) if parsed else None
            return Verdict("x", "pairwise", winner=winner, probabilities=probs, parse_ok=parsed)
        first, second_swapped = order(), order()
        tol = rng.choice([0.0, 0.05, 0.1, 0.3])
        agg = aggregate_swap(first, second_swapped, tol)
        second = agg.samples[1]  # stored in original positions: the swapped order's A is our B
        assert second.swapped and not agg.samples[0].swapped
        assert second.winner == {"A": "B", "B": "A"}.get(second_swapped.winner, second_swapped.winner)
        if second_swapped.probabilities:
            assert second.p_a == second.probabilities["A"] == second_swapped.probabilities["B"]
        margin = agg.probabilities["A"] - agg.probabilities["B"] if agg.probabilities else None
        mine = tie_rule(first.winner if first.parse_ok else None, second.winner if second.parse_ok else None,
                        margin, tol)
        assert mine == agg.winner


def test_swap_consistency_and_tie_rate():
    assert swap_consistency(["A", "A", "B", None, "A"], ["A", "B", "B", "B", None]) == pytest.approx(2 / 5)
    # a judge answering "A" in both orders picks A, then (mapped back) B: never consistent
    assert swap_consistency(["A"] * 4, ["B"] * 4) == 0.0
    assert math.isnan(swap_consistency([], []))
    assert tie_rate(["tie", "A", None, "tie"]) == 0.5
    with pytest.raises(ValueError):
        swap_consistency(["A"], [])


def test_dev_split_is_seeded_half_and_order_free():
    ids = [f"item-{i}" for i in range(11)]
    dev = dev_split(ids, seed=0)
    assert len(dev) == 5 and dev <= set(ids)
    assert dev_split(list(reversed(ids)), seed=0) == dev
    assert any(dev_split(ids, seed=s) != dev for s in range(1, 5))


def test_paired_difference_of_identical_models_is_exactly_zero():
    rng = np.random.default_rng(1)
    gold = list(rng.choice(["A", "B"], size=40))
    pred = list(rng.choice(["A", "B", None], size=40))
    d = paired_difference(pairwise_accuracy, pred, pred, gold, n_resamples=200, seed=4)
    assert (d.value, d.low, d.high, d.n) == (0.0, 0.0, 0.0, 40)
    scores, gold_scores = rng.normal(size=30), rng.normal(size=30)
    d = paired_difference(pearson, scores, scores, gold_scores, n_resamples=200)
    assert (d.value, d.low, d.high) == (0.0, 0.0, 0.0)


def test_paired_difference_known_value_and_paired_ci():
    # base right on items 0-59, the model on the same 60 plus items 60-69: +10 points exactly
    n = 100
    gold = ["A"] * n
    base = ["A" if i < 60 else "B" for i in range(n)]
    model = ["A" if i < 70 else "B" for i in range(n)]
    d = paired_difference(pairwise_accuracy, model, base, gold, n_resamples=500, seed=7)
    assert d.value == pytest.approx(0.10) and d.n == n
    # reference: bootstrap of the per-item difference (1 on items 60-69, else 0) with the same draws
    per_item = np.array([1.0 if 60 <= i < 70 else 0.0 for i in range(n)])
    low, high = bootstrap_ci(np.mean, per_item, n_resamples=500, seed=7)
    assert (d.low, d.high) == (pytest.approx(low), pytest.approx(high))
    assert 0.0 < d.low < 0.10 < d.high < 0.2
    # resampling each model on its own items would ignore the pairing: a much wider interval
    rng = np.random.default_rng(7)
    right_m, right_b = np.array([m == "A" for m in model], float), np.array([b == "A" for b in base], float)
    unpaired = [right_m[rng.integers(0, n, n)].mean() - right_b[rng.integers(0, n, n)].mean() for _ in range(500)]
    u_low, u_high = np.percentile(unpaired, [2.5, 97.5])
    assert u_low < 0.0 and (u_high - u_low) > 1.5 * (d.high - d.low)


def test_paired_difference_checks_lengths():
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference(pairwise_accuracy, ["A"], ["A", "B"], ["A"])
    assert paired_difference(pairwise_accuracy, [], [], []).n == 0
