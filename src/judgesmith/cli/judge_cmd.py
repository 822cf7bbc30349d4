"""`judgesmith judge absolute|pairwise`: batch judging of a file, resumable and robust to bad lines.

Guarantees: clashing --input/--output/--errors, and paths that are not judgesmith's to write (a user's
file, a folder, a device), are refused before anything is touched; the output is locked for the run (a
second run on it is refused, naming the holder); a torn tail left by a kill is repaired without touching
complete records; a rerun keeps only verdicts of the same item, rubric and settings, and refuses a file
of another kind or model (`judge.resume`); every bad line and every over-long item is one entry in the
errors file (`line N: reason`), the run's own entries replaced each run (`errors_file`); the run goes on.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from judgesmith.jsonio import BadLine, InputRow
from judgesmith.judge.length import OVERLONG, Screened

log = logging.getLogger("judgesmith.judge")

FORMATS = ("jsonl", "prometheus-absolute")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("judge", help="judge a file of items (absolute 1-5 or pairwise A/B)",
                       description="Judge items from a JSONL file (see judgesmith.jsonio for the schema) "
                                   "or a Prometheus benchmark file. Re-running the same command resumes. "
                                   "Bad lines and over-long items go to the errors file; the run goes on.")
    p.add_argument("kind", choices=("absolute", "pairwise"))
    p.add_argument("--input", required=True, help="input file")
    p.add_argument("--output", required=True, help="verdicts JSONL (appended; items already judged with the same "
                                                   "text, rubric and settings are skipped; locked while a run "
                                                   "writes it)")
    p.add_argument("--force-new", action="store_true",
                   help="discard the verdicts already in --output (e.g. of another kind or model) and start over")
    p.add_argument("--model", default="gemma-3-270m", help="embedded name, model folder, .gguf or hub id")
    p.add_argument("--backend", default="hf", choices=("hf", "openai", "vllm", "llamacpp"))
    p.add_argument("--mode", default="generate", choices=("generate", "score"))
    p.add_argument("--format", default="jsonl", choices=FORMATS)
    p.add_argument("--swap", action="store_true", help="pairwise: judge both orders and aggregate")
    p.add_argument("--rubric", default="helpfulness", help="default rubric: preset name or YAML/JSON file")
    p.add_argument("--rubric-dir", default=None,
                   help="folder that rubric files named in input items are read from (named relative to it); "
                        "without it, items may not name rubric files")
    p.add_argument("--batch-size", type=int, default=None,
                   help="most items per model call (default: 1 for hf score mode on CPU, else 4)")
    p.add_argument("--max-batch-tokens", type=int, default=16384,
                   help="most padded tokens per model call (items x longest prompt); a longer item runs alone")
    p.add_argument("--max-prompt-tokens", type=int, default=8192,
                   help="longest prompt judged, in tokens (0: only the model's context, which always applies); "
                        "longer items are skipped and listed in the errors file, or shortened with --overlong "
                        "truncate")
    p.add_argument("--overlong", choices=OVERLONG, default="reject",
                   help="over-long items: reject (errors file), or truncate: cut the judged response(s) to the "
                        "largest equal length that fits and mark the cut")
    p.add_argument("--n", type=int, default=1, help="samples per item (needs --temperature > 0)")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument("--limit", type=positive_int, default=None, help="judge only the first N items (N >= 1)")
    p.add_argument("--errors", default=None, help="bad input lines file (default: OUTPUT.errors.jsonl); this "
                                                  "run's entries are replaced each run, the file removed when none "
                                                  "is left; /dev/null discards them. An existing file that "
                                                  "judgesmith did not write is refused")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--base-url", default=None, help="openai backend: server URL")
    p.add_argument("--api-key", default=None, help="openai backend: API key")
    return p


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (`--limit 0` would otherwise judge everything, `-2` drop the last two)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}; leave it out to judge every item")
    return value


def check_file_path(flag: str, name: str) -> None:
    """A path that can become a file: no trailing slash, and no file where a folder of it must be."""
    if name.endswith(("/", os.sep)):
        raise ValueError(f"{flag} {name} names a folder; name a file")
    for parent in Path(name).parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"{flag} {name}: {parent} is a file, not a folder; fix the path")
            return


def check_paths(args: argparse.Namespace) -> Any:
    """Refuse clashing files and files that are not judgesmith's, before touching anything; the errors file."""
    from judgesmith.appender import same_file
    from judgesmith.errors_file import ErrorsFile
    from judgesmith.judge import resume

    if not Path(args.input).is_file():
        raise FileNotFoundError(f"input file {args.input} does not exist")
    output = Path(args.output)
    errors = Path(args.errors or f"{args.output}.errors.jsonl")
    for flag, name in (("--output", args.output), ("--errors", args.errors)):
        if name:
            check_file_path(flag, name)
    if output.is_dir():
        raise ValueError(f"--output {output} is a folder; name a file")
    if output.exists() and not output.is_file():
        raise ValueError(f"--output {output} is not a regular file; verdicts need a file a rerun can resume from")
    if same_file(args.output, args.input):
        raise ValueError(f"--output {args.output} is the input file; verdicts would be appended to the items. "
                         "Pass another --output")
    if same_file(errors, args.output):
        raise ValueError(f"--errors {errors} is the output file; the errors file is rewritten each run and "
                         "would destroy the verdicts. Pass another --errors")
    if same_file(errors, args.input):
        raise ValueError(f"--errors {errors} is the input file; it would be overwritten. Pass another --errors")
    errors_file = ErrorsFile(errors, args.output)
    errors_file.check()
    sidecar = resume.read_sidecar(args.output)
    if output.exists() and resume.is_foreign(resume.read_existing(output, first_only=True), sidecar):
        raise ValueError(f"--output {output} exists and holds no judgesmith verdicts; it is left as it is. "
                         "Pass another --output")
    return errors_file


