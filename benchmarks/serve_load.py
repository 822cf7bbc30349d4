"""Load test of `judgesmith serve` on loopback: throughput and latency, micro-batching vs batch size 1.

Loads the model once, then serves it twice in this process (max-batch N, then 1)
on 127.0.0.1 only, and runs C concurrent clients x R judge requests against
each. Bounded: a fixed request count, a soft deadline per run and a hard
process timeout (faulthandler exits the process, even from inside the model).

    python benchmarks/serve_load.py                      # gemma-3-270m, score mode, 8 x 25
    python tests/tiny.py runs/tiny && python benchmarks/serve_load.py --model runs/tiny   # smoke test, tiny model

Run it alone: two torch processes on 2 cores distort each other's numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import json
import re
import sys
import time
from dataclasses import asdict, dataclass

HOST = "127.0.0.1"  # never anything else: this script only talks to the server it starts

TOPICS = [
    ("How do vaccines train the immune system?", "Vaccines expose the immune system to a harmless piece or "
     "weakened form of a pathogen, so it learns to make antibodies and memory cells without getting sick."),
    ("Explain why the sky is blue.", "Sunlight scatters off air molecules, and shorter blue wavelengths "
     "scatter much more than red ones (Rayleigh scattering), so blue light reaches us from every direction."),
    ("Write a haiku about autumn.", "Crisp leaves drift and fall / the maple lets go of red / cold wind "
     "carries them."),
    ("What is the difference between a list and a tuple in Python?", "Lists are mutable and tuples are "
     "immutable; tuples can be dictionary keys and are slightly faster to create."),
    ("Give three tips for a job interview.", "Research the company, prepare concrete examples of your work, "
     "and ask thoughtful questions at the end."),
    ("Summarize the causes of World War I.", "Militarism, alliances, imperialism and nationalism built "
     "tension; the assassination of Archduke Franz Ferdinand in 1914 set off the war."),
    ("How does compound interest work?", "Interest is added to the principal, so later interest is "
     "computed on a growing balance and savings grow exponentially over time."),
    ("Translate 'good morning' into French and Spanish.", "French: bonjour. Spanish: buenos dias."),
]


@dataclass
class RunResult:
    name: str
    max_batch: int
    ok: int
    errors: int
    wall_s: float
    throughput: float
    p50_s: float | None
    p95_s: float | None
    mean_batch: float | None


def items(n: int) -> list[dict]:
    """Distinct judge requests (varied text so nothing is cached by accident)."""
    out = []
    for i in range(n):
        q, a = TOPICS[i % len(TOPICS)]
        out.append({"id": str(i), "instruction": q, "response": f"{a} (variant {i})", "rubric": "helpfulness"})
    return out


async def client(http, worker: int, n: int, mode: str, latencies: list, errors: list) -> None:
    for j, item in enumerate(items(n)):
        body = {"items": [{**item, "id": f"{worker}-{j}"}], "mode": mode}
        start = time.perf_counter()
        try:
            r = await http.post("/v1/judge/absolute", json=body)
            if r.status_code == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors.append(f"HTTP {r.status_code}: {r.text[:200]}")
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(exc).__name__}: {exc}")


async def load(url: str, clients: int, requests: int, mode: str, deadline_s: float) -> tuple[list, list, float]:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=deadline_s, trust_env=False) as http:
        start = time.perf_counter()
        tasks = [asyncio.create_task(client(http, w, requests, mode, latencies, errors)) for w in range(clients)]
        done, pending = await asyncio.wait(tasks, timeout=deadline_s)
        for t in pending:
            t.cancel()
        wall = time.perf_counter() - start
    missing = clients * requests - len(latencies) - len(errors)
    errors += [f"not finished within {deadline_s:.0f} s"] * missing
    return latencies, errors, wall


def mean_batch(metrics_text: str) -> float | None:
    total = re.search(r'judgesmith_batch_size_sum\{kind="absolute"\} ([\d.e+]+)', metrics_text)
    count = re.search(r'judgesmith_batch_size_count\{kind="absolute"\} (\d+)', metrics_text)
    return float(total.group(1)) / int(count.group(1)) if total and count and int(count.group(1)) else None


def run_once(backend, name: str, args: argparse.Namespace, max_batch: int, deadline_s: float) -> RunResult:
    import httpx
    import numpy as np

    from judgesmith.serve.app import create_app
    from judgesmith.serve.live import LiveServer
    from judgesmith.serve.settings import ServeSettings

    settings = ServeSettings(model_name=args.model, max_batch=max_batch, max_wait_ms=args.max_wait_ms,
                             default_mode=args.mode, max_new_tokens=args.max_new_tokens)
    with LiveServer(create_app(backend, settings), host=HOST) as server:
        latencies, errors, wall = asyncio.run(load(server.url, args.clients, args.requests, args.mode, deadline_s))
        metrics = httpx.get(server.url + "/metrics", trust_env=False, timeout=10).text
    for e in sorted(set(errors))[:5]:
        print(f"  [{name}] error: {e}", file=sys.stderr)
    p50, p95 = (np.percentile(latencies, [50, 95]).tolist() if latencies else (None, None))
    return RunResult(name, max_batch, len(latencies), len(errors), wall, len(latencies) / wall if wall else 0.0,
                     p50, p95, mean_batch(metrics))


def warm_up(backend, mode: str) -> None:
    """One judgment outside the measurement (first-call allocations, thread pools)."""
    from judgesmith.judge.engine import Judge
    from judgesmith.records import AbsoluteItem
    from judgesmith.rubrics import preset

    q, a = TOPICS[0]
    Judge(backend, mode=mode, max_new_tokens=8).grade_absolute([AbsoluteItem("w", q, a, preset("helpfulness"))])


def report(results: list[RunResult]) -> None:
    fmt = lambda x, spec: "-" if x is None else format(x, spec)  # noqa: E731
    print(f"{'run':<12}{'max_batch':>10}{'ok':>6}{'errors':>8}{'wall s':>9}{'req/s':>8}{'p50 s':>8}"
          f"{'p95 s':>8}{'mean batch':>12}")
    for r in results:
        print(f"{r.name:<12}{r.max_batch:>10}{r.ok:>6}{r.errors:>8}{r.wall_s:>9.2f}{r.throughput:>8.2f}"
              f"{fmt(r.p50_s, '8.3f'):>8}{fmt(r.p95_s, '8.3f'):>8}{fmt(r.mean_batch, '12.2f'):>12}")
    batched, single = results[0], results[-1]
    if single.throughput > 0:
        print(f"micro-batching gain: {batched.throughput / single.throughput:.2f}x throughput "
              f"(max_batch {batched.max_batch} vs 1)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="gemma-3-270m", help="embedded name or local model folder")
    p.add_argument("--mode", choices=("score", "generate"), default="score")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--requests", type=int, default=25, help="requests per client")
    p.add_argument("--max-batch", type=int, default=8)
    p.add_argument("--max-wait-ms", type=float, default=10.0)
    p.add_argument("--max-new-tokens", type=int, default=64, help="generate mode only")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--timeout", type=float, default=1800.0, help="hard limit for the whole script, seconds")
    p.add_argument("--out", help="also write the results as JSON here")
    args = p.parse_args(argv)
    if not (1 <= args.clients <= 64 and 1 <= args.requests <= 1000):
        p.error("--clients must be 1-64 and --requests 1-1000")
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    started = time.monotonic()

    from judgesmith.judge.backends.hf import HFBackend

    backend = HFBackend.from_name(args.model, batch_size=args.max_batch, threads=args.threads)
    warm_up(backend, args.mode)
    results = []
    for name, size in (("batched", args.max_batch), ("batch=1", 1)):
        remaining = args.timeout - (time.monotonic() - started) - 30
        deadline = remaining / (2 if name == "batched" else 1)
        print(f"{name}: {args.clients} clients x {args.requests} requests, {args.mode} mode, "
              f"max_batch={size}, deadline {deadline:.0f} s", file=sys.stderr)
        results.append(run_once(backend, name, args, size, max(deadline, 1.0)))
    faulthandler.cancel_dump_traceback_later()
    report(results)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"args": vars(args), "runs": [asdict(r) for r in results]}, f, indent=2)
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
