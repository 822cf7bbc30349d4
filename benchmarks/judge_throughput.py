"""Judge throughput on CPU, side by side in one run.

Rows: (a) naive per-item `model.generate` of feedback, (b) the engine's batched
generate, (c) score mode (one forward pass, last-position logits). Prints
judgments/s for each and the ratios b/a and c/a. Run it alone: two torch
processes on 2 cores collapse each other's throughput.

    .venv/bin/python benchmarks/judge_throughput.py --items 16 --model gemma-3-270m
"""

from __future__ import annotations

import argparse
import time


def naive_generate(model, tokenizer, prompts, max_new_tokens: int) -> None:
    """What a first attempt looks like: one prompt at a time, plain `generate`."""
    from judgesmith.judge.chat import render

    for prompt in prompts:
        text, templated = render(tokenizer, prompt)
        enc = tokenizer(text, return_tensors="pt", add_special_tokens=not templated)
        model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                       pad_token_id=tokenizer.pad_token_id)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--items", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    from judgesmith.data.sources import prometheus_absolute
    from judgesmith.judge import Judge
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.paths import data_file
    from judgesmith.prompts import build_prompt

    items = [ex.item for ex in prometheus_absolute.load(data_file("prometheus/vicuna_eval.json")).absolute]
    items = items[: args.items]
    backend = HFBackend.from_name(args.model, batch_size=args.batch_size, threads=args.threads)
    prompts = [build_prompt(it) for it in items]
    n = len(items)
    t_a = timed(lambda: naive_generate(backend.model, backend.tokenizer, prompts, args.max_new_tokens))
    gen = Judge(backend, mode="generate", max_new_tokens=args.max_new_tokens, batch_size=args.batch_size)
    t_b = timed(lambda: gen.grade_absolute(items))
    t_c = timed(lambda: Judge(backend, mode="score", batch_size=args.batch_size).grade_absolute(items))
    rows = [("(a) naive per-item generate", t_a), (f"(b) batched generate (bs={args.batch_size})", t_b),
            ("(c) score mode", t_c)]
    print(f"model={args.model} items={n} max_new_tokens={args.max_new_tokens} threads={args.threads}")
    print(f"{'engine':<36}{'seconds':>10}{'judgments/s':>14}")
    for name, t in rows:
        print(f"{name:<36}{t:>10.1f}{n / t:>14.3f}")
    print(f"ratio b/a = {t_a / t_b:.2f}x   ratio c/a = {t_a / t_c:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
