"""What TRL hands a reward function, turned into judge items.

TRL passes prompts and completions either as plain strings or as conversations
(lists of `{"role", "content"}` messages, content possibly a list of typed parts);
the judge reads one instruction and one response. These helpers never raise on
odd shapes: an unreadable value becomes the empty string, which the judge grades.
"""

from __future__ import annotations

from typing import Any, Sequence

from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric


def content_text(content: Any) -> str:
    """Text of one message's content: a string, or the text parts of a multimodal list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content]
        return "".join(p for p in parts if isinstance(p, str))
    return str(content)


def _messages(value: Any) -> list[dict] | None:
    if isinstance(value, Sequence) and not isinstance(value, str) and all(isinstance(m, dict) for m in value):
        return list(value)
    return None


def prompt_text(prompt: Any) -> str:
    """The instruction: the prompt string, the single user turn, or a transcript of a longer conversation."""
    messages = _messages(prompt)
    if messages is None:
        return content_text(prompt)
    if len(messages) == 1:
        return content_text(messages[0].get("content"))
    return "\n\n".join(f"{str(m.get('role', 'user')).capitalize()}: {content_text(m.get('content'))}"
                       for m in messages)


def completion_text(completion: Any) -> str:
    """The response: the completion string, or the assistant turns of a conversational completion."""
    messages = _messages(completion)
    if messages is None:
        return content_text(completion)
    assistant = [m for m in messages if m.get("role", "assistant") == "assistant"]
    return "\n".join(content_text(m.get("content")) for m in (assistant or messages))


def column_values(kwargs: dict, name: str | None, size: int) -> list[Any]:
    if name is None:
        return [None] * size
    if name not in kwargs:
        present = sorted(k for k in kwargs if k not in ("trainer_state", "log_extra", "log_metric"))
        raise ValueError(f"column {name!r} is not in the dataset passed to the reward function; "
                         f"the columns are {present}")
    values = list(kwargs[name])
    if len(values) != size:
        raise ValueError(f"column {name!r} has {len(values)} values for {size} completions")
    return values


def _optional(value: Any) -> str | None:
    return completion_text(value) if value is not None else None


def absolute_items(prompts: Sequence[Any], completions: Sequence[Any], rubric: Rubric,
                   references: Sequence[Any], contexts: Sequence[Any] | None = None) -> list[AbsoluteItem]:
    """`contexts`: the documents each completion must be grounded in (a RAG policy's retrieved passages)."""
    contexts = contexts if contexts is not None else [None] * len(completions)
    return [AbsoluteItem(id=str(i), instruction=prompt_text(p), response=completion_text(c), rubric=rubric,
                         reference_answer=_optional(r), context=_optional(x))
            for i, (p, c, r, x) in enumerate(zip(prompts, completions, references, contexts))]


def pairwise_items(prompts: Sequence[Any], completions: Sequence[Any], baselines: Sequence[Any], rubric: Rubric,
                   references: Sequence[Any], contexts: Sequence[Any] | None = None) -> list[PairwiseItem]:
    """The completion is always Response A, the baseline Response B (swap judges the other order too)."""
    contexts = contexts if contexts is not None else [None] * len(completions)
    return [PairwiseItem(id=str(i), instruction=prompt_text(p), response_a=completion_text(c),
                         response_b=completion_text(b), rubric=rubric, reference_answer=_optional(r),
                         context=_optional(x))
            for i, (p, c, b, r, x) in enumerate(zip(prompts, completions, baselines, references, contexts))]
