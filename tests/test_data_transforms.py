"""Label-only completions, swap augmentation, response shortening, and a full-mix build on upstream-format files."""

import json
from collections import Counter
from pathlib import Path

import pytest

from judgesmith.data.pairs import DEFAULT_TEMPLATE, PairConfig, pairs_from_absolute
from judgesmith.data.schema import AbsoluteExample, PairwiseExample, Provenance
from judgesmith.data.sft import absolute_records, pairwise_record
from judgesmith.data.swap import exchange_mentions, swap_example
from judgesmith.data.transforms import apply_label_only_share, is_label_only, shorten_text, swap_augment
from judgesmith.judge.engine import JudgeConfig
from judgesmith.prompts import target_text
from judgesmith.records import PAIR_LABELS, SCORE_LABELS, AbsoluteItem, PairwiseItem, Rubric

RUBRIC = Rubric("Is it right?", "1", "2", "3", "4", "5")


def _pair(i=0, gold="A", feedback=None):
    item = PairwiseItem(f"p{i}", f"Question {i}?", f"left {i}", f"right {i}", RUBRIC)
    return PairwiseExample(item, gold, Provenance("src", "f.json", i, f"q{i}"), gold_feedback=feedback)


def _abs(qid, i, score, source="src"):
    item = AbsoluteItem(f"{qid}-{i}", f"Question {qid}?", f"answer {i}", RUBRIC)
    return AbsoluteExample(item, float(score), Provenance(source, "f.json", i, qid), gold_scores=(score,),
                           gold_feedbacks=(f"fb {qid}-{i} scored {score}",))


def test_label_only_text_is_what_score_mode_forces():
    config = JudgeConfig()
    assert target_text("", "4") == f"{config.absolute_prefix} 4" == "Feedback: [RESULT] 4"
    assert target_text("", "A", absolute=False) == f"{config.pairwise_prefix} A" == "[RESULT] A"
    assert target_text("Fine.", "4") == "Feedback: Fine. [RESULT] 4"
    (rec,) = [pairwise_record(_pair(gold="B"))]
    assert rec["completion"][0]["content"] == "[RESULT] B" and is_label_only(rec)
    assert pairwise_record(_pair(gold="tie")) is None


