"""Prometheus absolute benchmark files (`vicuna_eval.json`, `mt_bench_eval.json`).

Rows are `{idx, response_source, category, instruction, gpt4_score, gpt4_feedback}` where
`instruction` is the whole grading prompt. Gold = mean of the three GPT-4 scores; all three
scores and feedbacks are kept (they become separate SFT targets). `idx` is the FastChat
question id (4 responding models per question), so `question_id` is `<name>:<idx>`, shared
by the 4 responses and equal to the id other files' questions map to (see `data.questions`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_qid
from judgesmith.data.sources.prometheus_format import split_absolute_prompt
from judgesmith.records import AbsoluteItem


def default_name(path: str | Path) -> str:
    """`vicuna_eval.json` -> `vicuna`, `mt_bench_eval.json` -> `mt_bench`."""
    stem = Path(path).stem
    return stem[: -len("_eval")] if stem.endswith("_eval") else stem


def _scores(rec: Any) -> tuple[tuple[int, ...], tuple[str, ...]]:
    scores, feedbacks = rec.get("gpt4_score"), rec.get("gpt4_feedback")
    if not isinstance(scores, list) or not scores:
        raise ValueError(f"'gpt4_score' must be a non-empty list, got {scores!r}")
    for s in scores:
        if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= 5:
            raise ValueError(f"'gpt4_score' values must be integers 1-5, got {s!r}")
    if not isinstance(feedbacks, list) or len(feedbacks) != len(scores):
        raise ValueError("'gpt4_feedback' must be a list as long as 'gpt4_score'")
    if not all(isinstance(f, str) and f.strip() for f in feedbacks):
        raise ValueError("'gpt4_feedback' holds an empty or non-string feedback")
    return tuple(scores), tuple(feedbacks)


def load(path: str | Path, *, name: str | None = None, strict: bool = False,
         limit: int | None = None) -> LoadResult:
    """Load a Prometheus absolute benchmark file into `AbsoluteExample`s."""
    name = name or default_name(path)
    file = Path(path).name

    def make(rec: Any, row: int) -> AbsoluteExample:
        rec = require_mapping(rec)
        parts = split_absolute_prompt(rec.get("instruction"))
        scores, feedbacks = _scores(rec)
        idx = rec.get("idx")
        qid = f"{name}:{idx}" if isinstance(idx, (int, str)) and str(idx).strip() else text_qid(name, parts.instruction)
        source = str(rec.get("response_source") or row)
        item = AbsoluteItem(id=f"{name}-{idx}-{source}" if idx is not None else f"{name}-r{row}",
                            instruction=parts.instruction, response=parts.response, rubric=parts.rubric,
                            reference_answer=parts.reference_answer, context=parts.context)
        return AbsoluteExample(item=item, gold_score=sum(scores) / len(scores),
                               provenance=Provenance(name, file, row, qid),
                               gold_scores=scores, gold_feedbacks=feedbacks)

    result = collect(name, path, read_rows(path), make, strict=strict, limit=limit)
    _dedupe_ids(result)
    return result


def _dedupe_ids(result: LoadResult) -> None:
    """Item ids must be unique (resumable judging keys on them); suffix the row on a clash."""
    seen: set[str] = set()
    for i, ex in enumerate(result.absolute):
        if ex.item.id in seen:
            from dataclasses import replace

            item = replace(ex.item, id=f"{ex.item.id}-r{ex.provenance.row}")
            result.absolute[i] = replace(ex, item=item)
        seen.add(result.absolute[i].item.id)
