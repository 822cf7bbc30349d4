"""Inputs for `judgesmith compare` from arena-bench v1 (in ../shared/data): prompts, answers, GPT-4's ranking.

Writes into --out:
- `prompts.jsonl`: `{id, instruction, category}` for --n prompts every chosen model answered and GPT-4 graded
  (a seeded sample of arena-bench v1's 229 Chatbot Arena questions; with --shortest the N whose answers are
  shortest in words, summed over the models: cheaper to judge on a CPU, and biased toward short questions);
- `outputs/<model>.jsonl`: `{id, output}`, each model's real answer (first turn);
- `gpt4.json`: `{model: mean GPT-4 grade (1-10) over those prompts}`, the data's own single-answer grades
  (MT-Bench prompt, GPT-4 with a GPT-4 reference answer), for `judgesmith compare --reference`.

    python examples/compare_arena_inputs.py --n 100 --out runs/arena-inputs
    judgesmith compare --prompts runs/arena-inputs/prompts.jsonl --outputs runs/arena-inputs/outputs/*.jsonl \
        --baseline gpt-3.5-turbo --reference GPT-4=runs/arena-inputs/gpt4.json --out runs/compare-arena

The data keeps its licence (Apache-2.0 repo; answers and judgments are model outputs): cite
lmarena/arena-hard-auto, data/arena-bench-v1/.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

MODELS = ("gpt-3.5-turbo", "gpt-4-0314", "Starling-LM-7B-alpha", "vicuna-33b-v1.3", "palm-2-chat-bison-001")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gpt4_grades(root: Path, model: str) -> dict[str, float]:
    """GPT-4's 1-10 grade per question for `model` (rows naming another model, or with no score, skipped)."""
    rows = read_jsonl(root / "model_judgment" / f"{model}.jsonl")
    return {r["question_id"]: float(r["score"]) for r in rows if r.get("model") == model and r.get("score") is not None}


def answers(root: Path, model: str) -> dict[str, str]:
    return {r["question_id"]: r["choices"][0]["turns"][0] for r in read_jsonl(root / "model_answer" / f"{model}.jsonl")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"),
                    help="the shared data folder (default ../shared/data)")
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    ap.add_argument("--n", type=int, default=100, help="prompts to sample")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shortest", action="store_true", help="the N prompts with the shortest answers, not a sample")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    root, out = Path(args.data) / "arena_bench_v1", Path(args.out)
    questions = {q["question_id"]: q for q in read_jsonl(root / "question.jsonl")}
    grades = {m: gpt4_grades(root, m) for m in args.models}
    texts = {m: answers(root, m) for m in args.models}
    usable = sorted(q for q in questions if all(q in grades[m] and q in texts[m] for m in args.models))
    random.Random(args.seed).shuffle(usable)
    if args.shortest:
        usable.sort(key=lambda q: sum(len(texts[m][q].split()) for m in args.models))
    chosen = usable[: args.n]
    if len(chosen) < args.n:
        raise SystemExit(f"only {len(chosen)} questions have answers and GPT-4 grades for every model")
    (out / "outputs").mkdir(parents=True, exist_ok=True)
    with open(out / "prompts.jsonl", "w", encoding="utf-8") as fh:
        for q in chosen:
            fh.write(json.dumps({"id": q, "instruction": questions[q]["turns"][0],
                                 "category": questions[q]["category"]}) + "\n")
    for m in args.models:
        with open(out / "outputs" / f"{m}.jsonl", "w", encoding="utf-8") as fh:
            for q in chosen:
                fh.write(json.dumps({"id": q, "output": texts[m][q]}) + "\n")
    ranking = {m: sum(grades[m][q] for q in chosen) / len(chosen) for m in args.models}
    (out / "gpt4.json").write_text(json.dumps(ranking, indent=2) + "\n", encoding="utf-8")
    print(f"{len(chosen)} prompts of {len(usable)} usable; GPT-4 mean grade: "
          + ", ".join(f"{m} {s:.2f}" for m, s in sorted(ranking.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
