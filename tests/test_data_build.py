"""Pairs from absolute, split by question, decontamination, recipe validation, `data build`/`data stats` CLI."""

import json
from collections import Counter

import pytest

from judgesmith.data.decontam import decontaminate
from judgesmith.data.pairs import PairConfig, pairs_from_absolute
from judgesmith.data.schema import AbsoluteExample, PairwiseExample, Provenance
from judgesmith.data.split import split_by_question
from judgesmith.parsing import parse_pairwise
from judgesmith.prompts import ABS_SYSTEM_PROMPT, REL_SYSTEM_PROMPT
from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric

RUBRIC = Rubric("Is it right?", "1", "2", "3", "4", "5")


def _abs(qid, i, scores, instruction=None, source="src"):
    item = AbsoluteItem(f"{qid}-{i}", instruction or f"Question {qid}?", f"answer {i} to {qid}", RUBRIC)
    return AbsoluteExample(item, sum(scores) / len(scores), Provenance(source, "f.json", i, qid),
                           gold_scores=tuple(scores), gold_feedbacks=tuple(f"fb {qid}-{i} s{s}" for s in scores))


def _pair(qid, i, instruction):
    item = PairwiseItem(f"p{qid}-{i}", instruction, "a", "b", RUBRIC)
    return PairwiseExample(item, "A", Provenance("other", "g.json", i, qid))


def test_pairs_winners_margin_and_balance():
    grades = [[5, 5, 4], [2, 2, 2], [3, 3, 3], [3, 3, 4], [1, 1, 1]]
    examples = [_abs(f"q{q}", i, g) for q in range(6) for i, g in enumerate(grades)]
    by_id = {e.item.id: e for e in examples}
    pairs, skipped = pairs_from_absolute(examples, PairConfig(margin=1.0, seed=3))
    means = [sum(g) / 3 for g in grades]
    expected = sum(1 for i in range(5) for j in range(i + 1, 5) if abs(means[i] - means[j]) >= 1)
    assert skipped == [] and len(pairs) == 6 * expected
    assert Counter(p.gold for p in pairs) == {"A": 3 * expected, "B": 3 * expected}
    for p in pairs:
        a, b = (by_id[i] for i in p.item.id.split("~"))
        assert p.item.response_a == a.item.response and p.item.response_b == b.item.response
        assert a.provenance.question_id == b.provenance.question_id
        assert abs(a.gold_score - b.gold_score) >= 1
        assert (p.gold == "A") == (a.gold_score > b.gold_score)
        assert p.gold_feedback.endswith(f"Response {p.gold} is better.")
    again, _ = pairs_from_absolute(examples, PairConfig(margin=1.0, seed=3))
    assert [p.gold for p in again] == [p.gold for p in pairs]


def test_pairs_never_from_equal_scores_and_mismatched_instructions():
    examples = [_abs("q", 0, [3, 3, 3]), _abs("q", 1, [3, 3, 3]), _abs("q", 2, [3, 3, 4])]
    pairs, _ = pairs_from_absolute(examples, PairConfig(margin=0.1))
    assert sorted(sorted(p.item.id.split("~")) for p in pairs) == [["q-0", "q-2"], ["q-1", "q-2"]]
    dialogue = "Here is a dialogue.\nUser: Hi?\n\nAssistant:{}\n\nUser: More?\n\nAssistant: "
    mixed = [_abs("m", 0, [5, 5, 5], dialogue.format("Hello.")), _abs("m", 1, [1, 1, 1], dialogue.format("Hey."))]
    pairs, skipped = pairs_from_absolute(mixed, PairConfig(mismatched="skip"))
    assert pairs == [] and "different instruction" in skipped[0].reason
    (pair,), _ = pairs_from_absolute(mixed, PairConfig(mismatched="transcript"))
    assert pair.item.instruction == "Here is a dialogue.\nUser: Hi?"
    winner = pair.item.response_a if pair.gold == "A" else pair.item.response_b
    assert winner == "Assistant:Hello.\n\nUser: More?\n\nAssistant: answer 0 to m"


def test_split_never_shares_a_question():
    examples = [_abs(f"q{q}", i, [3, 3, 3]) for q in range(40) for i in range(4)]
    examples.append(_pair("other-id", 0, "Question q7?"))  # same question text under another source's id
    train, evals = split_by_question(examples, 0.25, seed=1)
    assert len(train) + len(evals) == len(examples)
    assert {e.provenance.question_id for e in train}.isdisjoint({e.provenance.question_id for e in evals})
    q7_side = {id(e) for e in train}
    assert (id(examples[-1]) in q7_side) == all(id(e) in q7_side for e in examples if e.provenance.question_id == "q7")
    assert 8 <= len({e.provenance.question_id for e in evals}) <= 11
    assert split_by_question(examples, 0.25, seed=1) == (train, evals)
    assert split_by_question(examples, 0.25, seed=2) != (train, evals)


