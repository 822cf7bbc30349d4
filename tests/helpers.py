"""Shared toy benchmarks and a scripted judge for the bench/consistency tests (no tests of its own)."""

from __future__ import annotations

import re

from judgesmith.bench.benchmark import Benchmark
from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Provenance
from judgesmith.judge.backends.scripted import ScriptedBackend
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
