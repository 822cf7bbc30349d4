"""Pairwise examples derived from absolute ones: preference training data from graded responses.

For each question, every two responses whose gold scores differ by at least `margin`
become a pair; the higher score wins. Positions are balanced: a seeded, exactly 50/50
half of the pairs put the winner at A. The target feedback joins the two absolute
feedbacks with `template` (default: "Response A: <fbA> Response B: <fbB> Therefore,
Response X is better."), each side using the feedback whose own score is closest to that
response's gold (so with margin >= 1 the two feedbacks' scores are ordered like the pair).

Responses of one question may carry different instruction texts (MT-Bench turn 2 is graded
after each model's own turn 1). `mismatched="skip"` drops such pairs; `"transcript"` keeps
the shared beginning of the two texts (up to the last `Assistant:` before they diverge) as
the instruction and prefixes each response with the rest of its own dialogue.
`max_per_question` keeps a seeded sample of each question's pairs (a question answered by 16
models gives up to 120 pairs, which would swamp the rest of a mix).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from itertools import combinations
from typing import Literal, Sequence

from judgesmith.data.schema import AbsoluteExample, PairwiseExample, Provenance, Skipped
from judgesmith.data.sources._common import balanced_positions
from judgesmith.records import PairwiseItem

DEFAULT_TEMPLATE = "Response A: {feedback_a} Response B: {feedback_b} Therefore, Response {winner} is better."


@dataclass(frozen=True)
class PairConfig:
    margin: float = 1.0
    mismatched: Literal["skip", "transcript"] = "skip"
    template: str = DEFAULT_TEMPLATE
    seed: int = 0
    max_per_question: int | None = None


def _feedback(ex: AbsoluteExample) -> str | None:
    """The feedback whose own score is closest to the gold (first on ties)."""
    if not ex.gold_feedbacks:
        return None
    scores = ex.gold_scores or (ex.gold_score,) * len(ex.gold_feedbacks)
    best = min(range(len(ex.gold_feedbacks)), key=lambda i: abs(scores[i] - ex.gold_score))
    return ex.gold_feedbacks[best].strip()


def _texts(win: AbsoluteExample, lose: AbsoluteExample, mode: str) -> tuple[str, str, str] | None:
    """(instruction, winner response, loser response), or None when instructions differ and mode is skip."""
    iw, il = win.item.instruction, lose.item.instruction
    if iw == il:
        return iw, win.item.response, lose.item.response
    if mode != "transcript":
        return None
    prefix = os.path.commonprefix([iw, il])
    cut = prefix.rfind("Assistant:")
    cut = cut if cut > 0 else prefix.rfind("\n\n")
    if cut <= 0:
        return None
    return iw[:cut].rstrip(), iw[cut:] + win.item.response, il[cut:] + lose.item.response


def _candidates(examples: Sequence[AbsoluteExample], config: PairConfig
                ) -> tuple[list[tuple[AbsoluteExample, AbsoluteExample, tuple[str, str, str]]], list[Skipped]]:
    by_q: dict[str, list[AbsoluteExample]] = {}
    for ex in examples:
        if ex.gold_score is not None:
            by_q.setdefault(ex.provenance.question_id, []).append(ex)
    found, skipped = [], []
    for qid in sorted(by_q):
        pairs: list = []
        for x, y in combinations(sorted(by_q[qid], key=lambda e: e.item.id), 2):
            if abs(x.gold_score - y.gold_score) < config.margin or x.gold_score == y.gold_score:
                continue
            win, lose = (x, y) if x.gold_score > y.gold_score else (y, x)
            texts = _texts(win, lose, config.mismatched)
            reason = None if texts else "the two responses answer different instruction texts"
            if texts and (win.item.rubric != lose.item.rubric):
                reason = "the two responses were graded on different rubrics"
            if texts and not (_feedback(win) and _feedback(lose)):
                reason = "a response has no gold feedback"
            if reason:
                where = f"pair {win.item.id}/{lose.item.id}: {reason}"
                skipped.append(Skipped(win.provenance.file, win.provenance.row, where))
            else:
                pairs.append((win, lose, texts))
        found += _capped(pairs, config, qid)
    return found, skipped


def _capped(pairs: list, config: PairConfig, qid: str) -> list:
    """At most `max_per_question` of one question's pairs, a seeded sample in their original order."""
    cap = config.max_per_question
    if cap is None or len(pairs) <= cap:
        return pairs
    keep = sorted(random.Random(f"{config.seed}:{qid}").sample(range(len(pairs)), cap))
    return [pairs[i] for i in keep]


def pairs_from_absolute(examples: Sequence[AbsoluteExample], config: PairConfig = PairConfig()
                        ) -> tuple[list[PairwiseExample], list[Skipped]]:
    """Pairwise examples (winner = higher gold score, balanced positions) and the pairs that could not be made."""
    found, skipped = _candidates(examples, config)
    winner_first = balanced_positions(len(found), config.seed)
    out = []
    for (win, lose, (instruction, rw, rl)), a_wins in zip(found, winner_first):
        a, b = (win, lose) if a_wins else (lose, win)
        label = "A" if a_wins else "B"
        item = PairwiseItem(id=f"{a.item.id}~{b.item.id}", instruction=instruction,
                            response_a=rw if a_wins else rl, response_b=rl if a_wins else rw,
                            rubric=win.item.rubric, context=win.item.context,
                            reference_answer=win.item.reference_answer
                            if win.item.reference_answer == lose.item.reference_answer else None,
                            language=win.item.language)
        parts = (_feedback(a), _feedback(b))
        feedback = config.template.format(feedback_a=parts[0], feedback_b=parts[1], winner=label)
        prov = Provenance(f"{win.provenance.source}_pairs", win.provenance.file, win.provenance.row,
                          win.provenance.question_id, same_as=win.provenance.same_as)
        out.append(PairwiseExample(item, label, prov, gold_feedback=feedback, feedback_parts=parts))
    return out, skipped
