"""Learning-curve snapshots: taken at fractions of the run, exported as models that judge like the run did."""

from __future__ import annotations

import json

import pytest
import torch
from transformers import TrainerCallback
from safetensors.torch import load_file
from test_train_data import sft_rows, write_jsonl
from test_train_run import StopAt, make_recipe

from judgesmith.train.snapshots import export_snapshot, list_snapshots, snapshot_step


def test_snapshot_step_is_the_first_step_at_or_past_the_fraction():
    assert [snapshot_step(f, 8) for f in (0.25, 0.5, 0.75)] == [2, 4, 6]
    assert snapshot_step(0.3, 4) == 2 and snapshot_step(0.01, 4) == 1


def test_fractions_outside_zero_one_are_refused(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        make_recipe(tiny_model_dir, {"train": "t.jsonl"}, tmp_path, snapshot_fractions=[0.5, 1.0])
    with pytest.raises(ValueError, match="repeated"):
        make_recipe(tiny_model_dir, {"train": "t.jsonl"}, tmp_path, snapshot_fractions=[0.5, 0.5])


def test_snapshots_are_taken_resumed_and_exported(tiny_model_dir, tmp_path):
    from judgesmith.train.run import build_trainer, train

    build = tmp_path / "build"
    write_jsonl(build / "absolute" / "train.jsonl", sft_rows(8))
    out = tmp_path / "run"
    recipe = make_recipe(tiny_model_dir, {"build_dir": str(build), "kind": "absolute"}, out, max_steps=4,
                         batch_size=1, snapshot_fractions=[0.25, 0.5, 0.75])
    trainer = build_trainer(recipe, out).trainer
    trainer.add_callback(StopAt(2))
    trainer.train()  # interrupted after step 2 of 4: two snapshots exist
    assert [s.fraction for s in list_snapshots(out)] == [0.25, 0.5]
    first = (out / "snapshots" / "frac-0.5" / "adapter_model.safetensors").read_bytes()
    result = train(recipe)  # resumed: the third is added, the earlier ones are kept as they were
    snaps = list_snapshots(out)
    assert [(s.fraction, s.step) for s in snaps] == [(0.25, 1), (0.5, 2), (0.75, 3)]
    assert (out / "snapshots" / "frac-0.5" / "adapter_model.safetensors").read_bytes() == first
    tokens = [s.tokens_seen for s in snaps]
    assert all(t > 0 for t in tokens) and tokens == sorted(tokens)
    logged = {e["step"]: e["num_tokens"] for e in map(json.loads, (out / "metrics.jsonl").read_text().splitlines())
              if "num_tokens" in e}
    # TRL counts from zero again after the resume at step 2; the snapshot adds the first part back
    assert tokens[:2] == [logged[1], logged[2]] and tokens[2] == logged[2] + logged[3]

    # the three snapshots differ from each other and from the final adapter
    weights = [load_file(str(s.path / "adapter_model.safetensors")) for s in snaps]
    final = load_file(str(out / "adapter" / "adapter_model.safetensors"))
    key = next(k for k in final if "lora_B" in k)
    values = [w[key] for w in weights] + [final[key]]
    assert all(not torch.equal(a, b) for a, b in zip(values, values[1:]))

    model = export_snapshot(out, snaps[1], str(tiny_model_dir), tmp_path / "m50")
    record = json.loads((model / "judgesmith.json").read_text(encoding="utf-8"))
    assert record["tokens_seen"] == snaps[1].tokens_seen and record["snapshot_fraction"] == 0.5
    assert record["train_files"] and (model / "model.safetensors").is_file()
