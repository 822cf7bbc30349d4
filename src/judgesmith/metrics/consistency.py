"""Self-consistency of a judge (TrustJudge, arXiv 2509.21117), on plain scores and outcomes.

Terms. For two responses x, y of one question: `Sx`, `Sy` are absolute scores;
the pairwise outcome `C` is +1 (x preferred), -1 (y preferred) or 0 (tie or
undecided). Relations among a question's responses are stored as
`{(i, j): C}` for i < j (C > 0 means i preferred over j).

- Score-comparison conflict: (Sx > Sy and C <= 0) or (Sx < Sy and C >= 0) or
  (Sx = Sy and C != 0), where |Sx - Sy| < delta counts as equal.
- Non-transitivity NTR_k: the share of k-subsets of a question's responses that
  contain a violating triple: a circular preference (a>b>c>a) or an equivalence
  contradiction (a=b, b=c, a!=c), the two patterns TrustJudge names. A subset
  counts only when all its pairs were judged.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from judgesmith.metrics.result import NAN, MetricResult, bootstrap_ci, with_ci

Relations = Mapping[tuple[int, int], int]


def pair_outcome(first: str | None, second: str | None) -> int | None:
    """C from the winners of both orders, both given in original positions (A = x).

    +1 only if both orders prefer x, -1 only if both prefer y, else 0. `None` when
    either order failed to parse (the pair is then left out).
    """
    if first is None or second is None:
        return None
    if first == second == "A":
        return 1
    if first == second == "B":
        return -1
    return 0


def bidirectional_outcome(p_first: Mapping[str, float], p_second: Mapping[str, float],
                          tolerance: float = 0.0) -> int:
    """Likelihood-aware C from both orders' A/B distributions, both in original positions (A = x).

    TrustJudge's m[k] = p_order1[k] + p_order2[-k] with order 2 as judged (x and y
    swapped) is, with order 2 already mapped back (the engine's convention),
    m[x] = P1(A) + P2(A) and m[y] = P1(B) + P2(B); the larger wins, a difference
    of at most `tolerance` is a tie.
    """
    m_x = p_first.get("A", 0.0) + p_second.get("A", 0.0)
    m_y = p_first.get("B", 0.0) + p_second.get("B", 0.0)
    if abs(m_x - m_y) <= tolerance:
        return 0
    return 1 if m_x > m_y else -1


def score_conflict(sx: float, sy: float, c: int, delta: float = 0.0) -> bool:
    """True when the absolute scores and the pairwise outcome disagree (see module doc)."""
    if abs(sx - sy) < delta or sx == sy:
        return c != 0
    return c <= 0 if sx > sy else c >= 0


def conflict_ratio(sx: Sequence[float], sy: Sequence[float], c: Sequence[int], delta: float = 0.0) -> float:
    """CR: the share of pairs whose scores and pairwise outcome conflict. NaN for no pairs."""
    if not (len(sx) == len(sy) == len(c)):
        raise ValueError(f"sx, sy, c differ in length: {len(sx)}, {len(sy)}, {len(c)}")
    if not len(c):
        return NAN
    return sum(score_conflict(float(a), float(b), int(o), delta) for a, b, o in zip(sx, sy, c)) / len(c)


def _rel(relations: Relations, i: int, j: int) -> int | None:
    if (i, j) in relations:
        return relations[(i, j)]
    if (j, i) in relations:
        return -relations[(j, i)]
    return None


def triple_violates(r_ab: int, r_bc: int, r_ac: int) -> bool:
    """Circular (a>b>c>a or the reverse) or equivalence contradiction (two ties, one strict)."""
    if r_ab == r_bc != 0 and r_ac == -r_ab:
        return True
    return sorted(x == 0 for x in (r_ab, r_bc, r_ac)) == [False, True, True]


def non_transitive_subsets(relations: Relations, n_items: int, k: int) -> tuple[int, int]:
    """(violating, evaluable) k-subsets of one question's `n_items` responses."""
    if k < 3:
        raise ValueError(f"NTR needs k >= 3, got {k}")
    bad_triples = set()
    for a, b, c in combinations(range(n_items), 3):
        rels = (_rel(relations, a, b), _rel(relations, b, c), _rel(relations, a, c))
        if None not in rels and triple_violates(*rels):
            bad_triples.add((a, b, c))
    violating = evaluable = 0
    for subset in combinations(range(n_items), k):
        if any(_rel(relations, i, j) is None for i, j in combinations(subset, 2)):
            continue
        evaluable += 1
        violating += any(t in bad_triples for t in combinations(subset, 3))
    return violating, evaluable


def non_transitivity_ratio(questions: Sequence[tuple[Relations, int]], k: int, n_resamples: int = 1000,
                           seed: int = 0) -> MetricResult:
    """NTR_k over questions `(relations, n_items)`; CI by resampling questions; n = evaluable subsets.

    With fewer than k responses per question there is no subset: value NaN, n = 0.
    """
    counts = np.array([non_transitive_subsets(rel, n, k) for rel, n in questions], dtype=float).reshape(-1, 2)
    total = int(counts[:, 1].sum()) if len(counts) else 0
    if total == 0:
        return MetricResult(NAN, NAN, NAN, 0)

    def ratio(v: np.ndarray, t: np.ndarray) -> float:
        return float(v.sum() / t.sum()) if t.sum() else NAN

    low, high = bootstrap_ci(ratio, counts[:, 0], counts[:, 1], n_resamples=n_resamples, seed=seed)
    return MetricResult(ratio(counts[:, 0], counts[:, 1]), low, high, total)


def conflict_ratio_result(sx: Sequence[float], sy: Sequence[float], c: Sequence[int], delta: float = 0.0,
                          n_resamples: int = 1000, seed: int = 0) -> MetricResult:
    """CR with a bootstrap CI over pairs."""
    return with_ci(lambda a, b, o: conflict_ratio(a, b, o, delta), np.asarray(sx, float), np.asarray(sy, float),
                   np.asarray(c, int), n_resamples=n_resamples, seed=seed)


def score_preference_agreement(sx: Sequence[float], sy: Sequence[float],
                               winners: Sequence[str | None]) -> dict[str, float | int]:
    """Does the higher-scored response win the pairwise verdict? Shares of pairs:

    - consistent: scores differ and the winner is the higher-scored one;
    - inconsistent: scores differ and the winner is the other one, or a tie;
    - tie: equal scores (whatever the pairwise verdict).
    Pairs with a missing score or winner are left out; `n` counts the rest.
    """
    counts = {"consistent": 0, "inconsistent": 0, "tie": 0}
    for a, b, w in zip(sx, sy, winners):
        if a is None or b is None or w is None or math.isnan(float(a)) or math.isnan(float(b)):
            continue
        if a == b:
            counts["tie"] += 1
        elif (w == "A") == (a > b) and w in ("A", "B"):
            counts["consistent"] += 1
        else:
            counts["inconsistent"] += 1
    n = sum(counts.values())
    out: dict[str, float | int] = {k: (v / n if n else NAN) for k, v in counts.items()}
    out["n"] = n
    return out
