"""transformers backend: batched generation and one-pass label scoring on CPU or GPU.

Batches are sorted by length (less padding), left-padded (generation appends on
the right), run under `torch.inference_mode`. Score mode asks the model for the
logits of the last position only (`logits_to_keep=1`): with Gemma's 262k-token
vocabulary the LM head is most of the cost of a full-logits pass. By default score
mode also encodes a batch's shared token prefix once (`prefix_cache.score_batch`:
KV cache of the system text and task description, suffixes right-padded);
`prefix_reuse=False` runs the plain left-padded pass it is tested against.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from judgesmith.judge.backends.base import Generation, label_token_plan
from judgesmith.judge.backends.common import (
    generated_label_probs, label_distribution, label_token_families, left_pad, tokenizer_stop_ids,
)
from judgesmith.judge.backends.prefix_cache import PrefixStore, score_batch, supports_prefix_reuse
from judgesmith.judge.chat import encode_prompt
from judgesmith.prompts import Prompt

log = logging.getLogger(__name__)


class HFBackend:
    """Judge with a transformers causal LM already in memory (see `from_name` to load one)."""

    name = "hf"

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = 8, threads: int | None = None,
                 prefix_reuse: bool = True):
        from judgesmith.models import set_threads

        set_threads(threads)
        self.model, self.tokenizer, self.batch_size = model, tokenizer, batch_size
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        self._plans: dict[tuple[str, tuple[str, ...]], tuple[list[int], list[int]]] = {}
        self._stops: list[int] | None = None
        self.prefix_reuse = prefix_reuse  # score mode: encode a batch's shared token prefix once
        self._prefixes: PrefixStore | bool | None = None

    @classmethod
    def from_name(cls, name: str, batch_size: int = 8, threads: int | None = None, **kw: Any) -> "HFBackend":
        from judgesmith.models import load_model, set_threads

        set_threads(threads)
        model, tokenizer = load_model(name, **kw)
        return cls(model, tokenizer, batch_size=batch_size, threads=threads)

    @property
    def device(self) -> Any:
        return next(self.model.parameters()).device

    @property
    def context_length(self) -> int | None:
        """The model's `max_position_embeddings` (None when its config does not say)."""
        config = getattr(self.model, "config", None)
        text = config.get_text_config() if hasattr(config, "get_text_config") else config
        value = getattr(text, "max_position_embeddings", None)
        return value if isinstance(value, int) and value > 0 else None

    @property
    def max_token_chars(self) -> int | None:
        """Most characters one token of this tokenizer can stand for (computed once, ~1 s for Gemma's 262k
        vocabulary): a text of C characters is at least C / max_token_chars tokens, so an item far over
        the limit is rejected without tokenizing it (`judge.length`)."""
        if not hasattr(self, "_max_token_chars"):
            from judgesmith.judge.backends.common import max_token_chars

            self._max_token_chars = max_token_chars(self.tokenizer)
        return self._max_token_chars

    def count_tokens(self, prompts: Sequence[Prompt], *, suffix: str = "") -> list[int]:
        """Prompt tokens as `generate` (suffix "") or `score` (suffix = its prefix) will feed them."""
        return [len(self._encode(p, suffix)) for p in prompts]

    def _encode_text(self, text: str) -> list[int]:
        """Plain text to token ids without special tokens (label plans and spellings)."""
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _encode(self, prompt: Prompt, suffix: str = "", extra: Sequence[int] = ()) -> list[int]:
        return encode_prompt(self.tokenizer, prompt, suffix) + list(extra)

    def _pad(self, seqs: Sequence[list[int]]) -> tuple[Any, Any]:
        return left_pad(seqs, self.tokenizer.pad_token_id, self.device)

    def _order(self, encoded: Sequence[list[int]]) -> list[list[int]]:
        """Indices grouped into batches of similar length (longest first: fail fast on memory)."""
        order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]))
        return [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]

    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        import torch

        key = (prefix, tuple(labels))
        if key not in self._plans:
            self._plans[key] = label_token_plan(self._encode_text, labels, prefix)
        joiner, ids = self._plans[key]
        encoded = [self._encode(p, prefix, joiner) for p in prompts]
        out: list[dict[str, float]] = [{} for _ in prompts]
        store = self._prefix_store()
        with torch.inference_mode():
            for batch in self._order(encoded):
                if store is not None:
                    logits = score_batch(self.model, [encoded[i] for i in batch], self.tokenizer.pad_token_id, store)
                else:
                    input_ids, mask = self._pad([encoded[i] for i in batch])
                    logits = self.model(input_ids=input_ids, attention_mask=mask, logits_to_keep=1).logits[:, -1, :]
                picked = logits[:, ids].float().cpu()  # column j: the logit of labels[j]
                for row, i in enumerate(batch):
                    out[i] = label_distribution(picked[row], labels, range(len(labels)))
        return out

    def _prefix_store(self) -> PrefixStore | None:
        """The shared-prefix cache when `prefix_reuse` is on and the model supports it, else None
        (the left-padded uncached pass: the reference the cached path is tested against)."""
        if not self.prefix_reuse:
            return None
        if self._prefixes is None:
            supported = supports_prefix_reuse(self.model)
            if not supported:
                log.info("score mode: %s does not support prefix reuse; uncached pass", type(self.model).__name__)
            self._prefixes = PrefixStore() if supported else False
        return self._prefixes or None

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        import torch

        encoded = [self._encode(p) for p in prompts]
        families = label_token_families(self._encode_text, labels)
        out: list[list[Generation]] = [[] for _ in prompts]
        sampling = {"do_sample": True, "temperature": temperature, "top_p": 1.0} if temperature > 0 else {
            "do_sample": False}
        with torch.inference_mode():
            for batch in self._order(encoded):
                input_ids, mask = self._pad([encoded[i] for i in batch])
                result = self.model.generate(
                    input_ids=input_ids, attention_mask=mask, max_new_tokens=max_new_tokens,
                    num_return_sequences=n, return_dict_in_generate=True, output_logits=True,
                    pad_token_id=self.tokenizer.pad_token_id, eos_token_id=self._stop_ids(), **sampling,
                )
                new = result.sequences[:, input_ids.shape[1]:].cpu()
                logits = torch.stack(result.logits, dim=1).float().cpu() if result.logits else None
                for row in range(new.shape[0]):
                    i = batch[row // n]
                    out[i].append(self._generation(new[row], logits[row] if logits is not None else None,
                                                   families, labels))
        return out

    def _stop_ids(self) -> list[int]:
        """EOS plus end-of-turn tokens (`common.END_OF_TURN`), computed once: `get_vocab()` builds a
        262k-entry dict for Gemma, too slow for every generated sequence."""
        if self._stops is None:
            self._stops = tokenizer_stop_ids(self.tokenizer)
        return self._stops

    def _generation(self, tokens: Any, logits: Any, families: dict[int, str],
                    labels: Sequence[str]) -> Generation:
        toks = tokens.tolist()
        stop = {self.tokenizer.pad_token_id, *self._stop_ids()}
        while toks and toks[-1] in stop:
            toks.pop()
        decode = lambda ids: self.tokenizer.decode(ids, skip_special_tokens=True)  # noqa: E731
        probs = None
        if logits is not None:
            probs = generated_label_probs(toks, lambda pos, t: logits[pos][t], families, labels, decode)
        return Generation(text=decode(toks), label_probs=probs)