def load_rows(args: argparse.Namespace) -> tuple[list[InputRow], list[BadLine]]:
    from judgesmith.jsonio import read_items
    from judgesmith.rubrics import resolve_rubric

    if args.format == "prometheus-absolute":
        if args.kind != "absolute":
            raise ValueError("--format prometheus-absolute holds absolute items; use `judge absolute`")
        from judgesmith.data.sources import prometheus_absolute

        result = prometheus_absolute.load(args.input)
        rows = [InputRow(ex.item, ex.gold_score, ex.provenance.row + 1) for ex in result.absolute]
        return rows, [BadLine(s.row + 1, s.reason) for s in result.skipped]
    return read_items(args.input, args.kind, resolve_rubric(args.rubric, where="--rubric"), rubric_dir=args.rubric_dir)


def _prefixed(line: int | None, reason: str) -> str:
    """Every reason starts with `line N:` so it can be found in the input."""
    head = f"line {line}:"
    return reason if line is None or reason.startswith(head) else f"{head} {reason}"


def error_entries(bad: Sequence[BadLine], screened: Sequence[tuple[InputRow, Screened]] = ()) -> list[dict]:
    """Errors-file records: bad lines, then items the length guard rejected or shortened, by line."""
    out = [{"line": b.line, "reason": _prefixed(b.line, b.reason)} for b in bad]
    for row, s in screened:
        if s.reason or s.note:
            out.append({"line": row.line, "id": row.item.id, "action": "skipped" if s.reason else "shortened",
                        "reason": _prefixed(row.line, s.reason or s.note)})
    return sorted(out, key=lambda e: (e["line"] is None, e["line"] or 0))


def run(args: argparse.Namespace) -> int:
    from judgesmith.jsonio import JsonlAppender

    errors = check_paths(args)
    rows, bad = load_rows(args)
    rows = rows[: args.limit] if args.limit else rows
    settings = run_settings(args)
    with JsonlAppender(args.output) as out:
        if out.repaired:
            log.warning("%s ended in a torn line (a killed run): %s it", args.output, out.repaired)
        todo = resume_plan(args, out, rows, settings)
        errors.write(error_entries(bad))
        skipped = judge_rows(args, todo, out, errors, bad, settings) if todo else 0
    if not todo:
        print(f"engine {args.backend}, {args.mode} mode: 0 judgments (nothing left to judge: all {len(rows)} "
              f"items are in {args.output}; the model was not loaded)")
    if bad or skipped:
        where = "" if errors.discard else f"; see {errors.path}"
        log.warning("%d bad input lines and %d over-long items skipped%s", len(bad), skipped, where)
    print_summary(args.output, args.kind, rows, len(bad) + skipped)
    return 0


def run_settings(args: argparse.Namespace) -> dict[str, Any]:
    """What this run's verdicts depend on (kind, model and its content hash, mode, prompts, sampling)."""
    from judgesmith.judge import resume
    from judgesmith.models import model_fingerprint

    local = args.backend != "openai"
    return resume.settings_record(args, model_fingerprint(args.model) if local else None)


def resume_plan(args: argparse.Namespace, out: Any, rows: list[InputRow], settings: dict[str, Any]) -> list:
    """The rows still to judge; refuses a file of another kind or model unless --force-new (see judge.resume)."""
    from judgesmith.judge import resume

    existing, sidecar = resume.read_existing(args.output), resume.read_sidecar(args.output)
    problem = resume.refusal(args.output, existing, sidecar, settings)
    if problem and not args.force_new:
        raise ValueError(problem)
    if args.force_new and (existing.lines or sidecar):
        out.discard()
        log.warning("--force-new: discarded the %d verdicts in %s", len(existing.latest), args.output)
        existing, sidecar = resume.Existing(), None
    plan = resume.plan(rows, existing, sidecar, settings)
    for line in resume.report(plan, args.output, len(rows)):
        log.info("%s", line)
    resume.write_sidecar(args.output, settings, sidecar)
    return plan.todo


