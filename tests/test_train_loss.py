"""The completion-window loss equals the full-logits completion-only loss (and TRL's own loss)."""

from __future__ import annotations

import pytest
import torch
from helpers import sft_rows

from judgesmith.train.trainer import completion_window


def test_completion_window_counts_from_the_position_predicting_the_first_label():
    labels = torch.tensor([[-100, -100, -100, 5, 6, -100],
                           [-100, -100, -100, -100, 7, 8]])
    # first labelled token is at index 3, predicted by position 2: keep positions 2..5
    assert completion_window(labels) == 4
    assert completion_window(torch.full((1, 4), -100)) == 1


def _trainer(model_dir, tmp_path, batch_size=3):
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig

    from judgesmith.train.trainer import CompletionOnlySFTTrainer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    rows = [{"prompt": r["prompt"], "completion": r["completion"]} for r in sft_rows(6)]
    args = SFTConfig(output_dir=str(tmp_path / "out"), per_device_train_batch_size=batch_size, max_steps=1,
                     report_to="none", bf16=False, activation_checkpointing=False, max_length=512,
                     dataloader_pin_memory=False)
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM",
                      lora_dropout=0.0, init_lora_weights=False)  # random B: the adapter affects the loss
    return CompletionOnlySFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows),
                                    processing_class=tok, peft_config=lora)


@pytest.mark.parametrize("arch", ["llama", "gemma3"])
def test_window_loss_matches_full_logits_loss(arch, tiny_model_dir, tiny_gemma_dir, tmp_path):
    trainer = _trainer(tiny_model_dir if arch == "llama" else tiny_gemma_dir, tmp_path)
    batch = next(iter(trainer.get_train_dataloader()))
    assert (batch["labels"] == -100).any() and (batch["labels"] != -100).any()
    keep = completion_window(batch["labels"])
    assert keep < batch["labels"].shape[1]  # the window really skips prompt positions
    model = trainer.model
    model.eval()
    n_items = (batch["labels"][:, 1:] != -100).sum()

    fast = trainer.compute_loss(model, dict(batch))
    full = model(**batch, use_cache=False).loss  # the model's own loss on full logits
    trainer.completion_logits_only = False
    trl_loss = trainer.compute_loss(model, dict(batch))  # TRL's fused-LM-head path
    trainer.completion_logits_only = True
    scaled = trainer.compute_loss(model, dict(batch), num_items_in_batch=n_items * 2)

    assert torch.isfinite(fast)
    torch.testing.assert_close(fast, full, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(fast, trl_loss, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(scaled, full / 2, rtol=1e-5, atol=1e-6)  # normalised by num_items_in_batch


def test_window_loss_gradients_match_full_logits(tiny_model_dir, tmp_path):
    trainer = _trainer(tiny_model_dir, tmp_path)
    batch = next(iter(trainer.get_train_dataloader()))
    model = trainer.model
    params = [p for p in model.parameters() if p.requires_grad]

    trainer.compute_loss(model, dict(batch)).backward()
    fast = [p.grad.clone() for p in params]
    model.zero_grad()
    model(**batch, use_cache=False).loss.backward()
    for got, want in zip(fast, [p.grad for p in params]):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-7)
