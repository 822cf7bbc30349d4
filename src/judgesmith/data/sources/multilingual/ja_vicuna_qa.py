"""Japanese Vicuna QA (ku-nlp/ja-vicuna-qa-benchmark, `data/jp_bench/`): GPT-4 pairwise judgments in
Japanese, each pair judged in both orders.

`model_judgment/pairwise/gpt-4/pairwise:<model_1>_<model_2>.jsonl[.gz]` rows `{question_id, question,
answer_1, answer_2, g1_judgment, g2_judgment, g1_winner, g2_winner}`: g1 saw answer_1 as Assistant A,
g2 the swapped order; both winners name a model (`model_1` / `model_2` / `tie`). A pair is kept only
when the two orders agree on a winner; pairs where they disagree, or agree on a tie, are skipped with
that reason and counted in the log (GPT-4's own position bias: there is no gold for them).

Each kept pair comes in one order, chosen so that half the winners sit at A (seeded), with the Japanese
judgment GPT-4 wrote for that order as feedback (its `[[A]]` sentence cut); `both_orders: true` gives
both orders, each with its own judgment (training data with no position to learn). The 80 questions
are Vicuna's 80, translated, same ids: `same_as` links each to `vicuna:<id>`. Apache-2.0.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance, Skipped
from judgesmith.data.sources._common import (
    balanced_positions, collect, data_files, read_rows, require_mapping, text_field,
)
from judgesmith.data.sources.multilingual.common import strip_verdict
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

log = logging.getLogger(__name__)

JUDGMENTS = "model_judgment/pairwise/gpt-4"
WINNERS = ("model_1", "model_2", "tie")


def agreed_winner(rec: Any) -> int:
    """1 or 2: the answer both orders chose; a ValueError (the reason it is skipped) otherwise."""
    first, second = rec.get("g1_winner"), rec.get("g2_winner")
    for w in (first, second):
        if w not in WINNERS:
            raise ValueError(f"g1_winner/g2_winner must be one of {list(WINNERS)}, got {w!r}")
    if first != second:
        raise ValueError(f"the two orders disagree ({first} in the first, {second} in the swapped order)")
    if first == "tie":
        raise ValueError("both orders judged a tie")
    return 1 if first == "model_1" else 2


def _order(name: str, file: str, row: int, rec: Any, winner: int, swapped: bool, rub: Any) -> PairwiseExample:
    """The pair in one order: answer_1 at A (the g1 judgment) or answer_2 at A (the g2 judgment)."""
    answers = (text_field(rec, "answer_1").strip(), text_field(rec, "answer_2").strip())
    if not all(answers) or answers[0] == answers[1]:
        raise ValueError("an answer is empty, or both answers are the same text")
    feedback = strip_verdict(text_field(rec, "g2_judgment" if swapped else "g1_judgment"))
    qid = int(rec["question_id"])
    a, b = (answers[1], answers[0]) if swapped else answers
    gold = "A" if (winner == 2) == swapped else "B"
    item = PairwiseItem(id=f"{name}-{Path(file).stem.removeprefix('pairwise:')}-{qid}" + ("-swap" if swapped else ""),
                        instruction=text_field(rec, "question").strip(), response_a=a, response_b=b, rubric=rub,
                        language="ja")
    prov = Provenance(name, file, row, f"ja_vicuna_qa:{qid}", same_as=(f"vicuna:{qid}",))
    return PairwiseExample(item, gold, prov, gold_feedback=feedback or None)


def load(path: str | Path, *, name: str = "ja_vicuna_qa", rubric: Any = "helpfulness", both_orders: bool = False,
         seed: int = 0, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Pairwise Japanese examples of the pairs whose two judged orders agree on the winner."""
    folder = Path(path)
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    agreed: list[tuple[str, int, Any, int]] = []
    result = LoadResult(source=name, rows_read=0)
    for file in data_files(folder / JUDGMENTS, ("pairwise:*.jsonl", "pairwise:*.jsonl.gz")):
        rel = f"{JUDGMENTS}/{file.name.removesuffix('.gz')}"

        def keep(rec: Any, row: int, rel: str = rel) -> None:
            rec = require_mapping(rec)
            agreed.append((rel, row, rec, agreed_winner(rec)))

        part = collect(name, rel, read_rows(file), keep, strict=strict)
        result.rows_read += part.rows_read or 0
        result.skipped += part.skipped
    reasons = Counter(s.reason.split(" (")[0] for s in result.skipped)
    log.info("%s: %d pairs kept (both orders agree), skipped: %s", name, len(agreed), dict(reasons))
    flags = balanced_positions(len(agreed), seed)
    for (rel, row, rec, winner), winner_at_a in zip(agreed, flags):
        orders = (False, True) if both_orders else ((winner == 2) == winner_at_a,)
        try:
            result.pairwise += [_order(name, rel, row, rec, winner, swapped, rub) for swapped in orders]
        except ValueError as exc:
            if strict:
                raise ValueError(f"{rel} row {row}: {exc}") from exc
            result.skipped.append(Skipped(Path(rel).name, row, str(exc)))
    if limit is not None:
        result.pairwise = result.pairwise[:limit]
    return result
