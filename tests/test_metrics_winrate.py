"""Win rates, paired differences and AlpacaEval 2.0's length-controlled win rate, against independent computations
and synthetic judges whose answer is known."""

import math

import numpy as np
import pytest

from judgesmith.metrics.winrate import (
    RIDGE,
    by_group,
    length_controlled_ci,
    length_controlled_fit,
    length_controlled_win_rate,
    mean_score_ci,
    outcome,
    paired_win_rate_difference,
    win_rate,
    win_rate_ci,
)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_outcomes_and_win_rate_count_ties_half_and_drop_failures():
    assert [outcome(w) for w in ("A", "B", "tie", None, "?")] == [1.0, 0.0, 0.5, None, None]
    assert outcome("A", model_position="B") == 0.0 and outcome("tie", model_position="B") == 0.5
    # 3 wins, 2 ties, 1 loss, 1 failure: (3 + 2/2) / 6
    assert win_rate([1, 1, 1, 0.5, 0.5, 0, None]) == pytest.approx(4 / 6)
    assert math.isnan(win_rate([None, None]))
    r = win_rate_ci([1, 1, 1, 0.5, 0.5, 0, None], n_resamples=200)
    assert r.n == 6 and r.low <= r.value <= r.high


def test_win_rate_ci_matches_the_normal_approximation_on_many_prompts():
    rng = np.random.default_rng(1)
    x = rng.choice([0.0, 0.5, 1.0], p=[0.4, 0.2, 0.4], size=2000)
    r = win_rate_ci(list(x), n_resamples=2000, seed=3)
    half = 1.96 * x.std(ddof=1) / math.sqrt(len(x))
    assert r.low == pytest.approx(x.mean() - half, abs=0.004)
    assert r.high == pytest.approx(x.mean() + half, abs=0.004)


def test_paired_difference_is_exact_for_identical_models_and_tighter_than_unpaired():
    rng = np.random.default_rng(0)
    easy = rng.random(300) < 0.5  # prompts both models win
    x = [1.0 if e or rng.random() < 0.3 else 0.0 for e in easy]
    y = [1.0 if e or rng.random() < 0.2 else 0.0 for e in easy]
    same = paired_win_rate_difference(x, x, n_resamples=200)
    assert (same.value, same.low, same.high) == (0.0, 0.0, 0.0)
    d = paired_win_rate_difference(x, y, n_resamples=1000)
    assert d.value == pytest.approx(np.mean(x) - np.mean(y)) and d.n == 300
    unpaired = 1.96 * math.sqrt(np.var(x, ddof=1) / 300 + np.var(y, ddof=1) / 300)
    assert (d.high - d.low) / 2 < 0.8 * unpaired  # the shared easy prompts cancel
    partial = paired_win_rate_difference([1.0, None, 0.0], [0.0, 1.0, None], n_resamples=50)
    assert partial.n == 1 and partial.value == 1.0
    with pytest.raises(ValueError, match="same prompts"):
        paired_win_rate_difference([1.0], [1.0, 0.0])


def test_lc_without_length_spread_is_the_plain_win_rate():
    p = [1, 1, 0, 0.5, 1, 0, 1, 1]
    # the same length difference everywhere: no length term, the intercept MLE is the mean preference
    fit = length_controlled_fit(p, [500] * 8, [300] * 8)
    assert fit.phi == 0.0
    assert fit.win_rate == pytest.approx(np.mean(p), abs=2e-3)  # the 1/100 ridge moves it a hair toward 0.5


def scipy_fit(z, p, ridge):
    """Independent fit: scipy's L-BFGS on the same penalized soft-label likelihood, written out here."""
    from scipy.optimize import minimize

    X = np.column_stack([np.ones_like(z), z])

    def nll(w):
        eta = X @ w
        return np.sum(np.logaddexp(0, eta) - p * eta) + 0.5 * ridge * w @ w

    return minimize(nll, np.zeros(2), method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15}).x


