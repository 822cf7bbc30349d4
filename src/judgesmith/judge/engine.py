"""The judge engine: items in, verdicts out, whatever the backend.

Two modes. `generate` asks for feedback then a label and parses it (and, when the
backend exposes logits, also keeps the label distribution read right after
`[RESULT]`: distribution-sensitive scoring). `score` skips feedback: one forward
pass over the prompt plus a forced `Feedback: [RESULT] ` continuation, reading
the label probabilities from the next-token distribution (the fast CPU path).

Pairwise `swap=True` judges both orders and aggregates bidirectionally: the
second order's verdict is mapped back to the original positions (its A is our B)
here, once, and marked `swapped=True`, so every consumer reads both orders in the
same positions; the two distributions are then averaged, and when the orders
disagree and the averaged margin is within `tie_tolerance`, the verdict is a tie.

Before any model call the length guard (`judgesmith.judge.length`) counts each
prompt: an item over the model's context or `max_prompt_tokens` becomes a
`parse_ok=False` verdict saying why (or, with `overlong="truncate"`, is judged
with its response shortened), and batches are bounded by padded tokens
(`max_batch_tokens`) as well as items, so one long item never takes its
neighbours down.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Sequence

from judgesmith.judge.backends.base import Backend, Generation
from judgesmith.judge.length import OVERLONG, LengthGuard, Screened, token_batches
from judgesmith.parsing import parse_absolute, parse_pairwise
from judgesmith.prompts import build_prompt
from judgesmith.records import PAIR_LABELS, SCORE_LABELS, AbsoluteItem, PairwiseItem, Verdict

MODES = ("generate", "score")


@dataclass(frozen=True)
class JudgeConfig:
    """How to judge. Defaults are greedy, one sample, no swap."""

    mode: str = "generate"
    n: int = 1
    temperature: float = 0.0
    max_new_tokens: int = 256
    swap: bool = False
    tie_tolerance: float = 0.1
    batch_size: int = 8
    max_batch_tokens: int | None = 16384
    max_prompt_tokens: int | None = None
    overlong: str = "reject"
    system_prompt: bool = True
    absolute_prefix: str = "Feedback: [RESULT]"
    pairwise_prefix: str = "[RESULT]"
    prompt_language: str = "en"  # the judge instructions' language: en, ja, or item (`prompt_languages`)

    def __post_init__(self) -> None:
        from judgesmith.prompt_languages import PROMPT_LANGUAGES

        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.prompt_language not in PROMPT_LANGUAGES:
            raise ValueError(f"prompt_language must be one of {PROMPT_LANGUAGES}, got {self.prompt_language!r}")
        if self.n < 1:
            raise ValueError(f"n must be >= 1, got {self.n}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        for name in ("max_batch_tokens", "max_prompt_tokens"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be >= 1 (or None for no limit), got {value}")
        if self.overlong not in OVERLONG:
            raise ValueError(f"overlong must be one of {OVERLONG}, got {self.overlong!r}")
        if self.n > 1 and self.temperature == 0.0:
            raise ValueError("n > 1 samples need temperature > 0 (greedy samples are identical)")


def expected_score(probs: dict[str, float] | None) -> float | None:
    """Expectation of the 1-5 score under the label distribution."""
    if not probs:
        return None
    return sum(int(k) * p for k, p in probs.items())


def _mean_probs(dists: Sequence[dict[str, float] | None]) -> dict[str, float] | None:
    present = [d for d in dists if d]
    if not present:
        return None
    keys = present[0].keys()
    return {k: sum(d.get(k, 0.0) for d in present) / len(present) for k in keys}


def _absolute_sample(item_id: str, gen: Generation, judged: Sequence[str | None] = ()) -> Verdict:
    parsed = parse_absolute(gen.text, judged)  # `judged`: the prompt; a "[RESULT] 5" echoed from it is no verdict
    return Verdict(
        id=item_id, kind="absolute", feedback=parsed.feedback,
        score=int(parsed.label) if parsed.label else None,
        probabilities=gen.label_probs, expected_score=expected_score(gen.label_probs),
        parse_ok=parsed.ok, error=parsed.error, raw=gen.text,
    )


def _pairwise_sample(item_id: str, gen: Generation, judged: Sequence[str | None] = ()) -> Verdict:
    parsed = parse_pairwise(gen.text, judged)
    probs = gen.label_probs
    return Verdict(
        id=item_id, kind="pairwise", feedback=parsed.feedback, winner=parsed.label,
        probabilities=probs, p_a=probs.get("A") if probs else None,
        parse_ok=parsed.ok, error=parsed.error, raw=gen.text,
    )


def combine_samples(samples: Sequence[Verdict]) -> Verdict:
    """One verdict from n samples: the first parsed sample decides; probabilities are averaged."""
    if len(samples) == 1:
        return samples[0]
    first = next((s for s in samples if s.parse_ok), samples[0])
    probs = _mean_probs([s.probabilities for s in samples])
    if first.kind == "absolute":
        return replace(first, probabilities=probs, expected_score=expected_score(probs), samples=tuple(samples))
    return replace(first, probabilities=probs, p_a=(probs or {}).get("A"), samples=tuple(samples))


def to_original_positions(v: Verdict) -> Verdict:
    """The verdict on the swapped pair in the original positions, marked `swapped` (the one place it is flipped)."""
    winner = {"A": "B", "B": "A"}.get(v.winner or "", v.winner)
    probs = {"A": v.probabilities.get("B", 0.0), "B": v.probabilities.get("A", 0.0)} if v.probabilities else None
    return replace(v, winner=winner, probabilities=probs, p_a=probs["A"] if probs else None, swapped=True,
                   samples=tuple(to_original_positions(s) for s in v.samples))


def aggregate_swap(first: Verdict, second_swapped: Verdict, tie_tolerance: float = 0.1) -> Verdict:
    """Bidirectional aggregation of a pair judged in both orders (second given as judged, in swapped positions).

    The stored `samples` are both orders in the original positions, the second marked `swapped`.
    """
    second = to_original_positions(second_swapped)
    probs = None
    if first.probabilities and second.probabilities:
        summed = {k: first.probabilities.get(k, 0.0) + second.probabilities.get(k, 0.0) for k in PAIR_LABELS}
        probs = {k: v / 2.0 for k, v in summed.items()}
    parsed = [v for v in (first, second) if v.parse_ok and v.winner]
    if len(parsed) == 2 and first.winner == second.winner:
        winner = first.winner
    elif probs is not None and abs(probs["A"] - probs["B"]) > tie_tolerance:
        winner = "A" if probs["A"] > probs["B"] else "B"
    elif len(parsed) == 2:
        winner = "tie"
    elif len(parsed) == 1:
        winner = parsed[0].winner
    else:
        winner = None
    return Verdict(
        id=first.id, kind="pairwise", feedback=first.feedback, winner=winner, probabilities=probs,
        p_a=probs["A"] if probs else None, parse_ok=winner is not None,
        error=None if winner is not None else (first.error or second.error), raw=first.raw,
        samples=(first, second),
    )


class Judge:
    """Grade absolute or pairwise items with a backend under one `JudgeConfig`."""

    def __init__(self, backend: Backend, config: JudgeConfig | None = None, **overrides):
        if not isinstance(backend, Backend):
            raise TypeError(f"{type(backend).__name__} does not implement generate() and score()")
        self.backend = backend
        self.config = replace(config or JudgeConfig(), **overrides) if overrides else (config or JudgeConfig())

    def _run(self, items: Sequence, labels: Sequence[str], prefix: str, sample_fn) -> list[Verdict]:
        cfg = self.config
        prompts = [build_prompt(item, system=cfg.system_prompt, language=cfg.prompt_language) for item in items]
        if cfg.mode == "score":
            dists = self.backend.score(prompts, prefix=prefix, labels=labels)
            return [self._scored(item.id, d, labels) for item, d in zip(items, dists)]
        gens = self.backend.generate(
            prompts, labels=labels, n=cfg.n, temperature=cfg.temperature, max_new_tokens=cfg.max_new_tokens
        )
        return [combine_samples([sample_fn(item.id, g, (p.system, p.user)) for g in outs])
                for item, p, outs in zip(items, prompts, gens)]

    @staticmethod
    def _scored(item_id: str, probs: dict[str, float], labels: Sequence[str]) -> Verdict:
        kind = "absolute" if tuple(labels) == SCORE_LABELS else "pairwise"
        if not probs:
            return Verdict(id=item_id, kind=kind, parse_ok=False, error="backend returned no label distribution")
        best = max(labels, key=lambda k: probs.get(k, 0.0))
        if kind == "absolute":
            return Verdict(id=item_id, kind=kind, score=int(best), probabilities=probs,
                           expected_score=expected_score(probs))
        return Verdict(id=item_id, kind=kind, winner=best, probabilities=probs, p_a=probs.get("A"))

    def screen(self, items: Iterable[AbsoluteItem | PairwiseItem]) -> list[Screened]:
        """The length guard's decision per item (see `judgesmith.judge.length`): keep, shorten or reject."""
        return LengthGuard(self.backend, self.config).screen(list(items))

    def iter_screened(self, screened: Sequence[Screened]) -> Iterator[list[Verdict]]:
        """Verdicts in input order, batch by batch (batches bounded by items and padded tokens);
        a rejected item gets a `parse_ok=False` verdict whose error says why, and is not run."""
        cfg = self.config
        extra = cfg.max_new_tokens if cfg.mode == "generate" else 0
        copies = cfg.n if cfg.mode == "generate" else 1
        for group in token_batches(screened, cfg.batch_size, cfg.max_batch_tokens, extra, copies):
            ok = [s.item for s in group if s.ok]
            done = iter(self._judge_batch(ok) if ok else [])
            yield [next(done) if s.ok else _rejected(s) for s in group]

    def _judge_batch(self, batch: Sequence[AbsoluteItem | PairwiseItem]) -> list[Verdict]:
        cfg = self.config
        if isinstance(batch[0], AbsoluteItem):
            return self._run(batch, SCORE_LABELS, cfg.absolute_prefix, _absolute_sample)
        first = self._run(batch, PAIR_LABELS, cfg.pairwise_prefix, _pairwise_sample)
        if not cfg.swap:
            return first
        second = self._run([it.swapped() for it in batch], PAIR_LABELS, cfg.pairwise_prefix, _pairwise_sample)
        return [aggregate_swap(a, b, cfg.tie_tolerance) for a, b in zip(first, second)]

    def iter_absolute(self, items: Iterable[AbsoluteItem]) -> Iterator[list[Verdict]]:
        """Yield verdicts batch by batch, so callers can persist as they go."""
        return self.iter_screened(self.screen(_only(items, AbsoluteItem)))

    def iter_pairwise(self, items: Iterable[PairwiseItem]) -> Iterator[list[Verdict]]:
        return self.iter_screened(self.screen(_only(items, PairwiseItem)))

    def grade_absolute(self, items: Iterable[AbsoluteItem]) -> list[Verdict]:
        return [v for batch in self.iter_absolute(items) for v in batch]

    def grade_pairwise(self, items: Iterable[PairwiseItem]) -> list[Verdict]:
        return [v for batch in self.iter_pairwise(items) for v in batch]


def _only(items: Iterable, kind: type) -> list:
    items = list(items)
    for item in items:
        if not isinstance(item, kind):
            raise TypeError(f"expected {kind.__name__} items, got {type(item).__name__}")
    return items


def _rejected(s: Screened) -> Verdict:
    kind = "absolute" if isinstance(s.item, AbsoluteItem) else "pairwise"
    return Verdict(id=s.item.id, kind=kind, parse_ok=False, error=f"not judged: {s.reason}")
