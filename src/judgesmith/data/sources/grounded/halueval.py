"""HaluEval QA (RUCAIBox/HaluEval, `generation/qa/qa_one-turn_data.json`): a right and a hallucinated
answer to one HotpotQA question, with the knowledge paragraph that decides between them.

Rows `{knowledge, question, right_answer, hallucinated_answer}`. Each row is a pair (gold: the right
answer; positions balanced by the seed) and, with `absolute=True`, two absolute grounded examples
(right -> 5, hallucinated -> 1). The file has no split, so `part` splits it by question (a stable hash,
`heldout_fraction` of the questions held out): train on `train`, bench the `heldout` pairs. The
hallucinated answers are written to look plausible and are usually longer than the right ones: check
a judge's margin against length on these pairs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, normalize, read_rows, require_mapping, text_field, text_qid
from judgesmith.data.sources.grounded.common import SUPPORTED, UNSUPPORTED, grounded_example, in_part
from judgesmith.data.swap import balance
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric


def load(path: str | Path, *, name: str = "halueval_qa", rubric: Any = "faithfulness", part: str | None = None,
         heldout_fraction: float = 0.4, pairwise: bool = True, absolute: bool = False, seed: int = 0,
         max_context_words: int | None = None, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Pairs (and optionally absolute examples) of the questions in `part` (None: every question)."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    file = Path(path).name

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        question, knowledge = text_field(rec, "question"), text_field(rec, "knowledge")
        qid = text_qid(name, question)
        if not in_part(normalize(question), part, heldout_fraction):  # by question text: the same under any name
            return None
        right, wrong = text_field(rec, "right_answer"), text_field(rec, "hallucinated_answer")
        if right.strip() == wrong.strip():
            raise ValueError("the right and the hallucinated answer are identical")
        made: list = []
        if pairwise:
            item = PairwiseItem(id=f"{name}-{row}", instruction=question, response_a=right, response_b=wrong,
                                rubric=rub, context=knowledge)
            made.append(PairwiseExample(item, "A", Provenance(name, file, row, qid)))
        if absolute:
            for tag, text, score in (("right", right, SUPPORTED), ("hallucinated", wrong, UNSUPPORTED)):
                ex = grounded_example(name, file, row, item_id=f"{name}-{row}-{tag}", instruction=question,
                                      context=knowledge, response=text, score=score, rubric=rub,
                                      max_context_words=max_context_words)
                made.append(_same_question(ex, qid))
        return made

    result = collect(name, path, read_rows(path), make, strict=strict, limit=limit)
    result.pairwise = balance(result.pairwise, seed)
    return result


def _same_question(ex: Any, qid: str) -> Any:
    """Group the absolute examples by question like the pairs (one question, one knowledge paragraph)."""
    from dataclasses import replace

    return replace(ex, provenance=replace(ex.provenance, question_id=qid))
