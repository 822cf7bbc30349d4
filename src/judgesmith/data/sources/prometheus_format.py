"""Cut a rendered Prometheus absolute prompt back into its parts.

The Prometheus benchmark files (and the HHH file) store only the full prompt, so the
instruction, response, reference answer and rubric are recovered by section header.
`prompts.absolute_prompt` of the result reproduces the original text exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgesmith.records import Rubric

INSTRUCTION = "###The instruction to evaluate:\n"
CONTEXT = "\n\n###Context:\n"
RESPONSE = "\n\n###Response to evaluate:\n"
REFERENCE = "\n\n###Reference Answer (Score 5):\n"
RUBRIC = "\n\n###Score Rubrics:\n"
FEEDBACK = "\n\n###Feedback:"


@dataclass(frozen=True)
class AbsoluteParts:
    instruction: str
    response: str
    rubric: Rubric
    reference_answer: str | None = None
    context: str | None = None


def _find(text: str, header: str, start: int = 0, last: bool = False) -> int:
    pos = text.rfind(header, start) if last else text.find(header, start)
    if pos < 0:
        raise ValueError(f"prompt has no {header.strip()!r} section")
    return pos


def split_absolute_prompt(text: str) -> AbsoluteParts:
    """Sections of an absolute prompt; raises ValueError naming the missing or empty section.

    The later headers are searched from the end, so a response that quotes a header
    earlier in its text does not cut it short.
    """
    if not isinstance(text, str):
        raise ValueError(f"prompt must be a string, got {type(text).__name__}")
    start = _find(text, INSTRUCTION) + len(INSTRUCTION)
    end = _find(text, FEEDBACK, start, last=True)
    rubric_at = _find(text, RUBRIC, start, last=True)
    response_at = _find(text, RESPONSE, start)
    ref_at = text.rfind(REFERENCE, response_at, rubric_at)
    ctx_at = text.find(CONTEXT, start, response_at)
    instruction = text[start:ctx_at if ctx_at >= 0 else response_at]
    context = text[ctx_at + len(CONTEXT):response_at] if ctx_at >= 0 else None
    response = text[response_at + len(RESPONSE):ref_at if ref_at >= 0 else rubric_at]
    reference = text[ref_at + len(REFERENCE):rubric_at] if ref_at >= 0 else None
    rubric_text = text[rubric_at + len(RUBRIC):end]
    if not instruction.strip():
        raise ValueError("empty instruction section")
    if not response.strip():
        raise ValueError("empty response section")
    rubric = Rubric.parse(rubric_text)
    if not rubric.criteria.strip():
        raise ValueError("rubric has no [criteria] line")
    return AbsoluteParts(instruction, response, rubric, reference, context)
