"""FELM (hkust-nlp/felm, `data/<domain>.jsonl`): is a ChatGPT response factually correct?

Rows `{index, source, prompt, response, segmented_response, labels: [bool per segment], ...}`. Not
grounded in this copy (`ref_contents` is empty in every row): an absolute factuality item under the
`factual_validity` preset, gold 5 when every segment is labelled correct and 1 otherwise. Domains:
world knowledge, science, math, reasoning, writing/recommendation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect_files, data_files, read_rows, require_mapping, text_field, text_qid
from judgesmith.data.sources.grounded.common import SUPPORTED, UNSUPPORTED
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import resolve_rubric


def load(path: str | Path, *, name: str = "felm", rubric: Any = "factual_validity", strict: bool = False,
         limit: int | None = None) -> LoadResult:
    """Absolute examples (all segments correct -> 5, else 1) from one domain file or the folder."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")

    def maker(file: Path):
        def make(rec: Any, row: int):
            rec = require_mapping(rec)
            labels = rec.get("labels")
            if not isinstance(labels, list) or not labels or not all(isinstance(x, bool) for x in labels):
                raise ValueError("'labels' must be a non-empty list of true/false per segment")
            prompt = text_field(rec, "prompt")
            item = AbsoluteItem(id=f"{name}-{file.stem}-{rec.get('index', row)}", instruction=prompt,
                                response=text_field(rec, "response"), rubric=rub)
            score = SUPPORTED if all(labels) else UNSUPPORTED
            return AbsoluteExample(item, float(score), Provenance(name, file.name, row, text_qid(name, prompt)),
                                   gold_scores=(score,))
        return make

    return collect_files(name, data_files(path, ("*.jsonl",)), read_rows, maker, strict=strict, limit=limit)
