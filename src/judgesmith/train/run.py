"""Run a training recipe: LoRA SFT with TRL, resumable, then adapter + merged model + model card.

Output folder layout:
  checkpoints/checkpoint-N/   Trainer checkpoints (a rerun resumes from the newest complete one)
  metrics.jsonl               every logged train/eval metric, appended across resumed runs
  adapter/                    the LoRA adapter (PEFT) + tokenizer
  merged/                     base + adapter as one safetensors model + tokenizer + chat template
  README.md                   model card (recipe, data hashes, steps, losses, library versions)
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, Optional

from judgesmith.train.recipe import TrainRecipe

log = logging.getLogger(__name__)

_CKPT = re.compile(r"^checkpoint-(\d+)$")


@dataclass(frozen=True)
class TrainResult:
    output_dir: Path
    adapter_dir: Path
    merged_dir: Optional[Path]
    global_step: int
    train_loss: Optional[float]
    eval_loss: Optional[float]
    resumed_from: Optional[str]
    tokens_seen: Optional[int] = None       # prompt + completion tokens of the whole run, across resumes
    train_seconds: Optional[float] = None   # wall time of this invocation's training loop
    invocation_tokens: Optional[int] = None  # tokens trained on in this invocation (= tokens_seen unless resumed)

    @property
    def tokens_per_second(self) -> Optional[float]:
        """This invocation's speed: its tokens over its seconds (a resumed run's earlier part is not timed)."""
        tokens = self.invocation_tokens if self.invocation_tokens is not None else self.tokens_seen
        if not tokens or not self.train_seconds:
            return None
        return tokens / self.train_seconds


def latest_checkpoint(folder: Path) -> Optional[Path]:
    """Newest `checkpoint-N` that finished saving (has trainer_state.json, written last)."""
    if not folder.is_dir():
        return None
    found = [(int(m.group(1)), p) for p in folder.iterdir()
             if (m := _CKPT.match(p.name)) and (p / "trainer_state.json").is_file()]
    return max(found)[1] if found else None


def runtime_dtype(requested: str) -> str:
    """bf16/fp16 only where there is a GPU: this class of CPU runs bf16 matmuls ~200x slower than fp32."""
    import torch

    if requested != "float32" and not torch.cuda.is_available():
        log.warning("training.dtype=%s needs a GPU; using float32 on CPU", requested)
        return "float32"
    return requested


def sft_config(recipe: TrainRecipe, out: Path, dtype: str, has_eval: bool) -> Any:
    """SFTConfig with every default that matters on CPU set explicitly (see the module docs of trainer.py)."""
    import torch
    from trl import SFTConfig

    t = recipe.training
    steps = t.max_steps or -1
    periodic_eval = has_eval and t.eval_steps is not None
    return SFTConfig(
        output_dir=str(out / "checkpoints"), num_train_epochs=t.epochs, max_steps=steps,
        per_device_train_batch_size=t.batch_size, per_device_eval_batch_size=t.batch_size,
        gradient_accumulation_steps=t.grad_accum, learning_rate=t.learning_rate,
        lr_scheduler_type=t.lr_scheduler, warmup_steps=t.warmup_ratio, weight_decay=t.weight_decay,
        max_length=t.max_length, seed=t.seed, data_seed=t.seed,
        bf16=dtype == "bfloat16", fp16=dtype == "float16",
        activation_checkpointing=t.gradient_checkpointing,  # TRL defaults to True: ~30% slower steps
        completion_only_loss=True, packing=False, padding_free=False,
        train_sampling_strategy="group_by_length" if t.group_by_length else "random",
        logging_steps=t.logging_steps, logging_first_step=True,
        include_num_input_tokens_seen="non_padding",  # the run's token count, kept in each checkpoint's state
        save_strategy="steps", save_steps=t.save_steps, save_total_limit=t.save_total_limit,
        eval_strategy="steps" if periodic_eval else "no", eval_steps=t.eval_steps if periodic_eval else None,
        prediction_loss_only=True,  # otherwise eval keeps every batch's (tokens x vocab) logits in memory
        dataloader_num_workers=0, dataloader_pin_memory=torch.cuda.is_available(), report_to="none",
        use_cpu=not torch.cuda.is_available(),  # also what makes torchrun on CPU run DDP (gloo), not N copies
    )


def _load_model(source: str, dtype: str) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(source, dtype=getattr(torch, dtype))


def _load_tokenizer(source: str) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


class Built(NamedTuple):
    """What `build_trainer` makes: the trainer, the base model folder, examples per data source."""

    trainer: Any
    source: str
    train_sources: dict[str, int]


def build_trainer(recipe: TrainRecipe, out: Path) -> Built:
    """The configured trainer (model, LoRA, data, callbacks) ready for `.train()`, and what it trains on."""
    from transformers import ProgressCallback, set_seed

    from judgesmith.models import resolve_model_dir, set_threads
    from judgesmith.train.callbacks import JsonlLogger, ProgressBar, TokenCounter
    from judgesmith.train.data import load_split, take_sources
    from judgesmith.train.lora import adapted_modules, lora_config
    from judgesmith.train.trainer import CompletionOnlySFTTrainer

    t = recipe.training
    for path in (recipe.data.train_file(), recipe.data.eval_file()):
        if path is not None and not Path(path).is_file():  # fail before the (slow) model loading
            raise FileNotFoundError(f"training data {path} not found; run `judgesmith data build` or fix the recipe")
    set_threads(t.threads)
    set_seed(t.seed)
    source = resolve_model_dir(recipe.base_model)
    dtype = runtime_dtype(t.dtype)
    tokenizer = _load_tokenizer(source)
    train_ds = load_split(recipe.data.train_file(), tokenizer, t.max_length, recipe.data.max_train_examples, t.seed,
                          max_tokens=recipe.data.max_train_tokens, balance_labels=recipe.data.balance_labels,
                          balance_length=recipe.data.balance_length)
    train_ds, sources = take_sources(train_ds)
    eval_file = recipe.data.eval_file()
    eval_ds = None
    if eval_file is not None:
        eval_ds, _ = take_sources(load_split(eval_file, tokenizer, t.max_length, recipe.data.max_eval_examples,
                                             t.seed, required=False))
    model = _load_model(source, dtype)
    trainer = CompletionOnlySFTTrainer(
        model=model, args=sft_config(recipe, out, dtype, eval_ds is not None),
        train_dataset=train_ds, eval_dataset=eval_ds, processing_class=tokenizer,
        peft_config=lora_config(recipe.lora, model), completion_logits_only=t.completion_logits_only,
    )
    wrapped = adapted_modules(trainer.model)
    log.info("LoRA r=%d on %d modules of %s (e.g. %s)", recipe.lora.r, len(wrapped), type(model).__name__,
             ", ".join(wrapped[:2]))
    trainer.remove_callback(ProgressCallback)
    trainer.add_callback(TokenCounter())  # first: the callbacks after it read its `tokens_total`
    trainer.add_callback(ProgressBar())
    trainer.add_callback(JsonlLogger(out / "metrics.jsonl"))
    if t.snapshot_fractions:
        from judgesmith.train.snapshots import SnapshotCallback

        trainer.add_callback(SnapshotCallback(out, t.snapshot_fractions))
    return Built(trainer, source, sources)


def train(recipe: TrainRecipe, out: Optional[Path] = None, max_steps: Optional[int] = None) -> TrainResult:
    """Train (resuming from the newest checkpoint in `out` if any), then save adapter, merged model and card."""
    if max_steps is not None:  # the override becomes part of the recipe recorded in the model card
        recipe = recipe.model_copy(update={"training": recipe.training.model_copy(update={"max_steps": max_steps})})
    out = Path(out or recipe.output_dir)
    trainer, source, sources = build_trainer(recipe, out)
    resume = latest_checkpoint(out / "checkpoints")
    if resume is not None:
        check_same_base(resume, source)
        log.info("resuming from %s", resume)
    result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    eval_loss = trainer.evaluate()["eval_loss"] if trainer.eval_dataset is not None else None
    adapter_dir = out / "adapter"
    trainer.save_model(str(adapter_dir))
    trainer.accelerator.wait_for_everyone()
    invocation = getattr(trainer, "_total_train_tokens", None)
    total = _run_tokens(trainer)
    summary = TrainResult(out, adapter_dir, None, trainer.state.global_step, _last_train_loss(trainer, result),
                          eval_loss, str(resume) if resume else None, total if total is not None else invocation,
                          float(result.metrics.get("train_runtime", 0.0)) or None,
                          int(invocation) if invocation is not None else None)
    log.info("trained on %s tokens in %.0f s (%s tokens/s)", summary.tokens_seen, summary.train_seconds or 0,
             f"{summary.tokens_per_second:.0f}" if summary.tokens_per_second else "n/a")
    if trainer.accelerator.is_main_process:
        summary = _finish(recipe, trainer, source, summary, sources)
    trainer.accelerator.wait_for_everyone()
    return summary


def check_same_base(checkpoint: Path, source: str) -> None:
    """Refuse to resume a checkpoint trained from another base model (compared by the model's folder or hub
    name, so a moved cache folder still resumes)."""
    config = checkpoint / "adapter_config.json"
    if not config.is_file():
        return
    trained = json.loads(config.read_text(encoding="utf-8")).get("base_model_name_or_path") or ""
    if trained and Path(trained.rstrip("/")).name != Path(source.rstrip("/")).name:
        raise ValueError(f"{checkpoint} was trained from {trained}, not {source}; give another output folder "
                         "(--out) or remove the old one")


def _run_tokens(trainer: Any) -> Optional[int]:
    """The whole run's training tokens as the `TokenCounter` callback counted them (None if it did not)."""
    from judgesmith.train.callbacks import TokenCounter

    counters = [c for c in trainer.callback_handler.callbacks if isinstance(c, TokenCounter)]
    return counters[0].total if counters else None


