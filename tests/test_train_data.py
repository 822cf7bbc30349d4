"""Training recipes and SFT data: strict validation, bad rows skipped, over-long examples dropped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from helpers import sft_rows, write_jsonl

from judgesmith.train.data import find_manifest, fit_length, read_sft_jsonl, take_sources
from judgesmith.train.recipe import load_recipe

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def write_yaml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["gemma3-4b-feedback", "gemma3-4b-preference",
                                  "gemma3-270m-feedback-cpu", "gemma3-270m-preference-cpu"])
def test_shipped_recipes_validate(name):
    recipe = load_recipe(RECIPES / f"{name}.yaml")
    assert recipe.data.kind == ("absolute" if "feedback" in name else "pairwise")
    if "cpu" in name:
        assert recipe.training.dtype == "float32" and not recipe.training.gradient_checkpointing
    else:
        assert recipe.training.dtype == "bfloat16" and recipe.lora.alpha == 32 and recipe.lora.dropout == 0.15
        assert recipe.lora.r == (64 if "feedback" in name else 128)


def test_unknown_and_invalid_keys_are_reported_with_their_path(tmp_path):
    bad = write_yaml(tmp_path / "r.yaml", "base_model: x\noutput_dir: out\ndata: {train: t.jsonl}\n"
                                         "training: {learnig_rate: 0.1, batch_size: 0}\n")
    with pytest.raises(ValueError) as info:
        load_recipe(bad)
    msg = str(info.value)
    assert "training.learnig_rate: unknown key" in msg
    assert "training.batch_size" in msg and "greater than or equal to 1" in msg


def test_data_needs_a_file_or_a_build_dir_and_kind(tmp_path):
    with pytest.raises(ValueError, match="build_dir"):
        load_recipe(write_yaml(tmp_path / "r.yaml", "base_model: x\noutput_dir: o\ndata: {build_dir: b}\n"))
    recipe = load_recipe(write_yaml(tmp_path / "r2.yaml",
                                    "base_model: x\noutput_dir: o\ndata: {build_dir: b, kind: pairwise}\n"))
    assert recipe.data.train_file() == Path("b/pairwise/train.jsonl")
    assert recipe.data.eval_file() is None  # b/pairwise/eval.jsonl does not exist


def test_bad_rows_are_skipped_and_reported(tmp_path, caplog):
    good = sft_rows(2)
    no_completion = {**good[0], "completion": []}
    wrong_role = {**good[0], "completion": [{"role": "user", "content": "x"}]}
    path = write_jsonl(tmp_path / "train.jsonl", [good[0], "{not json", no_completion, wrong_role, good[1]])
    with caplog.at_level(logging.WARNING):
        rows = read_sft_jsonl(path)
    assert [r["prompt"] for r in rows] == [good[0]["prompt"], good[1]["prompt"]]
    assert "line 2: invalid JSON" in caplog.text and "line 3" in caplog.text and "line 4" in caplog.text


def test_examples_longer_than_max_length_are_dropped_not_truncated(tiny_model_dir, caplog):
    from transformers import AutoTokenizer

    from judgesmith.train.data import token_length

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    rows = sft_rows(6)
    lengths = sorted(token_length(tok, r) for r in rows)
    limit = lengths[2]  # three examples fit, three are longer
    with caplog.at_level(logging.WARNING):
        kept = fit_length(rows, tok, limit, None, seed=0, name="train.jsonl")
    assert len(kept) == sum(n <= limit for n in lengths) and all(token_length(tok, r) <= limit for r in kept)
    assert len(kept) < len(rows) and f"dropped {len(rows) - len(kept)} example(s)" in caplog.text
    assert len(fit_length(rows, tok, 10_000, 2, seed=0, name="t")) == 2
    with pytest.raises(ValueError, match="raise training.max_length"):
        fit_length(rows, tok, 5, None, seed=0, name="t")


def test_an_eval_split_where_nothing_fits_is_skipped(tiny_model_dir, tmp_path):
    from transformers import AutoTokenizer

    from judgesmith.train.data import load_split

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    path = write_jsonl(tmp_path / "eval.jsonl", sft_rows(2))
    assert load_split(path, tok, 5, None, 0, required=False) is None
    assert len(load_split(path, tok, 10_000, None, 0)) == 2


def test_manifest_is_found_beside_or_above_the_data(tmp_path):
    train = write_jsonl(tmp_path / "build" / "absolute" / "train.jsonl", sft_rows(1))
    assert find_manifest(train) is None
    (tmp_path / "build" / "manifest.json").write_text("{}", encoding="utf-8")
    assert find_manifest(train) == tmp_path / "build" / "manifest.json"


def test_token_budget_bounds_the_selected_tokens(tiny_model_dir):
    from transformers import AutoTokenizer

    from judgesmith.train.data import token_length

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    rows = sft_rows(6)
    every = fit_length(rows, tok, 10_000, None, seed=0, name="t")
    lengths = [token_length(tok, r) for r in every]
    budget = sum(lengths[:3])  # the seeded order's first three examples fit exactly
    kept = fit_length(rows, tok, 10_000, None, seed=0, name="t", max_tokens=budget)
    assert kept == every[:3]
    short = fit_length(rows, tok, 10_000, None, seed=0, name="t", max_tokens=budget - 1)
    assert short == every[:2] and sum(lengths[:2]) <= budget - 1


def test_a_pair_and_its_swapped_copy_are_selected_together(tiny_model_dir):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    rows = []
    for i, row in enumerate(sft_rows(8)):
        rows.append({**row, "id": f"p{i // 2}" + ("#swap" if i % 2 else "")})
    for seed in range(5):
        kept = fit_length(rows, tok, 10_000, 4, seed=seed, name="t")
        ids = [r["id"] for r in kept]
        assert len(ids) == 4
        assert sorted(i.removesuffix("#swap") for i in ids) == sorted(2 * sorted({i.removesuffix("#swap") for i in ids}))
    orders = {tuple(r["id"] for r in fit_length(rows, tok, 10_000, 2, seed=s, name="t")) for s in range(6)}
    assert len(orders) > 1, "the seed changes which pairs are chosen"


def test_balance_labels_takes_labels_in_turns_from_a_skewed_file(tiny_model_dir):
    from collections import Counter

    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    base = sft_rows(1)[0]
    skew = [1] * 30 + [2] * 6 + [5] * 4  # a label skew like Auto-J's critiques
    rows = []
    for i, label in enumerate(skew):
        text = f"Feedback: fine {i} [RESULT] {label}"
        rows.append({**base, "id": f"r{i}", "completion": [{"role": "assistant", "content": text}]})
    plain = Counter(r["completion"][0]["content"][-1] for r in fit_length(rows, tok, 10_000, 12, seed=0, name="t"))
    kept = fit_length(rows, tok, 10_000, 12, seed=0, name="t", balance_labels=True)
    balanced = Counter(r["completion"][0]["content"][-1] for r in kept)
    assert balanced == {"1": 4, "2": 4, "5": 4}, balanced
    assert plain["1"] > 4, plain  # without balancing the skew shows through
    # a rare label runs out, then the others keep alternating; every row is used once
    every = fit_length(rows, tok, 10_000, None, seed=0, name="t", balance_labels=True)
    assert sorted(r["id"] for r in every) == sorted(r["id"] for r in rows)
    assert [r["completion"][0]["content"][-1] for r in every[:6]] == ["1", "2", "5", "1", "2", "5"]


def _pair_row(i: int, words_a: int, words_b: int, label: str, reference: bool = False) -> dict:
    from judgesmith.prompts import relative_prompt
    from judgesmith.records import PairwiseItem, Rubric

    item = PairwiseItem(f"q{i}", f"question {i}", " ".join(["a"] * words_a), " ".join(["b"] * words_b),
                        Rubric("Is it good?", "1", "2", "3", "4", "5"),
                        reference_answer="ref answer here" if reference else None)
    return {"id": f"p{i}", "prompt": [{"role": "user", "content": relative_prompt(item)}],
            "completion": [{"role": "assistant", "content": f"[RESULT] {label}"}]}


def test_pair_words_reads_the_two_responses_of_a_relative_prompt():
    from judgesmith.train.data import pair_words

    assert pair_words(_pair_row(0, 7, 3, "A")) == (7, 3)
    assert pair_words(_pair_row(1, 2, 9, "B", reference=True)) == (2, 9)  # the reference is not response B
    assert pair_words({"prompt": [{"role": "user", "content": "no pair here"}]}) is None


def test_balance_length_makes_length_uninformative_about_the_label(tiny_model_dir):
    from transformers import AutoTokenizer

    from judgesmith.train.data import pair_words

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    # 24 pairs won by the longer response, 6 by the shorter: an AlpacaEval-like length bias
    rows = [_pair_row(i, 30, 5, "A") if i % 2 else _pair_row(i, 5, 30, "B") for i in range(24)]
    rows += [_pair_row(100 + i, 5, 30, "A") for i in range(6)]

    def longer_share(kept: list[dict]) -> float:
        wins = [(r["completion"][0]["content"][-1] == "A") == (pair_words(r)[0] > pair_words(r)[1]) for r in kept]
        return sum(wins) / len(wins)

    plain = fit_length(rows, tok, 10_000, 10, seed=0, name="t")
    balanced = fit_length(rows, tok, 10_000, 10, seed=0, name="t", balance_length=True)
    assert longer_share(balanced) == 0.5
    assert longer_share(plain) > 0.5
    with pytest.raises(ValueError, match="choose one"):
        fit_length(rows, tok, 10_000, 10, seed=0, name="t", balance_labels=True, balance_length=True)


def test_take_sources_counts_named_sources_and_drops_the_column():
    from datasets import Dataset

    rows = [{"prompt": "p", "completion": "c", "source": name} for name in ("mt_bench", "", "arena_bench", "mt_bench")]
    dataset, counts = take_sources(Dataset.from_list(rows))
    assert counts == {"arena_bench": 1, "mt_bench": 2}, "a row without a source is not an empty-named source"
    assert dataset.column_names == ["prompt", "completion"] and len(dataset) == 4
    unnamed, none = take_sources(Dataset.from_list([{"prompt": "p", "completion": "c", "source": ""}]))
    assert none == {} and len(unnamed) == 1
