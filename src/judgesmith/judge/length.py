"""Length guard and token-bounded batches: one over-long item must not take its neighbours down.

Each prompt is counted in the backend's own tokens (backends that can count expose `count_tokens`
and `context_length`; others are not guarded). The limit is the model's context less what the
answer needs (`max_new_tokens` in generate mode, the label token in score mode), and
`max_prompt_tokens` when set. An item over it is rejected with a reason, or, with
`overlong="truncate"` (opt-in), its judged response is shortened by a stated rule: every judged
response (both, for a pair) is cut to the same largest character count that lets the prompt fit,
and `TRUNCATION_MARK` is appended to each cut response. Batches then hold at most `batch_size`
items and at most `max_batch_tokens` padded tokens (items x longest prompt, plus the tokens to
generate, times samples), so a long item runs alone instead of padding its batch to its length.

Memory: tokenizing costs about 270 bytes per input byte (a 20 MB response took 5.5 GB), so no whole
text of unknown length is tokenized. A backend that knows the most characters one token can cover
(`max_token_chars`) lets the guard bound the count from below without tokenizing: an item with more
characters than `limit x max_token_chars` is surely over the limit, so it is rejected as it is, or,
with truncate, its responses are first cut to that many characters (more cannot fit) and only the
cut item is tokenized. Items are counted in chunks of `COUNT_CHUNK`, so peak memory follows the
chunk, not the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Sequence

from judgesmith.judge.backends.base import TokenCounter
from judgesmith.prompts import build_prompt
from judgesmith.records import AbsoluteItem, PairwiseItem

log = logging.getLogger(__name__)

TRUNCATION_MARK = "\n[... response truncated to fit the judge's context]"
COUNT_CHUNK = 64  # items tokenized per call while screening
OVERLONG = ("reject", "truncate")


@dataclass(frozen=True)
class Screened:
    """An item after the length guard: `reason` set means rejected; `note` set means shortened."""

    item: AbsoluteItem | PairwiseItem
    tokens: int | None = None
    reason: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


def _responses(item: AbsoluteItem | PairwiseItem) -> tuple[str, ...]:
    return ("response",) if isinstance(item, AbsoluteItem) else ("response_a", "response_b")


def cut_responses(item: AbsoluteItem | PairwiseItem, chars: int) -> AbsoluteItem | PairwiseItem:
    """The item with every judged response longer than `chars` cut to `chars` plus the mark."""
    changes = {f: getattr(item, f)[:chars] + TRUNCATION_MARK for f in _responses(item)
               if len(getattr(item, f)) > chars}
    return replace(item, **changes) if changes else item


def _chars(item: AbsoluteItem | PairwiseItem) -> int:
    """Characters of the item's own text (the prompt holds all of it, and more)."""
    texts = [item.instruction, item.reference_answer or "", item.context or "", *(getattr(item, f) for f in
                                                                                 _responses(item))]
    return sum(map(len, texts))


