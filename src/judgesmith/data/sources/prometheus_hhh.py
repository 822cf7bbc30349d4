"""Prometheus HHH alignment file: `{source, chosen_instruction, rejected_instruction}`.

Each of the two fields is a full absolute prompt (no reference answer) for the same
question; the chosen response is the human-preferred one. Pairs are built from the two
responses cut out of the prompts, with the preferred one at A in a seeded, exactly
balanced half of the rows. The rubric is the chosen prompt's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import (
    balanced_positions, collect, read_rows, require_mapping, text_field, text_qid,
)
from judgesmith.data.sources.prometheus_format import split_absolute_prompt
from judgesmith.records import PairwiseItem


def load(path: str | Path, *, name: str = "hhh", seed: int = 0, strict: bool = False,
         limit: int | None = None) -> LoadResult:
    """Load HHH chosen/rejected prompts as pairwise examples with balanced positions."""
    rows = list(read_rows(path))
    chosen_first = balanced_positions(len(rows), seed)
    file = Path(path).name

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        chosen = split_absolute_prompt(text_field(rec, "chosen_instruction"))
        rejected = split_absolute_prompt(text_field(rec, "rejected_instruction"))
        if chosen.instruction.strip() != rejected.instruction.strip():
            raise ValueError("chosen and rejected prompts ask different instructions")
        a_wins = chosen_first[row]
        a, b = (chosen, rejected) if a_wins else (rejected, chosen)
        subset = str(rec.get("source") or "hhh").replace(" ", "_")
        item = PairwiseItem(id=f"{name}-{subset}-{row}", instruction=chosen.instruction, response_a=a.response,
                            response_b=b.response, rubric=chosen.rubric, context=chosen.context)
        return PairwiseExample(item, "A" if a_wins else "B",
                               Provenance(name, file, row, text_qid(name, chosen.instruction)))

    return collect(name, path, rows, make, strict=strict, limit=limit)
