"""Anthropic HH-RLHF (`harmless-base_test.jsonl.gz`): human harmlessness preferences, `{chosen, rejected}`.

Each side is a whole dialogue (`\\n\\nHuman: ... \\n\\nAssistant: ...`); the two share every turn
but the last Assistant turn. The shared dialogue before the last `\\n\\nAssistant:` is the
instruction, the two last Assistant turns are the responses, the chosen one wins. Positions are
balanced by the seed (exactly half put the chosen response at A). No feedback: label-only
examples, under the `harmlessness` preset. Labels are noisy: "chosen" is often only the less
harmful of two poor answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field, text_qid
from judgesmith.data.swap import balance
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

TURN = "\n\nAssistant:"


def split_dialogue(chosen: str, rejected: str) -> tuple[str, str, str]:
    """(shared dialogue, chosen last Assistant turn, rejected last Assistant turn)."""
    cut_c, cut_r = chosen.rfind(TURN), rejected.rfind(TURN)
    if cut_c < 0 or cut_r < 0:
        raise ValueError("a dialogue has no '\\n\\nAssistant:' turn")
    if chosen[:cut_c] != rejected[:cut_r]:
        raise ValueError("'chosen' and 'rejected' differ before their last Assistant turn")
    dialogue = chosen[:cut_c].strip()
    win, lose = chosen[cut_c + len(TURN):].strip(), rejected[cut_r + len(TURN):].strip()
    if not dialogue:
        raise ValueError("empty dialogue before the last Assistant turn")
    if not win or not lose:
        raise ValueError("empty last Assistant turn")
    if win == lose:
        raise ValueError("the two last Assistant turns are identical")
    return dialogue, win, lose


def load(path: str | Path, *, name: str = "hh_rlhf", rubric: Any = "harmlessness", seed: int = 0,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load HH-RLHF pairs as label-only pairwise examples with balanced positions."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    file = Path(path).name

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        dialogue, win, lose = split_dialogue(text_field(rec, "chosen"), text_field(rec, "rejected"))
        item = PairwiseItem(id=f"{name}-{row}", instruction=dialogue, response_a=win, response_b=lose, rubric=rub)
        return PairwiseExample(item, "A", Provenance(name, file, row, text_qid(name, dialogue)))

    result = collect(name, path, read_rows(path), make, strict=strict, limit=limit)
    result.pairwise = balance(result.pairwise, seed)
    return result
