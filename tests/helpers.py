"""Helpers shared by test modules (no tests of its own): toy benchmarks and a scripted judge for the
bench/consistency tests, SFT rows for the training and merge tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

from judgesmith.bench.benchmark import Benchmark
from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Provenance
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.prompts import ABS_SYSTEM_PROMPT, REL_SYSTEM_PROMPT
from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric

RUBRIC = Rubric("Is it good?", "bad", "poor", "ok", "good", "great")
QUALITY = re.compile(r"quality (\d)")


def absolute_examples(n_questions: int = 4, per_question: int = 4) -> list[AbsoluteExample]:
    out = []
    for q in range(n_questions):
        for r in range(per_question):
            quality = 1 + (q + r) % 5
            item = AbsoluteItem(f"q{q}r{r}", f"question {q}", f"answer of quality {quality}", RUBRIC)
            out.append(AbsoluteExample(item, float(quality), Provenance("toy", "toy.json", len(out), f"q{q}")))
    return out


def pairwise_examples(n: int = 6) -> list[PairwiseExample]:
    out = []
    for k in range(n):
        qa, qb = 1 + k % 5, 1 + (k + 2) % 5
        gold = "A" if qa > qb else "B" if qb > qa else "tie"
        item = PairwiseItem(f"p{k}", f"question {k}", f"answer of quality {qa}", f"answer of quality {qb}", RUBRIC)
        out.append(PairwiseExample(item, "tie" if k == 0 else gold, Provenance("toy", "toy.json", k, f"q{k}")))
    return out


def toy_benchmarks() -> tuple[Benchmark, Benchmark]:
    abs_b = Benchmark("toy_abs", "Toy absolute", "absolute", "toy", gold="quality",
                      loader=lambda path, **o: LoadResult("toy", absolute=absolute_examples()))
    pair_b = Benchmark("toy_pair", "Toy pairwise", "pairwise", "toy", gold="quality",
                       loader=lambda path, **o: LoadResult("toy", pairwise=pairwise_examples()))
    return abs_b, pair_b


def qualities(text: str) -> list[int]:
    return [int(x) for x in QUALITY.findall(text)]


def scripted_judge() -> ScriptedBackend:
    """Scores an answer by the quality number written in it; prefers the higher-quality response."""

    def probs(prompt):
        qs = qualities(prompt.user)
        if "###Response A:" in prompt.user:
            a, b = qs[0], qs[1]
            return {"A": 0.8, "B": 0.2} if a >= b else {"A": 0.2, "B": 0.8}
        return {str(k): (0.8 if k == qs[0] else 0.05) for k in range(1, 6)}

    def text(prompt, i):
        qs = qualities(prompt.user)
        if "###Response A:" in prompt.user:
            return "Feedback: compared. [RESULT] " + ("A" if qs[0] >= qs[1] else "B")
        return f"Feedback: fine. [RESULT] {qs[0]}"

    return ScriptedBackend(text_fn=text, probs_fn=probs)


def sft_rows(n: int, seed: int = 0) -> list[dict]:
    """SFT examples in the data-build contract format, with prompts and completions of varied length."""
    rows = []
    for i in range(n):
        absolute = (i + seed) % 2 == 0
        user = ("###Task Description: An instruction, a response to evaluate and a score rubric. "
                + "What is the capital of France? " * (1 + (i + seed) % 3)
                + "###Response to evaluate: Paris. ###Feedback: ")
        target = (f"Feedback: the response is {'good' if i % 2 else 'accurate and clear'} [RESULT] {(i + seed) % 5 + 1}"
                  if absolute else f"Response A is more helpful {'and detailed ' * (i % 2)}[RESULT] {'AB'[i % 2]}")
        rows.append({"id": f"ex{i}", "kind": "absolute" if absolute else "pairwise", "source": "test",
                     "question_id": f"q{i}",
                     "prompt": [{"role": "system", "content": ABS_SYSTEM_PROMPT if absolute else REL_SYSTEM_PROMPT},
                                {"role": "user", "content": user}],
                     "completion": [{"role": "assistant", "content": target}]})
    return rows


def write_jsonl(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path
