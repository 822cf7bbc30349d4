"""`judgesmith judge absolute|pairwise`: batch judging of a file, resumable and robust to bad lines."""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import Counter
from pathlib import Path
from typing import Sequence

from judgesmith.jsonio import BadLine, InputRow

log = logging.getLogger("judgesmith.judge")

FORMATS = ("jsonl", "prometheus-absolute")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("judge", help="judge a file of items (absolute 1-5 or pairwise A/B)",
                       description="Judge items from a JSONL file (see judgesmith.jsonio for the schema) "
                                   "or a Prometheus benchmark file. Re-running the same command resumes.")
    p.add_argument("kind", choices=("absolute", "pairwise"))
    p.add_argument("--input", required=True, help="input file")
    p.add_argument("--output", required=True, help="verdicts JSONL (appended; ids already there are skipped)")
    p.add_argument("--model", default="gemma-3-270m", help="embedded name, model folder, .gguf or hub id")
    p.add_argument("--backend", default="hf", choices=("hf", "openai", "vllm", "llamacpp"))
    p.add_argument("--mode", default="generate", choices=("generate", "score"))
    p.add_argument("--format", default="jsonl", choices=FORMATS)
    p.add_argument("--swap", action="store_true", help="pairwise: judge both orders and aggregate")
    p.add_argument("--rubric", default="helpfulness", help="default rubric: preset name or YAML/JSON file")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--n", type=int, default=1, help="samples per item (needs --temperature > 0)")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument("--limit", type=int, default=None, help="judge only the first N items")
    p.add_argument("--errors", default=None, help="bad input lines file (default: OUTPUT.errors.jsonl)")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--base-url", default=None, help="openai backend: server URL")
    p.add_argument("--api-key", default=None, help="openai backend: API key")
    return p


def load_rows(args: argparse.Namespace) -> tuple[list[InputRow], list[BadLine]]:
    from judgesmith.jsonio import read_items
    from judgesmith.rubrics import resolve_rubric

    if not Path(args.input).is_file():
        raise FileNotFoundError(f"input file {args.input} does not exist")
    if args.format == "prometheus-absolute":
        if args.kind != "absolute":
            raise ValueError("--format prometheus-absolute holds absolute items; use `judge absolute`")
        from judgesmith.data.sources import prometheus_absolute

        result = prometheus_absolute.load(args.input)
        rows = [InputRow(ex.item, ex.gold_score) for ex in result.absolute]
        return rows, [BadLine(s.row + 1, s.reason) for s in result.skipped]
    return read_items(args.input, args.kind, resolve_rubric(args.rubric, where="--rubric"))


def _write_errors(path: Path, bad: Sequence[BadLine]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for b in bad:
            fh.write(json.dumps({"line": b.line, "reason": b.reason}) + "\n")


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from judgesmith.jsonio import JsonlAppender, done_ids
    from judgesmith.judge import Judge, JudgeConfig
    from judgesmith.judge.backends import make_backend, throughput_line

    config = JudgeConfig(mode=args.mode, n=args.n, temperature=args.temperature, swap=args.swap,
                         max_new_tokens=args.max_new_tokens, batch_size=args.batch_size)
    rows, bad = load_rows(args)
    errors_path = Path(args.errors or f"{args.output}.errors.jsonl")
    if bad:
        _write_errors(errors_path, bad)
        log.warning("%d bad input lines skipped; see %s (first: %s)", len(bad), errors_path, bad[0].reason)
    rows = rows[: args.limit] if args.limit else rows
    finished = done_ids(args.output)
    todo = [r for r in rows if r.item.id not in finished]
    if finished:
        log.info("resuming: %d of %d items already in %s", len(rows) - len(todo), len(rows), args.output)
    if todo:
        backend = make_backend(args.backend, args.model, batch_size=args.batch_size, threads=args.threads,
                               base_url=args.base_url, api_key=args.api_key)
        judge = Judge(backend, config)
        items = [r.item for r in todo]
        batches = judge.iter_absolute(items) if args.kind == "absolute" else judge.iter_pairwise(items)
        start = time.perf_counter()
        with JsonlAppender(args.output) as out, tqdm(total=len(items), unit="item", desc="judging") as bar:
            for verdicts in batches:
                out.write(v.to_dict() for v in verdicts)
                bar.update(len(verdicts))
        print(throughput_line(backend, args.mode, len(items), time.perf_counter() - start))
    print_summary(args.output, rows, len(bad))
    return 0


def print_summary(output: str, rows: Sequence[InputRow], n_bad: int) -> None:
    """Counts, parse failures, label distribution; gold vs predicted and correlation when gold is known."""
    from judgesmith.jsonio import read_verdicts

    wanted = {r.item.id: r.gold for r in rows}
    by_id = {v.id: v for v in read_verdicts(output) if v.id in wanted}
    verdicts = [by_id[r.item.id] for r in rows if r.item.id in by_id]
    failed = [v for v in verdicts if not v.parse_ok]
    labels = Counter(str(v.score if v.kind == "absolute" else v.winner) for v in verdicts if v.parse_ok)
    print(f"\n{len(verdicts)} verdicts in {output}; {len(failed)} parse failures; {n_bad} bad input lines")
    print("label distribution: " + ", ".join(f"{k}: {labels[k]}" for k in sorted(labels)))
    gold_rows = [(v, wanted[v.id]) for v in verdicts if wanted[v.id] is not None]
    if not gold_rows or verdicts[0].kind != "absolute":
        return
    width = max(len(v.id) for v, _ in gold_rows) + 2
    print(f"\n{'id':<{width}}{'gold':>6}{'pred':>6}{'expected':>10}")
    for v, gold in gold_rows:
        exp = f"{v.expected_score:.2f}" if v.expected_score is not None else "-"
        print(f"{v.id:<{width}}{gold:>6.2f}{str(v.score or '-'):>6}{exp:>10}")
    pairs = [(v.expected_score if v.expected_score is not None else v.score, g) for v, g in gold_rows]
    pairs = [(p, g) for p, g in pairs if p is not None]
    if len(pairs) >= 3:
        from scipy.stats import pearsonr

        pred, gold = zip(*pairs)
        if len(set(pred)) > 1 and len(set(gold)) > 1:
            r = pearsonr(pred, gold).statistic
            print(f"\nPearson r (predicted vs gold) = {r:.3f} on n={len(pairs)}")
        else:
            print("\nPearson r undefined: predictions or gold are constant")
