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


def test_bidirectional_outcome_reads_both_orders_in_original_positions():
    # order 1 (x as A) slightly prefers A; order 2 (y as A) strongly preferred its B = x: mapped back, A = 0.9
    assert bidirectional_outcome({"A": 0.55, "B": 0.45}, {"A": 0.9, "B": 0.1}) == 1
    assert bidirectional_outcome({"A": 0.55, "B": 0.45}, {"A": 0.3, "B": 0.7}) == -1
    # both orders prefer the position shown first (A, then mapped back B): position bias cancels -> tie
    assert bidirectional_outcome({"A": 0.7, "B": 0.3}, {"A": 0.3, "B": 0.7}, tolerance=1e-9) == 0


def test_likelihood_outcome_of_engine_verdicts_is_trustjudge_formula():
    """consistency_report reads the engine's stored orders without flipping; compare with TrustJudge's
    m[k] = p_order1[k] + p_order2[-k] computed here from the second order as judged."""
    import random

    from judgesmith.bench.consistency_report import _pair_views
    from judgesmith.judge.engine import aggregate_swap
    from judgesmith.records import Verdict

    rng = random.Random(5)
    seen = set()
    for _ in range(200):
        p1, p2 = rng.choice([0.3, 0.5, 0.7, rng.random()]), rng.choice([0.3, 0.5, 0.7, rng.random()])
        first = Verdict("x", "pairwise", winner="A" if p1 >= 0.5 else "B", probabilities={"A": p1, "B": 1 - p1})
        as_judged = Verdict("x", "pairwise", winner="A" if p2 >= 0.5 else "B", probabilities={"A": p2, "B": 1 - p2})
        v = aggregate_swap(first, as_judged)
        m_x, m_y = p1 + (1 - p2), (1 - p1) + p2
        expected = 0 if m_x == m_y else (1 if m_x > m_y else -1)
        discrete, likely = _pair_views(v)
        assert likely == expected
        seen.add(likely)
        # discrete C: both orders must pick x (order 2 picks x when it answered B as judged)
        picks_x = (first.winner == "A", as_judged.winner == "B")
        assert discrete == (1 if all(picks_x) else -1 if not any(picks_x) else 0)
    assert seen == {-1, 0, 1}


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
