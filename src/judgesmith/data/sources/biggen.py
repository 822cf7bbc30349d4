"""BiGGen-Bench instances (`biggen_bench_instances.jsonl`): prompts, reference answers and rubrics.

There are no responses and no gold scores, so each instance becomes an `AbsoluteExample`
with an empty `response` and `gold_score=None`: a rubric-and-prompt record to generate
responses for (or to check contamination against), not a label. The instance's
`system_prompt` (meant for the model under test) is not part of the judge item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field
from judgesmith.records import AbsoluteItem, Rubric


def load(path: str | Path, *, name: str = "biggen", strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load BiGGen-Bench instances as label-free absolute records."""
    file = Path(path).name

    def make(rec: Any, row: int) -> AbsoluteExample:
        rec = require_mapping(rec)
        key = "/".join(str(rec.get(k, "?")) for k in ("capability", "task", "instance_idx"))
        rubric = Rubric.from_mapping(rec.get("score_rubric"), where="'score_rubric'")
        item = AbsoluteItem(id=f"{name}-{key.replace('/', '-')}", instruction=text_field(rec, "input"),
                            response="", rubric=rubric, reference_answer=text_field(rec, "reference_answer", False))
        return AbsoluteExample(item, None, Provenance(name, file, row, f"{name}:{key}"))

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
