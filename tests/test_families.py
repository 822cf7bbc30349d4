"""Every base model family a user will try, through every stage, on tiny random models built offline.

Per family (tests/tiny.py: Gemma 3 multimodal in the hub's layout, Gemma 3 text, Llama, Qwen2, Qwen3,
Mistral): both specialists trained with the reference recipes' LoRA section unchanged
(recipes/gemma3-4b-*.yaml: r=64 and r=128, alpha 32, dropout 0.15, the one targeting rule), merged
with the reference NuSLERP recipe (recipes/merge-nuslerp-gpu.yaml), judged with the merge (score and
generate, absolute and pairwise), every full-model folder reloaded. What a CPU must change is
overridden and nothing else: the training section (2 steps of batch 2 (the first is warm-up), fp32, no gradient
checkpointing, 512 tokens), the data file, the model paths and the merge dtype (fp32).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from helpers import RUBRIC, sft_rows, write_jsonl
from safetensors.torch import load_file
from tiny import CHAT_TEMPLATE, FAMILIES, build_tiny_model

from judgesmith.checkpoint import PROCESSOR_FILES, tensor_names
from judgesmith.records import AbsoluteItem, PairwiseItem

RECIPES = Path(__file__).resolve().parents[1] / "recipes"
PROJECTIONS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")
CPU_TRAINING = {"max_steps": 2, "batch_size": 2, "grad_accum": 1, "dtype": "float32", "max_length": 512,
                "gradient_checkpointing": False, "logging_steps": 1, "save_steps": 100, "eval_steps": None}
KINDS = {"feedback": (0, 64), "preference": (1, 128)}  # data seed, the reference rank


@dataclass(frozen=True)
class Built:
    family: str
    base: Path
    runs: dict[str, Path]  # specialist -> its `judgesmith train` output folder
    merged: Path

    def full_models(self) -> list[Path]:
        return [self.runs["feedback"] / "merged", self.runs["preference"] / "merged", self.merged]


def reference_train(kind: str, base: Path, root: Path):
    from judgesmith.train.recipe import DataSpec, load_recipe

    ref = load_recipe(RECIPES / f"gemma3-4b-{kind}.yaml")
    data = write_jsonl(root / f"{kind}.jsonl", sft_rows(4, seed=KINDS[kind][0]))
    return ref.model_copy(update={"base_model": str(base), "data": DataSpec(train=data), "output_dir": root / kind,
                                  "training": ref.training.model_copy(update=CPU_TRAINING)})


@pytest.fixture(scope="session", params=FAMILIES)
def built(request, tmp_path_factory) -> Built:
    from judgesmith.merge.recipe import MergeInput, load_merge_recipe
    from judgesmith.merge.run import merge
    from judgesmith.train.run import train

    root = tmp_path_factory.mktemp(f"family-{request.param}")
    base = build_tiny_model(root / "base", request.param)
    runs = {kind: train(reference_train(kind, base, root)).output_dir for kind in KINDS}
    ref = load_merge_recipe(RECIPES / "merge-nuslerp-gpu.yaml")
    inputs = [MergeInput(model=str(runs[kind]), weight=m.weight) for kind, m in zip(KINDS, ref.models)]
    recipe = ref.model_copy(update={"models": inputs, "base_model": str(base), "dtype": "float32",
                                    "output_dir": root / "merged"})
    return Built(request.param, base, runs, merge(recipe).output_dir)


def language_linears(family: str) -> set[str]:
    """The 2 layers x 7 projections of the language model, as the loaded model names them."""
    prefix = "model.language_model.layers" if family == "gemma3-mm" else "model.layers"
    return {f"{prefix}.{i}.{p}" for i in range(2) for p in PROJECTIONS}


def test_adapters_wrap_only_the_language_model_linears(built):
    for kind, (_, rank) in KINDS.items():
        adapter = built.runs[kind] / "adapter"
        config = json.loads((adapter / "adapter_config.json").read_text())
        assert (config["r"], config["lora_alpha"], config["lora_dropout"]) == (rank, 32, 0.15)
        keys = load_file(str(adapter / "adapter_model.safetensors"))
        wrapped = {k.removeprefix("base_model.model.").rsplit(".lora_", 1)[0] for k in keys}
        assert wrapped == language_linears(built.family), sorted(wrapped ^ language_linears(built.family))
        if built.family == "gemma3-mm":
            assert config["exclude_modules"], "the vision tower's q/k/v_proj are left out by the default rule"


def test_training_changed_only_the_language_model_linears(built):
    """Each specialist's merged/ differs from the base exactly in the adapted weights (the vision tower,
    projector, embeddings and norms are the base's, bit for bit)."""
    base = load_file(str(built.base / "model.safetensors"))
    adapted = {name.replace("model.language_model.", "language_model.model.") + ".weight"
               for name in language_linears(built.family)}
    for kind in KINDS:
        merged = load_file(str(built.runs[kind] / "merged" / "model.safetensors"))
        assert merged.keys() == base.keys()
        changed = {k for k in base if not torch.equal(base[k], merged[k])}
        assert changed == adapted, sorted(changed ^ adapted)


