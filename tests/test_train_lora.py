"""The LoRA targeting rule on a multimodal and a text-only model: suffixes minus the non-language modules,
an explicit list or regex still possible; another base model trains into its own folder, and a checkpoint
of another base is not resumed."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from tiny import build_tiny_model

from judgesmith.train.recipe import LoraSpec

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from transformers import AutoModelForCausalLM

    root = tmp_path_factory.mktemp("lora_rule")
    return {family: AutoModelForCausalLM.from_pretrained(build_tiny_model(root / family, family))
            for family in ("gemma3-mm", "qwen3")}


def wrap(model, spec: LoraSpec) -> list[str]:
    import copy

    from peft import get_peft_model

    from judgesmith.train.lora import adapted_modules, lora_config

    return sorted(adapted_modules(get_peft_model(copy.deepcopy(model), lora_config(spec, model))))


def test_the_default_rule_adapts_only_the_language_model(models):
    mm = wrap(models["gemma3-mm"], LoraSpec())
    assert len(mm) == 14 and all(n.startswith("model.language_model.layers.") for n in mm)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = wrap(models["qwen3"], LoraSpec())
    assert not [w for w in caught if "exclude_modules" in str(w.message)], "PEFT: an exclusion that matched nothing"
    assert len(text) == 14 and all(n.startswith("model.layers.") for n in text)


def test_without_the_exclusion_the_vision_tower_gets_adapters(models):
    names = wrap(models["gemma3-mm"], LoraSpec(exclude_modules=None))
    vision = [n for n in names if ".vision_tower." in n]
    assert len(vision) == 2 * 3, "the SigLIP layers' q/k/v_proj share the language model's names"


def test_an_explicit_list_or_regex_still_chooses(models):
    one = "model.language_model.layers.1.self_attn.v_proj"
    assert wrap(models["gemma3-mm"], LoraSpec(target_modules=[one])) == [one]
    regex = wrap(models["qwen3"], LoraSpec(target_modules=r".*\.mlp\.(up|down)_proj"))
    assert regex == [f"model.layers.{i}.mlp.{p}_proj" for i in range(2) for p in ("down", "up")]


def test_a_checkpoint_of_another_base_is_not_resumed(tmp_path):
    from judgesmith.train.run import check_same_base

    ckpt = tmp_path / "checkpoint-4"
    ckpt.mkdir()
    (ckpt / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "/cache/models/gemma-3-270m"}))
    check_same_base(ckpt, "/elsewhere/models/gemma-3-270m/")  # the same model in a moved cache resumes
    with pytest.raises(ValueError, match="trained from /cache/models/gemma-3-270m, not Qwen/Qwen3-4B"):
        check_same_base(ckpt, "Qwen/Qwen3-4B")


def test_another_base_trains_into_its_own_folder(capsys):
    from judgesmith.cli import main
    from judgesmith.cli.train_cmd import model_slug, with_base_model
    from judgesmith.train.recipe import load_recipe

    assert [model_slug(n) for n in ("Qwen/Qwen3-4B", "runs/tiny/", "judge.gguf")] == ["Qwen3-4B", "tiny", "judge"]
    recipe = with_base_model(load_recipe(RECIPES / "gemma3-4b-feedback.yaml"), "Qwen/Qwen3-4B")
    assert recipe.base_model == "Qwen/Qwen3-4B" and str(recipe.output_dir) == "runs/gemma3-4b-feedback-Qwen3-4B"
    assert main(["build", str(RECIPES / "gemma3-4b-gpu.yaml"), "--dry-run", "--base-model", "Qwen/Qwen3-4B"]) == 0
    out = capsys.readouterr().out
    assert "base model Qwen/Qwen3-4B" in out and "runs/gemma3-4b-gpu-Qwen3-4B" in out
