import json
from dataclasses import replace

import pytest
from helpers import scripted_judge, toy_benchmarks

from judgesmith.bench.models import ModelSpec
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.runner import prepare_tasks, run_bench
from judgesmith.bench.store import VerdictStore
from judgesmith.records import Verdict


def _tasks(limit=None):
    abs_b, pair_b = toy_benchmarks()
    return prepare_tasks([("toy_abs", abs_b, limit), ("toy_pair", pair_b, None)])


def _run(out, mode="score", factory=None, tasks=None, html=False, protocol=None):
    models = [ModelSpec("m1", "scripted-1"), ModelSpec("m2", "scripted-2")]
    return run_bench(models, tasks or _tasks(), out, protocol or Protocol(mode=mode),
                     factory or (lambda m: scripted_judge()), suite_name="toy", n_resamples=50, html=html)


def test_end_to_end_scripted_score_mode(tmp_path):
    results = _run(tmp_path)
    assert {(e["model"], e["benchmark"]) for e in results["results"]} == {
        ("m1", "toy_abs"), ("m1", "toy_pair"), ("m2", "toy_abs"), ("m2", "toy_pair")}
    e = next(x for x in results["results"] if x["benchmark"] == "toy_abs")
    # the scripted judge reads the gold off the response: perfect correlation and exact match
    assert e["metrics"]["pearson"]["value"] == pytest.approx(1.0)
    assert e["metrics"]["exact_match"]["value"] == pytest.approx(1.0)
    assert e["metrics"]["pearson"]["n"] == 16 and e["parse_failures"] == 0
    p = next(x for x in results["results"] if x["benchmark"] == "toy_pair")
    assert p["metrics"]["accuracy"]["value"] == pytest.approx(1.0)
    assert p["metrics"]["accuracy_ties"]["n"] == 6  # the gold tie counts, and is missed
    assert p["metrics"]["accuracy_ties"]["value"] == pytest.approx(5 / 6)
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["protocol"]["mode"] == "score"
    md = (tmp_path / "results.md").read_text()
    assert "Toy absolute" in md and "| m2 |" in md and "parse failures" in md


def test_generate_mode_counts_parse_failures(tmp_path):
    from judgesmith.judge.backends.scripted import ScriptedBackend

    backend = ScriptedBackend(text_fn=lambda p, i: "no verdict here")
    abs_b, _ = toy_benchmarks()
    results = _run(tmp_path, mode="generate", factory=lambda m: backend,
                   tasks=prepare_tasks([("toy_abs", abs_b, 5)]))
    e = results["results"][0]
    assert e["parse_failures"] == 5 and e["n_judged"] == 5
    assert e["metrics"]["exact_match"]["value"] == 0.0 and e["metrics"]["exact_match"]["n"] == 5
    assert e["metrics"]["pearson"]["n"] == 0


def test_prometheus_protocol_uses_mean_of_three_samples(tmp_path):
    from judgesmith.judge.backends.scripted import ScriptedBackend

    backend = ScriptedBackend(text_fn=lambda p, i: f"Feedback: x [RESULT] {[2, 3, 5][i]}")
    abs_b, _ = toy_benchmarks()
    _run(tmp_path, factory=lambda m: backend, tasks=prepare_tasks([("toy_abs", abs_b, 3)]),
         protocol=Protocol("prometheus", mode="generate"))
    v = next(iter(VerdictStore(tmp_path / "verdicts").load("m1", "toy_abs").values()))
    assert len(v.samples) == 3
    assert Protocol("prometheus").absolute_prediction(v) == (pytest.approx(10 / 3), 2)
    with pytest.raises(ValueError, match="generate"):
        Protocol("prometheus", mode="score")


def test_resume_after_interrupt_skips_finished_work(tmp_path):
    calls = {"n": 0}

    class Boom(Exception):
        pass

    def flaky_factory(model):
        backend = scripted_judge()
        original = backend.score

        def score(prompts, **kw):
            calls["n"] += 1
            if calls["n"] == 3:
                raise Boom("simulated crash")
            return original(prompts, **kw)

        backend.score = score
        return backend

    abs_b, pair_b = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, None), ("toy_pair", pair_b, None)])
    with pytest.raises(Boom):
        run_bench([ModelSpec("m1", "x")], tasks, tmp_path, Protocol(mode="score"), flaky_factory,
                  n_resamples=20, html=False)
    store = VerdictStore(tmp_path / "verdicts")
    assert len(store.load("m1", "toy_abs")) == 16  # finished before the crash, kept on disk
    assert len(store.load("m1", "toy_pair")) == 0
    # a torn last line (killed mid-write) must not break the rerun
    with store.path("m1", "toy_abs").open("a") as fh:
        fh.write('{"id": "q0r0", "kind": "abs')
    built = []
    results = run_bench([ModelSpec("m1", "x")], tasks, tmp_path, Protocol(mode="score"),
                        lambda m: built.append(m) or scripted_judge(), n_resamples=20, html=False)
    assert len(store.load("m1", "toy_pair")) == 6
    assert all(e["n_judged"] == e["n_items"] for e in results["results"])
    # everything judged: a third run loads no model at all
    built.clear()
    run_bench([ModelSpec("m1", "x")], tasks, tmp_path, Protocol(mode="score"),
              lambda m: built.append(m) or scripted_judge(), n_resamples=20, html=False)
    assert built == []


