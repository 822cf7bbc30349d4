"""Versioned prompts for each synthesis step, in the Prometheus layout (`###Task Description:` ...).

The Feedback Collection was made by asking a teacher, per rubric, for instructions,
a score-5 reference answer, then one response aimed at each score with feedback that
justifies it. These prompts follow that recipe and the section names the judge
prompts use (`judgesmith.prompts`), so the teacher sees the rubric exactly as the
trained judge will. Change any prompt text -> bump `PROMPT_VERSION` (every row records it).
"""

from __future__ import annotations

import re
from typing import Sequence

from judgesmith.prompts import Prompt
from judgesmith.records import Rubric

PROMPT_VERSION = "synth-v1"

SYSTEM = ("You are a meticulous data writer helping to build evaluation data for a judge model. "
          "Follow the requested output format exactly.")

_INSTRUCTIONS_STEPS = (
    "1. Write {n} new, diverse instructions (questions or tasks) a user could give an AI assistant, whose "
    "answers can be graded with the score rubric below.\n"
    "2. Each instruction must be self-contained and different from the examples and from each other.\n"
    '3. The output format should look as follows: "Instruction 1: (an instruction)" on its own line, then '
    '"Instruction 2: ...", and so on.\n'
    "4. Please do not generate any other opening, closing, and explanations."
)
_REFERENCE_STEPS = (
    "1. Write the response to the instruction that would get a score of 5 on the score rubric.\n"
    "2. Answer the instruction directly and completely; do not mention the rubric or the score.\n"
    "3. Please do not generate any other opening, closing, and explanations."
)
_RESPONSE_STEPS = (
    "1. Write a response to the instruction that would get a score of exactly {score} on the score rubric "
    "(the reference answer gets a score of 5). Do not copy the reference answer.\n"
    "2. Then write a detailed feedback that assesses the quality of that response strictly based on the given "
    "score rubric, not evaluating in general, and that explains why it gets a score of {score}.\n"
    '3. The output format should look as follows: "###Response: (the response) ###Feedback: (write a feedback '
    'for criteria) [RESULT] {score}"\n'
    "4. Please do not generate any other opening, closing, and explanations."
)


def instructions_prompt(rubric: Rubric, examples: Sequence[str], n: int) -> Prompt:
    """Ask for `n` new instructions gradable with `rubric`, shown a few seed examples."""
    shown = "\n".join(f"Example {i}: {e}" for i, e in enumerate(examples, start=1)) or "(none)"
    user = "\n\n".join([
        "###Task Description:\nA score rubric and a few example instructions are given.\n"
        + _INSTRUCTIONS_STEPS.format(n=n),
        "###Example instructions:\n" + shown,
        "###Score Rubrics:\n" + rubric.render(),
    ]) + "\n\n###Instructions:\n"
    return Prompt(user, SYSTEM)


def reference_prompt(rubric: Rubric, instruction: str) -> Prompt:
    """Ask for the score-5 reference answer of one instruction."""
    user = "\n\n".join([
        "###Task Description:\nAn instruction and a score rubric representing an evaluation criteria are given.\n"
        + _REFERENCE_STEPS,
        "###The instruction to answer:\n" + instruction,
        "###Score Rubrics:\n" + rubric.render(),
    ]) + "\n\n###Reference Answer (Score 5):\n"
    return Prompt(user, SYSTEM)


def response_prompt(rubric: Rubric, instruction: str, reference: str, score: int) -> Prompt:
    """Ask for one response aimed at `score` plus feedback ending in `[RESULT] score`."""
    user = "\n\n".join([
        "###Task Description:\nAn instruction, a reference answer that gets a score of 5, and a score rubric "
        "representing an evaluation criteria are given.\n" + _RESPONSE_STEPS.format(score=score),
        "###The instruction to answer:\n" + instruction,
        "###Reference Answer (Score 5):\n" + reference,
        "###Score Rubrics:\n" + rubric.render(),
    ]) + "\n\n###Response: "
    return Prompt(user, SYSTEM)


_NUMBERED = re.compile(r"(?im)^[\s*#>-]*(?:instruction|example|question|task)?\s*\d{1,3}\s*[:.)]\s*")
_FEEDBACK_MARK = re.compile(r"(?i)(?:#{1,3}\s*feedback\s*:?|(?:^|\n)\s*\**feedback\s*\**\s*:\s*\**)")
_RESPONSE_MARK = re.compile(r"(?i)^\s*(?:#{1,3}\s*)?response\s*:?\s*")
_LABEL = re.compile(r"(?i)^\s*(?:#{1,3}\s*)?reference answer(?:\s*\(score 5\))?\s*:?\s*")


def parse_instructions(text: str) -> list[str]:
    """Numbered instructions from a teacher answer (`Instruction 1: ...`, `1. ...`); never raises."""
    parts = _NUMBERED.split(text or "")
    out = []
    for part in parts[1:] if len(parts) > 1 else parts:
        cleaned = " ".join(part.split()).strip().strip('"').strip()
        if len(cleaned.split()) >= 3:
            out.append(cleaned)
    return out


def parse_reference(text: str) -> str:
    """The reference answer without a repeated `Reference Answer (Score 5):` label."""
    return _LABEL.sub("", (text or "").strip(), count=1).strip()


def split_response(text: str) -> tuple[str, str] | None:
    """(response, feedback) from `###Response: ... ###Feedback: ...`; None when the feedback marker is missing."""
    text = (text or "").strip()
    marks = list(_FEEDBACK_MARK.finditer(text))
    if not marks:
        return None
    mark = marks[0]
    response = _RESPONSE_MARK.sub("", text[:mark.start()], count=1).strip()
    return response, text[mark.end():].strip()