def test_lc_fit_matches_an_independent_scipy_fit():
    rng = np.random.default_rng(7)
    m, b = rng.integers(50, 3000, 400), rng.integers(50, 3000, 400)
    d = m - b
    z = np.tanh(d / np.std(d, ddof=1))
    p = np.clip(logistic(0.3 + 1.2 * z) + rng.normal(0, 0.1, 400), 0, 1)  # soft preferences
    fit = length_controlled_fit(p, m, b)
    theta, phi = scipy_fit(z, p, RIDGE)
    assert (fit.theta, fit.phi) == pytest.approx((theta, phi), abs=1e-5)
    assert fit.win_rate == pytest.approx(logistic(theta), abs=1e-6)


def length_judge(rng, n, quality, length_weight, shift=250.0):
    """Outcomes of a judge with P(model wins) = logistic(quality + length_weight * tanh(d / sd))."""
    b = rng.normal(1200, 300, n).clip(50)
    m = (b + rng.normal(shift, 500, n)).clip(50)
    d = m - b
    prob = logistic(quality + length_weight * np.tanh(d / np.std(d, ddof=1)))
    return (rng.random(n) < prob).astype(float), m, b


def test_a_length_loving_judge_on_equal_models_gets_lc_near_half():
    rng = np.random.default_rng(11)
    p, m, b = length_judge(rng, 4000, quality=0.0, length_weight=2.0)
    assert win_rate(list(p)) > 0.62  # the longer model looks better
    assert length_controlled_win_rate(p, m, b) == pytest.approx(0.5, abs=0.025)
    assert length_controlled_fit(p, m, b).phi == pytest.approx(2.0, abs=0.2)


def test_lc_recovers_a_real_quality_gap_and_the_difficulty_term():
    rng = np.random.default_rng(5)
    p, m, b = length_judge(rng, 4000, quality=0.8, length_weight=1.5)
    assert length_controlled_win_rate(p, m, b) == pytest.approx(logistic(0.8), abs=0.025)
    g = rng.normal(0, 1, 4000)
    d = m - b
    prob = logistic(0.5 + 1.0 * g + 1.5 * np.tanh(d / np.std(d, ddof=1)))
    q = (rng.random(4000) < prob).astype(float)
    fit = length_controlled_fit(q, m, b, difficulty=g)
    assert fit.psi == pytest.approx(1.0, abs=0.15)
    assert fit.win_rate == pytest.approx(np.mean(logistic(0.5 + g)), abs=0.025)


def test_lc_is_antisymmetric_in_the_two_sides_and_finite_when_one_side_always_wins():
    rng = np.random.default_rng(2)
    p, m, b = length_judge(rng, 300, quality=0.4, length_weight=1.0)
    assert length_controlled_win_rate(1 - p, b, m) == pytest.approx(1 - length_controlled_win_rate(p, m, b), abs=1e-6)
    lc = length_controlled_win_rate(np.ones(50), m[:50], b[:50])
    assert 0.95 < lc < 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        length_controlled_fit([1.5], [1], [2])
    assert math.isnan(length_controlled_win_rate([], [], []))


def test_lc_ci_drops_failures_and_brackets_the_estimate():
    rng = np.random.default_rng(3)
    p, m, b = length_judge(rng, 200, quality=0.0, length_weight=1.0)
    prefs = [None if i % 10 == 0 else float(x) for i, x in enumerate(p)]
    r = length_controlled_ci(prefs, m, b, n_resamples=200)
    keep = [i for i in range(200) if i % 10]
    assert r.n == 180
    assert r.value == pytest.approx(length_controlled_win_rate(p[keep], m[keep], b[keep]))
    assert r.low < r.value < r.high


def test_by_group_and_mean_score():
    groups = by_group([1, 0, 1, 0.5, None], ["x", "y", "x", "y", "x"], n_resamples=50)
    assert list(groups) == ["x", "y"]
    assert (groups["x"].value, groups["x"].n) == (1.0, 2)
    assert (groups["y"].value, groups["y"].n) == (0.25, 2)
    s = mean_score_ci([4.5, 3.5, None, 2.0], n_resamples=100)
    assert (s.value, s.n) == (pytest.approx(10 / 3), 3)
    scores = by_group([5, 1, 3], ["a", "a", "b"], mean_score_ci, n_resamples=50)
    assert scores["a"].value == 3.0 and scores["b"].value == 3.0
