"""Prometheus-compatible judge prompts.

The section headers, their order and the `[RESULT]` output convention match the
Prometheus / prometheus-eval prompts (and the benchmark files built with them),
so Prometheus-trained models and Prometheus-format data work unchanged. The
grounded-context variant adds one `###Context:` section after the instruction
for judgments that must be checked against a source document.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgesmith.records import AbsoluteItem, PairwiseItem

ABS_SYSTEM_PROMPT = (
    "You are a fair judge assistant tasked with providing clear, objective feedback based on "
    "specific criteria, ensuring each assessment reflects the absolute standards set for performance."
)
REL_SYSTEM_PROMPT = (
    "You are a fair judge assistant assigned to deliver insightful feedback that compares individual "
    "performances, highlighting how each stands relative to others within the same cohort."
)

_ABS_STEPS = (
    "1. Write a detailed feedback that assess the quality of the response strictly based on the given "
    "score rubric, not evaluating in general.\n"
    "2. After writing a feedback, write a score that is an integer between 1 and 5. You should refer to "
    "the score rubric.\n"
    '3. The output format should look as follows: "Feedback: (write a feedback for criteria) [RESULT] '
    '(an integer number between 1 and 5)"\n'
    "4. Please do not generate any other opening, closing, and explanations."
)
_REL_STEPS = (
    "1. Write a detailed feedback that assess the quality of two responses strictly based on the given "
    "score rubric, not evaluating in general.\n"
    "2. After writing a feedback, choose a better response between Response A and Response B. You should "
    "refer to the score rubric.\n"
    '3. The output format should look as follows: "(write a feedback for criteria) [RESULT] (A or B)"\n'
    "4. Please do not generate any other opening, closing, and explanations."
)


def _given(reference: bool, context: bool, pairwise: bool) -> str:
    parts = ["An instruction (might include an Input inside it)"]
    if context:
        parts.append("a context document the response must be grounded in")
    parts.append("a response to evaluate")
    if reference:
        parts.append("a reference answer" if pairwise else "a reference answer that gets a score of 5")
    return ", ".join(parts) + ", and a score rubric representing a evaluation criteria are given."


def absolute_prompt(item: AbsoluteItem) -> str:
    """The user-turn text for grading one response on 1-5 (ends with `###Feedback: `)."""
    ref = item.reference_answer is not None and item.reference_answer.strip() != ""
    ctx = item.context is not None and item.context.strip() != ""
    sections = [
        "###Task Description:\n" + _given(ref, ctx, pairwise=False) + "\n" + _ABS_STEPS,
        "###The instruction to evaluate:\n" + item.instruction,
    ]
    if ctx:
        sections.append("###Context:\n" + str(item.context))
    sections.append("###Response to evaluate:\n" + item.response)
    if ref:
        sections.append("###Reference Answer (Score 5):\n" + str(item.reference_answer))
    sections.append("###Score Rubrics:\n" + item.rubric.render())
    return "\n\n".join(sections) + "\n\n###Feedback: "


def relative_prompt(item: PairwiseItem) -> str:
    """The user-turn text for choosing between Response A and Response B."""
    ref = item.reference_answer is not None and item.reference_answer.strip() != ""
    ctx = item.context is not None and item.context.strip() != ""
    sections = [
        "###Task Description:\n" + _given(ref, ctx, pairwise=True) + "\n" + _REL_STEPS,
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


def build_prompt(item: AbsoluteItem | PairwiseItem, system: bool = True) -> Prompt:
    """Prompt for either kind of item, with the matching Prometheus system prompt."""
    if isinstance(item, AbsoluteItem):
        return Prompt(absolute_prompt(item), ABS_SYSTEM_PROMPT if system else None)
    if isinstance(item, PairwiseItem):
        return Prompt(relative_prompt(item), REL_SYSTEM_PROMPT if system else None)
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
