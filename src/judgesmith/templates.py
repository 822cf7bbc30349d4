"""Chat templates judgesmith supplies for checkpoints that ship without one.

Lives below both `models` (which writes it into converted tokenizers) and
`judge` (whose llama.cpp backend renders GGUFs with it), so neither imports the other.
"""

from __future__ import annotations

# Gemma turn format for Gemma checkpoints that ship without a template (the base GGUF):
# system text folded into the first user turn, as Gemma's own templates do.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set system = messages[0]['content'] + '\n\n' %}"
    "{% set rest = messages[1:] %}{% else %}{% set system = '' %}{% set rest = messages %}{% endif %}"
    "{% for m in rest %}{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else m['role']) + '\n'"
    " + (system if loop.first else '') + m['content'] + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
)
