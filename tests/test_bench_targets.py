"""Quality targets in the report: each bar checked on the right number, misses said with their size."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from judgesmith.bench.report_md import render_markdown
from judgesmith.bench.targets import TargetSpec, check


def _results() -> dict:
    def entry(model, bench, kind, **metrics):
        return {"model": model, "benchmark": bench, "kind": kind,
                "metrics": {k: {"value": v[0], "n": v[1]} for k, v in metrics.items()}}

    return {
        "results": [entry("base", "vicuna", "absolute", pearson=(0.2, 100)),
                    entry("merged", "vicuna", "absolute", pearson=(0.55, 100)),
                    entry("base", "llmbar", "pairwise", swap_consistency=(0.0, 100)),
                    entry("merged", "llmbar", "pairwise", swap_consistency=(0.9, 100)),
                    entry("merged", "pandalm", "pairwise", swap_consistency=(0.6, 300))],
        "paired": {"baseline": "base", "mode": "score", "method": "paired bootstrap", "rows": [
            {"model": "merged", "benchmark": "vicuna", "metric": "pearson", "value": 0.55, "baseline_value": 0.2,
             "difference": {"value": 0.35, "low": 0.1, "high": 0.6, "n": 100}},
            {"model": "merged", "benchmark": "pooled pairwise", "metric": "argmax_accuracy", "value": 0.58,
             "baseline_value": 0.5, "difference": {"value": 0.08, "low": -0.01, "high": 0.17, "n": 300}}]},
    }


def test_point_bars_and_the_paired_interval():
    results = _results()
    vicuna = check(results, TargetSpec(benchmark="vicuna", metric="pearson", at_least=0.5, over_baseline=0.15))
    assert vicuna.met and vicuna.observed.diff["low"] == 0.1
    pooled = check(results, TargetSpec(benchmark="pooled pairwise", metric="argmax_accuracy", at_least=0.65,
                                       over_baseline=0.1, ci_above_zero=True))
    assert not pooled.met
    assert pooled.misses == ("58.0% < 65.0%", "gain +8.0% < +10.0%", "CI lower end -1.0% <= 0")


def test_all_pairwise_pools_by_pairs_and_unmeasured_targets_are_missed():
    results = _results()
    swap = check(results, TargetSpec(benchmark="all pairwise", metric="swap_consistency", at_least=0.75))
    assert swap.observed.value == pytest.approx((0.9 * 100 + 0.6 * 300) / 400) and not swap.met
    assert swap.observed.baseline == 0.0
    absent = check(results, TargetSpec(benchmark="autoj", metric="argmax_accuracy", at_least=0.6))
    assert absent.misses == ("not measured",) and not absent.met


def test_a_target_needs_a_bar_and_known_fields():
    with pytest.raises(ValidationError, match="give at_least, over_baseline or ci_above_zero"):
        TargetSpec(benchmark="vicuna", metric="pearson")
    with pytest.raises(ValidationError):
        TargetSpec(benchmark="vicuna", metric="pearson", at_lest=0.5)


def test_the_report_shows_a_targets_table():
    results = _results()
    results.update(suite="s", created="now", protocol={"description": "score mode", "mode": "score"},
                   parse_policy="counted wrong", bootstrap={"n_resamples": 10, "seed": 0},
                   models=[], benchmarks={},
                   targets=[{"benchmark": "vicuna", "metric": "pearson", "at_least": 0.5}])
    text = render_markdown(results)
    assert "## Targets" in text and "| merged: vicuna pearson | >= 0.500 | 0.550 | 0.200 |" in text and "| met |" in text
