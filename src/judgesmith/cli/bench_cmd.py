"""`judgesmith bench`: judge every benchmark of a suite with every model; results JSON, Markdown, HTML."""

from __future__ import annotations

import argparse
import json


def shipped_suites() -> list[str]:
    """Names of the suites in the package (listed in --help, so the list cannot drift from the files)."""
    from importlib.resources import files

    return sorted(p.name[:-5] for p in files("judgesmith").joinpath("suites").iterdir() if p.name.endswith(".yaml"))


def add_common(p: argparse.ArgumentParser) -> None:
    """Options shared by `bench` and `consistency`."""
    p.add_argument("--model", action="append", required=True, metavar="LABEL=NAME",
                   help="model to judge with, e.g. base=gemma-3-270m or merged=runs/merged (repeatable)")
    p.add_argument("--suite", default="default",
                   help=f"a suite shipped with judgesmith ({', '.join(shipped_suites())}) or a YAML file")
    p.add_argument("--out", required=True, help="output folder (verdicts, results, report); rerun to resume")
    p.add_argument("--mode", choices=("generate", "score"), default="generate",
                   help="generate: feedback then a label; score: label distribution in one forward pass (fast on CPU)")
    p.add_argument("--protocol", choices=("default", "prometheus"), default="default",
                   help="prometheus: temperature 1.0, 3 samples, mean score (needs --mode generate)")
    p.add_argument("--limit", type=int, default=None, help="cap items per benchmark (questions for consistency)")
    p.add_argument("--backend", default="hf", help="backend kind (default hf: transformers)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="items per model call (default: 1 for hf score mode on CPU, else 8)")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: JUDGESMITH_THREADS or all)")
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the 95%% CIs")
    p.add_argument("--no-html", action="store_true", help="skip the HTML report (no matplotlib needed)")


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("bench", help="benchmark judges on a suite (results JSON, Markdown, HTML report)")
    add_common(p)
    p.add_argument("--baseline", default="base", metavar="LABEL",
                   help="model label the paired differences are taken against (default: base, when present)")
    p.add_argument("--no-verdict-cache", action="store_true",
                   help="judge every item here even if the same model (same weights) judged the same prompt "
                        "in another run (cache: JUDGESMITH_VERDICT_CACHE, default ~/.cache/judgesmith/verdicts)")
    return p


def setup(args: argparse.Namespace):
    from judgesmith.bench.models import ModelSpec, backend_factory
    from judgesmith.bench.protocol import Protocol
    from judgesmith.bench.suite import load_suite

    if args.limit is not None and args.limit < 1:
        raise ValueError(f"--limit must be >= 1, got {args.limit}")
    models = [ModelSpec.parse(m) for m in args.model]
    labels = [m.label for m in models]
    if len(set(labels)) != len(labels):
        raise ValueError(f"model labels must differ, got {labels}; use LABEL=NAME")
    from judgesmith.judge.backends import default_batch_size

    batch = args.batch_size or default_batch_size(args.backend, args.mode, 8)
    protocol = Protocol(args.protocol, mode=args.mode, batch_size=batch, max_new_tokens=args.max_new_tokens)
    factory = backend_factory(args.backend, batch_size=batch, threads=args.threads)
    return models, load_suite(args.suite), protocol, factory


def run(args: argparse.Namespace) -> int:
    from judgesmith.bench.cache import VerdictCache, default_root
    from judgesmith.bench.runner import prepare_tasks, run_bench

    models, suite, protocol, factory = setup(args)
    tasks = prepare_tasks(suite.benchmarks, seed=suite.seed, limit=args.limit)
    cache = None if args.no_verdict_cache else VerdictCache(default_root(), args.backend)
    results = run_bench(models, tasks, args.out, protocol, factory, suite_name=suite.name,
                        n_resamples=args.resamples, seed=suite.seed, html=not args.no_html, baseline=args.baseline,
                        cache=cache)
    print((__import__("pathlib").Path(args.out) / "results.md").read_text(encoding="utf-8"))
    print(summary_line(results))
    return 0


def summary_line(results: dict) -> str:
    """The last line of `judgesmith bench`: mode, and per model which engine ran at how many judgments/s."""
    runs = results.get("throughput") or []
    parts = [f"{r['model']}: {r['backend']}, {r['judgments']} judgments in {r['seconds']:.1f} s"
             + (f" = {r['judgments_per_s']:.2f} judgments/s" if r["judgments_per_s"] else "") for r in runs]
    return (f"bench done ({results['protocol']['mode']} mode); "
            + ("; ".join(parts) if parts else "nothing judged in this folder"))