def test_rerun_with_other_protocol_is_refused(tmp_path):
    _run(tmp_path)
    with pytest.raises(ValueError, match="mode"):
        _run(tmp_path, mode="generate")


def test_missing_benchmark_file_is_reported_not_fatal(tmp_path):
    from judgesmith.bench.adapters import get_benchmark

    abs_b, _ = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, 2), ("hhh", get_benchmark("hhh"), None)])
    results = _run(tmp_path, tasks=tasks)
    assert results["benchmarks"]["hhh"]["status"] == "skipped"
    assert "path" in results["benchmarks"]["hhh"]["reason"]
    assert "Skipped benchmarks" in (tmp_path / "results.md").read_text()


def test_verdict_store_roundtrip(tmp_path):
    store = VerdictStore(tmp_path)
    v = Verdict(id="x/1", kind="absolute", score=4, probabilities={"4": 1.0}, expected_score=4.0)
    second = Verdict(id="p", kind="pairwise", winner="B", probabilities={"A": 0.3, "B": 0.7}, p_a=0.3, swapped=True)
    pair = Verdict(id="p", kind="pairwise", winner="B", probabilities={"A": 0.35, "B": 0.65}, p_a=0.35,
                   samples=(replace(second, swapped=False, p_a=0.4, probabilities={"A": 0.4, "B": 0.6}), second))
    store.append("model a", "bench", [v, pair])
    assert store.load("model a", "bench") == {"x/1": v, "p": pair}


# a swapped pairwise verdict as stored before `p_a` existed: P(A) in `expected_score`
OLD_PAIR = ('{"id": "p0", "kind": "pairwise", "feedback": null, "score": null, "winner": "tie", "probabilities": '
            '{"A": 0.47, "B": 0.53}, "expected_score": 0.47, "parse_ok": true, "error": null, "raw": null, "samples": '
            '[{"id": "p0", "kind": "pairwise", "feedback": null, "score": null, "winner": "A", "probabilities": '
            '{"A": 0.52, "B": 0.48}, "expected_score": 0.52, "parse_ok": true, "error": null, "raw": null, '
            '"samples": []}, {"id": "p0", "kind": "pairwise", "feedback": null, "score": null, "winner": "B", '
            '"probabilities": {"A": 0.42, "B": 0.58}, "expected_score": 0.42, "parse_ok": true, "error": null, '
            '"raw": null, "samples": []}]}')


def test_verdict_store_reads_files_written_before_p_a(tmp_path):
    store = VerdictStore(tmp_path)
    path = store.path("m", "b")
    path.parent.mkdir(parents=True)
    old_abs = '{"id": "a", "kind": "absolute", "score": 4, "probabilities": {"4": 1.0}, "expected_score": 4.0}'
    path.write_text(OLD_PAIR + "\n" + old_abs + "\n")
    got = store.load("m", "b")
    v = got["p0"]
    assert (v.p_a, v.expected_score) == (0.47, None)
    assert [(s.p_a, s.expected_score, s.winner) for s in v.samples] == [(0.52, None, "A"), (0.42, None, "B")]
    assert (got["a"].expected_score, got["a"].p_a) == (4.0, None)
    assert Verdict.from_dict(v.to_dict()) == v  # rewritten in the new layout, it reads back the same


def test_backend_factory_builds_other_kinds_without_network(monkeypatch):
    from judgesmith.bench.models import backend_factory

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    backend = backend_factory("openai")(ModelSpec("judge", "my-judge"))
    assert type(backend).__name__ == "OpenAIBackend" and backend.model == "my-judge"
    with pytest.raises(ValueError, match="unknown backend 'nosuch'; choose one of hf, openai, vllm, llamacpp"):
        backend_factory("nosuch")


def test_model_spec_parsing():
    assert ModelSpec.parse("base=gemma-3-270m") == ModelSpec("base", "gemma-3-270m")
    assert ModelSpec.parse("runs/merged/") == ModelSpec("merged", "runs/merged/")
    with pytest.raises(ValueError, match="LABEL=NAME"):
        ModelSpec.parse("=x")