def test_decontamination_catches_planted_overlaps():
    long_q = "Write a detailed essay on the history of the printing press and its effect on european literacy rates"
    train = [_abs("t1", 0, [4, 4, 4], "Explain: " + long_q + " in the sixteenth century."),
             _abs("t1", 1, [2, 2, 2], "Explain: " + long_q + " in the sixteenth century."),
             _abs("t2", 0, [4, 4, 4], "How can I improve my time management skills?"),
             _abs("t3", 0, [4, 4, 4], "A completely unrelated question about gardening tomatoes in pots.")]
    bench = {"b1": [_pair("b-1", 0, long_q)], "b2": [_pair("b-2", 0, "how can I improve my time management skills")],
             "b3": [_pair("b-3", 0, "Something else entirely.")]}
    kept, report = decontaminate(train, bench, drop={"b1"}, n=13)
    assert [e.item.id for e in kept] == ["t2-0", "t3-0"]
    assert sorted(report.dropped_ids) == ["t1-0", "t1-1"]
    hits = {(o.train_id, o.benchmark): o for o in report.overlaps}
    assert set(hits) == {("t1-0", "b1"), ("t1-1", "b1"), ("t2-0", "b2")}
    assert hits[("t1-0", "b1")].shared_ngrams >= 1 and hits[("t2-0", "b2")].shared_keys
    assert not hits[("t2-0", "b2")].dropped and report.bench_items == {"b2": ["pb-2-0"]}


def test_mt_bench_question_in_other_files_shares_keys(data_dir):
    from judgesmith.data.questions import canonical_ids

    root = str(data_dir)
    assert canonical_ids("Compose an engaging travel blog post about a recent trip to Hawaii, highlighting "
                         "cultural experiences and must-see attractions.", root) == {"mt_bench:81", "vicuna:77"}
    assert canonical_ids("Tell me a joke about cats please now", root) == set()


def _recipe(tmp_path, data_dir, extra=""):
    own = tmp_path / "own.jsonl"
    rows = [{"instruction": "How can I improve my time management skills?", "response": "Plan.", "score": 4,
             "feedback": "Fine."},
            {"instruction": "Name three primary colors used in painting.", "response": "Red, yellow, blue.",
             "score": 5, "feedback": "Correct."}]
    own.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    text = f"""
seed: 1
data_dir: {data_dir}
sources:
  - name: mt_bench
    limit: 60
    pairs_from_absolute: true
  - name: own
    loader: generic
    path: own.jsonl
pairs: {{margin: 1.0, mismatched: transcript}}
split: {{eval_fraction: 0.2}}
decontamination:
  drop: [vicuna, llmbar_natural]
  check: drop_only
{extra}"""
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    return path


