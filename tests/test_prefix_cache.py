"""Shared-prefix reuse in score mode: same label probabilities as the uncached pass, less work."""

import copy
import os
import random

import pytest
import torch

from judgesmith.judge import Judge
from judgesmith.judge.backends.hf import HFBackend
from judgesmith.judge.backends.prefix_cache import (
    PrefixStore, common_prefix_len, score_batch, supports_prefix_reuse,
)
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

RUBRIC = preset("helpfulness")


def items(n=5):
    """Different lengths, so batches need padding; every prompt shares the system text and task description."""
    return [AbsoluteItem(f"a{i}", f"Question {i}: explain photosynthesis?", "the response is good " * (2 + 3 * i),
                         RUBRIC, reference_answer="Paris" if i % 2 else None) for i in range(n)]


def pairs(n=3):
    return [PairwiseItem(f"p{i}", "What is the capital of France?", "Paris " * (i + 1), "clear detailed " * (3 - i),
                         RUBRIC) for i in range(n)]


def backends(model_dir, batch_size=3):
    cached = HFBackend.from_name(str(model_dir), batch_size=batch_size, threads=2)
    plain = HFBackend(cached.model, cached.tokenizer, batch_size=batch_size, prefix_reuse=False)
    return cached, plain


def max_diff(a, b):
    assert [v.id for v in a] == [v.id for v in b]
    return max(abs(x.probabilities[k] - y.probabilities[k]) for x, y in zip(a, b) for k in x.probabilities)


def test_common_prefix_len_matches_os_path_commonprefix():
    rng = random.Random(0)
    for _ in range(200):
        base = [rng.randrange(4) for _ in range(rng.randrange(0, 12))]
        seqs = [base[: rng.randrange(len(base) + 1)] + [rng.randrange(4) for _ in range(rng.randrange(4))]
                for _ in range(rng.randrange(1, 5))]
        assert common_prefix_len(seqs) == len(os.path.commonprefix(seqs))


@pytest.mark.parametrize("fixture", ["tiny_model_dir", "tiny_gemma_dir"])
def test_prefix_reuse_equals_uncached_pass(request, fixture):
    cached, plain = backends(request.getfixturevalue(fixture))
    assert supports_prefix_reuse(cached.model)
    fast = Judge(cached, mode="score").grade_absolute(items())
    slow = Judge(plain, mode="score").grade_absolute(items())
    assert max_diff(fast, slow) < 1e-4
    fast = Judge(cached, mode="score", swap=True).grade_pairwise(pairs())
    slow = Judge(plain, mode="score", swap=True).grade_pairwise(pairs())
    assert max_diff(fast, slow) < 1e-4
    assert cached._prefixes._entries, "the cached path was not taken"


def test_gemma_prefix_spans_the_sliding_window(tiny_gemma_dir):
    """The shared prefix is longer than the tiny Gemma's 64-token window: sliding layers drop the start."""
    cached, _ = backends(tiny_gemma_dir)
    Judge(cached, mode="score").grade_absolute(items(3))
    window = cached.model.config.sliding_window
    stored = list(cached._prefixes._entries)
    assert stored and min(len(t) for t in stored) > window


def encode(backend, n=4):
    from judgesmith.prompts import build_prompt

    plan = backend._plans.get(("Feedback: [RESULT]", tuple("12345")))
    joiner = plan[0] if plan else []
    return [backend._encode(build_prompt(it), "Feedback: [RESULT]", joiner) for it in items(n)]


@pytest.mark.parametrize("fixture", ["tiny_model_dir", "tiny_gemma_dir"])
def test_store_extends_and_crops_stored_prefixes(request, fixture):
    """Only tokens no stored prefix covers are run; the result matches a cache built from scratch."""
    from transformers import DynamicCache

    cached, _ = backends(request.getfixturevalue(fixture))
    model, seq = cached.model, encode(cached)[0]
    seen = []
    hook = model.register_forward_pre_hook(lambda m, a, kw: seen.append(kw["input_ids"].shape[1]), with_kwargs=True)
    store = PrefixStore(capacity=2)
    try:
        with torch.inference_mode():
            store.cache_for(model, seq[:30])
            extended = store.cache_for(model, seq[:50])
            cropped = store.cache_for(model, seq[:40])
            fresh = DynamicCache(config=model.config)
            model(input_ids=torch.tensor([seq[:40]]), cache=fresh, use_cache=True)
    finally:
        hook.remove()
    assert extended.get_seq_length() == 50 and cropped.get_seq_length() == 40
    assert seen == [30, 20, 40]  # 30 new, 20 on top of them, none for the crop, 40 for the reference
    for mine, ref in zip(cropped.layers, fresh.layers):
        assert torch.allclose(mine.keys, ref.keys, atol=1e-5) and torch.allclose(mine.values, ref.values, atol=1e-5)


