"""`judgesmith consistency`: TrustJudge score-comparison and transitivity checks on a suite's sets."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> argparse.ArgumentParser:
    from judgesmith.cli.bench_cmd import add_common

    p = subparsers.add_parser("consistency", help="TrustJudge consistency (conflict ratio, non-transitivity)")
    add_common(p)
    p.add_argument("--delta", type=float, default=0.0, help="scores closer than this count as equal in CR")
    return p


def run(args: argparse.Namespace) -> int:
    from judgesmith.bench.consistency import run_consistency
    from judgesmith.cli.bench_cmd import setup

    models, suite, protocol, factory = setup(args)
    entries = suite.consistency or suite.benchmarks
    run_consistency(models, entries, args.out, protocol, factory, suite_name=suite.name, seed=suite.seed,
                    limit=args.limit, delta=args.delta, n_resamples=args.resamples, html=not args.no_html)
    print((Path(args.out) / "results.md").read_text(encoding="utf-8"))
    return 0
