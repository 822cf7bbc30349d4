"""The numbers behind docs/gpu.md: tokens per training example of the reference format, and the FLOPs
estimate of a Gemma 3 4B LoRA step on one 80 GB GPU, calibrated on the measured CPU speed.

The Feedback and Preference Collections are not on this machine. Their prompt is the Prometheus one the
local benchmark files use, so those stand in: absolute = a Vicuna or MT-Bench item with its first GPT-4
feedback as the completion; pairwise = two responses to the same question with one GPT-4 feedback.
Tokens are counted as training counts them (`train.data.token_length`: chat template, prompt +
completion) with the Gemma 3 tokenizer (the 270M's; Gemma 3 4B has the same 262k vocabulary).

    python benchmarks/gpu_plan.py --tokenizer ~/.cache/judgesmith/models/gemma-3-270m --data ../shared/data
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

# Gemma 3 4B text model (google/gemma-3-4b-it text_config): 34 layers, hidden 2560, MLP 10240, 8 x 256 query
# heads, 4 x 256 key/value heads, 262,208-token vocabulary (tied embeddings).
LAYERS, HIDDEN, MLP, Q, KV, VOCAB = 34, 2560, 10240, 8 * 256, 4 * 256, 262_208
BODY = LAYERS * (HIDDEN * Q * 2 + HIDDEN * KV * 2 + 3 * HIDDEN * MLP)  # non-embedding parameters
# The measured CPU calibration point: Gemma 3 270M, LoRA r=16, fp32, 2 cores, completion-only logits.
CPU_BODY, CPU_HEAD, CPU_TOKENS_PER_S = 18 * (640 * 1024 * 2 + 640 * 256 * 2 + 3 * 640 * 2048), 640 * 262_144, 208
ROWS = {"feedback": 99_952 * 0.99, "preference": 199_760 * 0.99}  # hub rows less the 1% eval split
GPUS = {"A100 80GB": 312e12, "H100 80GB": 989e12}  # dense bf16 peak FLOP/s


def flops_per_token(body: int, head: int, tokens: float, completion: float, checkpointing: bool) -> float:
    """LoRA on a frozen base: forward 2N, backward to the inputs 2N (no weight gradients), one more forward
    with activation checkpointing; attention over the context; the LM head only at completion positions."""
    passes = 3 if checkpointing else 2
    attention = 2 * 2 * LAYERS * Q * tokens / 2 * (passes + 1) if body == BODY else 0.0
    return passes * 2 * body + attention + completion / tokens * 3 * 2 * head


def lengths(tokenizer, data: Path) -> dict[str, list[int]]:
    from judgesmith.data.sources.prometheus_absolute import load
    from judgesmith.prompts import build_prompt, target_text
    from judgesmith.records import PairwiseItem
    from judgesmith.train.data import token_length

    out: dict[str, list[int]] = {"absolute": [], "pairwise": [], "completion": []}
    for name in ("vicuna_eval.json", "mt_bench_eval.json"):
        by_question: dict[str, list] = {}
        for ex in load(data / "prometheus" / name).absolute:
            by_question.setdefault(ex.item.instruction, []).append(ex)
        for a, b in (group[:2] for group in by_question.values() if len(group) >= 2):
            feedback = target_text(a.gold_feedbacks[0], str(a.gold_scores[0]))
            row = {"prompt": build_prompt(a.item).messages(), "completion": [{"role": "assistant", "content": feedback}]}
            out["absolute"].append(token_length(tokenizer, row))
            out["completion"].append(len(tokenizer(feedback)["input_ids"]))
            pair = PairwiseItem(a.item.id, a.item.instruction, a.item.response, b.item.response, a.item.rubric,
                                reference_answer=a.item.reference_answer)
            row = {"prompt": build_prompt(pair).messages(),
                   "completion": [{"role": "assistant", "content": target_text(a.gold_feedbacks[0], "A", absolute=False)}]}
            out["pairwise"].append(token_length(tokenizer, row))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokenizer", default=str(Path.home() / ".cache/judgesmith/models/gemma-3-270m"))
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--utilisation", type=float, default=0.35, help="assumed share of the GPU's peak")
    args = parser.parse_args()
    from transformers import AutoTokenizer

    found = lengths(AutoTokenizer.from_pretrained(args.tokenizer), Path(args.data))
    completion = statistics.mean(found["completion"])
    cpu = flops_per_token(CPU_BODY, CPU_HEAD, 880, completion, False)
    print(f"calibration: 270M at {CPU_TOKENS_PER_S} tokens/s x {cpu:.3g} FLOPs/token = "
          f"{CPU_TOKENS_PER_S * cpu / 1e9:.0f} GFLOP/s on 2 CPU cores (fp32 GEMM probe: ~122)")
    print("| specialist | rows | tokens/example mean / p50 / p95 / max | tokens | FLOPs/token | "
          + " | ".join(f"{g} tokens/s, s/step (16 ex.), hours" for g in GPUS) + " |")
    for specialist, kind in (("feedback", "absolute"), ("preference", "pairwise")):
        seq = sorted(found[kind])
        mean = statistics.mean(seq)
        per = flops_per_token(BODY, HIDDEN * VOCAB, mean, completion, True)
        total = ROWS[specialist] * mean
        cells = []
        for peak in GPUS.values():
            rate = peak * args.utilisation / per
            cells.append(f"{rate:,.0f}, {16 * mean / rate:.1f}, {total / rate / 3600:.1f}")
        print(f"| {specialist} | {ROWS[specialist]:,.0f} | {mean:.0f} / {seq[len(seq) // 2]} / "
              f"{seq[int(len(seq) * 0.95)]} / {seq[-1]} | {total / 1e6:.0f}M | {per:.3g} | " + " | ".join(cells) + " |")
    print(f"completion tokens per example (GPT-4 feedback + label): mean {completion:.0f}; "
          f"Gemma 3 4B non-embedding parameters {BODY / 1e9:.2f}B")


if __name__ == "__main__":
    main()
