"""`judgesmith train --recipe FILE.yaml`: LoRA fine-tune a judge (resumable: rerun the same command).

Multi-GPU: `accelerate launch --config_file recipes/accelerate/ddp.yaml -m judgesmith.cli train --recipe ...`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from judgesmith.cli import add_recipe_command, out_override

DESCRIPTION = ("Fine-tune a judge from a YAML recipe (see recipes/). Writes checkpoints, "
               "metrics.jsonl, the adapter, the merged model and a model card. Rerunning "
               "the same command resumes from the newest checkpoint in the output folder.")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = add_recipe_command(sub, "train", "fine-tune a judge with LoRA (TRL SFTTrainer) from a recipe", DESCRIPTION,
                           recipe_help="training recipe YAML")
    p.add_argument("--base-model", default=None, metavar="MODEL",
                   help="train from this model instead of the recipe's base_model: an embedded name, a model folder, "
                        "a .gguf file or a hub id (output goes to <output_dir>-<model name> unless --out is given)")
    p.add_argument("--max-steps", type=int, default=None, help="stop after N optimizer steps (overrides the recipe)")
    p.add_argument("--data-dir", default=None,
                   help="a `judgesmith data build` output folder to train on (overrides the recipe's data.build_dir)")
    p.add_argument("--max-train-tokens", type=int, default=None,
                   help="token budget of the training examples (overrides the recipe's data.max_train_tokens)")
    return p


def model_slug(name: str) -> str:
    """`Qwen/Qwen3-4B` -> `Qwen3-4B`, `runs/tiny/` -> `tiny`: a folder-name suffix for another base model."""
    return Path(name.rstrip("/")).name.removesuffix(".gguf") or "model"


def with_base_model(recipe: Any, base_model: str) -> Any:
    """The recipe trained from `base_model`, into its own output folder (a checkpoint of another base must
    not be resumed)."""
    out = Path(f"{recipe.output_dir}-{model_slug(base_model)}")
    return recipe.model_copy(update={"base_model": base_model, "output_dir": out})


def run(args: argparse.Namespace) -> int:
    from judgesmith.train.recipe import load_recipe
    from judgesmith.train.run import train

    if args.max_steps is not None and args.max_steps < 1:
        raise ValueError(f"--max-steps must be >= 1, got {args.max_steps}")
    recipe = load_recipe(args.recipe)
    data: dict = {}
    if args.data_dir is not None:
        if recipe.data.train is not None:
            raise ValueError("--data-dir replaces data.build_dir, but this recipe names data.train files")
        if not Path(args.data_dir).is_dir():
            raise FileNotFoundError(f"--data-dir {args.data_dir} is not a folder; run `judgesmith data build` first")
        data["build_dir"] = Path(args.data_dir)
    if args.max_train_tokens is not None:
        if args.max_train_tokens < 16:
            raise ValueError(f"--max-train-tokens must be >= 16, got {args.max_train_tokens}")
        data["max_train_tokens"] = args.max_train_tokens
    if data:
        recipe = recipe.model_copy(update={"data": recipe.data.model_copy(update=data)})
    if args.base_model:
        recipe = with_base_model(recipe, args.base_model)
    result = train(recipe, out_override(args), args.max_steps)
    print(f"steps: {result.global_step}  train loss: {result.train_loss}  eval loss: {result.eval_loss}")
    speed = f"{result.tokens_per_second:.0f} tokens/s" if result.tokens_per_second else "n/a"
    print(f"tokens seen: {result.tokens_seen} (whole run; this invocation {result.invocation_tokens} "
          f"in {result.train_seconds or 0:.0f} s, {speed})")
    print(f"adapter: {result.adapter_dir}")
    if result.merged_dir is not None:
        print(f"merged model: {result.merged_dir}")
    return 0
