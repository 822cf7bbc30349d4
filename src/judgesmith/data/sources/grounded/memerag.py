"""MEMERAG (amazon-science/MEMERAG, `data/memerag/<lang>.jsonl[.gz]`): is each sentence of a RAG answer
supported by the retrieved passages? English, German, Spanish, French and Hindi.

Rows `{query_id, query, context: [{text}], answer: [{sentence_id, sentence, factuality, ...}]}`; one
item per answer sentence: `Supported` -> 5, `Not Supported` -> 1, `Challenging to determine` skipped
(the annotators could not tell: no gold). The query is the instruction, the passages the context.
Benchmark only: its README says the data should not be used to train models (CC BY-NC 4.0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, Skipped
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field
from judgesmith.data.sources.grounded.common import SUPPORTED, UNSUPPORTED, grounded_example, join_passages
from judgesmith.rubrics import resolve_rubric

LABELS = {"Supported": SUPPORTED, "Not Supported": UNSUPPORTED}
UNDETERMINED = "Challenging to determine"


def language_of(path: str | Path) -> str | None:
    """`de.jsonl.gz` -> "de"."""
    stem = Path(path).name.split(".")[0]
    return stem if len(stem) == 2 and stem.isalpha() else None


def load(path: str | Path, *, name: str = "memerag", rubric: Any = "faithfulness", language: str | None = None,
         max_context_words: int | None = None, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples, one per answer sentence with a Supported / Not Supported gold."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    file = Path(path).name
    lang = language or language_of(path)
    undetermined: list[Skipped] = []

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        query, context = text_field(rec, "query"), join_passages(rec.get("context"), "'context'")
        sentences = rec.get("answer")
        if not isinstance(sentences, list) or not sentences:
            raise ValueError("'answer' must be a non-empty list of sentences")
        made = []
        for k, s in enumerate(sentences):
            label = s.get("factuality") if isinstance(s, dict) else None
            if label == UNDETERMINED:
                undetermined.append(Skipped(file, row, f"sentence {k}: {UNDETERMINED!r} (no gold)"))
                continue
            if label not in LABELS:
                raise ValueError(f"sentence {k}: 'factuality' must be one of {sorted(LABELS)}, got {label!r}")
            ex = grounded_example(name, file, row, item_id=f"{name}-{rec.get('query_id', row)}-{k}",
                                  instruction=query, context=context, response=text_field(s, "sentence"),
                                  score=LABELS[label], rubric=rub, max_context_words=max_context_words,
                                  language=lang)
            made.append(ex)
        return made

    result = collect(name, path, read_rows(path), make, strict=strict, limit=limit)
    result.skipped += undetermined
    return result

