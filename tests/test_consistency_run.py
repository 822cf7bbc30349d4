import json

import pytest
from helpers import absolute_examples, pairwise_examples, scripted_judge, toy_benchmarks

from judgesmith.bench.consistency import questions_from_absolute, questions_from_pairwise, run_consistency
from judgesmith.bench.models import ModelSpec
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.suite import SuiteEntry


def test_question_grouping():
    qs = questions_from_absolute(absolute_examples(n_questions=3, per_question=4))
    assert len(qs) == 3 and all(len(q.responses) == 4 and len(q.pairs) == 6 for q in qs)
    pq = questions_from_pairwise(pairwise_examples(4))
    assert len(pq) == 4 and all(len(q.responses) == 2 and len(q.pairs) == 1 for q in pq)


def _entries(monkeypatch):
    abs_b, pair_b = toy_benchmarks()
    lookup = {"toy_abs": abs_b, "toy_pair": pair_b}
    monkeypatch.setattr("judgesmith.bench.adapters.get_benchmark", lambda name: lookup[name])
    return [SuiteEntry(benchmark="toy_abs", limit=3), SuiteEntry(benchmark="toy_pair")]


def test_consistency_end_to_end_scripted(tmp_path, monkeypatch):
    built = []
    res = run_consistency([ModelSpec("m", "x")], _entries(monkeypatch), tmp_path, Protocol(mode="score"),
                          lambda m: built.append(m) or scripted_judge(), n_resamples=30, html=False)
    by_set = {e["set"]: e for e in res["results"]}
    toy = by_set["toy_abs"]
    assert toy["n_questions"] == 3 and toy["n_pairs"] == 18
    # A judge that reads quality off the text is consistent except for equal-quality pairs
    # (none here: per question the 4 qualities differ), so no conflicts and no cycles.
    assert toy["cr"]["discrete/discrete"]["value"] == pytest.approx(0.0)
    assert toy["cr"]["discrete/discrete"]["n"] == 18
    assert toy["ntr"]["discrete"]["3"]["n"] == 12 and toy["ntr"]["discrete"]["3"]["value"] == 0.0
    assert toy["ntr"]["discrete"]["4"]["n"] == 3
    assert toy["ntr"]["discrete"]["5"]["n"] == 0 and toy["ntr"]["discrete"]["5"]["value"] is None
    assert toy["agreement"]["consistent"] == pytest.approx(1.0)
    assert by_set["toy_pair"]["ntr"]["likelihood"]["3"]["n"] == 0
    assert any("perplexity" in n for n in res["notes"])
    saved = json.loads((tmp_path / "consistency.json").read_text())
    assert saved["results"][0]["model"] == "m"
    assert "Consistency (TrustJudge)" in (tmp_path / "results.md").read_text()
    # rerun: everything judged, no model load
    built.clear()
    run_consistency([ModelSpec("m", "x")], _entries(monkeypatch), tmp_path, Protocol(mode="score"),
                    lambda m: built.append(m) or scripted_judge(), n_resamples=30, html=False)
    assert built == []


def test_position_biased_judge_shows_conflicts(tmp_path, monkeypatch):
    from judgesmith.judge.backends.scripted import ScriptedBackend
    from helpers import qualities

    def probs(prompt):
        if "###Response A:" in prompt.user:
            return {"A": 0.9, "B": 0.1}  # always the first position
        q = qualities(prompt.user)[0]
        return {str(k): (0.8 if k == q else 0.05) for k in range(1, 6)}

    res = run_consistency([ModelSpec("m", "x")], _entries(monkeypatch)[:1], tmp_path, Protocol(mode="score"),
                          lambda m: ScriptedBackend(probs_fn=probs), n_resamples=30, html=False)
    toy = res["results"][0]
    # both orders disagree -> C = 0 for every pair, while the scores always differ: all pairs conflict
    assert toy["cr"]["discrete/discrete"]["value"] == pytest.approx(1.0)
    # likelihood aggregation cancels the position bias exactly -> ties as well
    assert toy["cr"]["distribution/likelihood"]["value"] == pytest.approx(1.0)
    # all pairs tied: every triple is a tie triple, none is a violation
    assert toy["ntr"]["discrete"]["3"]["value"] == 0.0


def test_rerun_with_other_settings_is_refused_not_mixed(tmp_path, monkeypatch):
    """run.json guards consistency as it guards bench (they may share an --out and its verdicts)."""
    entries = _entries(monkeypatch)[:1]
    built = []

    def run(mode="score", models=(ModelSpec("m", "x"),), max_new_tokens=256):
        return run_consistency(list(models), entries, tmp_path, Protocol(mode=mode, max_new_tokens=max_new_tokens),
                               lambda m: built.append(m) or scripted_judge(), n_resamples=10, html=False)

    first = run()
    stored = (tmp_path / "verdicts" / "m" / "consistency-toy_abs-pairwise.jsonl").read_text()
    with pytest.raises(ValueError, match="mode='score', not 'generate'"):
        run(mode="generate")
    with pytest.raises(ValueError, match="max_new_tokens"):
        run(max_new_tokens=64)
    with pytest.raises(ValueError, match="label 'm' was model 'x'"):
        run(models=[ModelSpec("m", "y")])
    assert (tmp_path / "verdicts" / "m" / "consistency-toy_abs-pairwise.jsonl").read_text() == stored
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert (manifest["mode"], manifest["models"]) == ("score", {"m": "x"})
    # the same settings resume; a new label is added to the manifest
    built.clear()
    again = run(models=[ModelSpec("m", "x"), ModelSpec("n", "z")])
    assert [m.label for m in built] == ["n"] and again["results"][0] == first["results"][0]
    assert json.loads((tmp_path / "run.json").read_text())["models"] == {"m": "x", "n": "z"}
    # bench shares the manifest: another mode into the same --out is refused there too
    from judgesmith.bench.runner import prepare_tasks, run_bench

    abs_b, _ = toy_benchmarks()
    with pytest.raises(ValueError, match="mode"):
        run_bench([ModelSpec("m", "x")], prepare_tasks([("toy_abs", abs_b, 2)]), tmp_path,
                  Protocol(mode="generate"), lambda m: scripted_judge(), n_resamples=10, html=False)
