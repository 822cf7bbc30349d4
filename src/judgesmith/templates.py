"""Chat templates judgesmith supplies for checkpoints that ship without one, and saving them with a tokenizer.

Lives below both `models` (which writes it into converted tokenizers) and
`judge` (whose llama.cpp backend renders GGUFs with it), so neither imports the other.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

# Gemma turn format for Gemma checkpoints that ship without a template (the base GGUF):
# system text folded into the first user turn, as Gemma's own templates do.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set system = messages[0]['content'] + '\n\n' %}"
    "{% set rest = messages[1:] %}{% else %}{% set system = '' %}{% set rest = messages %}{% endif %}"
    "{% for m in rest %}{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else m['role']) + '\n'"
    " + (system if loop.first else '') + m['content'] + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
)


def save_tokenizer(tokenizer: Any, out_dir: Path) -> None:
    """Save the tokenizer with its chat template (judging renders prompts through it)."""
    if not getattr(tokenizer, "chat_template", None):
        logging.getLogger(__name__).warning("tokenizer has no chat template; judging will fall back to plain prompts")
    tokenizer.save_pretrained(str(out_dir))
