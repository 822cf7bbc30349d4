"""arena-bench v1 (`arena_bench_v1/`): GPT-4 single-answer grades with a GPT-4 reference answer.

Upstream layout (lmarena/arena-hard-auto, Nov-Dec 2023): `question.jsonl`, `reference_answer/gpt-4.jsonl`,
`model_answer/<model>.jsonl` and `model_judgment/<file>.jsonl` rows `{question_id, model, user_prompt,
judgment, score}`. One absolute example per judgment: instruction = the question's first turn,
reference = GPT-4's answer, feedback = the judgment without its closing `[[x]]` rating sentence,
gold = the 1-10 score mapped to 1-5 by `ceil(score / 2)` (`_common.ten_to_five`); null scores skip.

Joining judgments to answers: the judged model is the row's `model` field, not the file name (a
judgment file can hold another model: `gpt-4-turbo.jsonl` grades `gpt-4-1106-preview`,
`arena-bench-judgment_judge_any.jsonl` grades `llama-13b`), so answers are looked up by
(`model`, `question_id`). `user_prompt` quotes the answer GPT-4 saw; where the answer file holds a
different sample (true of many Llama-2-70b-chat, claude-2 and vicuna-33b-v1.3 rows) the quoted,
judged text is used, since the score belongs to it. A (model, question) graded twice
(`gpt-4_single.jsonl` repeats `gpt-3.5-turbo.jsonl`) is kept once. Question id: `<name>:<question_id>`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance, Skipped
from judgesmith.data.sources._common import collect, read_rows, require_mapping, ten_to_five, text_field
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import resolve_rubric

log = logging.getLogger(__name__)

ANSWER = ("[The Start of Assistant's Answer]", "[The End of Assistant's Answer]")
REFERENCE = ("[The Start of Reference Answer]", "[The End of Reference Answer]")
QUESTION = ("[Question]", "[The Start of Reference Answer]")
_RATING = re.compile(r"\[\[\s*[0-9.]+\s*\]\]")
_SENTENCE_END = re.compile(r"(?:[.!?]\s+|\n)")


def section(text: str, marks: tuple[str, str]) -> str | None:
    """The stripped text between two markers of a judge prompt, or None when either is missing."""
    start = text.find(marks[0])
    end = text.find(marks[1], start + len(marks[0])) if start >= 0 else -1
    return text[start + len(marks[0]):end].strip() if end >= 0 else None


def strip_rating(judgment: str) -> str:
    """The judgment without the sentence holding its last `[[x]]` rating and anything after it.

    GPT-4 ends with `Rating: [[8]]` on its own line, or with a sentence such as "Therefore, I would
    rate it a [[4]]."; either states the 1-10 score, which must not contradict the 1-5 label.
    """
    matches = list(_RATING.finditer(judgment))
    if not matches:
        return judgment.strip()
    match = matches[-1]
    ends = [m.end() for m in _SENTENCE_END.finditer(judgment, 0, match.start())]
    return judgment[:ends[-1] if ends else 0].strip()


def _first_turn(rec: Any, key: str = "turns") -> str | None:
    turns = rec.get(key) if isinstance(rec, dict) else None
    return turns[0] if isinstance(turns, list) and turns and isinstance(turns[0], str) else None


def _answers(folder: Path) -> dict[tuple[str, str], str]:
    """(model_id, question_id) -> first answer turn, from every `model_answer/*.jsonl`."""
    out: dict[tuple[str, str], str] = {}
    for path in sorted((folder / "model_answer").glob("*.jsonl")):
        for _, rec in read_rows(path):
            if isinstance(rec, dict) and isinstance(rec.get("choices"), list) and rec["choices"]:
                text = _first_turn(rec["choices"][0])
                if text is not None:
                    out[(str(rec.get("model_id")), str(rec.get("question_id")))] = text
    return out


def _by_question(path: Path, pick: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if path.is_file():
        for _, rec in read_rows(path):
            if isinstance(rec, dict) and pick(rec) is not None:
                out[str(rec.get("question_id"))] = pick(rec)
    return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


class _Context:
    """Questions, references and answers of one arena-bench folder, and the join bookkeeping."""

    def __init__(self, folder: Path):
        self.questions = _by_question(folder / "question.jsonl", _first_turn)
        self.references = _by_question(folder / "reference_answer" / "gpt-4.jsonl",
                                       lambda r: _first_turn(r["choices"][0]) if r.get("choices") else None)
        self.answers = _answers(folder)
        self.seen: dict[tuple[str, str], str] = {}
        self.joins: Counter = Counter()

    def response(self, model: str, qid: str, prompt: str) -> str:
        """The judged answer: the answer file's text, or the quoted text when the file holds another sample."""
        quoted, stored = section(prompt, ANSWER), self.answers.get((model, qid))
        if stored is not None and (quoted is None or _same(quoted, stored)):
            self.joins["answer file"] += 1
            return stored.strip()
        if quoted is None:
            raise ValueError(f"no answer of {model!r} to question {qid} in model_answer/ or user_prompt")
        self.joins["judged text (answer file differs)" if stored is not None else "judged text (no answer file)"] += 1
        return quoted


