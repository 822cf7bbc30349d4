"""Judge throughput on CPU, side by side in one run, against the machine's FLOP floor.

Rows: (a) naive per-item `model.generate`, (b) the engine's batched generate,
(c) score mode without and (c+) with shared-prefix reuse (transformers, fp32;
(c1) one item per forward pass, so no padding),
and with llama-cpp-python installed and a GGUF (`--gguf`, e.g. from
`judgesmith export gguf MODEL_DIR --quant q8_0`) (d) generate and (e) score
through llama.cpp. Generate rows decode exactly `--max-new-tokens` tokens (no
early EOS), so they compare speed, not answer length.

A torch fp32 GEMM probe at the model's projection shapes runs first; each row
prints judgments/s and the fraction of the FLOP floor it reaches (floor time =
2 x non-embedding parameters x tokens + the LM head rows read, at the probed
rate: see flop_floor.py). Run it alone: two inference processes on 2 cores
collapse each other's throughput.

    .venv/bin/python benchmarks/judge_throughput.py --items 16 --gguf runs/gemma-3-270m-q8_0.gguf
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import time

from flop_floor import generate_flops, gemm_rate, model_shape, score_flops


def naive_generate(model, tokenizer, prompts, new_tokens: int) -> None:
    """What a first attempt looks like: one prompt at a time, plain `generate`."""
    from judgesmith.judge.chat import render

    for prompt in prompts:
        text, templated = render(tokenizer, prompt)
        enc = tokenizer(text, return_tensors="pt", add_special_tokens=not templated)
        model.generate(**enc, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                       pad_token_id=tokenizer.pad_token_id)


def timed(fn, label: str = "") -> float:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    if label:
        print(f"  {label}: {seconds:.1f} s", flush=True)
    if isinstance(result, list):
        VERDICTS[label] = result
    return seconds


VERDICTS: dict[str, list] = {}  # score-mode verdicts by row, for the agreement line


def agreement(reference, verdicts) -> str:
    """Argmax agreement and the largest label-probability difference against a reference row."""
    same = sum(a.score == b.score for a, b in zip(reference, verdicts)) / len(reference)
    worst = max(abs(a.probabilities[k] - b.probabilities[k]) for a, b in zip(reference, verdicts)
                for k in a.probabilities)
    return f"argmax agree {same:.0%}, max |dp| {worst:.4f}"


def hf_score_rows(args, backend, items) -> list[tuple[str, float, str]]:
    """(c) and (c+): transformers score mode without and with shared-prefix reuse."""
    from judgesmith.judge import Judge

    bs = args.batch_size
    backend.prefix_reuse = False
    t_c = timed(lambda: Judge(backend, mode="score", batch_size=bs).grade_absolute(items), "(c)")
    backend.prefix_reuse = True
    t_p = timed(lambda: Judge(backend, mode="score", batch_size=bs).grade_absolute(items), "(c+)")
    t_1 = timed(lambda: Judge(backend, mode="score", batch_size=1).grade_absolute(items), "(c1)")
    return [(f"(c) transformers score (bs={bs})", t_c, "score"),
            (f"(c+) transformers score, prefix reuse (bs={bs})", t_p, "score"),
            ("(c1) transformers score, prefix reuse (bs=1: no padding)", t_1, "score")]


def hf_generate_rows(args, backend, items, prompts) -> list[tuple[str, float, str]]:
    """(a) naive per-item and (b) the engine's batched generate, both decoding exactly max_new_tokens."""
    from judgesmith.judge import Judge

    bs, new = args.batch_size, args.max_new_tokens
    plain_generate = backend.model.generate
    backend.model.generate = functools.partial(plain_generate, min_new_tokens=new)  # no early EOS
    t_b = timed(lambda: Judge(backend, mode="generate", max_new_tokens=new, batch_size=bs).grade_absolute(items),
                "(b)")
    backend.model.generate = plain_generate
    t_a = timed(lambda: naive_generate(backend.model, backend.tokenizer, prompts, new), "(a)")
    return [("(a) transformers naive per-item generate", t_a, "gen"),
            (f"(b) transformers batched generate (bs={bs})", t_b, "gen")]


