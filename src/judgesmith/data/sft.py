"""Examples -> SFT records in TRL's conversational prompt-completion format (loss on the completion only).

`{"id", "kind", "source", "question_id", "prompt": [system, user], "completion": [assistant]}` (plus
`language` when the item has one);
the user turn is the Prometheus prompt, the completion `prompts.target_text(feedback, label)`.
An example without feedback is written label-only (`Feedback: [RESULT] 4`, `[RESULT] A`), the text score
mode forces.
"""

from __future__ import annotations

from typing import Literal, Sequence

from judgesmith.data.schema import AbsoluteExample, PairwiseExample, Skipped
from judgesmith.prompts import build_prompt, target_text

Targets = Literal["first", "all"]


def _record(ex: AbsoluteExample | PairwiseExample, rec_id: str, kind: str, target: str) -> dict:
    rec = {"id": rec_id, "kind": kind, "source": ex.provenance.source, "question_id": ex.provenance.question_id,
           "prompt": build_prompt(ex.item).messages(), "completion": [{"role": "assistant", "content": target}]}
    if ex.item.language:  # the judged text's language, for per-language token counts (only when known)
        rec["language"] = ex.item.language
    return rec


def absolute_records(ex: AbsoluteExample, targets: Targets = "all") -> list[dict]:
    """One record per gold feedback (`all`) or for the first only; each with its own score as label.

    An example with gold scores but no feedback at all (human labels: grounded sets, your own labelled
    file) gives one label-only record (`Feedback: [RESULT] 5`) with its first score.
    """
    if not any(fb and fb.strip() for fb in ex.gold_feedbacks) and ex.gold_scores:
        return [_record(ex, ex.item.id, "absolute", target_text("", str(ex.gold_scores[0])))]
    pairs = list(zip(ex.gold_feedbacks, ex.gold_scores))
    pairs = pairs[:1] if targets == "first" else pairs
    many = len(pairs) > 1
    return [_record(ex, f"{ex.item.id}#{k}" if many else ex.item.id, "absolute", target_text(fb, str(score)))
            for k, (fb, score) in enumerate(pairs) if fb and fb.strip()]


def pairwise_record(ex: PairwiseExample) -> dict | None:
    """A record when the example has a decisive gold (A/B); label-only (`[RESULT] A`) when it has no feedback."""
    if ex.gold not in ("A", "B"):
        return None
    return _record(ex, ex.item.id, "pairwise", target_text(ex.gold_feedback or "", ex.gold, absolute=False))


def to_records(absolute: Sequence[AbsoluteExample], pairwise: Sequence[PairwiseExample],
               targets: Targets = "all") -> tuple[list[dict], list[dict], list[Skipped]]:
    """(absolute records, pairwise records, examples that cannot be SFT targets and why)."""
    skipped: list[Skipped] = []
    abs_out: list[dict] = []
    for ex in absolute:
        recs = absolute_records(ex, targets)
        if not recs:
            skipped.append(Skipped(ex.provenance.file, ex.provenance.row, f"{ex.item.id}: no gold feedback/score"))
        elif not ex.item.response.strip():
            skipped.append(Skipped(ex.provenance.file, ex.provenance.row, f"{ex.item.id}: empty response"))
        else:
            abs_out.extend(recs)
    pair_out: list[dict] = []
    for ex in pairwise:
        rec = pairwise_record(ex)
        if rec is None:
            skipped.append(Skipped(ex.provenance.file, ex.provenance.row, f"{ex.item.id}: tie or no gold"))
        else:
            pair_out.append(rec)
    return abs_out, pair_out, skipped
