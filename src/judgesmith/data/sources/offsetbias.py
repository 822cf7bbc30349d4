"""OffsetBias EvalBiasBench (`evalbiasbench.json`): a dict of bias type -> list of rows.

Rows are `{bias, instruction, response1, response2, label}`.

Label 1 means response1 is better (always, upstream), so positions are shuffled: a seeded,
exactly balanced half of the items put the better response at B. Rows are numbered across
the whole file in dict order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import (
    balanced_positions, collect, int_field, require_mapping, text_field, text_qid,
)
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric


def _rows(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if isinstance(data, dict):
        rows = [(bias, rec) for bias, recs in data.items() for rec in (recs if isinstance(recs, list) else [recs])]
    elif isinstance(data, list):
        rows = [(None, rec) for rec in data]
    else:
        raise ValueError(f"{path.name}: expected a dict of bias type -> list, got {type(data).__name__}")
    for row, (bias, rec) in enumerate(rows):
        yield row, (bias, rec)


def load(path: str | Path, *, name: str = "offsetbias", rubric: Any = "helpfulness", seed: int = 0,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load EvalBiasBench with deterministic, balanced positions (`seed`)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    rub = resolve_rubric(rubric, where="offsetbias rubric")
    rows = list(_rows(path))
    better_first = balanced_positions(len(rows), seed)

    def make(pair: Any, row: int) -> PairwiseExample:
        bias, rec = pair
        rec = require_mapping(rec)
        text = text_field(rec, "instruction")
        first, second = text_field(rec, "response1"), text_field(rec, "response2")
        label = int_field(rec, "label", (1, 2))
        better, worse = (first, second) if label == 1 else (second, first)
        a_wins = better_first[row]
        kind = str(rec.get("bias") or bias or "bias").replace(" ", "_")
        item = PairwiseItem(id=f"{name}-{kind}-{row}", instruction=text, rubric=rub,
                            response_a=better if a_wins else worse, response_b=worse if a_wins else better)
        return PairwiseExample(item, "A" if a_wins else "B", Provenance(name, path.name, row, text_qid(name, text)))

    return collect(name, path, rows, make, strict=strict, limit=limit)
