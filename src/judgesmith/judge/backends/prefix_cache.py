"""Shared-prefix reuse for score mode: encode the common start of a batch once, score only the rest.

Every Prometheus prompt starts with the same system text and task description
(about 190 of ~960 Gemma tokens on Vicuna items); a benchmark often shares the
rubric too. `score_batch` computes the transformers KV cache (`DynamicCache`) of
the batch's longest common token prefix once (or takes it from `PrefixStore`,
which keeps the last few prefixes across batches), expands it to the batch and
runs only the suffixes through the model.

Suffixes are right-padded, so every real token keeps its true position (RoPE)
and its true distance to the prefix (Gemma 3's sliding-window layers), and no
padding mask is needed: causal attention never lets a real token see the pads
after it. The label logits are read at each row's own last position
(`logits_to_keep` as a per-row index), so the LM head still runs once per row.
Models whose cache is not plain full/sliding attention layers fall back to the
uncached path (`supports_prefix_reuse`).
"""

from __future__ import annotations

import copy
import inspect
import logging
import sys
from collections import OrderedDict
from typing import Any, Sequence

log = logging.getLogger(__name__)

MIN_PREFIX = 8  # shorter shared prefixes are not worth a separate forward pass
SPLIT_MIN = 16  # a shared start this much longer than any rewindable entry is stored as its own entry
PLAIN_LAYER_TYPES = {"full_attention", "sliding_attention"}


def common_prefix_len(seqs: Sequence[Sequence[int]]) -> int:
    """Length of the longest token prefix shared by all `seqs` (0 for none)."""
    if not seqs:
        return 0
    first, n = seqs[0], min(len(s) for s in seqs)
    for i in range(n):
        token = first[i]
        if any(s[i] != token for s in seqs):
            return i
    return n


def supports_prefix_reuse(model: Any) -> bool:
    """True for causal LMs whose forward takes a `cache` of plain full/sliding attention layers
    and per-row `logits_to_keep` positions (models built on transformers' `slice_logits_to_keep`)."""
    config = getattr(model, "config", None)
    if config is None or "cache" not in inspect.signature(model.forward).parameters:
        return False
    if not hasattr(sys.modules.get(type(model).__module__), "slice_logits_to_keep"):
        return False
    text = config.get_text_config(decoder=True) if hasattr(config, "get_text_config") else config
    if getattr(text, "use_bidirectional_attention", False) or getattr(text, "is_encoder_decoder", False):
        return False
    layer_types = getattr(text, "layer_types", None)
    return layer_types is None or set(layer_types) <= PLAIN_LAYER_TYPES


def _is_plain(cache: Any) -> bool:
    from transformers.cache_utils import DynamicLayer, DynamicSlidingWindowLayer

    return all(type(layer) in (DynamicLayer, DynamicSlidingWindowLayer) for layer in cache.layers)


def _croppable_to(cache: Any) -> bool:
    """Sliding layers that already dropped tokens past their window cannot be rewound."""
    return all(not getattr(layer, "is_sliding", False) or layer.get_seq_length() < layer.sliding_window
               for layer in cache.layers)


def clone_cache(cache: Any) -> Any:
    """An independent copy: layers are copied, tensors shared (updates concatenate, never write in place)."""
    twin = copy.copy(cache)
    twin.layers = [copy.copy(layer) for layer in cache.layers]
    return twin


class PrefixStore:
    """The KV caches of the last few prefixes (batch size 1), so later batches start from them.

    A stored prompt longer than a sliding window cannot be rewound to a shorter prefix, so when a new
    prompt shares a long start with such an entry (the next claim about the same document), that start
    is stored as an entry of its own first: later prompts with the same start (every other claim about
    the document, and the system text + task description every prompt shares) extend it without a rewind.
    """

    def __init__(self, capacity: int = 4):
        self.capacity = capacity
        self._entries: OrderedDict[tuple[int, ...], Any] = OrderedDict()

    def clear(self) -> None:
        self._entries.clear()

    def _best(self, tokens: tuple[int, ...]) -> tuple[int, tuple[int, ...] | None]:
        """(usable length, entry key) of the stored prefix sharing the most tokens with `tokens`."""
        best, key = 0, None
        for stored, cache in self._entries.items():
            k = common_prefix_len([stored, tokens])
            if k < len(stored) and not _croppable_to(cache):
                continue
            if k > best:
                best, key = k, stored
        return best, key

    def cache_for(self, model: Any, tokens: Sequence[int]) -> Any | None:
        """A fresh cache holding exactly `tokens` (computing only what no stored prefix covers), or None."""
        import torch
        from transformers import DynamicCache

        tokens = tuple(tokens)
        k, key = self._best(tokens)
        shared = max((common_prefix_len([stored, tokens]) for stored in self._entries), default=0)
        if shared - k >= SPLIT_MIN and shared < len(tokens):
            self.cache_for(model, tokens[:shared])  # stores exactly the shared start; extended below
            k, key = self._best(tokens)
        if key is not None:
            self._entries.move_to_end(key)
            cache = clone_cache(self._entries[key])
            if k < len(key):
                cache.crop(k - len(key))
        else:
            k, cache = 0, DynamicCache(config=model.config)
        if k < len(tokens):
            ids = torch.tensor([tokens[k:]], dtype=torch.long, device=model.device)
            model(input_ids=ids, cache=cache, use_cache=True, logits_to_keep=1)
        if not _is_plain(cache):
            log.debug("prefix reuse: %s has non-plain cache layers; not reused", type(model).__name__)
            return None
        if tokens not in self._entries:
            self._entries[tokens] = clone_cache(cache)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return cache


def score_batch(model: Any, seqs: Sequence[list[int]], pad_id: int, store: PrefixStore | None) -> Any:
    """Last-position logits (batch x vocab) of each sequence, its shared prefix encoded once.

    Without a store (or with a shared prefix under `MIN_PREFIX` tokens) the whole
    sequences run right-padded without a cache: still one LM-head row per item.
    """
    import torch

    shared = min(common_prefix_len(seqs), min(len(s) for s in seqs) - 1)
    cache = None
    if store is not None and shared >= MIN_PREFIX:
        cache = store.cache_for(model, seqs[0][:shared])
    if cache is None:
        shared = 0
    else:
        cache.batch_repeat_interleave(len(seqs))
    tails = [s[shared:] for s in seqs]
    width = max(len(t) for t in tails)
    ids = torch.full((len(tails), width), pad_id, dtype=torch.long)
    for row, tail in enumerate(tails):
        ids[row, : len(tail)] = torch.tensor(tail, dtype=torch.long)
    last = torch.tensor([[len(t) - 1] for t in tails], dtype=torch.long, device=model.device)
    out = model(input_ids=ids.to(model.device), cache=cache, use_cache=cache is not None, logits_to_keep=last)
    return out.logits[:, -1, :]
