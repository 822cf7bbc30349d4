"""Recipe transforms between the split and the SFT records: swap augmentation, shortening, label-only share.

- `swap_augment`: every decisive pairwise example also in the other order, label flipped, feedback
  re-rendered or its "Response A/B" mentions exchanged (`data.swap`); where that is not safe the
  copy is label-only. Only the train split is augmented (eval measures the data as it is).
- `shorten`: the judged responses inside the prompt keep their first `max_words` whitespace-separated
  words followed by " [...]" (the text between the kept words is untouched); the instruction,
  reference answer, feedback and label never change.
- `apply_label_only_share`: a seeded, exact share of the feedback-bearing records of a kind is
  rewritten label-only (`Feedback: [RESULT] 4`, `[RESULT] A`), the text score mode forces.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Sequence

from judgesmith.data.schema import AbsoluteExample, PairwiseExample
from judgesmith.data.swap import swap_example
from judgesmith.prompts import target_text

ELLIPSIS = " [...]"
SWAP_SUFFIX = "#swap"


def swap_augment(examples: Sequence[PairwiseExample], template: str | None) -> tuple[list[PairwiseExample], int, int]:
    """(examples each followed by its swapped copy, copies made, copies that lost their feedback)."""
    out: list[PairwiseExample] = []
    made = lost = 0
    for ex in examples:
        out.append(ex)
        if ex.gold not in ("A", "B"):
            continue
        copy = swap_example(ex, template, suffix=SWAP_SUFFIX)
        out.append(copy)
        made += 1
        lost += int(bool(ex.gold_feedback) and not copy.gold_feedback)
    return out, made, lost


def shorten_text(text: str, max_words: int) -> str:
    """The first `max_words` words of `text` (its own spacing kept) plus " [...]", or `text` if short enough."""
    match = re.match(r"\s*(?:\S+\s+){%d}" % max_words, text)
    if match is None or not text[match.end():].strip():
        return text
    return text[:match.end()].rstrip() + ELLIPSIS


def shorten(absolute: Sequence[AbsoluteExample], pairwise: Sequence[PairwiseExample], max_words: int | None
            ) -> tuple[list[AbsoluteExample], list[PairwiseExample], int]:
    """(absolute, pairwise, examples with a shortened response); unchanged when `max_words` is None."""
    if max_words is None:
        return list(absolute), list(pairwise), 0
    n = 0
    abs_out, pw_out = [], []
    for ex in absolute:
        short = shorten_text(ex.item.response, max_words)
        n += short != ex.item.response
        abs_out.append(ex if short == ex.item.response else replace(ex, item=replace(ex.item, response=short)))
    for ex in pairwise:
        a, b = (shorten_text(r, max_words) for r in (ex.item.response_a, ex.item.response_b))
        changed = (a, b) != (ex.item.response_a, ex.item.response_b)
        n += changed
        pw_out.append(replace(ex, item=replace(ex.item, response_a=a, response_b=b)) if changed else ex)
    return abs_out, pw_out, n


def is_label_only(record: dict) -> bool:
    text = record["completion"][-1]["content"]
    return text == target_text("", label_of(record), absolute=record["kind"] == "absolute")


def label_of(record: dict) -> str:
    return record["completion"][-1]["content"].rsplit("[RESULT] ", 1)[-1]


def apply_label_only_share(records: list[dict], share: float, seed: int) -> int:
    """Rewrite `round(share * n)` of the n feedback-bearing records label-only (seeded choice, in place)."""
    bearing = [i for i, rec in enumerate(records) if not is_label_only(rec)]
    count = round(share * len(bearing))
    if count <= 0:
        return 0
    order = sorted(bearing, key=lambda i: hashlib.sha256(f"{seed}:{records[i]['id']}".encode()).hexdigest())
    for i in order[:count]:
        rec = records[i]
        text = target_text("", label_of(rec), absolute=rec["kind"] == "absolute")
        records[i] = {**rec, "completion": [{"role": "assistant", "content": text}]}
    return count
