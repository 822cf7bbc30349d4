"""Length bias of a pairwise judge, and the trivial judge that picks the longer response.

A small judge can gain pairwise accuracy by preferring the longer answer (human and GPT-4
preferences correlate with length), which is not judging. Two statistics make that visible:

- `longer_wins`: the prediction of a judge that reads nothing but word counts. Its accuracy on
  the same pairs is the bar a judge must clear before its accuracy says anything about content.
- `length_preference`: Spearman's rank correlation between a judge's two-order P(A) - P(B)
  margin and the word-count difference (words of A - words of B). +1: the judge ranks pairs
  exactly by how much longer A is; 0: no monotone relation with length.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def word_count(text: str) -> int:
    """Whitespace-separated words (what "longer" means here: tokenizer-independent)."""
    return len(text.split())


def longer_wins(words_a: int, words_b: int) -> str | None:
    """ "A" when A has more words, "B" when B has, None on equal counts (a tie: wrong on a decisive gold)."""
    if words_a == words_b:
        return None
    return "A" if words_a > words_b else "B"


def length_preference(margins: Sequence[float | None], length_diffs: Sequence[float]) -> float:
    """Spearman correlation of judge margins with length differences, over pairs with a margin.

    NaN with fewer than 3 such pairs or when either side is constant (no ranking to compare).
    """
    from scipy.stats import spearmanr

    pairs = [(float(m), float(d)) for m, d in zip(margins, length_diffs) if m is not None and not math.isnan(m)]
    if len(pairs) < 3:
        return math.nan
    x, y = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    if np.all(x == x[0]) or np.all(y == y[0]):
        return math.nan
    return float(spearmanr(x, y)[0])
