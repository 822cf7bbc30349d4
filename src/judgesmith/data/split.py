"""Split examples into train/eval by question, deterministically by seed.

Questions are grouped by every key that identifies them (`data.questions.question_keys`),
so two records that ask the same question under different source ids still land on the
same side. Within each source, groups are ordered by a seeded SHA-256 of their question id
(stable across runs and Python versions) and the first `eval_fraction` become eval.
"""

from __future__ import annotations

import hashlib
from typing import Sequence, TypeVar

from judgesmith.data.questions import example_keys

T = TypeVar("T")


def _groups(examples: Sequence, data_root: str | None = None) -> list[int]:
    """Union-find over question keys: a group index per example."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    ex_keys = []
    for ex in examples:
        keys = sorted(example_keys(ex, data_root=data_root))
        ex_keys.append(keys)
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
    roots = [find(keys[0]) for keys in ex_keys]
    ids: dict[str, int] = {}
    return [ids.setdefault(r, len(ids)) for r in roots]


def split_by_question(examples: Sequence[T], eval_fraction: float, seed: int,
                      data_root: str | None = None) -> tuple[list[T], list[T]]:
    """(train, eval) with no question on both sides; `eval_fraction` of each source's questions go to eval.

    Stratifying by source keeps a small source (e.g. 30 MT-Bench questions next to 700 Auto-J
    ones) represented in eval instead of leaving it to chance.
    """
    if not 0 <= eval_fraction < 1:
        raise ValueError(f"eval_fraction must be in [0, 1), got {eval_fraction}")
    groups = _groups(examples, data_root)
    names: dict[int, tuple[str, str]] = {}
    for g, ex in zip(groups, examples):
        key = (ex.provenance.source, ex.provenance.question_id)
        names[g] = min(names.get(g, key), key)
    by_source: dict[str, list[int]] = {}
    for g, (source, _) in names.items():
        by_source.setdefault(source, []).append(g)
    eval_groups: set[int] = set()
    for source, members in by_source.items():
        order = sorted(members, key=lambda g: hashlib.sha256(f"{seed}:{names[g][1]}".encode()).hexdigest())
        eval_groups.update(order[:round(len(order) * eval_fraction)])
    train = [ex for g, ex in zip(groups, examples) if g not in eval_groups]
    evals = [ex for g, ex in zip(groups, examples) if g in eval_groups]
    return train, evals
