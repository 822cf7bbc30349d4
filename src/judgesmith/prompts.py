"""Prometheus-compatible judge prompts.

The section headers, their order and the `[RESULT]` output convention match the
Prometheus / prometheus-eval prompts (and the benchmark files built with them),
so Prometheus-trained models and Prometheus-format data work unchanged. The
grounded-context variant adds one `###Context:` section after the instruction
for judgments that must be checked against a source document. `language` renders the
instructions to the judge in another language (`prompt_languages`); English by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgesmith.prompt_languages import ENGLISH, scaffold
from judgesmith.records import AbsoluteItem, PairwiseItem

ABS_SYSTEM_PROMPT = ENGLISH.abs_system
REL_SYSTEM_PROMPT = ENGLISH.rel_system


def absolute_prompt(item: AbsoluteItem, language: str = "en") -> str:
    """The user-turn text for grading one response on 1-5 (ends with `###Feedback: `)."""
    ref = item.reference_answer is not None and item.reference_answer.strip() != ""
    ctx = item.context is not None and item.context.strip() != ""
    text = scaffold(language, item.language)
    sections = [
        "###Task Description:\n" + text.given_line(ref, ctx, pairwise=False) + "\n" + text.abs_steps,
        "###The instruction to evaluate:\n" + item.instruction,
    ]
    if ctx:
        sections.append("###Context:\n" + str(item.context))
    sections.append("###Response to evaluate:\n" + item.response)
    if ref:
        sections.append("###Reference Answer (Score 5):\n" + str(item.reference_answer))
    sections.append("###Score Rubrics:\n" + item.rubric.render())
    return "\n\n".join(sections) + "\n\n###Feedback: "


def relative_prompt(item: PairwiseItem, language: str = "en") -> str:
    """The user-turn text for choosing between Response A and Response B."""
    ref = item.reference_answer is not None and item.reference_answer.strip() != ""
    ctx = item.context is not None and item.context.strip() != ""
    text = scaffold(language, item.language)
    sections = [
        "###Task Description:\n" + text.given_line(ref, ctx, pairwise=True) + "\n" + text.rel_steps,
        "###Instruction:\n" + item.instruction,
    ]
    if ctx:
        sections.append("###Context:\n" + str(item.context))
    sections.append("###Response A:\n" + item.response_a)
    sections.append("###Response B:\n" + item.response_b)
    if ref:
        sections.append("###Reference Answer:\n" + str(item.reference_answer))
    sections.append("###Score Rubric:\n" + item.rubric.render_criteria())
    return "\n\n".join(sections) + "\n\n###Feedback: "


@dataclass(frozen=True)
class Prompt:
    """A judge request before any chat template: optional system text and the user turn."""

    user: str
    system: str | None = None

    def messages(self) -> list[dict[str, str]]:
        out = []
        if self.system:
            out.append({"role": "system", "content": self.system})
        out.append({"role": "user", "content": self.user})
        return out


def build_prompt(item: AbsoluteItem | PairwiseItem, system: bool = True, language: str = "en") -> Prompt:
    """Prompt for either kind of item, with the matching Prometheus system prompt (in `language`)."""
    text = scaffold(language, getattr(item, "language", None))
    if isinstance(item, AbsoluteItem):
        return Prompt(absolute_prompt(item, language), text.abs_system if system else None)
    if isinstance(item, PairwiseItem):
        return Prompt(relative_prompt(item, language), text.rel_system if system else None)
    raise TypeError(f"expected AbsoluteItem or PairwiseItem, got {type(item).__name__}")


def target_text(feedback: str, label: str, absolute: bool = True) -> str:
    """The assistant turn a judge is trained to write: `Feedback: ... [RESULT] N` or `... [RESULT] A`.

    Without feedback it is the label alone, `Feedback: [RESULT] 4` / `[RESULT] A`: exactly the text
    score mode forces (`JudgeConfig.absolute_prefix` / `pairwise_prefix`, a space, the label).
    """
    feedback = (feedback or "").strip()
    if absolute and not feedback.startswith("Feedback:"):
        feedback = f"Feedback: {feedback}".strip()
    return f"{feedback} [RESULT] {label}" if feedback else f"[RESULT] {label}"
