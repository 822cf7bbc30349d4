import math

import pytest

from judgesmith.metrics.consistency import (
    bidirectional_outcome,
    conflict_ratio,
    non_transitive_subsets,
    non_transitivity_ratio,
    pair_outcome,
    score_conflict,
    score_preference_agreement,
    triple_violates,
)


def test_pair_outcome_needs_both_orders():
    assert pair_outcome("A", "A") == 1
    assert pair_outcome("B", "B") == -1
    assert pair_outcome("A", "B") == 0
    assert pair_outcome("A", None) is None


def test_bidirectional_outcome_maps_second_order_back():
    # order 1 (x as A) slightly prefers A; order 2 (y as A) strongly prefers its B = x
    assert bidirectional_outcome({"A": 0.55, "B": 0.45}, {"A": 0.1, "B": 0.9}) == 1
    # both orders prefer position A: pure position bias cancels out -> tie
    assert bidirectional_outcome({"A": 0.7, "B": 0.3}, {"A": 0.7, "B": 0.3}, tolerance=1e-9) == 0


def test_score_conflict_cases():
    assert not score_conflict(4, 3, 1)
    assert score_conflict(4, 3, 0) and score_conflict(4, 3, -1)
    assert score_conflict(3, 4, 0) and not score_conflict(3, 4, -1)
    assert not score_conflict(3, 3, 0) and score_conflict(3, 3, 1)
    # within tolerance the scores count as equal
    assert not score_conflict(3.2, 3.0, 0, delta=0.25)
    assert conflict_ratio([4, 3, 3], [3, 4, 3], [1, 1, 0]) == pytest.approx(1 / 3)
    assert math.isnan(conflict_ratio([], [], []))


def test_triple_patterns():
    assert triple_violates(1, 1, -1)  # a>b, b>c, c>a
    assert triple_violates(-1, -1, 1)  # the reverse cycle
    assert triple_violates(0, 0, 1)  # a=b, b=c, a>c
    assert not triple_violates(1, 1, 1)  # clean order
    assert not triple_violates(0, 0, 0)  # all equal
    assert not triple_violates(1, 0, 1)  # a>b=c, a>c


def test_ntr_on_constructed_questions():
    cycle = {(0, 1): 1, (1, 2): 1, (0, 2): -1}
    equivalence = {(0, 1): 0, (1, 2): 0, (0, 2): 1}
    clean = {(0, 1): 1, (1, 2): 1, (0, 2): 1}
    assert non_transitive_subsets(cycle, 3, 3) == (1, 1)
    assert non_transitive_subsets(equivalence, 3, 3) == (1, 1)
    assert non_transitive_subsets(clean, 3, 3) == (0, 1)
    r = non_transitivity_ratio([(cycle, 3), (clean, 3), (equivalence, 3), (clean, 3)], k=3, n_resamples=100)
    assert r.value == pytest.approx(0.5) and r.n == 4
    assert r.low <= 0.5 <= r.high


def test_ntr_k4_with_four_responses_and_k5_empty():
    # 4 responses in a clean order 0>1>2>3, except a cycle among 1,2,3 (3 > 1)
    rel = {(i, j): 1 for i in range(4) for j in range(i + 1, 4)}
    rel[(1, 3)] = -1
    assert non_transitive_subsets(rel, 4, 3) == (1, 4)  # only {1,2,3} is circular
    assert non_transitive_subsets(rel, 4, 4) == (1, 1)
    r5 = non_transitivity_ratio([(rel, 4)], k=5)
    assert r5.n == 0 and math.isnan(r5.value)


def test_ntr_skips_subsets_with_unjudged_pairs():
    rel = {(0, 1): 1, (1, 2): 1}  # (0, 2) missing
    assert non_transitive_subsets(rel, 3, 3) == (0, 0)


def test_score_preference_agreement_shares():
    out = score_preference_agreement([4, 2, 3, 5, None], [3, 4, 3, 1, 2], ["A", "A", "B", "tie", "A"])
    assert out["n"] == 4
    assert out["consistent"] == pytest.approx(1 / 4)
    assert out["inconsistent"] == pytest.approx(2 / 4)
    assert out["tie"] == pytest.approx(1 / 4)
