"""A backend that answers from a script: for tests, demos and replaying recorded outputs."""

from __future__ import annotations

from typing import Callable, Sequence

from judgesmith.judge.backends.base import Generation, normalize
from judgesmith.prompts import Prompt

TextFn = Callable[[Prompt, int], str]
ProbFn = Callable[[Prompt], dict[str, float]]


class ScriptedBackend:
    """Generates `text_fn(prompt, sample_index)`; scores with `probs_fn(prompt)` (renormalized).

    Records every prompt it was asked about in `calls`, so tests can check what
    the engine sent (e.g. that swap really judged both orders). Counts words as
    tokens, with an optional `context_length`, so the length guard applies.
    """

    name = "scripted"

    def __init__(self, text_fn: TextFn | None = None, probs_fn: ProbFn | None = None, expose_probs: bool = True,
                 context_length: int | None = None):
        self.context_length = context_length
        self.text_fn = text_fn or (lambda prompt, i: "Feedback: scripted. [RESULT] 3")
        self.probs_fn = probs_fn
        self.expose_probs = expose_probs
        self.calls: list[Prompt] = []

    def count_tokens(self, prompts: Sequence[Prompt], *, suffix: str = "") -> list[int]:
        """Whitespace-separated words stand in for tokens (enough to exercise the length guard)."""
        return [len(f"{p.system or ''} {p.user}{suffix}".split()) for p in prompts]

    def _probs(self, prompt: Prompt, labels: Sequence[str]) -> dict[str, float] | None:
        if self.probs_fn is None:
            return None
        raw = self.probs_fn(prompt)
        return normalize({lab: float(raw.get(lab, 0.0)) for lab in labels}, log_space=False)

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        out = []
        for prompt in prompts:
            self.calls.append(prompt)
            probs = self._probs(prompt, labels) if self.expose_probs else None
            out.append([Generation(self.text_fn(prompt, i), probs) for i in range(n)])
        return out

    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        if self.probs_fn is None:
            raise ValueError("this scripted backend has no probs_fn, so it cannot run score mode")
        self.calls.extend(prompts)
        return [self._probs(p, labels) or {} for p in prompts]
