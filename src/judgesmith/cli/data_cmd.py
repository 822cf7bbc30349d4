"""`judgesmith data build|stats|check|synthesize`: build SFT sets, describe a file, check sources, make data."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger("judgesmith.data")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("data", help="build judge training data, inspect data files",
                       description="Build SFT sets from a recipe (with split and decontamination), "
                                   "print statistics of a JSONL file, or load data sources and report bad rows.")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    b = dsub.add_parser("build", help="recipe YAML -> absolute/pairwise train/eval JSONL + manifest.json")
    b.add_argument("--recipe", required=True, help="recipe YAML (see recipes/data-cpu.yaml)")
    b.add_argument("--out", required=True, help="output folder")
    b.add_argument("--strict", action="store_true", help="fail on the first bad input row instead of skipping it")
    s = dsub.add_parser("stats", help="counts, labels and length percentiles of an SFT or items JSONL file, "
                                      "or the per-source mix of a `data build` folder")
    s.add_argument("file", help="a JSONL file, or a `data build` output folder")
    s.add_argument("--tokenizer", default=None, help="model name/folder whose tokenizer counts tokens "
                                                    "(default: whitespace words)")
    c = dsub.add_parser("check", help="load data sources and report counts, labels and skipped rows")
    c.add_argument("names", nargs="*", help="dataset names (default: all known)")
    c.add_argument("--loader", default=None, help="loader for a file given as NAME (with --path)")
    c.add_argument("--path", default=None, help="file for --loader")
    _add_synthesize(dsub)
    return p


def _add_synthesize(dsub: argparse._SubParsersAction) -> None:
    y = dsub.add_parser("synthesize", help="rubric + teacher model -> Prometheus-style absolute/pairwise JSONL",
                        description="Ask an OpenAI-compatible teacher for instructions, a score-5 reference and one "
                                    "response per score 1-5 with feedback; keep what the judge parser reads back "
                                    "as the intended score; derive pairs. Rerun the same command to resume.")
    y.add_argument("--rubric", required=True,
                   help="rubric YAML (criteria, score1..5 descriptions, optional seed_instructions), "
                        "e.g. recipes/rubrics/sql-explanations.yaml")
    src = y.add_mutually_exclusive_group(required=True)
    src.add_argument("--instructions", default=None, help="JSONL of {instruction, id?} (or .txt, one per line)")
    src.add_argument("--n-instructions", type=int, default=None, help="generate this many instructions")
    y.add_argument("--teacher-base-url", required=True, help="e.g. https://api.openai.com/v1, http://127.0.0.1:8000/v1")
    y.add_argument("--teacher-model", required=True, help="model name the teacher server knows")
    y.add_argument("--api-key", default=None, help="teacher API key (default: $OPENAI_API_KEY, if set)")
    y.add_argument("--out", required=True, help="output folder (rerun with the same folder to resume)")
    y.add_argument("--concurrency", type=int, default=4, help="teacher calls in flight (default 4)")
    y.add_argument("--max-attempts", type=int, default=3, help="asks per row before it is dropped (default 3)")
    y.add_argument("--max-retries", type=int, default=5, help="retries on 429/5xx/timeouts per call (default 5)")
    y.add_argument("--timeout", type=float, default=300.0, help="seconds per teacher call (default 300)")
    y.add_argument("--temperature", type=float, default=0.7)
    y.add_argument("--max-tokens", type=int, default=1024, help="max new tokens per teacher call (default 1024)")
    y.add_argument("--max-tokens-total", type=int, default=None,
                   help="stop starting calls once this many tokens (in+out, all runs into --out) are spent")
    y.add_argument("--seed", type=int, default=0)
    y.add_argument("--no-progress", action="store_true", help="no progress bar")


def _print_build(manifest: dict) -> None:
    print(f"{'source':<20}{'absolute':>10}{'pairwise':>10}{'skipped':>9}  reasons")
    for s in manifest["sources"]:
        reasons = "; ".join(f"{r} x{n}" for r, n in list(s["skipped_reasons"].items())[:3])
        print(f"{s['name']:<20}{s['absolute']:>10}{s['pairwise']:>10}{s['skipped']:>9}  {reasons}")
    dec = manifest["decontamination"]
    for name, counts in sorted(dec.get("summary", {}).items()):
        print(f"overlap with {name}: {counts['rows']} training rows ({counts['dropped']} dropped)")
    print(f"dropped by decontamination: {dec.get('dropped_rows', 0)} rows")
    for split, info in manifest["splits"].items():
        print(f"{split}: {info['absolute']} absolute, {info['pairwise']} pairwise "
              f"(labels {info['pairwise_labels']}), {info['questions']} questions, "
              f"{info['not_written']} not written {info['not_written_reasons'] or ''}")
        extra = {k: info[k] for k in ("swap_copies", "swap_copies_label_only", "shortened") if info.get(k)}
        print(f"  label-only records {info['label_only']}" + (f"; {extra}" if extra else ""))
        for source, kinds in info["by_source"].items():
            print(f"  {source:<22}" + ", ".join(f"{n} {kind}" for kind, n in kinds.items()))


def _run_build(args: argparse.Namespace) -> int:
    from judgesmith.data.build import build
    from judgesmith.data.recipe import load_recipe

    recipe = load_recipe(args.recipe)
    manifest = build(recipe, args.out, strict=args.strict, base=Path(args.recipe).resolve().parent)
    _print_build(manifest)
    print(f"wrote {args.out}/absolute/*.jsonl, {args.out}/pairwise/*.jsonl, {args.out}/manifest.json")
    return 0


def _run_stats(args: argparse.Namespace) -> int:
    from judgesmith.data.stats import file_stats, folder_stats, format_folder_stats, format_stats

    if Path(args.file).is_dir():
        print(format_folder_stats(folder_stats(args.file, tokenizer=args.tokenizer)))
    else:
        print(format_stats(file_stats(args.file, tokenizer=args.tokenizer)))
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from collections import Counter

    from judgesmith.data.sources import DATASETS, load_source

    names = args.names or sorted(DATASETS)
    for name in names:
        result = load_source(name, args.path, loader=args.loader)
        labels = Counter(e.gold for e in result.pairwise) + Counter(
            str(round(e.gold_score)) if e.gold_score is not None else "none" for e in result.absolute)
        print(f"{name}: {len(result.absolute)} absolute, {len(result.pairwise)} pairwise, "
              f"{len(result.skipped)} skipped; labels {dict(sorted(labels.items()))}")
        for s in result.skipped[:20]:
            print(f"  skipped {s}")
    return 0


def _run_synthesize(args: argparse.Namespace) -> int:
    import os

    from judgesmith.data.synthesize import synthesize
    from judgesmith.data.synthesize.config import SynthesizeSection
    from judgesmith.data.synthesize.manifest import format_synthesis

    section = SynthesizeSection(
        rubric=args.rubric, instructions=args.instructions, n_instructions=args.n_instructions,
        teacher_base_url=args.teacher_base_url, teacher_model=args.teacher_model, concurrency=args.concurrency,
        max_attempts=args.max_attempts, max_retries=args.max_retries, timeout_s=args.timeout,
        temperature=args.temperature, max_tokens=args.max_tokens, max_tokens_total=args.max_tokens_total,
        seed=args.seed)
    spec, teacher = section.build(api_key=args.api_key or os.environ.get("OPENAI_API_KEY"))
    manifest = synthesize(spec, teacher, args.out, progress=not args.no_progress)
    print(format_synthesis(manifest))
    print(f"wrote {args.out}/absolute.jsonl, {args.out}/pairwise.jsonl, {args.out}/manifest.json "
          "(read them with `loader: generic` in a data recipe)")
    return 0


def run(args: argparse.Namespace) -> int:
    return {"build": _run_build, "stats": _run_stats, "check": _run_check,
            "synthesize": _run_synthesize}[args.data_command](args)
