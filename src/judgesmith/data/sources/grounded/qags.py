"""QAGS (W4ngatang/qags, `data/mturk_{cnndm,xsum}.jsonl[.gz]`): is each summary sentence supported by
the news article?

Rows `{article, summary_sentences: [{sentence, responses: [{worker_id, response: yes|no}]}]}`; one item
per sentence, gold by the majority of the (three) workers: yes -> 5, no -> 1 (an even split is
skipped: no majority).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult
from judgesmith.data.sources._common import collect_files, data_files, read_rows, require_mapping, text_field
from judgesmith.data.sources.grounded.common import SUPPORTED, UNSUPPORTED, grounded_example
from judgesmith.rubrics import resolve_rubric

INSTRUCTION = "Summarize the news article in the context."


def majority(responses: Any) -> bool | None:
    """True / False for a yes / no majority of the workers' answers; None without one."""
    votes = [str(r.get("response", "")).strip().lower() for r in responses or () if isinstance(r, dict)]
    yes, no = votes.count("yes"), votes.count("no")
    return None if yes == no else yes > no


def load(path: str | Path, *, name: str = "qags", rubric: Any = "faithfulness", max_context_words: int | None = None,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples, one per summary sentence with a majority label (a file or the folder)."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    files = data_files(path, ("mturk_*.jsonl", "mturk_*.jsonl.gz"))
    return collect_files(name, files, read_rows, lambda file: _maker(name, file, rub, max_context_words),
                         strict=strict, limit=limit)


def _maker(name: str, file: Path, rub: Any, max_context_words: int | None) -> Any:
    subset = file.name.split(".")[0].removeprefix("mturk_")

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        article, sentences = text_field(rec, "article"), rec.get("summary_sentences")
        if not isinstance(sentences, list) or not sentences:
            raise ValueError("'summary_sentences' must be a non-empty list")
        made = []
        for k, s in enumerate(sentences):
            vote = majority(s.get("responses")) if isinstance(s, dict) else None
            if vote is None:
                continue
            made.append(grounded_example(name, file.name, row, item_id=f"{name}-{subset}-{row}-{k}",
                                         instruction=INSTRUCTION, context=article, response=text_field(s, "sentence"),
                                         score=SUPPORTED if vote else UNSUPPORTED, rubric=rub,
                                         max_context_words=max_context_words))
        return made

    return make
