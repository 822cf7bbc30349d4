"""Length bias: the statistic against scipy, and the report's reference judge on a bench whose
better answer is sometimes the shorter one (so length and content judges come apart)."""

import math
import re

import numpy as np
import pytest
from helpers import RUBRIC, scripted_judge
from scipy.stats import spearmanr

from judgesmith.bench.benchmark import Benchmark
from judgesmith.bench.models import ModelSpec
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.runner import prepare_tasks, run_bench
from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.metrics.length import length_preference, longer_wins, word_count
from judgesmith.records import PairwiseItem


def test_length_preference_is_spearman_over_pairs_with_a_margin():
    rng = np.random.default_rng(3)
    margins, diffs = rng.normal(size=40), rng.integers(-50, 50, size=40)
    assert length_preference(list(margins), list(diffs)) == pytest.approx(spearmanr(margins, diffs)[0])
    with_gaps = [None if i % 4 == 0 else float(m) for i, m in enumerate(margins)]
    kept = [i for i in range(40) if i % 4]
    assert length_preference(with_gaps, list(diffs)) == pytest.approx(spearmanr(margins[kept], diffs[kept])[0])


def test_length_preference_undefined_without_a_ranking():
    assert math.isnan(length_preference([0.1, 0.2], [1, 2]))           # fewer than 3 pairs
    assert math.isnan(length_preference([0.5, 0.5, 0.5], [1, 2, 3]))   # constant margins
    assert math.isnan(length_preference([0.1, 0.2, 0.3], [4, 4, 4]))   # equal length differences
    assert length_preference([0.1, 0.2, 0.3], [-5, 0, 9]) == pytest.approx(1.0)


def test_longer_wins_and_word_count():
    assert word_count("  two\twords\n") == 2
    assert longer_wins(5, 3) == "A" and longer_wins(2, 9) == "B" and longer_wins(4, 4) is None


QUALITY = re.compile(r"quality (\d)")


def _pairs() -> list[PairwiseExample]:
    """Ten pairs; the better answer is the longer one in 6, the shorter one in 4."""
    out = []
    for k in range(10):
        better_longer = k < 6
        good, bad = "answer of quality 5" + " detail" * (30 if better_longer else 2), \
            "answer of quality 2" + " detail" * (2 if better_longer else 30)
        a, b, gold = (good, bad, "A") if k % 2 else (bad, good, "B")
        out.append(PairwiseExample(PairwiseItem(f"p{k}", f"question {k}", a, b, RUBRIC), gold,
                                   Provenance("toy", "toy.json", k, f"q{k}")))
    return out


def _length_judge() -> ScriptedBackend:
    """Prefers the response with more words, whatever it says."""
    def probs(prompt):
        a, b = prompt.user.split("###Response A:")[1].split("###Response B:")
        b = b.split("###Score Rubric")[0]
        return {"A": 0.9, "B": 0.1} if len(a.split()) > len(b.split()) else {"A": 0.1, "B": 0.9}
    return ScriptedBackend(text_fn=lambda p, i: "[RESULT] A", probs_fn=probs)


def test_report_puts_the_longer_wins_judge_beside_each_model(tmp_path):
    bench = Benchmark("toy_len", "Toy length", "pairwise", "toy", gold="quality",
                      loader=lambda path, **o: LoadResult("toy", pairwise=_pairs()))
    tasks = prepare_tasks([("toy_len", bench, None)])
    backends = {"content": scripted_judge, "length": _length_judge}
    results = run_bench([ModelSpec("content", "c"), ModelSpec("length", "l")], tasks, tmp_path,
                        Protocol(mode="score"), lambda m: backends[m.label](), n_resamples=50, html=False)
    reference = results["benchmarks"]["toy_len"]["longer_wins"]
    assert reference["value"] == pytest.approx(0.6) and reference["n"] == 10
    metrics = {e["model"]: e["metrics"] for e in results["results"]}
    # the length judge is the reference judge: same accuracy, ranks pairs by length
    assert metrics["length"]["argmax_accuracy"]["value"] == pytest.approx(reference["value"])
    assert metrics["length"]["length_preference"]["value"] > 0.8
    # the content judge is right everywhere and is pulled away from length by the 4 shorter-better pairs
    assert metrics["content"]["argmax_accuracy"]["value"] == pytest.approx(1.0)
    assert metrics["content"]["length_preference"]["value"] < metrics["length"]["length_preference"]["value"]
    text = (tmp_path / "results.md").read_text()
    section = text.split("## Length bias")[1].split("## ")[0]
    assert "| longer response wins (no model) | 60.0%" in section
    assert re.search(r"\| length \| 60\.0% .*\| 1\.000 ", section)
