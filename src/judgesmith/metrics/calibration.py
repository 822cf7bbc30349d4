"""Reliability of label distributions: does 80% confidence mean right 80% of the time?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class ReliabilityBin:
    """Items whose confidence fell in [low, high): their mean confidence and accuracy."""

    low: float
    high: float
    confidence: float
    accuracy: float
    count: int


def reliability_bins(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width confidence bins over [0, 1]; empty bins are omitted."""
    conf = np.asarray(confidence, dtype=float)
    hit = np.asarray(correct, dtype=float)
    if conf.shape != hit.shape:
        raise ValueError(f"confidence and correct differ in length: {len(conf)} vs {len(hit)}")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, n_bins - 1)
    out = []
    for b in range(n_bins):
        mask = which == b
        if mask.any():
            out.append(ReliabilityBin(float(edges[b]), float(edges[b + 1]), float(conf[mask].mean()),
                                      float(hit[mask].mean()), int(mask.sum())))
    return out


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> float:
    """ECE: the count-weighted mean |accuracy - confidence| over the reliability bins."""
    bins = reliability_bins(confidence, correct, n_bins)
    total = sum(b.count for b in bins)
    if not total:
        return float("nan")
    return sum(b.count * abs(b.accuracy - b.confidence) for b in bins) / total
