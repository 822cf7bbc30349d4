"""Architecture / vocabulary checks before merging, and the merge recipe schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from judgesmith.merge.checks import check_compatible
from judgesmith.merge.recipe import load_merge_recipe

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def test_same_model_is_compatible(tiny_model_dir):
    check_compatible([str(tiny_model_dir), str(tiny_model_dir)])


def test_different_architecture_is_refused(tiny_model_dir, tiny_gemma_dir):
    with pytest.raises(ValueError, match=r"different architecture \(model_type: 'llama' vs 'gemma3_text'"):
        check_compatible([str(tiny_model_dir), str(tiny_gemma_dir)])


def test_different_tokenizer_is_refused(tiny_model_dir, tmp_path):
    from transformers import AutoTokenizer

    other = tmp_path / "other"
    shutil.copytree(tiny_model_dir, other)
    tok = AutoTokenizer.from_pretrained(other)
    tok.add_tokens(["<judge_extra>"])
    tok.save_pretrained(other)
    with pytest.raises(ValueError, match=r"different tokenizer vocabulary .*1 only in the second .*judge_extra"):
        check_compatible([str(tiny_model_dir), str(other)])


def test_example_recipe_validates_and_bad_keys_fail(tmp_path):
    recipe = load_merge_recipe(RECIPES / "merge-nuslerp.yaml")
    assert recipe.method == "nuslerp" and recipe.use_base and [m.weight for m in recipe.models] == [0.5, 0.5]
    bad = tmp_path / "m.yaml"
    bad.write_text("method: nuslerp\nmodels: [{model: a}, {model: b, wieght: 1}]\noutput_dir: o\n")
    with pytest.raises(ValueError, match=r"models\.1\.wieght: unknown key"):
        load_merge_recipe(bad)
    bad.write_text("method: average\nmodels: [{model: a}, {model: b}]\noutput_dir: o\n")
    with pytest.raises(ValueError, match="method"):
        load_merge_recipe(bad)
