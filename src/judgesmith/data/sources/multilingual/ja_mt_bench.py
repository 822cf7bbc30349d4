"""Japanese MT-Bench (Stability-AI/FastChat, branch jp-stable, `fastchat/llm_judge/data/japanese_mt_bench/`):
GPT-4 single-answer grades (1-10) of seven Japanese models on turn 1, with Japanese feedback.

`model_judgment/gpt-4_single.jsonl[.gz]` rows `{question_id, model, judge, user_prompt, judgment, score,
turn}`. One absolute example per judgment: instruction = the question's first turn (`question.jsonl`),
response = the answer GPT-4 saw (quoted in `user_prompt`, so the grade belongs to it), reference = the
reference quoted in the prompt when the judge had one (`single-math-v1`), feedback = the Japanese
judgment without its `評価：[[x]]` sentence. Gold: the 1-10 grade mapped to 1-5 by `ceil(score / 2)`
(`_common.ten_to_five`: 1-2 -> 1, ..., 9-10 -> 5). A (model, question) graded twice is kept once.

The 80 questions are the English MT-Bench questions 81-160, translated and in places localised
(Elon Musk -> 宮崎駿, Hawaii -> 京都), numbered in blocks of ten by category in alphabetical order
(`question.jsonl` lacks coding 1-10 and math 31-40; the judge prompt quotes them): `same_as` links
each to its English id (`mt_bench:<id>`), so splits and decontamination treat the two as one question.
`part` holds out a stable half of the questions (hashed by that English id). Apache-2.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect, require_mapping, ten_to_five, text_field
from judgesmith.data.sources.arena_bench import section
from judgesmith.data.sources.grounded.common import in_part
from judgesmith.data.sources.multilingual.common import rows_of, strip_verdict
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import resolve_rubric

ANSWER = ("[アシスタントの回答の開始]", "[アシスタントの回答の終了]")
REFERENCE = ("[参考回答の開始]", "[参考回答の終了]")
QUESTION = "[質問]"
# Japanese ids in blocks of ten, one per category in alphabetical order, and each category's first English id.
CATEGORIES = ("coding", "extraction", "humanities", "math", "reasoning", "roleplay", "stem", "writing")
ENGLISH_FIRST_ID = {"coding": 121, "extraction": 131, "humanities": 151, "math": 111, "reasoning": 101,
                    "roleplay": 91, "stem": 141, "writing": 81}
JUDGMENTS = "model_judgment/gpt-4_single.jsonl"


def english_id(question_id: int) -> str:
    """The English MT-Bench id of a Japanese question: same category, same place in its block of ten."""
    if not 1 <= question_id <= 10 * len(CATEGORIES):
        raise ValueError(f"question id {question_id} is outside 1-{10 * len(CATEGORIES)}")
    category = CATEGORIES[(question_id - 1) // 10]
    return f"mt_bench:{ENGLISH_FIRST_ID[category] + (question_id - 1) % 10}"


def read_questions(folder: Path) -> dict[str, str]:
    """question id -> first turn, from `question.jsonl` (it lacks coding 1-10 and math 31-40: their text
    comes from the judge prompt); a category that contradicts the id block is an error."""
    out: dict[str, str] = {}
    for row, rec in rows_of(folder, "question.jsonl"):
        if not isinstance(rec, dict) or not isinstance(rec.get("turns"), list) or not rec["turns"]:
            raise ValueError(f"{folder / 'question.jsonl'} line {row + 1}: not a question with `turns`")
        qid = int(rec["question_id"])
        if CATEGORIES[(qid - 1) // 10] != rec.get("category"):
            raise ValueError(f"{folder / 'question.jsonl'} line {row + 1}: question {qid} is "
                             f"{rec.get('category')!r}, not {CATEGORIES[(qid - 1) // 10]!r} as its id block says")
        out[str(qid)] = str(rec["turns"][0]).strip()
    return out


def quoted_question(prompt: str) -> str | None:
    """The question quoted in a judge prompt: from `[質問]` to the reference or the answer."""
    for end in (REFERENCE[0], ANSWER[0]):
        text = section(prompt, (QUESTION, end))
        if text:
            return text
    return None


def load(path: str | Path, *, name: str = "ja_mt_bench", rubric: Any = "mt_bench_single", part: str | None = None,
         heldout_fraction: float = 0.5, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute Japanese examples (1-10 mapped to 1-5, Japanese feedback) of the questions in `part`."""
    folder = Path(path)
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    questions = read_questions(folder)
    seen: set[tuple[str, str]] = set()

    def make(rec: Any, row: int) -> AbsoluteExample | None:
        rec = require_mapping(rec)
        qid, model = str(rec.get("question_id", "")).strip(), text_field(rec, "model")
        if not qid.isdigit():
            raise ValueError(f"'question_id' must be a number, got {qid!r}")
        english = english_id(int(qid))
        if not in_part(english, part, heldout_fraction):
            return None
        if rec.get("score") is None or rec.get("score") == -1:
            raise ValueError("no score (GPT-4 gave no rating)")
        score = ten_to_five(rec["score"])
        if (model, qid) in seen:
            raise ValueError(f"duplicate judgment of {model} on question {qid}")
        prompt = text_field(rec, "user_prompt")
        question = questions.get(qid) or quoted_question(prompt)
        if not question:
            raise ValueError(f"question {qid} is neither in question.jsonl nor quoted in user_prompt")
        response, feedback = section(prompt, ANSWER), strip_verdict(text_field(rec, "judgment"))
        if not response or not feedback:
            raise ValueError("user_prompt quotes no answer, or the judgment holds only its rating")
        seen.add((model, qid))
        item = AbsoluteItem(id=f"{name}-{qid}-{model.replace('/', '_')}", instruction=question, response=response,
                            rubric=rub, reference_answer=section(prompt, REFERENCE), language="ja")
        prov = Provenance(name, JUDGMENTS, row, f"ja_mt_bench:{qid}", same_as=(english,))
        return AbsoluteExample(item, float(score), prov, gold_scores=(score,), gold_feedbacks=(feedback,))

    return collect(name, JUDGMENTS, rows_of(folder, JUDGMENTS), make, strict=strict, limit=limit)
