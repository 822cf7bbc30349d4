"""Metrics as pure functions: each docstring defines its statistic; figures carry CI and n.

Parse failures: excluded from correlations and MAE (n drops, failures are
reported next to the figure), counted wrong for exact-match and pairwise accuracy.
"""

from judgesmith.metrics.absolute import (
    absolute_metrics,
    exact_match,
    kendall_tau,
    mae,
    pearson,
    round_half_up,
    spearman,
)
from judgesmith.metrics.calibration import expected_calibration_error, reliability_bins
from judgesmith.metrics.consistency import (
    bidirectional_outcome,
    conflict_ratio,
    non_transitive_subsets,
    non_transitivity_ratio,
    pair_outcome,
    score_conflict,
    score_preference_agreement,
)
from judgesmith.metrics.paired import paired_difference
from judgesmith.metrics.pairwise import pairwise_accuracy, pairwise_metrics
from judgesmith.metrics.result import MetricResult, bootstrap_ci, with_ci
from judgesmith.metrics.swap import (
    TOLERANCE_GRID,
    argmax_prediction,
    choose_tolerance,
    dev_split,
    order_pick,
    swap_consistency,
    tie_rate,
    tie_rule,
    tolerance_tradeoff,
)

__all__ = [
    "MetricResult", "bootstrap_ci", "with_ci",
    "pearson", "spearman", "kendall_tau", "exact_match", "mae", "round_half_up", "absolute_metrics",
    "pairwise_accuracy", "pairwise_metrics", "paired_difference",
    "TOLERANCE_GRID", "order_pick", "argmax_prediction", "tie_rule", "swap_consistency", "tie_rate",
    "dev_split", "tolerance_tradeoff", "choose_tolerance",
    "reliability_bins", "expected_calibration_error",
    "pair_outcome", "bidirectional_outcome", "score_conflict", "conflict_ratio",
    "non_transitive_subsets", "non_transitivity_ratio", "score_preference_agreement",
]
