"""Binary (grounded) benchmarks through the runner: AUROC, cross-fitted balanced accuracy, paired rows, report."""

import re

import pytest

from judgesmith.bench.benchmark import Benchmark, balanced_sample
from judgesmith.bench.models import ModelSpec
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.runner import prepare_tasks, run_bench
from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.metrics.binary import auroc, balanced_accuracy
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import preset

FAITH = preset("faithfulness")


def claims(n=60):
    """Claims whose response names a 'signal' 1-5; supported ones mostly carry a high signal."""
    out = []
    for k in range(n):
        gold = 5.0 if k % 3 == 0 else 1.0  # a third supported: unbalanced, like SummEdits
        signal = (4 if gold == 5.0 else 2) + (1 if k % 7 == 0 else 0) - (2 if k % 11 == 0 else 0)
        item = AbsoluteItem(f"c{k}", "Summarize.", f"claim with signal {max(1, min(5, signal))}", FAITH,
                            context=f"document {k // 4}")
        out.append(AbsoluteExample(item, gold, Provenance("toy", "toy.json", k, f"d{k // 4}")))
    return out


def judge(sharp: bool):
    def probs(prompt):
        s = int(re.search(r"signal (\d)", prompt.user).group(1)) if sharp else 3
        return {str(v): (0.9 if v == s else 0.025) for v in range(1, 6)}
    return ScriptedBackend(probs_fn=probs)


def run(tmp_path):
    bench = Benchmark("toy_grounded", "Toy grounded", "absolute", "toy", gold="supported 5 / not 1", binary=True,
                      loader=lambda path, **o: LoadResult("toy", absolute=claims()))
    models = [ModelSpec("base", "flat"), ModelSpec("merged", "sharp")]
    factory = lambda m: judge(m.label == "merged")  # noqa: E731
    return run_bench(models, prepare_tasks([("toy_grounded", bench, None)]), tmp_path, Protocol(mode="score"),
                     factory, suite_name="toy", n_resamples=200, html=False)


def test_binary_benchmark_reports_auroc_and_cross_fitted_balanced_accuracy(tmp_path):
    results = run(tmp_path)
    entry = {e["model"]: e for e in results["results"]}
    sharp, flat = entry["merged"], entry["base"]
    gold = [ex.gold_score >= 4 for ex in claims()]
    expected = [0.9 * s + 0.025 * (15 - s) for s in (int(ex.item.response.split()[-1]) for ex in claims())]
    assert sharp["metrics"]["auroc"]["value"] == pytest.approx(auroc(expected, gold))
    assert flat["metrics"]["auroc"]["value"] == pytest.approx(0.5)  # one score for every item
    assert flat["metrics"]["balanced_accuracy"]["value"] == pytest.approx(0.5)
    assert sharp["metrics"]["balanced_accuracy"]["value"] > 0.8
    assert sharp["gold_classes"] == {"supported": 20, "not_supported": 40}
    threshold = sharp["threshold"]
    assert threshold["n_dev"] + threshold["n_test"] == 60 and 1 < threshold["chosen"] < 5
    rows = {r["metric"]: r for r in results["paired"]["rows"]}
    assert set(rows) == {"auroc", "balanced_accuracy"}
    assert rows["auroc"]["difference"]["value"] == pytest.approx(sharp["metrics"]["auroc"]["value"] - 0.5)
    assert rows["auroc"]["difference"]["low"] > 0
    md = (tmp_path / "results.md").read_text()
    assert "AUROC" in md and "bal. acc. (cross-fit threshold)" in md and "Thresholds chosen on the dev half" in md


def test_balanced_sample_takes_half_of_each_class_and_refuses_too_few():
    pool = claims(60)
    got = balanced_sample("toy", pool, 20, seed=1)
    assert sum(ex.gold_score >= 4 for ex in got) == 10 and len(got) == 20
    assert [ex.item.id for ex in got] == [ex.item.id for ex in pool if ex in got]  # file order kept
    assert len(balanced_sample("toy", pool, None)) == 40  # 20 of each: the smaller class
    with pytest.raises(ValueError, match="needs 25 items of each class"):
        balanced_sample("toy", pool, 50)


def test_suite_entries_take_balanced_and_loader_options(tmp_path):
    from judgesmith.bench.suite import load_suite

    suite = tmp_path / "s.yaml"
    suite.write_text("benchmarks:\n  - benchmark: wice_test\n    limit: 10\n    balanced: true\n"
                     "    options: {max_context_words: 300}\n")
    entry = load_suite(suite).benchmarks[0]
    assert entry.balanced and entry.options == {"max_context_words": 300}
    assert balanced_accuracy([True, False], [True, False]) == 1.0


def test_per_language_section_compares_models_and_says_where_a_language_trails_english(tmp_path):
    from dataclasses import replace

    def lang_claims(lang):
        return [replace(ex, item=replace(ex.item, id=f"{lang}-{ex.item.id}", language=lang)) for ex in claims()]

    benches = [Benchmark(f"toy_{lang}", f"Toy {lang}", "absolute", "toy", binary=True,
                         loader=lambda path, lang=lang, **o: LoadResult("toy", absolute=lang_claims(lang)))
               for lang in ("en", "de")]

    def sharp_on_english(prompt):  # the trained judge reads the signal only in English items
        s = int(re.search(r"signal (\d)", prompt.user).group(1))
        return {str(v): (0.9 if v == s else 0.025) for v in range(1, 6)}

    factory = lambda m: judge(False) if m.label == "base" else ScriptedBackend(probs_fn=sharp_on_english)  # noqa: E731
    tasks = prepare_tasks([(b.name, b, None) for b in benches])
    results = run_bench([ModelSpec("base", "flat"), ModelSpec("merged", "sharp")], tasks, tmp_path,
                        Protocol(mode="score"), factory, suite_name="toy", n_resamples=100, html=False)
    assert results["benchmarks"]["toy_de"]["languages"] == {"de": 60}
    md = (tmp_path / "results.md").read_text()
    section = md.split("## Per language", 1)[1]
    assert "| en | toy_en | balanced accuracy" in section and "| de | toy_de | AUROC" in section
    assert "merged - base" in section
    assert "`merged` is worse" not in section  # the toy judge reads the signal in German prompts too

    results_json = tmp_path / "results.json"
    import json
    data = json.loads(results_json.read_text())
    for e in data["results"]:  # pretend German is worse: the note must say so, with the interval reading
        if e["model"] == "merged" and e["benchmark"] == "toy_de":
            e["metrics"]["auroc"] = {"value": 0.55, "low": 0.45, "high": 0.6, "n": 60}
    from judgesmith.bench.report_languages import language_section
    text = " ".join(b.text for b in language_section(data).blocks if hasattr(b, "text"))
    assert "`merged` is worse in de than in English on toy (AUROC)" in text and "intervals disjoint" in text
