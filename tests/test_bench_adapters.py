"""Every adapter with a bundled file loads it through the real data loaders (counts only, no model)."""

from collections import Counter

import pytest

from judgesmith.bench.adapters import BENCHMARKS, get_benchmark

# rows per file, from shared/data/README.md
EXPECTED = {
    "vicuna": 320, "mt_bench": 320, "autoj_pairwise": 1392, "llmbar_natural": 100, "llmbar_mt_bench": 200,
    "llmbar_faireval": 66, "llmbar_llmeval2": 200, "pandalm": 999, "offsetbias": 80,
}


@pytest.fixture(autouse=True)
def _data(data_dir, monkeypatch):
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_adapter_loads_bundled_file(name):
    bench = get_benchmark(name)
    examples, skipped = bench.examples()
    assert len(examples) + skipped == EXPECTED[name]
    assert len(examples) >= 0.9 * EXPECTED[name]
    assert len({ex.item.id for ex in examples}) == len(examples)
    if bench.kind == "absolute":
        assert all(1.0 <= ex.gold_score <= 5.0 for ex in examples)
    else:
        assert {ex.gold for ex in examples} <= {"A", "B", "tie"}


def test_limit_is_a_seeded_sample():
    a, _ = get_benchmark("vicuna").examples(limit=10, seed=0)
    b, _ = get_benchmark("vicuna").examples(limit=10, seed=0)
    c, _ = get_benchmark("vicuna").examples(limit=10, seed=1)
    assert [x.item.id for x in a] == [x.item.id for x in b] != [x.item.id for x in c]


def test_gold_details_used_by_the_metrics():
    vic, _ = get_benchmark("vicuna").examples()
    assert all(ex.gold_score == pytest.approx(sum(ex.gold_scores) / 3) for ex in vic)
    per_question = Counter(ex.provenance.question_id for ex in vic)
    assert len(per_question) == 80 and set(per_question.values()) == {4}  # consistency needs 4 per question
    autoj, _ = get_benchmark("autoj_pairwise").examples()
    assert Counter(ex.gold for ex in autoj)["tie"] == 373
    assert "tie" in {ex.gold for ex in get_benchmark("pandalm").examples()[0]}


def test_hub_only_benchmarks_ask_for_a_path():
    for name in ("hhh", "feedback_bench", "preference_bench", "generic_absolute", "generic_pairwise"):
        with pytest.raises(FileNotFoundError, match="path"):
            BENCHMARKS[name].examples()


def test_generic_adapter_reads_a_user_file(tmp_path):
    f = tmp_path / "mine.jsonl"
    f.write_text('{"instruction": "q", "response": "r", "score": 4}\n')
    try:
        examples, _ = get_benchmark("generic_absolute").examples(f)
    except ValueError as exc:  # the generic loader's column names differ: show them
        pytest.fail(f"generic loader rejected a minimal file: {exc}")
    assert examples[0].gold_score == 4.0
