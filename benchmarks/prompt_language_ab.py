"""Does translating the judge's instructions help? A paired A/B on the same items and model.

Reads a `judgesmith bench` output folder whose suite lists each benchmark twice: `X` (the English
Prometheus scaffolding) and `X@<lang>` (`prompt_language: <lang>`, same seed and limit, so the
same sampled items). For every such pair and every model in the folder it prints the headline metric
of each variant and the difference `<lang> - en` with a 95% paired bootstrap CI over the items both
variants judged: Pearson (expected score vs gold) for absolute sets, argmax accuracy without gold ties
for pairwise sets (in both orders, as benched), AUROC for binary sets. Parse failures are counted.

    judgesmith bench --model base=gemma-3-270m --suite benchmarks/prompt-language-ja.yaml --mode score --out runs/prompt-ja
    .venv/bin/python benchmarks/prompt_language_ab.py runs/prompt-ja --suite benchmarks/prompt-language-ja.yaml
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def variant_pairs(keys: list[str]) -> list[tuple[str, str, str]]:
    """(english key, translated key, language) for every `X@lang` whose `X` is also in the suite."""
    out = []
    for key in keys:
        base, sep, lang = key.rpartition("@")
        if sep and base in keys:
            out.append((base, key, lang))
    return out


def compare(task_en, task_xx, store, protocol, model: str, resamples: int) -> dict:
    """One row: metric of each variant and the paired difference (translated - English)."""
    from judgesmith.bench.binary import paired_inputs
    from judgesmith.bench.paired import _absolute, _pairwise
    from judgesmith.metrics import paired_difference, pairwise_accuracy, pearson
    from judgesmith.metrics.binary import auroc

    en, xx = store.load(model, task_en.key), store.load(model, task_xx.key)
    if task_en.bench.kind == "absolute" and getattr(task_en.bench, "binary", False):
        metric, fn = "AUROC", auroc
        a, b = (paired_inputs(t, v, protocol, 0)["auroc"] for t, v in ((task_en, en), (task_xx, xx)))
    elif task_en.bench.kind == "absolute":
        metric, fn = "Pearson", pearson
        a, b = _absolute(task_en, en, protocol), _absolute(task_xx, xx, protocol)
    else:
        metric, fn = "argmax acc.", pairwise_accuracy
        a = {k.split("/", 1)[1]: v for k, v in _pairwise(task_en, en, protocol).items()}
        b = {k.split("/", 1)[1]: v for k, v in _pairwise(task_xx, xx, protocol).items()}
    ids = sorted(set(a) & set(b))
    gold = [a[i][1] for i in ids]
    pa, pb = [a[i][0] for i in ids], [b[i][0] for i in ids]
    diff = paired_difference(fn, pb, pa, gold, n_resamples=resamples, seed=0)
    failed = {name: sum(1 for v in vs.values() if not v.parse_ok) for name, vs in (("en", en), ("xx", xx))}
    return {"model": model, "benchmark": task_en.key, "language": task_xx.key.rpartition("@")[2],
            "metric": metric, "n": len(ids), "en": fn(pa, gold) if ids else math.nan,
            "translated": fn(pb, gold) if ids else math.nan, "difference": diff.to_dict(),
            "parse_failures": failed}


def fmt(row: dict) -> str:
    """A markdown table row; accuracies in percent (difference in points), correlations and AUROC as numbers."""
    d, pct = row["difference"], row["metric"] == "argmax acc."
    show = (lambda x: "n/a" if x is None or x != x else f"{100 * x:.1f}%") if pct else \
        (lambda x: "n/a" if x is None or x != x else f"{x:.3f}")
    delta = (lambda x: "n/a" if x is None else f"{100 * x:+.1f}") if pct else \
        (lambda x: "n/a" if x is None else f"{x:+.3f}")
    return (f"| {row['model']} | {row['benchmark']} ({row['n']}) | {row['metric']} | {show(row['en'])} | "
            f"{show(row['translated'])} | {delta(d['value'])} [{delta(d['low'])}, {delta(d['high'])}] |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the bench output folder")
    parser.add_argument("--suite", required=True, help="the suite the folder was benched with")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args(argv)

    from judgesmith.bench.protocol import Protocol
    from judgesmith.bench.runner import prepare_tasks
    from judgesmith.bench.store import VerdictStore
    from judgesmith.bench.suite import load_suite

    run = json.loads((args.out / "run.json").read_text(encoding="utf-8"))
    protocol = Protocol(name=run["protocol"], mode=run["mode"], max_new_tokens=run["max_new_tokens"])
    suite = load_suite(args.suite)
    tasks = {t.key: t for t in prepare_tasks(suite.benchmarks, seed=suite.seed)}
    pairs = variant_pairs(list(tasks))
    if not pairs:
        parser.error(f"suite {args.suite} has no `X` / `X@<lang>` entry pairs")
    store = VerdictStore(args.out / "verdicts")
    rows = [compare(tasks[en], tasks[xx], store, protocol, model, args.resamples)
            for model in run["models"] for en, xx, _ in pairs]
    print("| model | benchmark (items) | metric | English scaffolding | translated | translated - English [95% CI] |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(fmt(row))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
