"""Two-process DDP on CPU (gloo) through torchrun: same losses as one process with the doubled batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from helpers import sft_rows, write_jsonl


def losses(out) -> tuple[list[float], list[int]]:
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    return [x["loss"] for x in lines if "loss" in x], [x["world_size"] for x in lines if x.get("event")]


@pytest.mark.slow
def test_two_process_ddp_matches_single_process(tiny_model_dir, tmp_path):
    from judgesmith.train.recipe import TrainRecipe
    from judgesmith.train.run import train

    data = write_jsonl(tmp_path / "train.jsonl", sft_rows(8))
    spec = {"base_model": str(tiny_model_dir), "data": {"train": str(data)}, "output_dir": str(tmp_path / "ddp"),
            "lora": {"r": 8, "alpha": 16, "dropout": 0.0},
            "training": {"learning_rate": 1e-2, "batch_size": 1, "max_steps": 3, "save_steps": 2, "threads": 1,
                         "max_length": 512}}
    recipe_file = tmp_path / "recipe.yaml"
    recipe_file.write_text(yaml.safe_dump(spec), encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29517",
           "-m", "judgesmith.cli", "train", "--recipe", str(recipe_file)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ddp_losses, world = losses(tmp_path / "ddp")
    assert world == [2] and len(ddp_losses) == 3
    assert (tmp_path / "ddp" / "merged" / "model.safetensors").is_file()

    # One process with batch 2 sees the same examples per step; synced gradients give the same losses.
    single = {**spec, "output_dir": str(tmp_path / "single"), "training": {**spec["training"], "batch_size": 2}}
    train(TrainRecipe.model_validate(single))
    single_losses, _ = losses(tmp_path / "single")
    assert ddp_losses == pytest.approx(single_losses, rel=1e-5)
