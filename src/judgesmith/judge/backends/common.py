"""Helpers every local backend needs, written once: label distributions, stop tokens, padding.

transformers (`hf.py`), llama.cpp (`llamacpp.py`), vLLM, the OpenAI client and the
server's generator (`serve/generation.py`) reach the same token ids through
different libraries; each passes its own `encode`/`decode`/`lookup` here, so the
rules (which spellings of a label count, which tokens end a turn, which side is
padded) are the same for all of them.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

from judgesmith.judge.backends.base import ends_with_result_mark, normalize

# Tokens chat models end their answer with, besides EOS: Gemma, ChatML (SmolLM2, Qwen), Llama 3, Phi.
END_OF_TURN = ("<end_of_turn>", "<|im_end|>", "<|eot_id|>", "<|end|>")


def stop_token_ids(eos: int | None, lookup: Callable[[str], int | None]) -> list[int]:
    """EOS plus the id of every `END_OF_TURN` token the vocabulary has (`lookup` gives None when absent)."""
    ids = {eos, *(lookup(t) for t in END_OF_TURN)}
    return sorted(i for i in ids if i is not None)


def tokenizer_stop_ids(tokenizer: Any) -> list[int]:
    """`stop_token_ids` for a transformers tokenizer (reads `get_vocab()` once: 262k entries for Gemma)."""
    vocab = tokenizer.get_vocab()
    return stop_token_ids(tokenizer.eos_token_id, vocab.get)


# Normalizers that never turn several input characters into one (a `Replace` is checked on its own).
_LENGTH_KEEPING = {"Prepend", "NFD", "NFKD", "Lowercase", "Sequence", "String"}
_REPLACE = re.compile(r'Replace\(pattern=String\("((?:[^"\\]|\\.)*)"\), content="((?:[^"\\]|\\.)*)"\)')


def _normalizer_keeps_length(normalizer: Any) -> bool:
    """True when the normalizer cannot shrink a text (so a token still covers at most its piece's length)."""
    if normalizer is None:
        return True
    text = str(normalizer)
    replaces = _REPLACE.findall(text)
    if any(len(pattern) > len(content) for pattern, content in replaces):
        return False
    names = set(re.findall(r"\b([A-Z][A-Za-z]*)\(", _REPLACE.sub("", text)))
    return names <= _LENGTH_KEEPING


def max_token_chars(tokenizer: Any) -> int | None:
    """Upper bound on the characters of input one token covers, for a transformers tokenizer; None if unknown.

    The longest vocabulary piece, in its stored form (byte-level pieces count bytes, so never fewer
    characters than they stand for; `<0xE2>` byte pieces stand for less than their length), and 4x
    that when the tokenizer's normalizer could shrink the text before splitting it.
    """
    try:
        longest = max((len(piece) for piece in tokenizer.get_vocab()), default=0)
    except Exception:  # noqa: BLE001 - a tokenizer without a readable vocabulary: no bound
        return None
    if longest <= 0:
        return None
    backend = getattr(tokenizer, "backend_tokenizer", None)
    return longest if _normalizer_keeps_length(getattr(backend, "normalizer", None)) else 4 * longest


def left_pad(seqs: Sequence[list[int]], pad_id: int, device: Any) -> tuple[Any, Any]:
    """(input_ids, attention_mask) with every row left-padded: generation appends on the right."""
    import torch

    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, width - len(seq):] = torch.tensor(seq, dtype=torch.long)
        mask[row, width - len(seq):] = 1
    return ids.to(device), mask.to(device)


def label_token_families(encode: Callable[[str], list[int]], labels: Sequence[str]) -> dict[int, str]:
    """Every single-token spelling of each label ("4", " 4") -> label, for locating it in generations.

    `encode` tokenizes without special tokens (the backend's own tokenizer)."""
    found: dict[int, str] = {}
    for lab in labels:
        for text in (lab, " " + lab):
            ids = list(encode(text))
            if len(ids) == 1:
                found[ids[0]] = lab
    return found


def label_distribution(logits: Any, labels: Sequence[str], ids: Sequence[int]) -> dict[str, float]:
    """Softmax over the logits of the label token ids (`logits` indexable by token id)."""
    return normalize({lab: float(logits[t]) for lab, t in zip(labels, ids)})


def generated_label_probs(tokens: Sequence[int], logit_at: Callable[[int, int], float],
                          families: Mapping[int, str], labels: Sequence[str],
                          decode: Callable[[Sequence[int]], str]) -> dict[str, float] | None:
    """Distribution at the last generated label token that follows `[RESULT]`.

    Only the labels spelled like the generated one (with or without a leading space)
    compete; `logit_at(position, token_id)` reads the logits the model produced there.
    None when no label follows the mark or not every label has that spelling."""
    for pos in range(len(tokens) - 1, -1, -1):
        token = tokens[pos]
        if token in families and ends_with_result_mark(decode(tokens[:pos])):
            spaced = decode([token]).startswith(" ")
            chosen = {lab: t for t, lab in families.items() if decode([t]).startswith(" ") == spaced}
            if len(chosen) != len(labels):
                return None
            return normalize({lab: float(logit_at(pos, t)) for lab, t in chosen.items()})
    return None


def label_after_mark(pieces: Sequence[str], labels: Sequence[str]) -> int | None:
    """Index of the last token text that is a label and comes right after `[RESULT]`, or None."""
    text, found = "", None
    for i, piece in enumerate(pieces):
        if piece.strip() in labels and ends_with_result_mark(text):
            found = i
        text += piece
    return found


def probs_from_top(alternatives: Iterable[tuple[str, float]], labels: Sequence[str]) -> dict[str, float] | None:
    """Label distribution from a position's top (token text, logprob) alternatives; None if no label is among them.

    Spellings of one label (" 4", "4") add up; labels missing from the top list get 0."""
    mass: dict[str, float] = {}
    for token, logprob in alternatives:
        tok = (token or "").strip()
        if tok in labels:
            mass[tok] = mass.get(tok, 0.0) + math.exp(float(logprob))
    if not mass:
        return None
    return normalize({lab: mass.get(lab, 0.0) for lab in labels}, log_space=False)