def test_store_does_not_rewind_a_sliding_layer_past_its_window(tiny_gemma_dir):
    cached, _ = backends(tiny_gemma_dir)
    model, seq = cached.model, encode(cached)[0]
    window = model.config.sliding_window
    store = PrefixStore()
    with torch.inference_mode():
        store.cache_for(model, seq[: window + 20])
        again = store.cache_for(model, seq[: window + 10])  # would need a crop the sliding layers cannot do
        logits = score_batch(model, [seq], cached.tokenizer.pad_token_id, store)
        reference = model(input_ids=torch.tensor([seq]), logits_to_keep=1).logits[:, -1, :]
    assert again.get_seq_length() == window + 10
    assert torch.allclose(logits, reference, atol=1e-4)


def test_store_keeps_a_long_shared_start_past_the_window(tiny_gemma_dir):
    """Claims about one long document: the third prompt runs only its own tail, though every stored full
    prompt is past the sliding window (cannot be rewound); the logits equal the uncached pass."""
    cached, _ = backends(tiny_gemma_dir)
    model, seq = cached.model, encode(cached)[0]
    window = model.config.sliding_window
    doc = seq[: window + 40]
    prompts = [doc + [7 + i, 9, 11 + i, 13] for i in range(3)]
    seen = []
    store = PrefixStore()
    hook = model.register_forward_pre_hook(lambda m, a, kw: seen.append(kw["input_ids"].shape[1]), with_kwargs=True)
    try:
        with torch.inference_mode():
            got = [score_batch(model, [p], cached.tokenizer.pad_token_id, store) for p in prompts]
    finally:
        hook.remove()
    with torch.inference_mode():
        ref = [model(input_ids=torch.tensor([p]), logits_to_keep=1).logits[:, -1, :] for p in prompts]
    assert all(torch.allclose(g, r, atol=1e-4) for g, r in zip(got, ref))
    # first prompt: all but its last token, then the last; second: the shared start stored once, then its
    # tail; third: only its tail (3 new tokens + the last), nothing of the document again
    assert seen[-2:] == [3, 1] and sum(seen[-2:]) == 4
    assert any(len(k) == len(doc) for k in store._entries)


def test_unsupported_models_fall_back_to_the_uncached_pass(tiny_gemma_dir):
    cached, plain = backends(tiny_gemma_dir)
    model = copy.deepcopy(cached.model)
    model.config.layer_types = ["chunked_attention"] * len(model.config.layer_types)
    assert not supports_prefix_reuse(model)
    model.config.layer_types = list(cached.model.config.layer_types)
    model.config.use_bidirectional_attention = True
    assert not supports_prefix_reuse(model)
    backend = HFBackend(cached.model, cached.tokenizer, batch_size=3)
    backend.model = model  # a model the store must not be used with
    backend._prefixes = None
    assert backend._prefix_store() is None


@pytest.mark.slow
def test_prefix_reuse_equals_uncached_pass_on_gemma3_270m(data_dir):
    """The real Gemma 3 270M (sliding window 512) on Vicuna prompts of ~600-1100 tokens; pairwise with swap."""
    from pathlib import Path

    from judgesmith.data.sources import prometheus_absolute

    from judgesmith.models import embedded_entry

    models = Path.home() / ".cache" / "judgesmith" / "models"  # skip a fresh conversion
    converted = next((p for p in (models / embedded_entry("gemma-3-270m"), models / "gemma-3-270m")
                      if (p / "config.json").is_file()), models / "gemma-3-270m")
    name = str(converted) if (converted / "config.json").is_file() else "gemma-3-270m"
    cached = HFBackend.from_name(name, batch_size=3)
    plain = HFBackend(cached.model, cached.tokenizer, batch_size=3, prefix_reuse=False)
    vicuna = [ex.item for ex in prometheus_absolute.load(data_dir / "prometheus" / "vicuna_eval.json").absolute][:6]
    assert max_diff(Judge(cached, mode="score").grade_absolute(vicuna),
                    Judge(plain, mode="score").grade_absolute(vicuna)) < 1e-4
    assert max(len(t) for t in cached._prefixes._entries) >= 150  # the system text and task description
    assert max_diff(Judge(cached, mode="score", swap=True).grade_pairwise(pairs()),
                    Judge(plain, mode="score", swap=True).grade_pairwise(pairs())) < 1e-4
