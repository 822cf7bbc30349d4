"""End-to-end LoRA training on the tiny model: learning, frozen base, outputs, model card, resume."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import TrainerCallback
from helpers import sft_rows, write_jsonl

from judgesmith.train.recipe import TrainRecipe


def make_recipe(model_dir: Path, data: dict, out: Path, **training) -> TrainRecipe:
    settings = {"learning_rate": 2e-2, "batch_size": 2, "max_length": 512, "save_steps": 1, "threads": 2,
                "warmup_ratio": 0.0, "lr_scheduler": "constant", **training}
    return TrainRecipe.model_validate({
        "base_model": str(model_dir), "data": data, "output_dir": str(out),
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0}, "training": settings})


def metric_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_three_steps_learn_and_only_lora_weights_change(tiny_gemma_dir, tmp_path):
    from judgesmith.train.run import build_trainer

    one = sft_rows(1)[0]
    train = write_jsonl(tmp_path / "train.jsonl", [one] * 6)  # every batch is the same batch
    recipe = make_recipe(tiny_gemma_dir, {"train": str(train)}, tmp_path / "out", max_steps=3)
    trainer = build_trainer(recipe, tmp_path / "out").trainer
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
    trainer.train()

    losses = [m["loss"] for m in metric_lines(tmp_path / "out") if "loss" in m]
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
    assert losses[-1] < losses[0]
    original = load_file(str(tiny_gemma_dir / "model.safetensors"))
    lora_changed = base_checked = 0
    for name, param in trainer.model.named_parameters():
        if "lora_" in name:
            lora_changed += not torch.equal(param, before[name])
        else:
            assert not param.requires_grad and torch.equal(param, before[name]), name
            key = name.replace("base_model.model.", "").replace(".base_layer", "")
            if key in original:
                torch.testing.assert_close(param.detach(), original[key], rtol=0, atol=0)
                base_checked += 1
    assert lora_changed > 0 and base_checked > 10


def test_outputs_card_and_resume_from_checkpoint(tiny_model_dir, tmp_path):
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.judge.engine import Judge
    from judgesmith.records import AbsoluteItem
    from judgesmith.rubrics import preset
    from judgesmith.train.card import sha256
    from judgesmith.train.run import train

    build = tmp_path / "build"
    write_jsonl(build / "absolute" / "train.jsonl", sft_rows(6))
    write_jsonl(build / "absolute" / "eval.jsonl", sft_rows(2, seed=1))
    (build / "manifest.json").write_text(json.dumps({"sources": ["test"]}), encoding="utf-8")
    out = tmp_path / "run"
    recipe = make_recipe(tiny_model_dir, {"build_dir": str(build), "kind": "absolute"}, out, max_steps=4)

    first = train(recipe, max_steps=2)  # an "interrupted" run: stops after 2 steps (checkpoint-2)
    assert first.global_step == 2 and first.resumed_from is None
    second = train(recipe)  # the same command again: continues from step 2 to the recipe's 4
    assert second.resumed_from is not None and second.resumed_from.endswith("checkpoint-2")
    assert second.global_step == 4 and math.isfinite(second.train_loss) and math.isfinite(second.eval_loss)

    events = metric_lines(out)
    begins = [e["step"] for e in events if e.get("event") == "train_begin"]
    assert begins == [0, 2]
    second_begin = [i for i, e in enumerate(events) if e.get("event") == "train_begin"][1]
    assert [e["step"] for e in events[second_begin:] if "loss" in e] == [3, 4]

    assert (out / "adapter" / "adapter_config.json").is_file()
    merged = out / "merged"
    assert (merged / "model.safetensors").is_file() and (merged / "chat_template.jinja").is_file()
    card = (out / "README.md").read_text()
    assert "optimizer steps: 4" in card and "checkpoint-2" in card
    assert sha256(build / "absolute" / "train.jsonl") in card and sha256(build / "manifest.json") in card
    assert "trl " in card and "peft " in card
    record = json.loads((merged / "judgesmith.json").read_text(encoding="utf-8"))
    assert record["tokens_seen"] == second.tokens_seen and second.tokens_seen > 0
    assert second.invocation_tokens < second.tokens_seen, "the resumed invocation trained on steps 3-4 only"
    assert record["tokens_per_second"] == pytest.approx(second.invocation_tokens / second.train_seconds)

    item = AbsoluteItem(id="t", instruction="What is the capital of France?", response="Paris.",
                        rubric=preset("helpfulness"))
    verdict = Judge(HFBackend.from_name(str(merged), batch_size=1), mode="score").grade_absolute([item])[0]
    assert verdict.probabilities and abs(sum(verdict.probabilities.values()) - 1) < 1e-6


def test_cpu_config_turns_off_the_slow_trl_defaults(tiny_model_dir, tmp_path):
    from judgesmith.train.run import sft_config

    recipe = make_recipe(tiny_model_dir, {"train": "t.jsonl"}, tmp_path, max_steps=3)
    cfg = sft_config(recipe, tmp_path, "float32", has_eval=True)
    assert not cfg.activation_checkpointing and not cfg.bf16 and not cfg.packing and not cfg.padding_free
    assert cfg.prediction_loss_only and cfg.eval_strategy == "no" and cfg.report_to in ([], "none", ["none"])
    assert cfg.train_sampling_strategy == "group_by_length" and cfg.completion_only_loss
    assert cfg.output_dir == str(tmp_path / "checkpoints") and cfg.max_steps == 3


def test_cli_data_dir_and_token_budget_override_the_recipe(tiny_model_dir, tmp_path, capsys):
    import yaml

    from judgesmith.cli import main

    build = tmp_path / "mybuild"
    write_jsonl(build / "absolute" / "train.jsonl", sft_rows(6))
    recipe = make_recipe(tiny_model_dir, {"build_dir": str(tmp_path / "elsewhere"), "kind": "absolute"},
                         tmp_path / "run", max_steps=1)
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(recipe.model_dump(mode="json")), encoding="utf-8")
    assert main(["train", "--recipe", str(path)]) == 2, "the recipe's own build_dir does not exist"
    assert main(["train", "--recipe", str(path), "--data-dir", str(tmp_path / "missing")]) == 2
    assert main(["train", "--recipe", str(path), "--data-dir", str(build), "--max-train-tokens", "100000"]) == 0
    assert "tokens seen" in capsys.readouterr().out
    record = json.loads((tmp_path / "run" / "judgesmith.json").read_text(encoding="utf-8"))
    assert record["train_files"] == [str(build / "absolute" / "train.jsonl")]
    assert record["train_sources"] == {"test": 6}


def test_the_record_names_only_the_files_whose_rows_were_trained_on(tiny_model_dir, tmp_path):
    from judgesmith.train.run import TrainResult, training_record

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"sources": [
        {"name": "mt_bench", "file": "/data/prometheus/mt_bench_eval.json"},
        {"name": "alpaca_eval", "file": "/data/alpaca_eval/pairs.jsonl.gz"}]}), encoding="utf-8")
    recipe = make_recipe(tiny_model_dir, {"train": "t.jsonl"}, tmp_path)
    summary = TrainResult(tmp_path, tmp_path, None, 1, None, None, None)
    feedback = training_record(recipe, tmp_path / "t.jsonl", manifest, summary, {"mt_bench": 5})
    assert feedback["train_files"] == ["prometheus/mt_bench_eval.json"] and feedback["train_sources"] == {"mt_bench": 5}
    unknown = training_record(recipe, tmp_path / "t.jsonl", manifest, summary)
    assert unknown["train_files"] == ["prometheus/mt_bench_eval.json", "alpaca_eval/pairs.jsonl.gz"]


class StopAt(TrainerCallback):
    """Ends training after a step, as a kill after that step's checkpoint would."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, args, state, control, **kw):
        control.should_training_stop = state.global_step >= self.step


