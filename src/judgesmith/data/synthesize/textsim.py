"""Near-duplicate tests for instructions and copied references: word-set Jaccard and difflib ratio."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterable

_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def similarity(a: str, b: str) -> float:
    """Max of word-set Jaccard and character ratio on normalized text (1.0 = same words)."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 1.0 if na == nb else 0.0
    wa, wb = set(na.split()), set(nb.split())
    jaccard = len(wa & wb) / len(wa | wb)
    return max(jaccard, SequenceMatcher(None, na, nb, autojunk=False).ratio())


def near_duplicate(text: str, others: Iterable[tuple[str, str]], threshold: float) -> str | None:
    """The id of the first `(id, text)` in `others` at least `threshold` similar to `text`, else None."""
    for oid, other in others:
        if similarity(text, other) >= threshold:
            return oid
    return None
