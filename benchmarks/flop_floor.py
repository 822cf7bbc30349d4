"""The FLOP floor of judging: what the model's arithmetic costs at this machine's measured fp32 matmul rate.

A judgment needs at least 2 x (non-embedding parameters) FLOPs per prompt token
and per generated token, plus the LM head (2 x hidden x vocab) at every position
whose logits are read (one in score mode, one per generated token). Attention
over the context is left out, so the floor is a lower bound. The rate is a
torch GEMM probe at the model's own shapes (its projections at `rows` tokens),
measured in the same run as the engines it is compared with.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelShape:
    hidden: int
    intermediate: int
    q_width: int
    kv_width: int
    vocab: int
    non_embedding: int


def model_shape(model) -> ModelShape:
    """Projection widths and the non-embedding parameter count of a transformers causal LM."""
    cfg = model.config.get_text_config(decoder=True)
    heads, kv_heads = cfg.num_attention_heads, getattr(cfg, "num_key_value_heads", cfg.num_attention_heads)
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // heads
    embed = model.get_input_embeddings().weight
    head = model.get_output_embeddings()
    total = sum(p.numel() for p in model.parameters())  # tied weights are counted once
    untied = head is not None and head.weight.data_ptr() != embed.data_ptr()
    non_embedding = total - embed.numel() - (head.weight.numel() if untied else 0)
    return ModelShape(cfg.hidden_size, cfg.intermediate_size, heads * head_dim, kv_heads * head_dim,
                      embed.shape[0], non_embedding)


def gemm_rate(shape: ModelShape, rows: int = 512, seconds: float = 3.0) -> float:
    """fp32 FLOP/s of `torch.matmul` on the model's projection shapes at `rows` tokens (best of the repeats)."""
    import torch

    h, f = shape.hidden, shape.intermediate
    pairs = [(h, shape.q_width), (h, shape.kv_width), (h, shape.kv_width), (shape.q_width, h),
             (h, f), (h, f), (f, h)]
    mats = [(torch.randn(rows, k), torch.randn(k, n)) for k, n in pairs]
    flops = sum(2 * rows * k * n for k, n in pairs)
    with torch.inference_mode():
        for a, b in mats:  # warm-up
            torch.matmul(a, b)
        best, deadline = float("inf"), time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            for a, b in mats:
                torch.matmul(a, b)
            best = min(best, time.perf_counter() - start)
    return flops / best


def score_flops(shape: ModelShape, prompt_tokens: int, judgments: int = 1) -> float:
    """Score mode: every prompt token through the body, one LM-head row per judgment."""
    return 2.0 * shape.non_embedding * prompt_tokens + 2.0 * shape.hidden * shape.vocab * judgments


def generate_flops(shape: ModelShape, prompt_tokens: int, new_tokens: int) -> float:
    """Generate mode: prompt plus each decoded token through the body, one LM-head row per new token."""
    return 2.0 * shape.non_embedding * (prompt_tokens + new_tokens) + 2.0 * shape.hidden * shape.vocab * new_tokens
