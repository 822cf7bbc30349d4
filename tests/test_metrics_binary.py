"""Binary metrics against independent computations: AUROC vs scipy's Mann-Whitney U, balanced accuracy by hand."""

import math
import random

import pytest
from scipy.stats import mannwhitneyu

from judgesmith.metrics.binary import (
    auroc, balanced_accuracy, candidate_thresholds, choose_threshold, cross_fit_predictions, supported,
    threshold_predictions,
)


def test_auroc_equals_the_mann_whitney_u_over_the_pair_count():
    rng = random.Random(0)
    for _ in range(30):
        n = rng.randrange(4, 40)
        gold = [rng.random() < 0.4 for _ in range(n)]
        if all(gold) or not any(gold):
            continue
        scores = [round(rng.uniform(1, 5), rng.choice([0, 1, 3])) for _ in range(n)]  # many ties
        pos = [s for s, g in zip(scores, gold) if g]
        neg = [s for s, g in zip(scores, gold) if not g]
        u = mannwhitneyu(pos, neg, alternative="two-sided").statistic
        assert auroc(scores, gold) == pytest.approx(u / (len(pos) * len(neg)), abs=1e-12)


def test_auroc_edges():
    assert auroc([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert auroc([4, 3, 2, 1], [False, False, True, True]) == 0.0
    assert auroc([2, 2, 2, 2], [False, True, False, True]) == 0.5
    assert math.isnan(auroc([1, 2], [True, True]))
    assert auroc([None, 1, float("nan"), 5], [False, False, True, True]) == 1.0  # unscored items are left out


def test_balanced_accuracy_is_the_mean_of_the_two_recalls():
    gold = [True] * 8 + [False] * 2
    always_yes = [True] * 10
    assert balanced_accuracy(always_yes, gold) == 0.5  # plain accuracy would be 0.8
    pred = [True] * 6 + [False] * 2 + [False, True]
    assert balanced_accuracy(pred, gold) == pytest.approx((6 / 8 + 1 / 2) / 2)
    assert balanced_accuracy([None] * 10, gold) == 0.0  # no score counts wrong
    assert math.isnan(balanced_accuracy([True], [True]))


def test_threshold_choice_separates_separable_scores_and_prefers_the_middle():
    scores = [1.2, 1.5, 2.0, 3.6, 4.1, 4.9]
    gold = [False, False, False, True, True, True]
    t = choose_threshold(scores, gold)
    assert 2.0 < t <= 3.6 and balanced_accuracy(threshold_predictions(scores, t), gold) == 1.0
    assert t == pytest.approx(2.8)  # the midpoint between 2.0 and 3.6
    assert candidate_thresholds([]) == [3.0]
    assert threshold_predictions([None, 3.0, 2.9], 3.0) == [None, True, False]


def test_cross_fit_predicts_each_half_with_the_other_halfs_threshold():
    # The dev half says "threshold near 2", the test half "near 4": each half must be judged by the other's.
    ids = [f"i{k}" for k in range(8)]
    dev = {"i0", "i1", "i2", "i3"}
    scores = [1.5, 2.5, 1.0, 3.0, 3.5, 4.5, 3.0, 5.0]
    gold = [False, True, False, True, False, True, False, True]
    pred, t_dev, t_test = cross_fit_predictions(ids, scores, gold, dev)
    assert t_dev == pytest.approx(2.0) and t_test == pytest.approx(4.0)
    assert pred[:4] == [s >= t_test for s in scores[:4]]
    assert pred[4:] == [s >= t_dev for s in scores[4:]]


def test_supported_reads_gold_four_and_five():
    assert [supported(g) for g in (1, 2, 3, 3.9, 4, 5)] == [False, False, False, False, True, True]