def test_full_model_folders_reload_as_the_base_class_with_every_tensor(built):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base_class = type(AutoModelForCausalLM.from_pretrained(built.base))
    processor_files = [f for f in PROCESSOR_FILES if (built.base / f).is_file()]
    assert bool(processor_files) == (built.family == "gemma3-mm")
    for folder in built.full_models():
        model, info = AutoModelForCausalLM.from_pretrained(folder, output_loading_info=True)
        assert type(model) is base_class
        assert not info["missing_keys"] and not info["unexpected_keys"], (folder, info)
        assert tensor_names(str(folder)) == tensor_names(str(built.base)), "the base checkpoint's tensor names"
        assert AutoTokenizer.from_pretrained(folder).chat_template == CHAT_TEMPLATE
        for name in processor_files:
            assert (folder / name).read_bytes() == (built.base / name).read_bytes(), (folder, name)
    if built.family == "gemma3-mm":
        from transformers import AutoProcessor

        assert type(AutoProcessor.from_pretrained(built.runs["feedback"] / "merged")).__name__ == "Gemma3Processor"


def test_the_merge_is_nuslerp_of_the_two_task_vectors(built):
    from test_merge_nuslerp import nuslerp_by_hand

    name = sorted(k.replace("model.language_model.", "language_model.model.") + ".weight"
                  for k in language_linears(built.family))[0]
    base, a, b, got = (load_file(str(p / "model.safetensors"))[name].double().numpy()
                       for p in (built.base, *(built.runs[k] / "merged" for k in KINDS), built.merged))
    assert "nuslerp" in (built.merged / "mergekit_config.yml").read_text()
    want = nuslerp_by_hand(0.5, a - base, b - base)
    assert abs(got - base - want).max() < 1e-3 * abs(want).max()
    assert abs(got - a).max() > 0 and abs(got - b).max() > 0


def items() -> tuple[list[AbsoluteItem], list[PairwiseItem]]:
    absolute = [AbsoluteItem(f"a{i}", "What is the capital of France?", answer, RUBRIC)
                for i, answer in enumerate(["Paris.", "The capital of France is Paris, on the Seine."])]
    pair = [PairwiseItem("p0", "What is the capital of France?", "Paris.", "Lyon.", RUBRIC)]
    return absolute, pair


def assert_distribution(probs: dict | None, labels: str) -> None:
    assert probs is not None and sorted(probs) == sorted(labels)
    assert all(math.isfinite(p) and 0 <= p <= 1 for p in probs.values())
    assert sum(probs.values()) == pytest.approx(1, abs=1e-6)


def test_the_merged_judge_scores_and_generates(built):
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.judge.engine import Judge, JudgeConfig

    backend = HFBackend.from_name(str(built.merged), batch_size=2)
    plain = HFBackend(backend.model, backend.tokenizer, batch_size=2, prefix_reuse=False)
    absolute, pair = items()
    scored = Judge(backend, JudgeConfig(mode="score", swap=True)).grade_absolute(absolute)
    reference = Judge(plain, JudgeConfig(mode="score")).grade_absolute(absolute)
    for v, ref in zip(scored, reference):
        assert_distribution(v.probabilities, "12345")
        assert v.probabilities == pytest.approx(ref.probabilities, abs=1e-6), "prefix reuse = the plain pass"
    [p] = Judge(backend, JudgeConfig(mode="score", swap=True)).grade_pairwise(pair)
    assert_distribution(p.probabilities, "AB")
    assert len(p.samples) == 2 and p.samples[1].swapped
    generate = Judge(backend, JudgeConfig(mode="generate", max_new_tokens=6, swap=True))
    for v in [*generate.grade_absolute(absolute), *generate.grade_pairwise(pair)]:
        assert isinstance(v.raw, str) and (v.parse_ok or v.error)
        for sample in v.samples:
            assert isinstance(sample.raw, str)


def test_the_reference_recipe_trains_another_base_unchanged(tmp_path, capsys):
    """`judgesmith train --recipe recipes/gemma3-4b-feedback.yaml --base-model <tiny qwen3>`: the reference
    recipe as it is (batch 4 x 4, 3072 tokens, gradient checkpointing, bf16 falling back to fp32 on a CPU)
    with only the data folder and the step count given on the command line."""
    from judgesmith.cli import main

    base = build_tiny_model(tmp_path / "tiny-qwen3", "qwen3")
    data = tmp_path / "data"
    write_jsonl(data / "absolute" / "train.jsonl", sft_rows(16))
    out = tmp_path / "run"
    args = ["train", "--recipe", str(RECIPES / "gemma3-4b-feedback.yaml"), "--base-model", str(base),
            "--data-dir", str(data), "--max-steps", "1", "--out", str(out)]
    assert main(args) == 0
    assert "steps: 1" in capsys.readouterr().out
    record = json.loads((out / "merged" / "judgesmith.json").read_text())
    assert record["base_model"] == str(base) and record["tokens_seen"] > 0
    assert f"base model: `{base}`" in (out / "README.md").read_text()
    config = json.loads((out / "adapter" / "adapter_config.json").read_text())
    assert (config["r"], config["lora_alpha"], config["lora_dropout"]) == (64, 32, 0.15)
    wrapped = {k.removeprefix("base_model.model.").rsplit(".lora_", 1)[0]
               for k in load_file(str(out / "adapter" / "adapter_model.safetensors"))}
    assert wrapped == language_linears("qwen3")
