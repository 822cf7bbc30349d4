"""The synthesis steps: instructions -> score-5 reference -> one response per target score, validated.

Each step asks the teacher up to `max_attempts` times. A response is kept only when
the project's own parser (`parse_absolute`) reads the intended score back from its
feedback and the response is neither empty, truncated nor a copy of the reference;
otherwise it is asked again (a new seed), then dropped with the reason of its last try.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from judgesmith.data.synthesize import prompts
from judgesmith.data.synthesize.teacher import Answer
from judgesmith.data.synthesize.textsim import near_duplicate, normalize, similarity
from judgesmith.parsing import parse_absolute
from judgesmith.prompts import Prompt
from judgesmith.records import Rubric

log = logging.getLogger(__name__)

Ask = Callable[[Prompt, int], Awaitable[Answer]]


@dataclass(frozen=True)
class Outcome:
    """A step's result: the row fields when kept, else the drop reason; attempts and tokens either way."""

    fields: dict[str, Any] | None
    reason: str | None
    detail: str
    attempts: int
    tokens_in: int
    tokens_out: int
    last_output: str = ""


@dataclass(frozen=True)
class Checks:
    max_attempts: int = 3
    copy_threshold: float = 0.9
    duplicate_threshold: float = 0.8


def instruction_id(text: str, prefix: str = "i") -> str:
    return prefix + hashlib.sha1(normalize(text).encode()).hexdigest()[:10]


def check_reference(answer: Answer) -> tuple[dict[str, Any] | None, str | None, str]:
    text = prompts.parse_reference(answer.text)
    if answer.finish_reason == "length":
        return None, "truncated", "hit max_tokens"
    if not text:
        return None, "empty", "empty reference answer"
    return {"reference_answer": text}, None, ""


def check_response(answer: Answer, score: int, reference: str, copy_threshold: float
                   ) -> tuple[dict[str, Any] | None, str | None, str]:
    """(fields, None, "") for a usable graded response, else (None, reason, detail)."""
    if answer.finish_reason == "length":
        return None, "truncated", "hit max_tokens"
    split = prompts.split_response(answer.text)
    if split is None:
        return None, "malformed", "no ###Feedback section"
    response, feedback = split
    if not response:
        return None, "empty", "empty response"
    if similarity(response, reference) >= copy_threshold:
        return None, "copied reference", f"similarity to the reference >= {copy_threshold}"
    parsed = parse_absolute(feedback)
    if not parsed.ok:
        return None, "malformed", f"feedback has no score ({parsed.error})"
    if parsed.label != str(score):
        return None, "score mismatch", f"asked for {score}, feedback says {parsed.label}"
    if not parsed.feedback:
        return None, "empty", "empty feedback"
    return {"response": response, "feedback": parsed.feedback, "score": score}, None, ""


async def attempt(ask: Ask, prompt: Prompt, seed: int, max_attempts: int,
                  check: Callable[[Answer], tuple[dict[str, Any] | None, str | None, str]]) -> Outcome:
    """Ask until `check` accepts an answer or attempts run out; seeds differ per attempt."""
    tin = tout = 0
    reason, detail, text = "no attempt", "", ""
    for n in range(1, max_attempts + 1):
        answer = await ask(prompt, seed * 1000 + n - 1)
        tin, tout, text = tin + answer.tokens_in, tout + answer.tokens_out, answer.text
        fields, reason, detail = check(answer)
        if fields is not None:
            return Outcome(fields, None, "", n, tin, tout)
        log.debug("attempt %d rejected: %s (%s)", n, reason, detail)
    return Outcome(None, reason, detail, max_attempts, tin, tout, text[:500])


async def reference(ask: Ask, rubric: Rubric, instruction: str, seed: int, checks: Checks) -> Outcome:
    return await attempt(ask, prompts.reference_prompt(rubric, instruction), seed, checks.max_attempts,
                         check_reference)


async def response(ask: Ask, rubric: Rubric, instruction: str, reference_answer: str, score: int, seed: int,
                   checks: Checks) -> Outcome:
    prompt = prompts.response_prompt(rubric, instruction, reference_answer, score)
    return await attempt(ask, prompt, seed, checks.max_attempts,
                         lambda a: check_response(a, score, reference_answer, checks.copy_threshold))


def dedupe(candidates: list[str], known: list[tuple[str, str]], threshold: float, prefix: str
           ) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Split candidates into new (id, text) and near-duplicates (id, text, id of the one it repeats)."""
    kept: list[tuple[str, str]] = []
    dupes: list[tuple[str, str, str]] = []
    for text in candidates:
        iid = instruction_id(text, prefix)
        twin = near_duplicate(text, [*known, *kept], threshold)
        if twin is not None:
            dupes.append((iid, text, twin))
        else:
            kept.append((iid, text))
    return kept, dupes