def test_tokens_seen_counts_the_whole_run_across_two_resumes(tiny_model_dir, tmp_path):
    from judgesmith.train.run import build_trainer, latest_checkpoint, train

    build = tmp_path / "build"
    write_jsonl(build / "absolute" / "train.jsonl", sft_rows(8))
    recipes = {name: make_recipe(tiny_model_dir, {"build_dir": str(build), "kind": "absolute"}, tmp_path / name,
                                 max_steps=4, batch_size=1) for name in ("whole", "cut")}
    whole = train(recipes["whole"])
    for stop in (1, 2):  # killed after step 1, resumed and killed again after step 2
        trainer = build_trainer(recipes["cut"], tmp_path / "cut").trainer
        trainer.add_callback(StopAt(stop))
        resume = latest_checkpoint(tmp_path / "cut" / "checkpoints")
        trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    cut = train(recipes["cut"])
    assert cut.resumed_from.endswith("checkpoint-2") and cut.global_step == 4
    # TRL's own count restarts at each resume; the run's total must not
    assert cut.tokens_seen == whole.tokens_seen and cut.invocation_tokens < whole.tokens_seen
    logged = [e["tokens_total"] for e in metric_lines(tmp_path / "cut") if "tokens_total" in e]
    assert logged == sorted(logged) and logged[-1] == whole.tokens_seen
    assert json.loads((tmp_path / "cut" / "judgesmith.json").read_text())["tokens_seen"] == whole.tokens_seen


def test_tokens_seen_comes_from_the_trainer_state_not_the_last_log_line(tiny_model_dir, tmp_path):
    """Logged at steps 1 and 3, checkpointed at 2 and 4, killed after 2: the resumed run's total still
    counts step 2 (the last log line before the checkpoint is step 1's)."""
    from judgesmith.train.run import build_trainer, train

    build = tmp_path / "build"
    write_jsonl(build / "absolute" / "train.jsonl", sft_rows(8))
    recipes = {name: make_recipe(tiny_model_dir, {"build_dir": str(build), "kind": "absolute"}, tmp_path / name,
                                 max_steps=4, batch_size=1, logging_steps=3, save_steps=2) for name in ("whole", "cut")}
    whole = train(recipes["whole"])
    trainer = build_trainer(recipes["cut"], tmp_path / "cut").trainer
    trainer.add_callback(StopAt(2))
    trainer.train()
    cut = train(recipes["cut"])
    assert cut.resumed_from.endswith("checkpoint-2") and cut.global_step == 4
    assert cut.tokens_seen == whole.tokens_seen > 0
    state = json.loads((tmp_path / "cut" / "checkpoints" / "checkpoint-4" / "trainer_state.json").read_text())
    assert state["num_input_tokens_seen"] == whole.tokens_seen
    assert json.loads((tmp_path / "cut" / "judgesmith.json").read_text())["tokens_seen"] == whole.tokens_seen
