"""Judge throughput on CPU, side by side in one run.

Rows: (a) naive per-item `model.generate` of feedback, (b) the engine's batched
generate, (c) score mode (one forward pass, last-position logits), and with
llama-cpp-python installed (d) generate and (e) score through llama.cpp on the
same model as GGUF (the embedded Q4_K_M for embedded models, or `--gguf`).
Prints judgments/s for each and the ratios b/a, c/a, d/b, e/c. Run it alone:
two inference processes on 2 cores collapse each other's throughput.

    .venv/bin/python benchmarks/judge_throughput.py --items 16 --model gemma-3-270m
"""

from __future__ import annotations

import argparse
import importlib.util
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


def llamacpp_rows(args, items) -> list[tuple[str, float]]:
    """(d) generate and (e) score through llama.cpp, or no rows (with the reason printed)."""
    if args.no_llamacpp:
        return []
    if importlib.util.find_spec("llama_cpp") is None:
        print("llama-cpp-python is not installed: llama.cpp rows skipped (pip install 'judgesmith[llamacpp]')")
        return []
    from judgesmith.judge import Judge
    from judgesmith.judge.backends.llamacpp import LlamaCppBackend
    from judgesmith.models import EMBEDDED

    gguf = args.gguf or (args.model if args.model in EMBEDDED else None)
    if gguf is None:
        print(f"no GGUF for {args.model}: pass --gguf FILE (judgesmith export gguf) for the llama.cpp rows")
        return []
    backend = LlamaCppBackend(gguf, threads=args.threads)
    label = backend.path.name
    t_d = timed(lambda: Judge(backend, mode="generate", max_new_tokens=args.max_new_tokens).grade_absolute(items))
    t_e = timed(lambda: Judge(backend, mode="score").grade_absolute(items))
    backend.close()
    return [(f"(d) llama.cpp generate ({label})", t_d), (f"(e) llama.cpp score ({label})", t_e)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--items", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--gguf", default=None, help="GGUF for the llama.cpp rows (default: the embedded one)")
    parser.add_argument("--no-llamacpp", action="store_true", help="skip the llama.cpp rows")
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
    del backend, gen
    rows += llamacpp_rows(args, items)
    print(f"model={args.model} items={n} max_new_tokens={args.max_new_tokens} threads={args.threads}")
    print(f"{'engine':<56}{'seconds':>10}{'judgments/s':>14}")
    for name, t in rows:
        print(f"{name:<56}{t:>10.1f}{n / t:>14.3f}")
    print(f"ratio b/a = {t_a / t_b:.2f}x   ratio c/a = {t_a / t_c:.2f}x")
    if len(rows) == 5:
        print(f"ratio d/b = {t_b / rows[3][1]:.2f}x   ratio e/c = {t_c / rows[4][1]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
