"""The bench stage's judging speed, before and after the score-mode changes, side by side in one run.

Judges the same items of a suite (each benchmark capped at `--limit`, pairs in both orders, score
mode, the bench's own protocol) with one model loaded once, under three engine settings:

- before: no shared-prefix reuse, 4 items per forward pass (the main job's bench before the change)
- prefix: shared-prefix reuse, 4 items per pass
- after:  shared-prefix reuse, 1 item per pass (no padding; the main job's bench now)

and prints judgments/s, the ratio to `before`, and the largest label-probability difference to
`before` (the paths must agree). Run it alone: two torch jobs on 2 cores slow each other.

    .venv/bin/python benchmarks/bench_stage.py --suite main-cpu --limit 24
"""

from __future__ import annotations

import argparse
import time

SETTINGS = (("before", False, 4), ("prefix", True, 4), ("after", True, 1))


def judge_all(backend, tasks, protocol) -> tuple[int, float, list[dict]]:
    """(judgments, seconds, label distributions) for every task's items, in task order."""
    from judgesmith.judge.engine import Judge

    count, dists, start = 0, [], time.perf_counter()
    for task in tasks:
        judge = Judge(backend, protocol.judge_config(task.bench.kind))
        items = [ex.item for ex in task.examples]
        verdicts = judge.grade_absolute(items) if task.bench.kind == "absolute" else judge.grade_pairwise(items)
        count += len(verdicts)
        for v in verdicts:
            dists += [s.probabilities for s in v.samples] or [v.probabilities]
    return count, time.perf_counter() - start, dists


def main() -> None:
    from judgesmith.bench.protocol import Protocol
    from judgesmith.bench.runner import prepare_tasks
    from judgesmith.bench.suite import load_suite
    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.models import load_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--suite", default="main-cpu")
    ap.add_argument("--limit", type=int, default=24)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    suite = load_suite(args.suite)
    tasks = [t for t in prepare_tasks(suite.benchmarks, seed=suite.seed, limit=args.limit) if not t.error]
    model, tokenizer = load_model(args.model)
    rows, reference = [], None
    for name, reuse, batch in SETTINGS:
        protocol = Protocol("default", mode="score", batch_size=batch)
        backend = HFBackend(model, tokenizer, batch_size=batch, threads=args.threads, prefix_reuse=reuse)
        n, seconds, dists = judge_all(backend, tasks, protocol)
        reference = reference or dists
        diff = max(abs(a[k] - b[k]) for a, b in zip(dists, reference) for k in a)
        rows.append((name, reuse, batch, n, seconds, diff))
    base = rows[0][3] / rows[0][4]
    print(f"model {args.model}, suite {suite.name}, <= {args.limit} items per benchmark "
          f"({', '.join(t.key for t in tasks)}), score mode, pairs in both orders, {args.threads} threads")
    print("| setting | prefix reuse | items/pass | judgments | seconds | judgments/s | vs before | max |dP| |")
    print("|---|---|---|---|---|---|---|---|")
    for name, reuse, batch, n, seconds, diff in rows:
        print(f"| {name} | {reuse} | {batch} | {n} | {seconds:.1f} | {n / seconds:.3f} | "
              f"{n / seconds / base:.2f}x | {diff:.1e} |")


if __name__ == "__main__":
    main()