def llamacpp_rows(args, items) -> list[tuple[str, float, str]]:
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
    rows = []
    if args.llamacpp_before:  # the settings before issue 13: no flash attention, 512-token batches
        before = LlamaCppBackend(gguf, threads=args.threads, flash_attn=False, n_batch=512, n_ubatch=512)
        t_before = timed(lambda: Judge(before, mode="score").grade_absolute(items), "(e0)")
        before.close()
        rows.append((f"(e0) llama.cpp score, old settings ({before.path.name})", t_before, "score"))
    backend = LlamaCppBackend(gguf, threads=args.threads)
    label = backend.path.name
    t_e = timed(lambda: Judge(backend, mode="score").grade_absolute(items), "(e)")
    backend._is_stop = lambda token: False  # no early EOS: exactly max_new_tokens per item
    t_d = timed(lambda: Judge(backend, mode="generate", max_new_tokens=args.max_new_tokens).grade_absolute(items),
                "(d)")
    backend.close()
    return rows + [(f"(d) llama.cpp generate ({label})", t_d, "gen"), (f"(e) llama.cpp score ({label})", t_e, "score")]


def prompt_tokens(backend, prompts) -> tuple[int, int]:
    """Total tokens of the score-mode prompts (with the forced `Feedback: [RESULT]`) and of the plain prompts."""
    from judgesmith.judge.backends.base import label_token_plan

    encode = lambda text: backend.tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    joiner, _ = label_token_plan(encode, list("12345"), "Feedback: [RESULT]")
    scored = sum(len(backend._encode(p, "Feedback: [RESULT]", joiner)) for p in prompts)
    return scored, sum(len(backend._encode(p)) for p in prompts)


def report(args, n: int, rows, floor: dict[str, float], rate: float) -> None:
    print(f"model={args.model} items={n} generate rows decode {args.max_new_tokens} tokens threads={args.threads}")
    print(f"fp32 GEMM probe at the model's shapes: {rate / 1e9:.1f} GFLOP/s; floor: score {floor['score']:.1f} s, "
          f"generate {floor['gen']:.1f} s for {n} items")
    print(f"{'engine':<58}{'seconds':>9}{'judgments/s':>13}{'of floor':>10}")
    for name, t, kind in rows:
        print(f"{name:<58}{t:>9.1f}{n / t:>13.3f}{floor[kind] / t:>10.1%}")
    t = {name.split(")")[0] + ")": sec for name, sec, _ in rows}
    ratios = [("e/e0", "(e0)", "(e)"), ("b/a", "(a)", "(b)"), ("c/a", "(a)", "(c)"), ("c+/c", "(c)", "(c+)"), ("c1/c", "(c)", "(c1)"), ("d/a", "(a)", "(d)"),
              ("d/b", "(b)", "(d)"), ("e/c", "(c)", "(e)"), ("e/c+", "(c+)", "(e)")]
    print("   ".join(f"{label} = {t[num] / t[den]:.2f}x" for label, num, den in ratios if num in t and den in t))
    for row in ("(c+)", "(c1)", "(e0)", "(e)"):
        if row in VERDICTS and "(c)" in VERDICTS:
            print(f"{row} vs (c) score verdicts: {agreement(VERDICTS['(c)'], VERDICTS[row])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="gemma-3-270m")
    parser.add_argument("--items", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=128, help="decoded tokens per generate row item")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--gguf", default=None, help="GGUF for the llama.cpp rows (default: the embedded one)")
    parser.add_argument("--no-llamacpp", action="store_true", help="skip the llama.cpp rows")
    parser.add_argument("--llamacpp-before", action="store_true",
                        help="add a llama.cpp score row with the settings before issue 13 (for comparison)")
    args = parser.parse_args(argv)

    from judgesmith.data.sources import prometheus_absolute
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.paths import data_file
    from judgesmith.prompts import build_prompt

    items = [ex.item for ex in prometheus_absolute.load(data_file("prometheus/vicuna_eval.json")).absolute]
    items = items[: args.items]
    prompts = [build_prompt(it) for it in items]
    backend = HFBackend.from_name(args.model, batch_size=args.batch_size, threads=args.threads)
    shape, (scored, plain) = model_shape(backend.model), prompt_tokens(backend, prompts)
    rate = gemm_rate(shape)
    print(f"  fp32 GEMM probe: {rate / 1e9:.1f} GFLOP/s", flush=True)
    rows = hf_score_rows(args, backend, items)
    rows += llamacpp_rows(args, items)
    rows += hf_generate_rows(args, backend, items, prompts)
    floor = {"score": score_flops(shape, scored, len(items)) / rate,
             "gen": generate_flops(shape, plain, args.max_new_tokens * len(items)) / rate}
    report(args, len(items), sorted(rows), floor, rate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
