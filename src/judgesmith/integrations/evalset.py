"""The fixed prompt set an evaluation callback answers, and answering it with the model in training.

A prompt file is JSONL (`{"prompt": str | messages}` or `{"instruction": str}`, optional `id`
and `reference_answer`) or plain text (one prompt per line). Generation is greedy, so the
only thing that changes a model's answers between two evaluations is training.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from judgesmith.integrations.inputs import prompt_text


@dataclass(frozen=True)
class EvalPrompt:
    id: str
    prompt: Any  # a string, or a list of chat messages
    reference_answer: str | None = None

    @property
    def instruction(self) -> str:
        return prompt_text(self.prompt)


def _from_object(obj: Any, where: str, fallback_id: str) -> EvalPrompt:
    if isinstance(obj, str):
        obj = {"prompt": obj}
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a prompt string or an object, got {type(obj).__name__}")
    prompt = obj.get("prompt", obj.get("instruction"))
    if not prompt or not isinstance(prompt, (str, list)):
        raise ValueError(f"{where}: needs 'prompt' (a string or chat messages) or 'instruction' (a string)")
    ref = obj.get("reference_answer")
    if ref is not None and not isinstance(ref, str):
        raise ValueError(f"{where}: 'reference_answer' must be a string")
    return EvalPrompt(str(obj.get("id", fallback_id)), prompt, ref)


def load_eval_prompts(source: str | Path | Sequence[Any]) -> list[EvalPrompt]:
    """Prompts from a .jsonl/.txt file or a list of strings/objects; errors name the line to fix."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"prompts file {path} does not exist")
        lines = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
        if path.suffix.lower() in {".jsonl", ".json"}:
            rows = []
            for n, line in lines:
                try:
                    rows.append(_from_object(json.loads(line), f"{path}:{n}", str(n)))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        else:
            rows = [EvalPrompt(str(n), line.strip()) for n, line in lines]
    else:
        rows = [_from_object(obj, f"prompts[{i}]", str(i)) for i, obj in enumerate(source)]
    if not rows:
        raise ValueError("the evaluation prompt set is empty")
    return rows


def _render(tokenizer: Any, prompt: Any) -> str:
    messages = prompt if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return prompt_text(prompt)


def generate_answers(model: Any, tokenizer: Any, prompts: Sequence[EvalPrompt], max_new_tokens: int,
                     batch_size: int = 8) -> list[str]:
    """Greedy answers from `model` in eval mode; the model's train/eval mode is restored afterwards."""
    import torch

    was_training = model.training
    padding_side, pad_token = tokenizer.padding_side, tokenizer.pad_token
    device = next(model.parameters()).device
    answers: list[str] = []
    try:
        model.eval()
        tokenizer.padding_side = "left"
        if pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        for start in range(0, len(prompts), batch_size):
            texts = [_render(tokenizer, p.prompt) for p in prompts[start:start + batch_size]]
            enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
            with torch.no_grad():
                out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                     pad_token_id=tokenizer.pad_token_id)
            new = out[:, enc["input_ids"].shape[1]:]
            answers.extend(t.strip() for t in tokenizer.batch_decode(new, skip_special_tokens=True))
    finally:
        tokenizer.padding_side = padding_side
        if pad_token is None:
            tokenizer.pad_token = None
        model.train(was_training)
    return answers
