"""SFTTrainer that projects only the completion positions through the LM head.

Why: with Gemma's 262k-token vocabulary the LM head is most of a CPU training
step, yet the loss needs logits only where the completion is predicted. TRL 1.16
instead routes the loss through its fused LM head (`add_fused_lm_head`), which on
devices without Triton (CPU) scores *every* position, also computes entropy and
top-1 per position, and recomputes all tiles in the backward pass.

LM head alone, Gemma 3 270M sizes (700 tokens, 150 completion tokens, 2 CPU threads,
forward + backward): TRL's fused head 12.6 s, plain full logits 5.0 s, this window 1.2 s.
With TRL's other default, activation checkpointing (one more backbone forward), that is
why a default SFTTrainer step ran ~2x slower than a plain loop on CPU.

Here the model is called with `logits_to_keep` = the trailing window that starts
at the position predicting the first completion token, and with the labels cut to
the same window. transformers' causal-LM loss shifts labels inside that window, so
the loss (and its normalisation by `num_items_in_batch`) is exactly the
full-logits completion-only loss.
"""

from __future__ import annotations

from typing import Any

import torch
from trl import SFTTrainer

IGNORE = -100


def completion_window(labels: torch.Tensor) -> int:
    """How many trailing positions need logits: from the one predicting the first labelled token to the end."""
    targets = (labels[:, 1:] != IGNORE).any(dim=0)
    if not bool(targets.any()):
        return 1
    first = int(targets.nonzero()[0, 0])  # position `first` predicts token `first + 1`
    return labels.shape[1] - first


class CompletionOnlySFTTrainer(SFTTrainer):
    """`SFTTrainer` with the completion-window loss; TRL's own path is kept where it is needed."""

    def __init__(self, *args: Any, completion_logits_only: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.completion_logits_only = completion_logits_only

    def _use_window(self, inputs: dict[str, Any]) -> bool:
        # MoE aux loss, padding-free batches, label smoothing, custom losses: leave them to TRL.
        return (self.completion_logits_only and "labels" in inputs and "attention_mask" in inputs
                and not self.padding_free and not self.aux_loss_enabled and self.compute_loss_func is None
                and self.label_smoother is None and self.args.loss_type == "nll")

    def compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool = False,
                     num_items_in_batch: Any = None) -> Any:
        if not self._use_window(inputs):
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        labels = inputs["labels"]
        keep = completion_window(labels)
        window = labels[:, labels.shape[1] - keep:]
        model_inputs = {k: v for k, v in inputs.items() if k != "labels"}
        model_inputs["use_cache"] = False
        if num_items_in_batch is not None:
            model_inputs["num_items_in_batch"] = num_items_in_batch
        outputs = model(**model_inputs, labels=window, logits_to_keep=keep)
        loss = outputs.loss
        if self.args.average_tokens_across_devices and num_items_in_batch is not None:
            # Like TRL/Trainer: the count spans all ranks and DDP averages gradients across them.
            loss = loss * (self.accelerator.num_processes // self.get_tp_size())
        self._record_metrics(outputs.logits.detach(), window, inputs)
        return (loss, outputs) if return_outputs else loss

    def _record_metrics(self, logits: torch.Tensor, window: torch.Tensor, inputs: dict[str, Any]) -> None:
        """TRL's metrics (entropy, token accuracy, tokens seen), on the completion positions only."""
        mode = "train" if self.model.training else "eval"
        targets = window[:, 1:]
        mask = targets != IGNORE
        picked = logits[:, :-1][mask].float()
        with torch.no_grad():
            logp = torch.log_softmax(picked, dim=-1)
            entropy = -(logp.exp() * logp).sum(-1).sum()
            correct = (picked.argmax(-1) == targets[mask]).sum()
        gather = self.accelerator.gather_for_metrics
        n = gather(mask.sum()).sum()
        ent, hit = gather(entropy).sum(), gather(correct).sum()
        self._metrics[mode]["entropy"].append((ent / n).item() if n > 0 else 0.0)
        self._metrics[mode]["mean_token_accuracy"].append((hit / n).item() if n > 0 else 0.0)
        if mode == "train":
            self._total_train_tokens += gather(inputs["attention_mask"].sum()).sum().item() // self._tp_size
        self._metrics[mode]["num_tokens"] = [self._total_train_tokens]
