"""The backend contract: render prompts, generate text, read label distributions.

A backend knows how to talk to one kind of model server or library; the engine
(`judgesmith.judge.engine`) knows what a judgment is. Keeping the contract this
small is what lets a scripted backend stand in for a model in tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Protocol, Sequence, runtime_checkable

from judgesmith.prompts import Prompt

RESULT_MARK = "[RESULT]"


@dataclass(frozen=True)
class Generation:
    """One sampled output; `label_probs` is the distribution read right after `[RESULT]`, if exposed."""

    text: str
    label_probs: dict[str, float] | None = None


@runtime_checkable
class Backend(Protocol):
    name: str

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        """`n` generations per prompt, in prompt order."""
        ...

    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        """Label distribution at the position after `prefix` (teacher-forced assistant start)."""
        ...


@runtime_checkable
class TokenCounter(Protocol):
    """Optional: a backend that can measure prompts, so the engine can guard lengths and batch by tokens."""

    @property
    def context_length(self) -> int | None:
        """Positions the model can attend to (prompt plus generated tokens); None when unknown."""
        ...

    def count_tokens(self, prompts: Sequence[Prompt], *, suffix: str = "") -> list[int]:
        """Prompt length in the model's tokens, as `generate` (suffix "") or `score` (its prefix) feeds it."""
        ...


def normalize(logits: Mapping[str, float], log_space: bool = True) -> dict[str, float]:
    """Softmax over label logits/logprobs (or renormalize plain probabilities); missing -> 0."""
    if not logits:
        return {}
    if log_space:
        top = max(logits.values())
        exps = {k: math.exp(v - top) for k, v in logits.items()}
    else:
        exps = dict(logits)
    total = sum(exps.values())
    if total <= 0:
        return {k: 1.0 / len(exps) for k in exps}
    return {k: v / total for k, v in exps.items()}


def ends_with_result_mark(text: str) -> bool:
    """True when the text so far ends at a place where the verdict label comes next."""
    tail = text.rstrip().rstrip("(:").rstrip()
    return tail.upper().endswith(RESULT_MARK) or tail.upper().endswith("[RESULT")


def label_token_plan(encode: Callable[[str], list[int]], labels: Sequence[str],
                     prefix: str) -> tuple[list[int], list[int]]:
    """How `prefix` + label tokenizes: the joiner tokens after the prefix, and one token id per label.

    Gemma and SmolLM2 put the space after `[RESULT]` in its own token and each
    digit in another; other tokenizers merge " 4" into one token. Probing with
    the model's own tokenizer (`encode`, without special tokens) keeps score
    mode correct for either.
    """
    probe = "x " + prefix
    base = list(encode(probe))
    full = [list(encode(f"{probe} {lab}")) for lab in labels]
    if any(seq[: len(base)] != base for seq in full):
        raise ValueError(f"tokenizer merges {prefix!r} with the label; choose another prefix")
    tails = [seq[len(base):] for seq in full]
    joiner = tails[0][:-1]
    if any(len(t) != len(joiner) + 1 or t[:-1] != joiner for t in tails):
        raise ValueError(f"labels {list(labels)} are not single tokens after {prefix!r} for this tokenizer")
    ids = [t[-1] for t in tails]
    if len(set(ids)) != len(ids):
        raise ValueError(f"labels {list(labels)} share a token id for this tokenizer")
    return joiner, ids
