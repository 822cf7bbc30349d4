import math

import numpy as np
import pytest
from scipy import stats

from judgesmith.metrics import (
    MetricResult,
    absolute_metrics,
    bootstrap_ci,
    exact_match,
    expected_calibration_error,
    kendall_tau,
    mae,
    pairwise_accuracy,
    pairwise_metrics,
    pearson,
    reliability_bins,
    round_half_up,
    spearman,
)

PRED = [1, 2, 2, 3, 4, 5, 5, 3, 4, 2]
GOLD = [1.0, 2.333, 3.0, 3.0, 4.667, 4.333, 5.0, 2.667, 3.667, 1.333]


def test_correlations_match_scipy():
    assert pearson(PRED, GOLD) == pytest.approx(stats.pearsonr(PRED, GOLD)[0])
    assert spearman(PRED, GOLD) == pytest.approx(stats.spearmanr(PRED, GOLD)[0])
    assert kendall_tau(PRED, GOLD) == pytest.approx(stats.kendalltau(PRED, GOLD)[0])


def test_correlation_undefined_on_constant_input():
    assert math.isnan(pearson([3, 3, 3], [1, 2, 3]))
    assert math.isnan(spearman([1], [1]))


def test_exact_match_and_mae_by_hand():
    # rounded gold: 1,2,3,3,5,4,5,3,4,1 -> matches at 0,1,3,6,7,8 = 6 of 10
    assert exact_match(PRED, GOLD) == pytest.approx(0.6)
    assert exact_match([None, 2], [1, 2]) == pytest.approx(0.5)
    assert mae([1, 2, 5], [2, 2, 3]) == pytest.approx(1.0)
    assert round_half_up(2.5) == 3 and round_half_up(3.5) == 4 and round_half_up(2.49) == 2


def test_pairwise_accuracy_with_and_without_ties():
    pred = ["A", "B", "tie", "A", None, "tie"]
    gold = ["A", "A", "B", "tie", "B", "tie"]
    # without ties: rows 0,1,2,4 -> only row 0 right
    assert pairwise_accuracy(pred, gold) == pytest.approx(1 / 4)
    # with ties: all six rows -> rows 0 and 5 right
    assert pairwise_accuracy(pred, gold, ties=True) == pytest.approx(2 / 6)
    out = pairwise_metrics(pred, gold, n_resamples=50)
    assert out["accuracy"].n == 4 and out["accuracy_ties"].n == 6
    assert "accuracy_ties" not in pairwise_metrics(["A"], ["B"], n_resamples=10)


def test_absolute_metrics_exclude_parse_failures_from_correlations():
    pred = [1.0, 2.0, None, 4.0, 5.0]
    gold = [1.0, 2.0, 3.0, 4.0, 4.0]
    out = absolute_metrics(pred, [1, 2, None, 4, 5], gold, n_resamples=100)
    assert out["pearson"].n == 4
    assert out["pearson"].value == pytest.approx(stats.pearsonr([1, 2, 4, 5], [1, 2, 4, 4])[0])
    assert out["exact_match"].n == 5 and out["exact_match"].value == pytest.approx(3 / 5)


def test_bootstrap_ci_contains_estimate_and_narrows_with_n():
    rng = np.random.default_rng(1)

    def width(n):
        gold = rng.normal(size=n)
        pred = gold + rng.normal(scale=1.0, size=n)
        low, high = bootstrap_ci(pearson, pred, gold, n_resamples=300, seed=0)
        assert low <= pearson(pred, gold) <= high
        return high - low

    assert width(400) < width(40)


def test_bootstrap_is_seeded_and_skips_degenerate_resamples():
    pred, gold = [5, 5, 5, 4], [1, 2, 3, 4]
    a = bootstrap_ci(pearson, pred, gold, n_resamples=200, seed=3)
    assert a == bootstrap_ci(pearson, pred, gold, n_resamples=200, seed=3)
    assert not math.isnan(a[0])
    assert all(math.isnan(x) for x in bootstrap_ci(pearson, [1], [1]))


def test_metric_result_roundtrip_and_format():
    r = MetricResult(0.5, 0.4, 0.6, 10)
    assert MetricResult.from_dict(r.to_dict()) == r
    assert r.format() == "0.500 [0.400, 0.600] (n=10)"
    assert MetricResult(float("nan"), float("nan"), float("nan"), 0).format() == "n/a (n=0)"


def test_reliability_bins_and_ece():
    conf = [0.95, 0.95, 0.55, 0.55]
    correct = [True, True, True, False]
    bins = reliability_bins(conf, correct, n_bins=10)
    assert [b.count for b in bins] == [2, 2]
    assert bins[0].accuracy == pytest.approx(0.5) and bins[1].accuracy == pytest.approx(1.0)
    assert expected_calibration_error(conf, correct) == pytest.approx((2 * 0.05 + 2 * 0.05) / 4)
