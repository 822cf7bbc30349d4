"""New loaders (arena_bench, alpaca_eval, reward_bench, hh_rlhf): upstream-format records, then the real files."""

import gzip
import json
import re
from collections import Counter

import pytest

from judgesmith.data.sources import arena_bench, load_source
from judgesmith.data.sources._common import text_qid, ten_to_five
from judgesmith.data.sources.alpaca_eval import PROMPTS, map_symbols
from judgesmith.data.sources.hh_rlhf import split_dialogue
from judgesmith.rubrics import PRESETS


def _jsonl(path, rows, gz=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path


def _prompt(question, reference, answer):
    return (f"[Question]\n{question}\n\n[The Start of Reference Answer]\n{reference}\n[The End of Reference Answer]"
            f"\n\n[The Start of Assistant's Answer]\n{answer}\n[The End of Assistant's Answer]")


def _answer(model, qid, text):
    return {"question_id": qid, "answer_id": f"{model}-{qid}", "model_id": model,
            "choices": [{"index": 0, "turns": [text]}]}


def make_arena(root):
    """An arena-bench v1 folder: one judgment file holding two models, a duplicate file, a stale answer file."""
    folder = root / "arena_bench_v1"
    qs = {"q1": "What is two plus two?", "q2": "Name a prime number above ten."}
    refs = {"q1": "Four.", "q2": "Eleven."}
    _jsonl(folder / "question.jsonl",
           [{"question_id": q, "category": "arena-bench-v1", "turns": [t]} for q, t in qs.items()])
    _jsonl(folder / "reference_answer" / "gpt-4.jsonl", [_answer("gpt-4", q, r) for q, r in refs.items()])
    answers = {("alpha", "q1"): "It is 4.", ("alpha", "q2"): "13", ("org/beta", "q1"): "Five.",
               ("org/beta", "q2"): "a stale sample the judge never saw"}
    _jsonl(folder / "model_answer" / "alpha.jsonl", [_answer("alpha", q, answers[("alpha", q)]) for q in qs])
    _jsonl(folder / "model_answer" / "beta.jsonl", [_answer("org/beta", q, answers[("org/beta", q)]) for q in qs])

    def judgment(model, q, answer, score, text):
        return {"question_id": q, "model": model, "user_prompt": _prompt(qs[q], refs[q], answer), "judgment": text,
                "score": score}

    _jsonl(folder / "model_judgment" / "alpha.jsonl", [
        judgment("alpha", "q1", " It is 4.", 10, "Correct and matches the reference.\n\nRating: [[10]]"),
        judgment("alpha", "q2", "13", "7.0", "Right, but terse. Therefore, I would rate it a [[7]]."),
        judgment("org/beta", "q1", "Five.", 2, "Wrong: the answer is four.\nRating: [[2]]"),  # a second model
        judgment("org/beta", "q2", "Seventeen is prime.", 9, "A valid prime.\nRating: [[9]]"),  # answer file stale
    ])
    _jsonl(folder / "model_judgment" / "beta_again.jsonl", [
        judgment("org/beta", "q1", "Five.", 3, "Duplicate grading.\nRating: [[3]]"),
        judgment("alpha", "q1", "It is 4.", None, "No rating given"),
    ])
    return folder


def test_ten_to_five_rule():
    assert [ten_to_five(s) for s in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert ten_to_five("10.0") == 5 and ten_to_five(5.5) == 3 and ten_to_five("3") == 2
    for bad in (0, 11, "ten", True, None):
        with pytest.raises(ValueError, match="1-10"):
            ten_to_five(bad)


def test_strip_rating_keeps_code_and_drops_the_rating_sentence():
    assert arena_bench.strip_rating("Good.\n\nRating: [[8]]") == "Good."
    assert arena_bench.strip_rating("Fine answer. Therefore, I would rate it a [[4]].") == "Fine answer."
    code = "It returns [[1]] for x = [[1, 2]], as the reference does.\nRating: [[6]]"
    assert arena_bench.strip_rating(code) == "It returns [[1]] for x = [[1, 2]], as the reference does."


def test_arena_bench_joins_judgments_to_the_judged_answers(tmp_path):
    result = arena_bench.load(make_arena(tmp_path))
    got = {(e.item.id.split("-")[2], e.provenance.question_id): e for e in result.absolute}
    assert set(got) == {("alpha", "arena_bench:q1"), ("alpha", "arena_bench:q2"), ("org_beta", "arena_bench:q1"),
                        ("org_beta", "arena_bench:q2")}
    alpha1, alpha2 = got[("alpha", "arena_bench:q1")], got[("alpha", "arena_bench:q2")]
    beta1, beta2 = got[("org_beta", "arena_bench:q1")], got[("org_beta", "arena_bench:q2")]
    assert alpha1.item.response == "It is 4." and beta1.item.response == "Five."  # by model, not by file
    assert beta2.item.response == "Seventeen is prime."  # the judged text, not the stale answer file
    assert [e.gold_score for e in (alpha1, alpha2, beta1, beta2)] == [5.0, 4.0, 1.0, 5.0]
    assert alpha1.gold_feedbacks == ("Correct and matches the reference.",)
    assert alpha2.gold_feedbacks == ("Right, but terse.",)
    assert alpha1.item.instruction == "What is two plus two?" and alpha1.item.reference_answer == "Four."
    assert alpha1.item.rubric == PRESETS["mt_bench_single"]
    reasons = sorted(s.reason for s in result.skipped)
    assert len(reasons) == 2 and "duplicate judgment of org/beta" in reasons[0] and "no score" in reasons[1]
    assert all(s.file == "model_judgment/beta_again.jsonl" for s in result.skipped)


def test_arena_derived_pairs_respect_the_margin(tmp_path):
    from judgesmith.data.pairs import PairConfig, pairs_from_absolute

    result = arena_bench.load(make_arena(tmp_path))
    pairs, _ = pairs_from_absolute(result.absolute, PairConfig(margin=2.0))
    assert sorted(p.provenance.question_id for p in pairs) == ["arena_bench:q1"]  # 5 vs 1; q2 is 4 vs 5
    (pair,) = pairs
    winner = pair.item.response_a if pair.gold == "A" else pair.item.response_b
    assert winner == "It is 4." and pair.item.reference_answer == "Four."


def _alpaca_row(instruction, winner, explanation=None, referenced=None, a="ref answer", b="model answer"):
    return {"source": "alpaca_eval_pairwise", "annotator": "x", "dataset": "d", "instruction": instruction,
            "response_a": a, "response_b": b, "generator_a": "gpt4_1106_preview", "generator_b": "m",
            "winner": winner, "strength": 1.0, "explanation": explanation, "referenced_models": referenced}


def test_map_symbols():
    ref = {"m": "output_1", "M": "output_2"}
    assert map_symbols("Model 'm' is clear; model M's list is short, so 'M' loses.", ref) == \
        "Response A is clear; Response B's list is short, so Response B loses."
    assert map_symbols("Models 'M' and 'm' agree; 'm's tone is warmer.", {"M": "output_1", "m": "output_2"}) == \
        "Response A and Response B agree; Response B's tone is warmer."
    assert map_symbols("Model 'm' is fine, model 'M' too.", {"M": "output_2"}) is None  # 'm' unmapped
    assert map_symbols("Model m says 5 m of rope.", ref) is None  # a bare "m" that is no model
    assert map_symbols("The first response is better than model M.", ref) is None
    assert map_symbols("I'm sure model m wins.", ref) == "I'm sure Response A wins."


def test_alpaca_eval_balances_positions_and_maps_feedback(tmp_path):
    rows = [_alpaca_row(f"Question number {i}?", "A" if i % 3 else "B", a=f"ref {i}", b=f"model {i}")
            for i in range(40)]
    rows[0] = _alpaca_row("Question number 0?", "B", "Model 'M' is more accurate than model 'm'.",
                          {"m": "output_1", "M": "output_2"}, a="ref 0", b="model 0")
    rows.append(_alpaca_row("A tie?", "tie"))
    path = _jsonl(tmp_path / "a.jsonl.gz", rows, gz=True)
    result = load_source("alpaca_eval", path, seed=3)
    assert len(result.pairwise) == 40 and [s.reason for s in result.skipped] == ["tie"]
    assert Counter(e.gold for e in result.pairwise) == {"A": 20, "B": 20}
    for e, raw in zip(result.pairwise, rows):
        winner = e.item.response_a if e.gold == "A" else e.item.response_b
        assert winner == raw[f"response_{raw['winner'].lower()}"]
    first = result.pairwise[0]
    expected_side = "A" if first.item.response_a == "model 0" else "B"
    assert first.gold == expected_side
    other = "B" if expected_side == "A" else "A"
    assert first.gold_feedback == f"Response {expected_side} is more accurate than Response {other}."
    assert all(e.gold_feedback is None for e in result.pairwise[1:])
    again = load_source("alpaca_eval", path, seed=4)
    assert [e.gold for e in again.pairwise] != [e.gold for e in result.pairwise]


def test_alpaca_and_reward_bench_share_question_ids(tmp_path):
    a = _jsonl(tmp_path / "a.jsonl", [_alpaca_row("How do I boil an egg?", "A")])
    r = _jsonl(tmp_path / "r.jsonl", [_alpaca_row("How do I  boil an egg?", "B", a="x", b="y")])
    qa = load_source("alpaca_eval", a).pairwise[0].provenance
    qr = load_source("reward_bench", r).pairwise[0].provenance
    assert qa.question_id == qr.question_id == text_qid(PROMPTS, "How do I boil an egg?")
    assert (qa.source, qr.source) == ("alpaca_eval", "reward_bench")


def test_hh_rlhf_splits_the_last_assistant_turn(tmp_path):
    shared = "\n\nHuman: How do I pick a lock?\n\nAssistant: Why do you ask?\n\nHuman: I am locked out."
    rows = [{"chosen": f"{shared}\n\nAssistant: Call a locksmith {i}.",
             "rejected": f"{shared}\n\nAssistant: Use a pin {i}."} for i in range(10)]
    rows.append({"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: c\n\nAssistant: d"})
    result = load_source("hh_rlhf", _jsonl(tmp_path / "hh.jsonl.gz", rows, gz=True), seed=1)
    assert len(result.pairwise) == 10 and "differ before" in result.skipped[0].reason
    assert Counter(e.gold for e in result.pairwise) == {"A": 5, "B": 5}
    for i, e in enumerate(result.pairwise):
        assert e.item.instruction == shared.strip() and e.item.rubric == PRESETS["harmlessness"]
        winner = e.item.response_a if e.gold == "A" else e.item.response_b
        assert winner == f"Call a locksmith {i}." and e.gold_feedback is None
    with pytest.raises(ValueError, match="identical"):
        split_dialogue("\n\nHuman: a\n\nAssistant: b", "\n\nHuman: a\n\nAssistant: b")


# ---- the real files ---------------------------------------------------------------------------------


def test_real_arena_bench(data_dir):
    result = load_source("arena_bench")
    keys = [(e.item.id, e.provenance.question_id) for e in result.absolute]
    assert len(result.absolute) == 3631 and len(set(keys)) == len(keys)
    reasons = Counter(s.reason.split(" (")[0] for s in result.skipped)
    assert reasons == {"duplicate judgment of gpt-3.5-turbo": 228, "no score": 34}
    assert len({e.provenance.question_id for e in result.absolute}) == 229
    models = Counter(e.item.id.split("-", 2)[2] for e in result.absolute)
    assert len(models) == 16  # 17 judgment files, gpt-4_single.jsonl repeats gpt-3.5-turbo.jsonl
    assert "gpt-4-1106-preview" in models and "llama-13b" in models  # judged inside other-named files
    labels = Counter(e.gold_score for e in result.absolute)
    assert set(labels) == {1.0, 2.0, 3.0, 4.0, 5.0} and labels[1.0] + labels[5.0] > labels[2.0] + labels[3.0]
    rating = re.compile(r"\[\[\s*[0-9.]+\s*\]\]")  # no 1-10 rating left to contradict the 1-5 label
    assert not any(rating.search(f) for e in result.absolute for f in e.gold_feedbacks)


def test_real_alpaca_eval_and_reward_bench(data_dir):
    alpaca, reward = load_source("alpaca_eval"), load_source("reward_bench")
    assert (len(alpaca.pairwise), len(reward.pairwise)) == (15957, 5995)
    for result in (alpaca, reward):
        labels = Counter(e.gold for e in result.pairwise)
        assert abs(labels["A"] - labels["B"]) <= 1
    with gzip.open(data_dir / "alpaca_eval" / "alpaca_eval_pairwise_subset.jsonl.gz", "rt") as fh:
        raw_a = {f"alpaca_eval-{i}": json.loads(line)["response_a"] for i, line in enumerate(fh)}
    kept_at_a = sum(e.item.response_a == raw_a[e.item.id] for e in alpaca.pairwise)
    assert 0.4 < kept_at_a / len(alpaca.pairwise) < 0.6  # the reference model is no longer always A
    with_feedback = [e for e in alpaca.pairwise if e.gold_feedback]
    assert 5800 <= len(with_feedback) <= 6038 and not any(e.gold_feedback for e in reward.pairwise)
    assert all("Response A" in e.gold_feedback or "Response B" in e.gold_feedback for e in with_feedback)
    q_alpaca = {e.item.instruction: e.provenance.question_id for e in alpaca.pairwise}
    shared = [e for e in reward.pairwise if e.item.instruction in q_alpaca]
    assert len({e.item.instruction for e in shared}) > 500
    assert all(q_alpaca[e.item.instruction] == e.provenance.question_id for e in shared)


def test_real_hh_rlhf(data_dir):
    result = load_source("hh_rlhf")
    assert len(result.pairwise) == 2303 and len(result.skipped) == 9
    assert Counter(e.gold for e in result.pairwise) == {"A": 1152, "B": 1151}
    assert all(e.item.instruction.startswith("Human:") and "\n\nAssistant:" not in e.item.response_a
               for e in result.pairwise)