def test_data_build_cli_round_trip(tmp_path, data_dir, capsys):
    from judgesmith.cli import main

    out = tmp_path / "out"
    assert main(["data", "build", "--recipe", str(_recipe(tmp_path, data_dir)), "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["name"] for s in manifest["sources"]] == ["mt_bench", "own"]
    assert all(len(s["sha256"]) == 64 for s in manifest["sources"])
    assert "own-0" in manifest["decontamination"]["dropped_ids"]  # a Vicuna question
    records = {split: [json.loads(line) for kind in ("absolute", "pairwise")
                       for line in (out / kind / f"{split}.jsonl").read_text().splitlines()]
               for split in ("train", "eval")}
    assert records["train"] and records["eval"]
    assert {r["question_id"] for r in records["train"]}.isdisjoint({r["question_id"] for r in records["eval"]})
    for rec in records["train"] + records["eval"]:
        system = ABS_SYSTEM_PROMPT if rec["kind"] == "absolute" else REL_SYSTEM_PROMPT
        assert [m["role"] for m in rec["prompt"]] == ["system", "user"] and rec["prompt"][0]["content"] == system
        assert rec["completion"][0]["content"].rsplit("[RESULT] ", 1)[1] in ("1", "2", "3", "4", "5", "A", "B")
    pw = [r for r in records["train"] if r["kind"] == "pairwise"]
    assert pw and all(parse_pairwise(r["completion"][0]["content"]).ok for r in pw)
    assert sum(s[k] for s in manifest["splits"].values() for k in ("absolute", "pairwise")) == \
        len(records["train"]) + len(records["eval"])
    assert "mt_bench" in capsys.readouterr().out
    assert main(["data", "stats", str(out / "absolute" / "train.jsonl")]) == 0
    assert "p50" in capsys.readouterr().out


def test_recipe_typo_is_a_clear_error(tmp_path, data_dir, caplog):
    from judgesmith.cli import main
    from judgesmith.data.recipe import load_recipe

    path = _recipe(tmp_path, data_dir, extra="sead: 3\n")
    with pytest.raises(ValueError, match="sead"):
        load_recipe(path)
    assert main(["data", "build", "--recipe", str(path), "--out", str(tmp_path / "o")]) == 2
    path.write_text(path.read_text().replace("sead: 3\n", "").replace("loader: generic", "loader: genric"))
    with pytest.raises(ValueError, match="unknown source"):
        load_recipe(path)


def test_default_recipe_is_valid():
    from pathlib import Path

    from judgesmith.data.recipe import load_recipe

    recipe = load_recipe(Path(__file__).resolve().parents[1] / "recipes" / "data-cpu.yaml")
    assert [s.name for s in recipe.sources if s.enabled] == ["mt_bench", "autoj_critiques", "arena_bench",
                                                             "alpaca_eval", "reward_bench", "hh_rlhf"]
    # every benchmark of the main-cpu suite is decontaminated against, and pairs train in both orders
    assert {"vicuna", "autoj_pairwise", "llmbar_natural", "pandalm"} <= set(recipe.decontamination.drop)
    assert recipe.pairs.swap_augment


def test_split_is_stratified_by_source():
    examples = [_abs(f"a{q}", 0, [3, 3, 3], source="big") for q in range(100)]
    examples += [_abs(f"b{q}", 0, [3, 3, 3], source="small") for q in range(10)]
    _, evals = split_by_question(examples, 0.2, seed=0)
    assert Counter(e.provenance.source for e in evals) == {"big": 20, "small": 2}


def test_stats_with_tokenizer(tmp_path, tiny_model_dir):
    from transformers import AutoTokenizer

    from judgesmith.data.stats import file_stats

    rec = {"id": "x", "kind": "absolute", "source": "s", "question_id": "q",
           "prompt": [{"role": "system", "content": "Judge it."}, {"role": "user", "content": "one two three four"}],
           "completion": [{"role": "assistant", "content": "Feedback: fine. [RESULT] 4"}]}
    path = tmp_path / "sft.jsonl"
    path.write_text(json.dumps(rec) + "\n" + json.dumps(dict(rec, id="y")) + "\n")
    words = file_stats(path)
    assert words["labels"] == {"absolute:4": 2} and words["lengths"]["prompt"]["50"] == 6
    tok = AutoTokenizer.from_pretrained(str(tiny_model_dir))
    expected = len(tok("Feedback: fine. [RESULT] 4", add_special_tokens=False)["input_ids"])
    assert file_stats(path, tokenizer=str(tiny_model_dir))["lengths"]["completion"]["50"] == expected


def test_the_matched_benchmark_item_does_not_depend_on_string_hashing():
    """The manifest names one benchmark item per overlap; it must not change with PYTHONHASHSEED."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from judgesmith.data.decontam import BenchIndex, ngrams, question_keys\n"
        "from judgesmith.data.schema import AbsoluteExample, Provenance\n"
        "from judgesmith.records import AbsoluteItem, Rubric\n"
        "r = Rubric('c')\n"
        "texts = {f'b{i}': ' '.join(f'w{i}x{j}' for j in range(10)) for i in range(8)}\n"
        "exs = [AbsoluteExample(AbsoluteItem(id=k, instruction=t, response='r', rubric=r), 3.0, "
        "Provenance('bench', 'f', 0, k)) for k, t in texts.items()]\n"
        "idx = BenchIndex('bench', exs, 5)\n"
        "train = ' and '.join(' '.join(texts[k].split()[:6]) for k in ('b2', 'b5', 'b7'))\n"
        "print(idx.match(set(), ngrams(train, 5))[2])\n"
    )
    src = Path(__file__).resolve().parents[1] / "src"
    ids = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": str(seed)}).stdout.strip()
           for seed in range(6)}
    assert ids == {"b2"}, ids  # three items share 2 n-grams each: the smallest id


def test_a_benchmark_cannot_be_a_training_source_by_name(tmp_path):
    from judgesmith.data.recipe import load_recipe

    path = tmp_path / "r.yaml"
    path.write_text("sources:\n  - name: mt_bench\n  - name: vicuna\n")
    with pytest.raises(ValueError, match="'vicuna' is a benchmark"):
        load_recipe(path)
    path.write_text("sources:\n  - name: mt_bench\n")  # a training dataset is fine
    assert [s.name for s in load_recipe(path).sources] == ["mt_bench"]
    path.write_text("sources:\n  - name: my_vicuna_copy\n    loader: prometheus_absolute\n    path: v.json\n")
    assert load_recipe(path).sources[0].path == "v.json"  # your own file under your own name is yours to use