def judge_rows(args: argparse.Namespace, todo: list[InputRow], out: Any, errors: Any,
               bad: Sequence[BadLine], settings: dict[str, Any]) -> int:
    """Judge the rows not yet in the output; returns how many the length guard skipped."""
    from tqdm import tqdm

    from judgesmith.judge import Judge, JudgeConfig, resume
    from judgesmith.judge.backends import default_batch_size, make_backend, throughput_line

    args.batch_size = args.batch_size or default_batch_size(args.backend, args.mode, 4)
    config = JudgeConfig(mode=args.mode, n=args.n, temperature=args.temperature, swap=args.swap,
                         max_new_tokens=args.max_new_tokens, batch_size=args.batch_size,
                         max_batch_tokens=args.max_batch_tokens, max_prompt_tokens=args.max_prompt_tokens or None,
                         overlong=args.overlong)
    backend = make_backend(args.backend, args.model, batch_size=args.batch_size, threads=args.threads,
                           base_url=args.base_url, api_key=args.api_key, max_new_tokens=args.max_new_tokens,
                           max_prompt_tokens=config.max_prompt_tokens)  # vLLM sizes its context from these
    judge = Judge(backend, config)
    screened = judge.screen([r.item for r in todo])
    errors.write(error_entries(bad, list(zip(todo, screened))))
    skipped = {s.item.id for s in screened if not s.ok}
    current = resume.short_hash(settings)
    stamps = {r.item.id: resume.stamp(r.item, current) for r in todo}
    start = time.perf_counter()
    with tqdm(total=len(todo) - len(skipped), unit="item", desc="judging") as bar:
        for verdicts in judge.iter_screened(screened):
            kept = [v for v in verdicts if v.id not in skipped]
            out.write(v.to_dict() | stamps[v.id] for v in kept)
            bar.update(len(kept))
    print(throughput_line(backend, args.mode, len(todo) - len(skipped), time.perf_counter() - start))
    return len(skipped)


def _gold_text(gold: Any) -> str:
    return f"{gold:>6.2f}" if isinstance(gold, (int, float)) and not isinstance(gold, bool) else f"{gold!s:>6}"


def print_summary(output: str, kind: str, rows: Sequence[InputRow], n_bad: int) -> None:
    """Counts, parse failures, label distribution; agreement or correlations with gold when it is known.

    Only this run's kind is read, the last verdict per id (a re-judged item's newest)."""
    from judgesmith.judge.resume import latest_verdicts

    wanted = {r.item.id: r.gold for r in rows}
    by_id = latest_verdicts(output, kind, wanted)
    verdicts = [by_id[r.item.id] for r in rows if r.item.id in by_id]
    failed = [v for v in verdicts if not v.parse_ok]
    labels = Counter(str(v.score if kind == "absolute" else v.winner) for v in verdicts if v.parse_ok)
    print(f"\n{len(verdicts)} verdicts in {output}; {len(failed)} parse failures; {n_bad} input lines skipped")
    print("label distribution: " + (", ".join(f"{k}: {labels[k]}" for k in sorted(labels)) or "none"))
    if kind == "pairwise":
        decided = [(v.winner, wanted[v.id]) for v in verdicts if isinstance(wanted[v.id], str)]
        if decided:
            right = sum(w == g for w, g in decided)
            print(f"agreement with gold: {right} of {len(decided)} ({100 * right / len(decided):.1f}%)")
        return
    gold_rows = [(v, wanted[v.id]) for v in verdicts
                 if isinstance(wanted[v.id], (int, float)) and not isinstance(wanted[v.id], bool)]
    if gold_rows:
        print_gold_table(gold_rows)


def print_gold_table(gold_rows: Sequence[tuple[Any, float]]) -> None:
    """Gold, the verdict's score (`pred`) and expected score per item, then Pearson r of each printed column."""
    width = max(len(v.id) for v, _ in gold_rows) + 2
    print(f"\n{'id':<{width}}{'gold':>6}{'pred':>6}{'expected':>10}")
    for v, gold in gold_rows:
        exp = f"{v.expected_score:.2f}" if isinstance(v.expected_score, (int, float)) else "-"
        print(f"{v.id:<{width}}{_gold_text(gold)}{str(v.score or '-'):>6}{exp:>10}")
    for column, attr in (("pred", "score"), ("expected", "expected_score")):
        pairs = [(getattr(v, attr), g) for v, g in gold_rows
                 if isinstance(getattr(v, attr), (int, float)) and not isinstance(getattr(v, attr), bool)]
        print(pearson_line(column, pairs))


def pearson_line(column: str, pairs: Sequence[tuple[float, float]]) -> str:
    """`Pearson r (pred vs gold) = 0.123 on n=20`, or why it is undefined."""
    if len(pairs) < 3:
        return f"Pearson r ({column} vs gold) undefined: {len(pairs)} items with both (need 3)"
    pred, gold = zip(*pairs)
    if len(set(pred)) == 1 or len(set(gold)) == 1:
        return f"Pearson r ({column} vs gold) undefined: {column} or gold is constant"
    from scipy.stats import pearsonr

    return f"Pearson r ({column} vs gold) = {pearsonr(pred, gold).statistic:.3f} on n={len(pairs)}"