def _last_train_loss(trainer: Any, result: Any) -> Optional[float]:
    """The last logged training loss (the run average in `result` mixes in resumed history oddly)."""
    for entry in reversed(trainer.state.log_history):
        if "loss" in entry:
            return float(entry["loss"])
    return float(result.training_loss)


def _finish(recipe: TrainRecipe, trainer: Any, source: str, summary: TrainResult,
            sources: Optional[dict[str, int]] = None) -> TrainResult:
    import yaml

    from judgesmith.train.card import render_card
    from judgesmith.train.data import find_manifest
    from judgesmith.train.export import merge_adapter

    merged = None
    if recipe.merge:
        merged = merge_adapter(source, summary.adapter_dir, summary.output_dir / "merged",
                               runtime_dtype(recipe.training.dtype))
    summary = replace(summary, merged_dir=merged)
    train_file = recipe.data.train_file()
    facts = {"base model": f"`{recipe.base_model}` (`{source}`)",
             "optimizer steps": summary.global_step, "train examples": len(trainer.train_dataset),
             "final train loss": summary.train_loss, "final eval loss": summary.eval_loss,
             "tokens seen (whole run)": summary.tokens_seen, "tokens seen (this invocation)": summary.invocation_tokens,
             "training seconds (this invocation)": summary.train_seconds,
             "tokens/s": round(summary.tokens_per_second, 1) if summary.tokens_per_second else None,
             "resumed from": summary.resumed_from or "no"}
    card = render_card(yaml.safe_dump(recipe.model_dump(mode="json"), sort_keys=False), recipe.base_model,
                       {"train": train_file, "eval": recipe.data.eval_file()}, find_manifest(train_file), facts)
    record = json.dumps(training_record(recipe, train_file, find_manifest(train_file), summary, sources), indent=1)
    for folder in (summary.output_dir, merged):
        if folder is not None:
            (folder / "README.md").write_text(card, encoding="utf-8")
            (folder / "judgesmith.json").write_text(record, encoding="utf-8")
    return summary


