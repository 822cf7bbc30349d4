"""`judgesmith compare`: judge several models' outputs against a baseline and write a leaderboard.

Every non-baseline model is judged against the baseline on the prompts both answered, in both orders;
`--kind absolute|both` also grades every output 1-5 under the rubric. Verdicts go to a store (`--out`)
and a rerun judges only what is missing there, so a model added later costs only its own pairs (the run
prints the count). `--report-only` redraws the leaderboard from the store without loading a judge.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

log = logging.getLogger("judgesmith.compare")

KIND_CHOICES = {"pairwise": ("pairwise",), "absolute": ("absolute",), "both": ("pairwise", "absolute")}


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("compare", help="compare models' outputs against a baseline: win rates, LC, leaderboard",
                       description="Judge each model's outputs against a baseline's (both orders) and/or grade them "
                                   "1-5, then write leaderboard.md/.html/.json into --out. Reruns judge only what "
                                   "the store lacks; --report-only redraws the leaderboard without judging.")
    p.add_argument("--prompts", default=None, help="JSONL {id, instruction, category?, reference_answer?} (optional "
                                                  "when the outputs have AlpacaEval's {instruction, output} shape)")
    p.add_argument("--outputs", nargs="+", default=[], metavar="[NAME=]FILE",
                   help="one file per model: JSONL {id, output}, or AlpacaEval's model_outputs.json "
                        "({instruction, output, generator})")
    p.add_argument("--baseline", default=None, help="the model every other model is judged against")
    p.add_argument("--out", default="runs/compare", help="store and leaderboard folder (default runs/compare)")
    p.add_argument("--model", "--judge", dest="model", default="gemma-3-270m",
                   help="the judge: embedded name, model folder, .gguf, hub id, or the URL of a `judgesmith serve` "
                        "(then --backend openai is implied)")
    p.add_argument("--backend", default=None, choices=("hf", "openai", "vllm", "llamacpp"),
                   help="default: openai for a URL, else hf")
    p.add_argument("--base-url", default=None, help="openai backend: server URL")
    p.add_argument("--api-key", default=None, help="openai backend: API key")
    p.add_argument("--mode", default="score", choices=("generate", "score"), help="default score (the fast path)")
    p.add_argument("--kind", default="pairwise", choices=tuple(KIND_CHOICES),
                   help="pairwise win rates, absolute 1-5 grades, or both")
    p.add_argument("--rubric", default="helpfulness", help="preset name or YAML/JSON rubric file")
    p.add_argument("--limit", type=int, default=None, help="only the first N prompts")
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--max-batch-tokens", type=int, default=16384)
    p.add_argument("--max-prompt-tokens", type=int, default=8192, help="longer items are not judged (counted as "
                                                                        "failures), or cut with --overlong truncate")
    p.add_argument("--overlong", choices=("reject", "truncate"), default="reject")
    p.add_argument("--max-new-tokens", type=int, default=256, help="generate mode: feedback length limit")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--reference", default=None, metavar="[NAME=]FILE",
                   help="JSON {model: score} of a reference ranking (e.g. GPT-4's); the leaderboard adds Spearman "
                        "and Kendall against it. Kept in the store")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples per interval")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--report-only", action="store_true", help="no judging: redraw the leaderboard from --out")
    p.add_argument("--no-html", action="store_true", help="skip leaderboard.html (needs matplotlib)")
    return p


def judge_label(args: argparse.Namespace) -> str:
    """What the store records as the judge: backend, model and, for a server, its URL."""
    if args.backend == "openai":
        return f"openai:{args.model}@{args.base_url}" if args.base_url else f"openai:{args.model}"
    return f"{args.backend}:{args.model}"


def resolve_backend(args: argparse.Namespace) -> None:
    """`--judge http://...` means the openai backend against that server."""
    if args.model.startswith(("http://", "https://")):
        url = args.model.rstrip("/")
        args.base_url = args.base_url or (url if url.endswith("/v1") else f"{url}/v1")
        args.backend = args.backend or "openai"
    args.backend = args.backend or "hf"


def set_reference(store, spec: str) -> None:
    from judgesmith.compare.inputs import parse_spec

    name, path = parse_spec(spec)
    if not path.is_file():
        raise FileNotFoundError(f"reference file {path} does not exist")
    scores = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(scores, dict) or not all(isinstance(v, (int, float)) for v in scores.values()):
        raise ValueError(f"{path}: expected a JSON object {{model: score}} with numeric scores")
    store.update_meta(reference={"name": name or path.stem, "scores": {str(k): float(v) for k, v in scores.items()}})


def run(args: argparse.Namespace) -> int:
    from judgesmith.compare.store import CompareStore

    store = CompareStore(args.out)
    if args.report_only:
        if not store.exists():
            raise FileNotFoundError(f"{args.out} holds no comparison yet (no compare.json); run without "
                                    "--report-only first")
    else:
        if not args.outputs:
            raise ValueError("pass the models' outputs with --outputs (or --report-only to redraw the leaderboard)")
        judge_missing(args, store)
    if args.reference:
        set_reference(store, args.reference)
    return write_report(args, store)


def judge_missing(args: argparse.Namespace, store) -> None:
    from judgesmith.compare.inputs import ModelOutputs, load_all
    from judgesmith.compare.run import plan
    from judgesmith.rubrics import resolve_rubric

    resolve_backend(args)
    kinds = KIND_CHOICES[args.kind]
    questions, models = load_all(args.outputs, args.prompts)
    questions = questions[: args.limit] if args.limit else questions
    keep = {q.id for q in questions}
    models = [ModelOutputs(m.name, {k: v for k, v in m.outputs.items() if k in keep}) for m in models]
    baseline = args.baseline or store.meta().get("baseline")
    if "pairwise" in kinds and not baseline:
        raise ValueError("name the baseline model with --baseline (one of: "
                         + ", ".join(m.name for m in models) + ")")
    rubric = resolve_rubric(args.rubric, where="--rubric")
    store.open(judge=judge_label(args), mode=args.mode, rubric=rubric.criteria, baseline=baseline)
    store.save_questions(questions)
    for m in models:
        store.save_outputs(m)
    tasks = plan(store, questions, models, baseline, kinds, rubric)
    for t in tasks:
        what = f"{len(t.items)} pairs ({t.judgments} judgments, both orders)" if t.kind == "pairwise" else \
            f"{len(t.items)} outputs ({t.judgments} judgments)"
        print(f"{t.model} {t.kind}: {what} to judge, {t.stored} already in {args.out}")
    todo = sum(t.judgments for t in tasks)
    if todo:
        judge_tasks(args, tasks, store)
    else:
        print("judgments made this run: 0 (everything is in the store)")


def judge_tasks(args: argparse.Namespace, tasks, store) -> None:
    from tqdm import tqdm

    from judgesmith.compare.run import run_tasks
    from judgesmith.judge import Judge, JudgeConfig
    from judgesmith.judge.backends import default_batch_size, make_backend, throughput_line

    batch = args.batch_size or default_batch_size(args.backend, args.mode, 4)
    config = JudgeConfig(mode=args.mode, swap=True, max_new_tokens=args.max_new_tokens, batch_size=batch,
                         max_batch_tokens=args.max_batch_tokens, max_prompt_tokens=args.max_prompt_tokens or None,
                         overlong=args.overlong)
    backend = make_backend(args.backend, args.model, batch_size=batch, threads=args.threads,
                           base_url=args.base_url, api_key=args.api_key)
    with tqdm(total=sum(len(t.items) for t in tasks), unit="item", desc="judging") as bar:
        count = run_tasks(tasks, Judge(backend, config), store, progress=bar.update)
    for model, kind, judged, stored in count.per_task:
        if judged:
            print(f"{model} {kind}: judged {judged} new items, {stored} were already stored")
    print(throughput_line(backend, args.mode, count.judgments, count.seconds))
    print(f"judgments made this run: {count.judgments} ({count.items} items)")


def write_report(args: argparse.Namespace, store) -> int:
    from judgesmith.bench.report_md import block_lines
    from judgesmith.compare import report
    from judgesmith.compare.leaderboard import leaderboard

    board = leaderboard(store, n_resamples=args.resamples, seed=args.seed)
    paths = report.write(board, store.root, html=not args.no_html)
    built = report.build(board)
    for section in built.sections:
        if section.id in ("leaderboard", "reference"):
            print(f"\n{section.title}\n")
            for block in section.blocks[1:]:
                print("\n".join(block_lines(block)))
    print("written: " + ", ".join(str(p) for p in paths))
    return 0