@pytest.mark.parametrize("which", ["tiny", pytest.param("gemma", marks=pytest.mark.slow)])
def test_label_only_tokens_match_score_mode_input(which, tiny_model_dir):
    """Training ids (chat template of prompt + label-only completion) up to the label == score-mode input ids."""
    from transformers import AutoTokenizer

    from judgesmith.judge.backends.base import label_token_plan
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.judge.chat import GEMMA_TEMPLATE
    from judgesmith.prompts import build_prompt

    from judgesmith.models import resolve_model_dir

    source = tiny_model_dir if which == "tiny" else resolve_model_dir("gemma-3-270m")  # converts once if needed
    tok = AutoTokenizer.from_pretrained(str(source))
    if which == "tiny":
        tok.chat_template = GEMMA_TEMPLATE  # Gemma's turn format (system folded into the first user turn)
    backend = HFBackend(None, tok)
    config = JudgeConfig()
    abs_ex = _abs("q", 0, 4)
    abs_rec = {**absolute_records(abs_ex)[0], "completion": [{"role": "assistant", "content": target_text("", "4")}]}
    cases = [(abs_ex, abs_rec, config.absolute_prefix, SCORE_LABELS, "4"),
             (_pair(gold="B"), pairwise_record(_pair(gold="B")), config.pairwise_prefix, PAIR_LABELS, "B")]
    encode = lambda text: tok(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    for ex, rec, prefix, labels, label in cases:
        joiner, ids = label_token_plan(encode, labels, prefix)
        score_ids = backend._encode(build_prompt(ex.item), prefix, joiner)
        train_ids = tok.apply_chat_template(rec["prompt"] + rec["completion"], tokenize=True,
                                            return_dict=True)["input_ids"]
        assert train_ids[:len(score_ids)] == score_ids
        assert train_ids[len(score_ids)] == ids[labels.index(label)]


def test_exchange_mentions_and_unsafe_text():
    assert exchange_mentions("Response A is vague; Response B's list is right.") == \
        "Response B is vague; Response A's list is right."
    for unsafe in ("The first response is vague.", "Output (a) is vague.", "Assistant B wins.", "response a wins"):
        assert exchange_mentions(f"Response A is fine. {unsafe}") is None
    assert exchange_mentions("To answer a question, Response A cites a source.") is not None


def test_swap_rerenders_templated_feedback():
    examples = [_abs("q", 0, 5), _abs("q", 1, 2)]
    (pair,), _ = pairs_from_absolute(examples, PairConfig(margin=1.0, seed=0))
    swapped = swap_example(pair, DEFAULT_TEMPLATE, suffix="#swap")
    assert swapped.gold != pair.gold and swapped.item.id == pair.item.id + "#swap"
    assert (swapped.item.response_a, swapped.item.response_b) == (pair.item.response_b, pair.item.response_a)
    winner = swapped.item.response_a if swapped.gold == "A" else swapped.item.response_b
    assert winner == "answer 0"
    fb_a, fb_b = swapped.feedback_parts
    assert swapped.gold_feedback == DEFAULT_TEMPLATE.format(feedback_a=fb_a, feedback_b=fb_b, winner=swapped.gold)
    assert ("scored 5" in fb_a) == (swapped.gold == "A")
    assert swap_example(swapped, DEFAULT_TEMPLATE).gold_feedback == pair.gold_feedback


def test_swap_augment_flips_labels_and_drops_unsafe_feedback():
    pairs = [_pair(0, "A", "Response A is right."), _pair(1, "B", "The first response is wrong."),
             _pair(2, "B"), _pair(3, "tie")]
    out, made, lost = swap_augment(pairs, DEFAULT_TEMPLATE)
    assert (made, lost) == (3, 1) and len(out) == 7
    by_id = {e.item.id: e for e in out}
    assert by_id["p0#swap"].gold == "B" and by_id["p0#swap"].gold_feedback == "Response B is right."
    assert by_id["p1#swap"].gold == "A" and by_id["p1#swap"].gold_feedback is None
    assert by_id["p2#swap"].gold == "A" and "p3#swap" not in by_id


def test_label_only_share_is_exact_and_seeded():
    records = [pairwise_record(_pair(i, "AB"[i % 2], f"Response {'AB'[i % 2]} is better.")) for i in range(20)]
    records += [pairwise_record(_pair(i + 20, "A")) for i in range(5)]  # already label-only
    first = [dict(r) for r in records]
    assert apply_label_only_share(first, 0.25, seed=1) == 5
    assert sum(map(is_label_only, first)) == 10
    changed = [r["id"] for r, o in zip(first, records) if r != o]
    assert all(r["completion"][0]["content"].endswith(("[RESULT] A", "[RESULT] B")) for r in first)
    second = [dict(r) for r in records]
    apply_label_only_share(second, 0.25, seed=2)
    assert changed != [r["id"] for r, o in zip(second, records) if r != o]


def test_shorten_text_keeps_spacing_and_marks_the_cut():
    text = "one two\nthree  four five six"
    assert shorten_text(text, 3) == "one two\nthree [...]"
    assert shorten_text(text, 6) == text and shorten_text(text, 10) == text


def _recipe(tmp_path, extra=""):
    from test_data_new_sources import _alpaca_row, _jsonl, make_arena

    make_arena(tmp_path)
    rows = [_alpaca_row(f"Question {i}: how do I do task {i}?", "A", "Model 'M' is better than model 'm'.",
                        {"M": "output_1", "m": "output_2"}) for i in range(30)]
    _jsonl(tmp_path / "alpaca_eval" / "alpaca_eval_pairwise_subset.jsonl.gz", rows, gz=True)
    hh = [{"chosen": f"\n\nHuman: q{i}\n\nAssistant: no {i}", "rejected": f"\n\nHuman: q{i}\n\nAssistant: yes {i}"}
          for i in range(20)]
    _jsonl(tmp_path / "hh_rlhf" / "harmless-base_test.jsonl.gz", hh, gz=True)
    path = tmp_path / "recipe.yaml"
    path.write_text(f"""
seed: 2
data_dir: {tmp_path}
sources:
  - {{name: arena_bench, pairs_from_absolute: true, pairs_margin: 2.0}}
  - {{name: alpaca_eval}}
  - {{name: hh_rlhf}}
pairs: {{swap_augment: true}}
split: {{eval_fraction: 0.2}}
decontamination: {{enabled: false}}
{extra}""")
    return path


def _read(out, split):
    return [json.loads(line) for kind in ("absolute", "pairwise")
            for line in (out / kind / f"{split}.jsonl").read_text().splitlines()]


def test_build_full_mix_swaps_train_only(tmp_path):
    from judgesmith.data.build import build
    from judgesmith.data.recipe import load_recipe

    manifest = build(load_recipe(_recipe(tmp_path)), tmp_path / "out")
    train, evals = _read(tmp_path / "out", "train"), _read(tmp_path / "out", "eval")
    assert {r["question_id"] for r in train}.isdisjoint({r["question_id"] for r in evals})
    assert not any(r["id"].endswith("#swap") for r in evals)
    pw = {r["id"]: r for r in train if r["kind"] == "pairwise"}
    originals = [i for i in pw if not i.endswith("#swap")]
    assert originals and all(f"{i}#swap" in pw for i in originals)
    for i in originals:
        a, b = pw[i], pw[f"{i}#swap"]
        assert a["completion"][0]["content"][-1] != b["completion"][0]["content"][-1]
        assert a["prompt"][1]["content"] != b["prompt"][1]["content"]
    alpaca = [r for r in pw.values() if r["source"] == "alpaca_eval"]
    for r in alpaca:  # the feedback names the side its label names
        text = r["completion"][0]["content"]
        assert text.startswith(f"Response {text[-1]} is better than Response ")
    split = manifest["splits"]["train"]
    assert split["swap_copies"] == len(originals) and split["pairwise_labels"]["A"] == split["pairwise_labels"]["B"]
    assert split["by_source"]["hh_rlhf"]["pairwise"] == split["label_only"]["pairwise"]
    assert "train split only" in manifest["transforms"]["swap_augment"]


def test_build_label_only_share_and_shortening(tmp_path):
    from judgesmith.data.build import build
    from judgesmith.data.recipe import load_recipe

    extra = "completions: {label_only_share: {absolute: 0.5}}\nshorten: {max_words: 2}\n"
    manifest = build(load_recipe(_recipe(tmp_path, extra)), tmp_path / "out")
    train = _read(tmp_path / "out", "train")
    absolute = [r for r in train if r["kind"] == "absolute"]
    assert sum(map(is_label_only, absolute)) == round(len(absolute) / 2) == manifest["splits"]["train"][
        "made_label_only"]["absolute"]
    assert manifest["splits"]["train"]["made_label_only"]["pairwise"] == 0
    assert manifest["splits"]["train"]["shortened"] > 0
    shortened = [r for r in train if "[...]" in r["prompt"][1]["content"]]
    assert shortened and all("[...]" not in r["completion"][0]["content"] for r in train)


def test_stats_on_a_build_folder(tmp_path, capsys):
    from judgesmith.cli import main
    from judgesmith.data.build import build
    from judgesmith.data.recipe import load_recipe
    from judgesmith.data.stats import folder_stats

    build(load_recipe(_recipe(tmp_path)), tmp_path / "out")
    stats = folder_stats(tmp_path / "out")
    train = stats["splits"]["train"]
    records = _read(tmp_path / "out", "train")
    assert {s: row["rows"] for s, row in train.items()} == dict(Counter(r["source"] for r in records))
    assert train["hh_rlhf"]["label_only"] == train["hh_rlhf"]["rows"]
    hh_words = sorted(sum(len(m["content"].split()) for m in r["prompt"] + r["completion"])
                      for r in records if r["source"] == "hh_rlhf")
    assert train["hh_rlhf"]["lengths"]["p10"] <= train["hh_rlhf"]["lengths"]["p50"] <= hh_words[-1]
    assert main(["data", "stats", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "arena_bench_pairs" in out and "p90" in out


def test_source_sample_is_seeded(tmp_path):
    from judgesmith.data.build import build
    from judgesmith.data.recipe import load_recipe

    path = _recipe(tmp_path)
    path.write_text(path.read_text().replace("{name: alpaca_eval}", "{name: alpaca_eval, sample: 10}"))
    picked = []
    for seed in (2, 3):
        path.write_text(path.read_text().replace(f"seed: {seed - 1}\n", f"seed: {seed}\n"))
        manifest = build(load_recipe(path), tmp_path / f"out{seed}")
        (entry,) = [s for s in manifest["sources"] if s["name"] == "alpaca_eval"]
        assert (entry["pairwise"], entry["sampled_from"]) == (10, 30)
        records = _read(tmp_path / f"out{seed}", "train") + _read(tmp_path / f"out{seed}", "eval")
        picked.append({r["id"].split("#")[0] for r in records if r["source"] == "alpaca_eval"})
        assert len(picked[-1]) == 10
    assert picked[0] != picked[1]


def test_full_recipe_is_valid():
    from judgesmith.data.recipe import load_recipe

    recipe = load_recipe(Path(__file__).resolve().parents[1] / "recipes" / "data-full.yaml")
    assert [s.name for s in recipe.sources if s.enabled] == ["mt_bench", "autoj_critiques", "arena_bench",
                                                             "alpaca_eval", "reward_bench", "hh_rlhf"]
    assert recipe.pairs.swap_augment and {"vicuna", "autoj_pairwise", "llmbar_natural", "pandalm"} <= set(
        recipe.decontamination.drop)