def _short(path: str) -> str:
    """`folder/file` as the data README names a source file; a source that is a folder keeps its own name."""
    p = Path(path)
    return f"{p.name}/" if p.is_dir() else f"{p.parent.name}/{p.name}"


def training_record(recipe: TrainRecipe, train_file: Path, manifest: Optional[Path], summary: TrainResult,
                    sources: Optional[dict[str, int]] = None) -> dict:
    """Machine-readable provenance (`judgesmith.json`): the bench report says which files trained a model.

    With `sources` (examples per source name, from the rows trained on) only the manifest's files of
    those sources are named: a feedback judge built from a mixed data build did not train on its
    pairwise files. Without it (or a manifest), every file of the build, or the SFT file itself.
    """
    files = [str(train_file)]
    if manifest is not None:
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8")).get("sources", [])
            named = [(s.get("name"), s.get("file")) if isinstance(s, dict) else (None, s) for s in entries]
            used = [f for name, f in named if isinstance(f, str) and f and (not sources or name in sources)]
            files = [_short(f) for f in used] or files
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.warning("could not read the data manifest %s; recording the SFT file instead", manifest)
    return {"base_model": recipe.base_model, "kind": recipe.data.kind, "train_files": files,
            "train_sources": dict(sources or {}),
            "steps": summary.global_step, "train_loss": summary.train_loss, "eval_loss": summary.eval_loss,
            "tokens_seen": summary.tokens_seen, "train_seconds": summary.train_seconds,
            "tokens_per_second": summary.tokens_per_second}