class LengthGuard:
    """Counts prompts, rejects or shortens over-long items (see the module doc for the rules)."""

    def __init__(self, backend: Any, config: Any):
        self.config = config
        self._backend = backend
        counts = isinstance(backend, TokenCounter)
        self._count: Callable | None = backend.count_tokens if counts else None
        context = backend.context_length if counts else None
        self.reserve = config.max_new_tokens if config.mode == "generate" else 1
        limits: list[tuple[int, str]] = []
        if isinstance(context, int) and context > 0:
            what = "max_new_tokens" if config.mode == "generate" else "the label token"
            limits.append((context - self.reserve, f"the model's context of {context} tokens less {what}"))
        if config.max_prompt_tokens:
            limits.append((config.max_prompt_tokens, f"max_prompt_tokens={config.max_prompt_tokens}"))
        self.limit, self.why = min(limits) if limits else (None, "")

    def _suffix(self, item: Any) -> str:
        if self.config.mode != "score":
            return ""
        return self.config.absolute_prefix if isinstance(item, AbsoluteItem) else self.config.pairwise_prefix

    def count(self, item: Any) -> int:
        prompt = build_prompt(item, system=self.config.system_prompt, language=self.config.prompt_language)
        return int(self._count([prompt], suffix=self._suffix(item))[0])

    def _counts(self, items: Sequence[Any]) -> list[int | str]:
        """Token count per item, or the reason it cannot be tokenized (counted together when all succeed)."""
        try:
            by_suffix: dict[str, list[int]] = {}
            for i, item in enumerate(items):
                by_suffix.setdefault(self._suffix(item), []).append(i)
            out: list[int | str] = [0] * len(items)
            for suffix, idx in by_suffix.items():
                prompts = [build_prompt(items[i], system=self.config.system_prompt, language=self.config.prompt_language)
                           for i in idx]
                for i, n in zip(idx, self._count(prompts, suffix=suffix)):
                    out[i] = int(n)
            return out
        except Exception:  # noqa: BLE001 - find the item(s) that fail, one by one
            out = []
            for item in items:
                try:
                    out.append(self.count(item))
                except Exception as exc:  # noqa: BLE001
                    out.append(f"cannot tokenize this item ({type(exc).__name__}: {str(exc)[:200]})")
            return out

    def screen(self, items: Sequence[Any]) -> list[Screened]:
        """One `Screened` per item, in order (counted `COUNT_CHUNK` items at a time)."""
        if self._count is None or not items:
            return [Screened(item) for item in items]
        out: list[Screened] = []
        for start in range(0, len(items), COUNT_CHUNK):
            out += self._screen_chunk(items[start:start + COUNT_CHUNK])
        return out

    def _screen_chunk(self, items: Sequence[Any]) -> list[Screened]:
        out: list[Screened | None] = [self._surely_over(item) for item in items]
        todo = [i for i, s in enumerate(out) if s is None]
        for i, n in zip(todo, self._counts([items[i] for i in todo])):
            item = items[i]
            if isinstance(n, str):
                out[i] = Screened(item, reason=n)
            elif self.limit is None or n <= self.limit:
                out[i] = Screened(item, n)
            elif self.config.overlong == "truncate":
                out[i] = self._shorten(item, n)
            else:
                out[i] = Screened(item, n, reason=self._too_long(n))
        return out  # type: ignore[return-value]

    def char_bound(self) -> int | None:
        """Most characters of text a prompt within the limit can hold, or None when the backend cannot say."""
        per_token = getattr(self._backend, "max_token_chars", None) if self.limit is not None else None
        return self.limit * per_token if isinstance(per_token, int) and per_token > 0 else None

    def _surely_over(self, item: Any) -> Screened | None:
        """Decide an item whose text alone has more characters than any prompt within the limit, untokenized."""
        if self.limit is None or _chars(item) <= self.limit:  # cheap test first: a token covers >= 1 character
            return None
        bound = self.char_bound()
        if bound is None or _chars(item) <= bound:
            return None
        if self.config.overlong == "truncate":
            return self._shorten(item, None, cap=bound)
        return Screened(item, reason=(
            f"prompt is over the limit of {self.limit} tokens ({self.why}): its {_chars(item)} characters are "
            f"at least {-(-_chars(item) // (bound // self.limit))} tokens for this model; shorten the item"))

    def _too_long(self, tokens: int) -> str:
        return f"prompt is {tokens} tokens, over the limit of {self.limit} ({self.why}); shorten the item"

    def _shorten(self, item: Any, tokens: int | None, cap: int | None = None) -> Screened:
        """Largest equal character cap on the responses that fits, by bisection on the cap.

        Only cut copies are tokenized; `cap`: a cap known not to fit (the character bound), searched
        below instead of the full length."""
        was = f"{tokens} tokens" if tokens is not None else f"over {self.limit} tokens"
        bare = cut_responses(item, 0)
        bound = self.char_bound() if _chars(bare) > (self.limit or 0) else None
        empty = self.limit + 1 if bound is not None and _chars(bare) > bound else self.count(bare)
        if empty > self.limit:
            return Screened(item, tokens, reason=(
                f"prompt is {was}, over the limit of {self.limit} ({self.why}), and still over it with the "
                "response cut to nothing; shorten the instruction, reference answer or rubric"))
        hi = max(len(getattr(item, f)) for f in _responses(item))
        lo, lo_tokens, hi = 0, empty, hi if cap is None else min(hi, cap)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            n = self.count(cut_responses(item, mid))
            if n <= self.limit:
                lo, lo_tokens = mid, n
            else:
                hi = mid
        short = cut_responses(item, lo)
        lengths = "/".join(str(len(getattr(item, f))) for f in _responses(item))
        note = (f"response shortened to its first {lo} characters (was {lengths}) to fit the limit of "
                f"{self.limit} tokens ({self.why}); the prompt was {was}")
        return Screened(short, lo_tokens, note=note)


def token_batches(screened: Sequence[Screened], batch_size: int, max_tokens: int | None,
                  extra: int = 0, copies: int = 1) -> Iterator[list[Screened]]:
    """Contiguous groups in input order; each holds <= batch_size accepted items whose padded size
    (count x (longest + extra) x copies) stays within max_tokens. Rejected items ride along for free.
    An accepted item bigger than the budget on its own runs alone."""
    group: list[Screened] = []
    count, width = 0, 0
    for s in screened:
        if s.ok:
            new_width = max(width, (s.tokens or 0) + extra)
            over = max_tokens is not None and s.tokens is not None and new_width * (count + 1) * copies > max_tokens
            if count and (count + 1 > batch_size or over):
                yield group
                group, count, new_width = [], 0, (s.tokens or 0) + extra
            count, width = count + 1, new_width
        group.append(s)
    if group:
        yield group
