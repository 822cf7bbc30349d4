"""Training tokens/s: the recipe's trainer vs a plain TRL SFTTrainer with default settings, same examples.

    JUDGESMITH_HOME=/tmp/jh python benchmarks/train_throughput.py --recipe recipes/gemma3-270m-feedback-cpu.yaml
    python benchmarks/train_throughput.py --model path/to/tiny --examples 4      # quick smoke run

"Default settings" means `SFTConfig()` as TRL ships it, except `bf16=False` (TRL's default bf16=True refuses
to start on a CPU without bf16 support) and the batch size, accumulation, max_length and LoRA config, which
both runs share. `--ablate` adds two runs that split the gap: defaults without activation checkpointing, and
the recipe's settings with TRL's own (fused LM head) loss instead of the completion-window loss.
Run it alone on the machine: two torch jobs on 2 cores distort each other's timings badly.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("train_throughput")


def examples(args: argparse.Namespace, recipe: Any, tokenizer: Any) -> list[dict]:
    """N prompt/completion rows that fit max_length: from --data, the recipe's train file, or Vicuna-eval."""
    from judgesmith.train.data import fit_length, read_sft_jsonl

    path = Path(args.data) if args.data else recipe.data.train_file()
    if path.is_file():
        rows = read_sft_jsonl(path)
    else:
        log.info("%s not found; building examples from prometheus/vicuna_eval.json", path)
        rows = vicuna_rows()
    return fit_length(rows, tokenizer, recipe.training.max_length, args.examples, recipe.training.seed, path.name)


def vicuna_rows() -> list[dict]:
    """Absolute-grading SFT rows from the Prometheus Vicuna benchmark file (benchmark input only)."""
    from judgesmith.paths import data_file
    from judgesmith.prompts import ABS_SYSTEM_PROMPT, target_text

    rows = []
    for rec in json.loads(data_file("prometheus/vicuna_eval.json").read_text(encoding="utf-8")):
        target = target_text(rec["gpt4_feedback"][0].split("[RESULT]")[0], str(rec["gpt4_score"][0]))
        rows.append({"prompt": [{"role": "system", "content": ABS_SYSTEM_PROMPT},
                                {"role": "user", "content": rec["instruction"]}],
                     "completion": [{"role": "assistant", "content": target}]})
    return rows


def default_config(recipe: Any, out: str, steps: int, **overrides: Any) -> Any:
    from trl import SFTConfig

    t = recipe.training
    return SFTConfig(output_dir=out, max_steps=steps, per_device_train_batch_size=t.batch_size,
                     gradient_accumulation_steps=t.grad_accum, max_length=t.max_length, bf16=False,
                     report_to="none", save_strategy="no", disable_tqdm=True, **overrides)


def recipe_config(recipe: Any, out: str, steps: int) -> Any:
    from judgesmith.train.run import sft_config

    r = recipe.model_copy(update={"training": recipe.training.model_copy(update={"max_steps": steps})})
    cfg = sft_config(r, Path(out), "float32", has_eval=False)
    cfg.save_strategy, cfg.disable_tqdm = "no", True
    return cfg


def measure(name: str, source: str, recipe: Any, rows: list[dict], config: Any, window: bool | None) -> float:
    """Tokens/s over one pass of `rows` (fresh model each run); tokens = the prepared sequences' lengths.

    `window=None` runs TRL's own `SFTTrainer` class; True/False our subclass with/without the window loss.
    """
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback
    from trl import SFTTrainer

    from judgesmith.train.run import lora_config
    from judgesmith.train.trainer import CompletionOnlySFTTrainer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32)
    kwargs = {} if window is None else {"completion_logits_only": window}
    cls = SFTTrainer if window is None else CompletionOnlySFTTrainer
    trainer = cls(model=model, args=config, train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                  peft_config=lora_config(recipe.lora), **kwargs)
    trainer.remove_callback(PrinterCallback)  # disable_tqdm=True swaps the bar for per-log prints; drop both
    tokens = sum(len(ids) for ids in trainer.train_dataset["input_ids"])
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    rate = tokens / seconds
    print(f"{name:<34} {tokens:>7} tokens {seconds:>8.1f} s {rate:>9.1f} tok/s "
          f"({seconds / trainer.state.global_step:.2f} s/step)", flush=True)
    return rate


def main() -> None:
    from judgesmith.models import resolve_model_dir, set_threads
    from judgesmith.train.recipe import load_recipe

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--recipe", default="recipes/gemma3-270m-feedback-cpu.yaml")
    p.add_argument("--model", default=None, help="override the recipe's base model (e.g. a tiny test model)")
    p.add_argument("--data", default=None, help="SFT JSONL to take examples from (default: the recipe's)")
    p.add_argument("--examples", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--ablate", action="store_true", help="also time the two half-way configurations")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    set_threads(args.threads)
    recipe = load_recipe(args.recipe)
    source = resolve_model_dir(args.model or recipe.base_model)
    from transformers import AutoTokenizer

    rows = examples(args, recipe, AutoTokenizer.from_pretrained(source))
    t = recipe.training
    steps = math.ceil(len(rows) / (t.batch_size * t.grad_accum))
    print(f"model {source}, {len(rows)} examples, batch {t.batch_size} x accum {t.grad_accum}, "
          f"{steps} optimizer steps, {args.threads} threads")
    with tempfile.TemporaryDirectory() as tmp:
        plain = measure("plain SFTTrainer (TRL defaults)", source, recipe, rows, default_config(recipe, tmp, steps),
                        window=None)
        if args.ablate:
            measure("  defaults, no act. checkpointing", source, recipe, rows,
                    default_config(recipe, tmp, steps, activation_checkpointing=False), window=None)
            measure("  recipe, TRL fused-head loss", source, recipe, rows, recipe_config(recipe, tmp, steps),
                    window=False)
        ours = measure("recipe trainer (judgesmith)", source, recipe, rows, recipe_config(recipe, tmp, steps),
                       window=t.completion_logits_only)
    print(f"ratio recipe / plain: {ours / plain:.2f}x")


if __name__ == "__main__":
    main()
