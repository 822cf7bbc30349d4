"""Exchanging the two sides of a pairwise example: position balancing and swap augmentation.

A swapped example has response A and B exchanged and its label flipped; its feedback must stay
right. A feedback rendered from a template (`feedback_parts`, e.g. pairs derived from absolute
grades) is rendered again with the parts exchanged. A free-text feedback has its "Response A" /
"Response B" mentions exchanged, but only when those are its only references to a side: text
that names a side any other way ("the first response", "Output (a)", "Assistant B") cannot be
exchanged safely, so the swapped copy gets no feedback (it is written label-only).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from judgesmith.data.schema import PairwiseExample

_MENTION = re.compile(r"\bResponse ([AB])\b")
# Other ways of naming a side: ordinals ("the first response"), another noun with a letter or a digit
# ("Output (a)", "Assistant B", "response 2"), a lower-case "response a", and an A or B right after a
# Japanese, Chinese or Korean word (アシスタントA, 回答B, 응답 A: non-English judgments name sides so).
_OTHER_SIDE = re.compile(
    r"\b(?:first|second|former|latter|1st|2nd)\s+(?:response|output|answer|assistant|model|candidate)s?\b"
    r"|\b(?:output|answer|assistant|model|candidate|response|completion)s?\s*"
    r"(?:(?-i:[AB12])|\(\s*[ab12]\s*\)|\[\s*[ab12]\s*\])(?!\w)"
    r"|\bresponse (?-i:[ab])(?!\w)"
    r"|(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])\s?(?-i:[AB])(?![A-Za-z])",
    re.IGNORECASE,
)
_FLIP = {"A": "B", "B": "A"}


def exchange_mentions(text: str) -> str | None:
    """`text` with "Response A" and "Response B" exchanged, or None when it names a side otherwise."""
    if _OTHER_SIDE.search(_MENTION.sub("", text)):
        return None
    return _MENTION.sub(lambda m: f"Response {_FLIP[m.group(1)]}", text)


def swapped_feedback(ex: PairwiseExample, template: str | None) -> str | None:
    """The feedback of `ex` as it must read with the sides exchanged (None when unsafe or absent)."""
    if not ex.gold_feedback:
        return None
    if ex.feedback_parts is not None and template:
        part_a, part_b = ex.feedback_parts
        return template.format(feedback_a=part_b, feedback_b=part_a, winner=_FLIP.get(ex.gold or "", ex.gold))
    return exchange_mentions(ex.gold_feedback)


def swap_example(ex: PairwiseExample, template: str | None = None, suffix: str = "") -> PairwiseExample:
    """`ex` with responses exchanged, label flipped and feedback made to match (or dropped if unsafe)."""
    item = replace(ex.item, id=ex.item.id + suffix, response_a=ex.item.response_b, response_b=ex.item.response_a)
    parts = (ex.feedback_parts[1], ex.feedback_parts[0]) if ex.feedback_parts is not None else None
    feedback = swapped_feedback(ex, template)
    return replace(ex, item=item, gold=_FLIP.get(ex.gold or "", ex.gold), gold_feedback=feedback,
                   feedback_parts=parts if feedback is not None else None)


def balance(examples: Sequence[PairwiseExample], seed: int) -> list[PairwiseExample]:
    """Examples with positions re-drawn so exactly half of the decisive ones (A/B) have the winner at A.

    Upstream files often put the winner (or the reference model) at one position; a judge trained
    on them would learn the position. Ties are kept as they are.
    """
    from judgesmith.data.sources._common import balanced_positions  # here: the loaders import this module

    decisive = [i for i, ex in enumerate(examples) if ex.gold in ("A", "B")]
    out = list(examples)
    for i, winner_at_a in zip(decisive, balanced_positions(len(decisive), seed)):
        if (examples[i].gold == "A") != winner_at_a:
            out[i] = swap_example(examples[i])
    return out
