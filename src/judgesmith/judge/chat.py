"""Render a `Prompt` into the exact text a model sees, through its chat template.

Templates differ: Gemma's has no system role (the system text is folded into the
first user turn), base models may have no template at all (a plain prompt is
used: system text, blank line, user text, which ends in `###Feedback: `).
"""

from __future__ import annotations

import logging
from typing import Any

from judgesmith.prompts import Prompt
from judgesmith.templates import GEMMA_TEMPLATE

log = logging.getLogger(__name__)

__all__ = ["GEMMA_TEMPLATE", "encode_prompt", "fold_system", "render", "supports_system"]  # GEMMA_TEMPLATE: re-exported


def supports_system(tokenizer: Any) -> bool:
    template = getattr(tokenizer, "chat_template", None) or ""
    return "system" in template


def fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """Merge a leading system message into the first user message."""
    if not messages or messages[0]["role"] != "system":
        return messages
    system, rest = messages[0]["content"], [dict(m) for m in messages[1:]]
    if rest and rest[0]["role"] == "user":
        rest[0]["content"] = f"{system}\n\n{rest[0]['content']}"
    else:
        rest.insert(0, {"role": "user", "content": system})
    return rest


def render(tokenizer: Any, prompt: Prompt, assistant_prefix: str = "") -> tuple[str, bool]:
    """Text for the model and whether it already holds special tokens (so don't add BOS again)."""
    if not getattr(tokenizer, "chat_template", None):
        system = f"{prompt.system}\n\n" if prompt.system else ""
        return system + prompt.user + assistant_prefix, False
    messages = prompt.messages()
    if not supports_system(tokenizer):
        messages = fold_system(messages)
    try:
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception as exc:  # jinja raises on unsupported roles in some templates
        log.debug("chat template rejected the system role (%s); folding it into the user turn", exc)
        text = tokenizer.apply_chat_template(fold_system(messages), tokenize=False, add_generation_prompt=True)
    return text + assistant_prefix, True


def encode_prompt(tokenizer: Any, prompt: Prompt, assistant_prefix: str = "") -> list[int]:
    """Token ids of the rendered prompt; special tokens (BOS) added only where the template did not write them."""
    text, templated = render(tokenizer, prompt, assistant_prefix)
    return list(tokenizer(text, add_special_tokens=not templated)["input_ids"])
