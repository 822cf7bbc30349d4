"""Judge what the store does not hold yet: each model against the baseline (both orders), and/or 1-5 grades.

Pairs put the model's output in position A and the baseline's in B; the engine's swap judges the
exchanged order too and maps it back (`Judge(swap=True)`), so every stored pairwise verdict holds both
orders. Only items whose key (`store.pair_key` / `store.grade_key`) is missing are judged, so adding a
model to a finished comparison judges that model's pairs and nothing else.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from judgesmith.compare.inputs import ModelOutputs, Question
from judgesmith.compare.store import CompareStore, grade_key, pair_key
from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """The items one model still needs for one kind of judgment, and how many the store already holds."""

    model: str
    kind: str
    items: tuple[AbsoluteItem | PairwiseItem, ...]
    stored: int

    @property
    def judgments(self) -> int:
        """Model calls the items take: a pair is judged in both orders."""
        return len(self.items) * (2 if self.kind == "pairwise" else 1)


def pairwise_task(store: CompareStore, questions: Sequence[Question], model: ModelOutputs, baseline: ModelOutputs,
                  rubric: Rubric) -> Task:
    """The pairs of `model` against `baseline` on the prompts both answered, minus those already stored."""
    done = store.verdicts(model.name, "pairwise")
    items, stored = [], 0
    for q in questions:
        if q.id not in model.outputs or q.id not in baseline.outputs:
            continue
        out, base = model.outputs[q.id], baseline.outputs[q.id]
        key = pair_key(q, out, base)
        if key in done:
            stored += 1
        else:
            items.append(PairwiseItem(key, q.instruction, out, base, rubric, q.reference_answer))
    return Task(model.name, "pairwise", tuple(items), stored)


def absolute_task(store: CompareStore, questions: Sequence[Question], model: ModelOutputs, rubric: Rubric) -> Task:
    """The 1-5 grades of `model`'s outputs not yet stored."""
    done = store.verdicts(model.name, "absolute")
    items, stored = [], 0
    for q in questions:
        if q.id not in model.outputs:
            continue
        key = grade_key(q, model.outputs[q.id])
        if key in done:
            stored += 1
        else:
            items.append(AbsoluteItem(key, q.instruction, model.outputs[q.id], rubric, q.reference_answer))
    return Task(model.name, "absolute", tuple(items), stored)


def plan(store: CompareStore, questions: Sequence[Question], models: Sequence[ModelOutputs], baseline: str,
         kinds: Sequence[str], rubric: Rubric) -> list[Task]:
    """Every task of this run: pairwise for each non-baseline model, absolute for every model."""
    by_name = {m.name: m for m in models}
    if "pairwise" in kinds and baseline not in by_name:
        raise ValueError(f"baseline {baseline!r} is not among the models {sorted(by_name)}; pass its outputs "
                         "file (--outputs) and name it with --baseline")
    tasks = []
    for m in models:
        if "pairwise" in kinds and m.name != baseline:
            tasks.append(pairwise_task(store, questions, m, by_name[baseline], rubric))
        if "absolute" in kinds:
            tasks.append(absolute_task(store, questions, m, rubric))
    return tasks


@dataclass
class RunCount:
    """What a run did: judgments made (model calls), items judged and seconds spent judging."""

    judgments: int = 0
    items: int = 0
    seconds: float = 0.0
    per_task: list[tuple[str, str, int, int]] = field(default_factory=list)  # model, kind, judged items, stored


def run_tasks(tasks: Sequence[Task], judge, store: CompareStore,
              progress: Callable[[int], None] | None = None) -> RunCount:
    """Judge every task's items with `judge` (a `Judge` whose config has swap=True), appending each batch."""
    count = RunCount()
    for task in tasks:
        if not task.items:
            count.per_task.append((task.model, task.kind, 0, task.stored))
            continue
        start = time.perf_counter()
        batches = judge.iter_pairwise(task.items) if task.kind == "pairwise" else judge.iter_absolute(task.items)
        made = 0
        for verdicts in batches:
            store.append(task.model, task.kind, verdicts)
            judged = [v for v in verdicts if not (v.error or "").startswith("not judged:")]
            made += len(judged) * (2 if task.kind == "pairwise" else 1)
            if progress:
                progress(len(verdicts))
        count.seconds += time.perf_counter() - start
        count.judgments += made
        count.items += len(task.items)
        count.per_task.append((task.model, task.kind, len(task.items), task.stored))
    return count
