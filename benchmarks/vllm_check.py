"""The vLLM path on a GPU, checked against transformers on the same model: a short prepared run.

For each model: load it in vLLM through `VLLMBackend` (prints the `LLM(...)` arguments), judge a few
Vicuna items and pairs in score mode and in generate mode, then judge the same items in score mode
with the transformers backend and print the largest label-probability difference (bf16 vs fp32
kernels: expect ~1e-2, not 1e-7). Models: the tiny Gemma 3 multimodal model built here (hub layout,
processor files; checks that vLLM starts with `limit_mm_per_prompt={"image": 0}`), then any given.

    python benchmarks/vllm_check.py --data ../shared/data                       # tiny Gemma 3 4B-shaped model
    python benchmarks/vllm_check.py --data ../shared/data --model gemma-3-270m runs/gemma3-4b-gpu/merge
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def items(data: Path, n: int):
    from judgesmith.data.sources.prometheus_absolute import load
    from judgesmith.records import PairwiseItem

    absolute = [ex.item for ex in load(data / "prometheus" / "vicuna_eval.json").absolute[: 2 * n]]
    pairs = [PairwiseItem(f"p{i}", a.instruction, a.response, b.response, a.rubric, a.reference_answer)
             for i, (a, b) in enumerate(zip(absolute[0::2], absolute[1::2]))]
    return absolute[:n], pairs


def check(model: str, absolute, pairs) -> None:
    from judgesmith.judge.backends import make_backend
    from judgesmith.judge.engine import Judge, JudgeConfig

    start = time.perf_counter()
    backend = make_backend("vllm", model)
    print(f"{model}: LLM(**{backend.llm_args}) started in {time.perf_counter() - start:.0f} s")
    score = JudgeConfig(mode="score", swap=True)
    start = time.perf_counter()
    got = Judge(backend, score).grade_absolute(absolute) + Judge(backend, score).grade_pairwise(pairs)
    print(f"  score mode: {len(got)} verdicts in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    made = Judge(backend, JudgeConfig(mode="generate", max_new_tokens=128)).grade_absolute(absolute)
    print(f"  generate mode: {len(made)} verdicts in {time.perf_counter() - start:.1f} s, "
          f"{sum(v.parse_ok for v in made)} parsed; first: {made[0].raw!r:.120}")
    backend.close()
    hf = make_backend("hf", model, batch_size=4)
    want = Judge(hf, score).grade_absolute(absolute) + Judge(hf, score).grade_pairwise(pairs)
    diff = max(abs(a.probabilities[k] - b.probabilities[k]) for a, b in zip(got, want) for k in a.probabilities)
    print(f"  largest label-probability difference to transformers: {diff:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", nargs="*", default=[], help="more models: embedded names, folders, hub ids")
    parser.add_argument("--items", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from tiny import build_tiny_model

    absolute, pairs = items(Path(args.data), args.items)
    with tempfile.TemporaryDirectory() as tmp:
        tiny = build_tiny_model(Path(tmp) / "tiny-gemma3-mm", "gemma3-mm", head_dim=64)
        for model in [str(tiny), *args.model]:
            check(model, absolute, pairs)


if __name__ == "__main__":
    main()