def load(path: str | Path, *, name: str = "arena_bench", rubric: Any = "mt_bench_single",
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load every judgment of an arena-bench v1 folder as absolute examples (scores mapped 1-10 -> 1-5)."""
    folder = Path(path)
    if not (folder / "model_judgment").is_dir():
        raise FileNotFoundError(f"{folder} is not an arena-bench folder (no model_judgment/ inside)")
    rub = resolve_rubric(rubric, where="arena_bench rubric")
    ctx = _Context(folder)
    result = LoadResult(source=name)
    for path_j in sorted((folder / "model_judgment").glob("*.jsonl")):
        left = None if limit is None else limit - result.count
        if left is not None and left <= 0:
            break
        part = collect(name, path_j, read_rows(path_j), _maker(name, path_j.name, rub, ctx), strict, left)
        result.absolute += part.absolute
        result.rows_read = (result.rows_read or 0) + (part.rows_read or 0)
        result.skipped += [Skipped(f"model_judgment/{s.file}", s.row, s.reason) for s in part.skipped]
    log.info("%s: answers joined by %s", name, dict(ctx.joins))
    return result


def _maker(name: str, file: str, rub: Any, ctx: _Context):
    def make(rec: Any, row: int) -> AbsoluteExample:
        rec = require_mapping(rec)
        model, qid = text_field(rec, "model"), str(rec.get("question_id") or "").strip()
        if not qid:
            raise ValueError("missing field 'question_id'")
        if rec.get("score") is None:
            raise ValueError("no score (GPT-4 gave no rating)")
        score = ten_to_five(rec["score"])
        if (model, qid) in ctx.seen:
            raise ValueError(f"duplicate judgment of {model} (already read from {ctx.seen[(model, qid)]})")
        prompt = text_field(rec, "user_prompt")
        question = ctx.questions.get(qid) or section(prompt, QUESTION)
        if not question:
            raise ValueError(f"question {qid} is neither in question.jsonl nor in user_prompt")
        feedback = strip_rating(text_field(rec, "judgment"))
        if not feedback:
            raise ValueError("the judgment holds only its rating")
        item = AbsoluteItem(id=f"{name}-{qid}-{model.replace('/', '_')}", instruction=question,
                            response=ctx.response(model, qid, prompt), rubric=rub,
                            reference_answer=ctx.references.get(qid) or section(prompt, REFERENCE))
        ctx.seen[(model, qid)] = file
        return AbsoluteExample(item, float(score), Provenance(name, f"model_judgment/{file}", row, f"{name}:{qid}"),
                               gold_scores=(score,), gold_feedbacks=(feedback,))

    return make

