"""The verdict cache (bench/cache.py): the same weights on the same prompt are judged once across runs."""

import json
from dataclasses import replace

import pytest
from helpers import scripted_judge, toy_benchmarks

from judgesmith.bench.cache import VerdictCache
from judgesmith.bench.models import ModelSpec
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.runner import prepare_tasks, run_bench
from judgesmith.bench.store import VerdictStore


def _model_folder(path, weights=b"weights-1"):
    path.mkdir(parents=True, exist_ok=True)
    (path / "model.safetensors").write_bytes(weights)
    (path / "config.json").write_text("{}")
    return path


class Counting:
    """A factory of scripted judges that counts loads and judged prompts."""

    def __init__(self):
        self.loads, self.prompts = 0, 0

    def __call__(self, spec):
        self.loads += 1
        backend = scripted_judge()
        original = backend.score

        def score(prompts, **kw):
            self.prompts += len(prompts)
            return original(prompts, **kw)

        backend.score = score
        return backend


def _bench(out, model_dir, cache_root, tasks=None, protocol=None, factory=None):
    factory = factory or Counting()
    abs_b, pair_b = toy_benchmarks()
    tasks = tasks or prepare_tasks([("toy_abs", abs_b, None), ("toy_pair", pair_b, None)])
    protocol = protocol or Protocol(mode="score")
    cache = VerdictCache(cache_root, "scripted")
    results = run_bench([ModelSpec("m", str(model_dir))], tasks, out, protocol, factory, suite_name="toy",
                        n_resamples=20, html=False, cache=cache)
    return factory, results


def _metrics(results):
    return {e["benchmark"]: e["metrics"] for e in results["results"]}


def test_a_second_run_elsewhere_reuses_every_verdict_without_loading_the_model(tmp_path):
    model = _model_folder(tmp_path / "merge")
    first, r1 = _bench(tmp_path / "run1", model, tmp_path / "cache")
    assert first.loads == 1 and first.prompts > 0
    copy = _model_folder(tmp_path / "renamed-copy")  # same files, another path: same fingerprint
    second, r2 = _bench(tmp_path / "run2", copy, tmp_path / "cache")
    assert second.loads == 0 and second.prompts == 0
    assert _metrics(r2) == _metrics(r1)
    stored = VerdictStore(tmp_path / "run2" / "verdicts").load("m", "toy_abs")
    assert set(stored) == set(VerdictStore(tmp_path / "run1" / "verdicts").load("m", "toy_abs"))


def test_retrained_weights_miss_the_cache(tmp_path):
    first, _ = _bench(tmp_path / "run1", _model_folder(tmp_path / "a"), tmp_path / "cache")
    second, _ = _bench(tmp_path / "run2", _model_folder(tmp_path / "b", weights=b"weights-2"), tmp_path / "cache")
    assert second.loads == 1 and second.prompts == first.prompts > 0


def test_a_changed_prompt_or_setting_is_judged_again(tmp_path):
    model = _model_folder(tmp_path / "m")
    abs_b, _ = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, None)])
    first, _ = _bench(tmp_path / "run1", model, tmp_path / "cache", tasks=tasks)
    n = len(tasks[0].examples)
    assert first.prompts == n
    # one item's response edited: only that item is judged again
    ex = tasks[0].examples[0]
    edited = replace(ex, item=replace(ex.item, response=ex.item.response + " (edited)"))
    tasks2 = [replace(tasks[0], examples=[edited, *tasks[0].examples[1:]])]
    second, _ = _bench(tmp_path / "run2", model, tmp_path / "cache", tasks=tasks2)
    assert second.loads == 1 and second.prompts == 1
    # another prompt language (a different system prompt and scaffold): every item again
    third, _ = _bench(tmp_path / "run3", model, tmp_path / "cache",
                      tasks=[replace(tasks[0], prompt_language="ja")])
    assert third.prompts == n
    # another batch size is another setting
    fourth, _ = _bench(tmp_path / "run4", model, tmp_path / "cache", tasks=tasks,
                       protocol=Protocol(mode="score", batch_size=3))
    assert fourth.prompts == n


def test_names_without_local_weights_are_never_cached(tmp_path):
    factory = Counting()
    abs_b, _ = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, 4)])
    cache = VerdictCache(tmp_path / "cache", "scripted")
    for out in ("run1", "run2"):
        run_bench([ModelSpec("m", "org/not-local")], tasks, tmp_path / out, Protocol(mode="score"), factory,
                  suite_name="toy", n_resamples=20, html=False, cache=cache)
    assert factory.prompts == 8 and not (tmp_path / "cache").exists()


def test_failed_verdicts_are_not_cached_and_a_torn_line_is_ignored(tmp_path):
    from judgesmith.judge.backends.scripted import ScriptedBackend

    model = _model_folder(tmp_path / "m")
    abs_b, _ = toy_benchmarks()
    tasks = prepare_tasks([("toy_abs", abs_b, 4)])
    calls = {"n": 0}

    def broken(spec):
        calls["n"] += 1
        return ScriptedBackend(text_fn=lambda p, i: "no verdict here")

    _bench(tmp_path / "run1", model, tmp_path / "cache", tasks=tasks, protocol=Protocol(mode="generate"),
           factory=broken)
    assert not list((tmp_path / "cache").glob("*.jsonl"))  # four parse failures: nothing kept
    _bench(tmp_path / "run2", model, tmp_path / "cache", tasks=tasks)
    (path,) = (tmp_path / "cache").glob("*.jsonl")
    with path.open("a") as fh:
        fh.write('{"key": "abc", "verdict": {"id"')  # killed mid-write
    third, _ = _bench(tmp_path / "run3", model, tmp_path / "cache", tasks=tasks)
    assert third.loads == 0
    keys = [json.loads(line)["key"] for line in path.read_text().splitlines()[:-1] if line.strip()]
    assert len(keys) == len(set(keys)) == 4


@pytest.mark.parametrize("flag", [False, True])
def test_the_bench_command_uses_the_cache_unless_told_not_to(tmp_path, monkeypatch, flag):
    from types import SimpleNamespace

    import judgesmith.bench.runner as runner
    from judgesmith.cli import bench_cmd
    from judgesmith.cli import main

    seen = {}

    def fake_run_bench(models, tasks, out, protocol, factory, **kw):
        seen.update(kw)
        (tmp_path / "results.md").write_text("report")
        return {"protocol": {"mode": "score"}, "throughput": []}

    monkeypatch.setattr(runner, "run_bench", fake_run_bench)
    monkeypatch.setattr(bench_cmd, "setup", lambda args: ([ModelSpec("m", "x")],
                                                          SimpleNamespace(benchmarks=[], seed=0, name="toy"),
                                                          Protocol(mode="score"), None))
    monkeypatch.setenv("JUDGESMITH_VERDICT_CACHE", str(tmp_path / "elsewhere"))
    argv = ["bench", "--model", "m=x", "--out", str(tmp_path)] + (["--no-verdict-cache"] if flag else [])
    assert main(argv) == 0
    if flag:
        assert seen["cache"] is None
    else:
        assert seen["cache"].root == tmp_path / "elsewhere"
