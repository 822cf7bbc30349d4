"""Render a `Prompt` into the exact text a model sees, through its chat template.

Templates differ: Gemma's has no system role (the system text is folded into the
first user turn), base models may have no template at all (a plain prompt is
used: system text, blank line, user text, which ends in `###Feedback: `).
"""

from __future__ import annotations

import logging
from typing import Any

from judgesmith.prompts import Prompt

log = logging.getLogger(__name__)

# Gemma turn format for Gemma checkpoints that ship without a template (the base GGUF):
# system text folded into the first user turn, as Gemma's own templates do.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set system = messages[0]['content'] + '\n\n' %}"
    "{% set rest = messages[1:] %}{% else %}{% set system = '' %}{% set rest = messages %}{% endif %}"
    "{% for m in rest %}{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else m['role']) + '\n'"
    " + (system if loop.first else '') + m['content'] + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
)


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
