"""Refuse to merge models that do not share an architecture, a vocabulary and a tokenizer.

mergekit merges tensors by name; two models with the same tensor names but a
different tokenizer (or a resized vocabulary) would merge into nonsense without
an error, so this is checked first, with a message that names the mismatch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

CONFIG_KEYS = ("model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
               "num_attention_heads", "num_key_value_heads", "head_dim", "tie_word_embeddings")


def model_signature(path: str) -> dict[str, Any]:
    """The architecture facts a merge depends on (of the text model for multimodal checkpoints)."""
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(path)
    except OSError as exc:
        raise ValueError(f"cannot read model {path!r}: not a model folder here and not loadable from the hub "
                         "(train it first with `judgesmith train`, or fix the path in the recipe)") from exc
    text = config.get_text_config()
    facts = {key: getattr(text, key, None) for key in CONFIG_KEYS}
    facts["architectures"] = tuple(config.architectures or ())
    return facts


def tokenizer_signature(path: str) -> tuple[dict[str, int], dict[str, Any]]:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    return tok.get_vocab(), {k: str(v) for k, v in sorted(tok.special_tokens_map.items())}


def _vocab_difference(a: dict[str, int], b: dict[str, int]) -> str:
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    moved = sorted(t for t in set(a) & set(b) if a[t] != b[t])
    return (f"{len(a)} vs {len(b)} tokens; {len(only_a)} only in the first (e.g. {only_a[:3]}), "
            f"{len(only_b)} only in the second (e.g. {only_b[:3]}), {len(moved)} with other ids")


def check_compatible(paths: Sequence[str]) -> None:
    """Raise ValueError naming the first model that differs from `paths[0]` in architecture or tokenizer."""
    ref = paths[0]
    ref_model, (ref_vocab, ref_special) = model_signature(ref), tokenizer_signature(ref)
    for other in paths[1:]:
        facts = model_signature(other)
        diffs = [f"{k}: {ref_model[k]!r} vs {facts[k]!r}" for k in ref_model if ref_model[k] != facts[k]]
        if diffs:
            raise ValueError(f"cannot merge {Path(other).name!r} with {Path(ref).name!r}: different architecture "
                             f"({'; '.join(diffs)}); merge only fine-tunes of the same base model")
        vocab, special = tokenizer_signature(other)
        if vocab != ref_vocab:
            raise ValueError(f"cannot merge {Path(other).name!r} with {Path(ref).name!r}: different tokenizer "
                             f"vocabulary ({_vocab_difference(ref_vocab, vocab)})")
        if special != ref_special:
            raise ValueError(f"cannot merge {Path(other).name!r} with {Path(ref).name!r}: different special "
                             f"tokens ({ref_special} vs {special})")
