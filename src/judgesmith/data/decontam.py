"""Decontamination: find training rows that share a question with a benchmark, and drop them.

Two checks on the question text (the instruction, plus the context of grounded rows): question
keys (own id, normalized-text hash, FastChat MT-Bench/Vicuna ids quoted in the text, see
`data.questions`) and word n-gram overlap
(n=13 by default, lower-cased `\\w+` words). Every overlap is reported; rows overlapping a
benchmark marked `drop` are removed, together with every other row of the same question,
so no response to a benchmark question stays in training.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

from judgesmith.data.questions import example_keys, question_keys  # noqa: F401 (re-exported)
from judgesmith.data.sources._common import Example, normalize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Overlap:
    """One training row that shares a question (or an n-gram) with one benchmark file."""

    train_id: str
    train_source: str
    question_id: str
    benchmark: str
    bench_id: str
    shared_keys: tuple[str, ...]
    shared_ngrams: int
    dropped: bool


@dataclass
class DecontamReport:
    n: int
    min_ngrams: int
    checked: list[str] = field(default_factory=list)
    drop_benchmarks: list[str] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    dropped_ids: list[str] = field(default_factory=list)
    bench_items: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, int]]:
        """benchmark -> {overlapping training rows, of which dropped}."""
        out: dict[str, dict[str, int]] = {}
        for o in self.overlaps:
            row = out.setdefault(o.benchmark, {"rows": 0, "dropped": 0})
            row["rows"] += 1
            row["dropped"] += int(o.dropped)
        return out

    def to_dict(self) -> dict:
        return {"n": self.n, "min_ngrams": self.min_ngrams, "checked": self.checked,
                "drop_benchmarks": self.drop_benchmarks, "summary": self.summary(),
                "dropped_rows": len(self.dropped_ids), "dropped_ids": self.dropped_ids,
                "benchmark_items_sharing_training_questions": self.bench_items,
                "overlaps": [asdict(o) for o in self.overlaps]}


def question_text(ex: Example) -> str:
    """What identifies a row's question: the instruction, plus the context document for grounded rows
    (their instructions are often one fixed sentence, "Summarize the document"; the document is what a
    training row must not share with a benchmark item)."""
    context = getattr(ex.item, "context", None)
    return ex.item.instruction + ("\n" + context if context and context.strip() else "")


def ngrams(text: str, n: int) -> set[int]:
    """Hashed word n-grams; a text shorter than n words is one gram (so exact short questions match)."""
    words = normalize(text).split()
    if not words:
        return set()
    if len(words) < n:
        return {hash(" ".join(words))}
    return {hash(" ".join(words[i:i + n])) for i in range(len(words) - n + 1)}


class BenchIndex:
    """Question keys and n-grams of one benchmark file, for fast lookups."""

    def __init__(self, name: str, examples: Sequence[Example], n: int, data_root: str | None = None):
        self.name = name
        self.keys: dict[str, str] = {}
        self.grams: dict[int, str] = {}
        for ex in examples:
            text = question_text(ex)
            for key in example_keys(ex, text, data_root):
                self.keys.setdefault(key, ex.item.id)
            for g in ngrams(text, n):
                self.grams.setdefault(g, ex.item.id)

    def match(self, keys: set[str], grams: set[int]) -> tuple[tuple[str, ...], int, str] | None:
        shared_keys = tuple(sorted(k for k in keys if k in self.keys))
        hits = [g for g in grams if g in self.grams]
        if not shared_keys and not hits:
            return None
        if shared_keys:
            return shared_keys, len(hits), self.keys[shared_keys[0]]
        # the benchmark item sharing the most n-grams (ties: the smallest id), independent of the
        # per-process string hashing that orders the set, so manifests are reproducible
        counts = Counter(self.grams[g] for g in hits)
        bench_id = min(counts, key=lambda item_id: (-counts[item_id], item_id))
        return shared_keys, len(hits), bench_id


def find_overlaps(train: Iterable[Example], benches: Sequence[BenchIndex], n: int, min_ngrams: int,
                  drop: set[str], data_root: str | None = None) -> list[Overlap]:
    """Every (training row, benchmark) pair that shares a question key or >= min_ngrams n-grams."""
    out: list[Overlap] = []
    for ex in train:
        text = question_text(ex)
        keys = example_keys(ex, text, data_root)
        grams = ngrams(text, n)
        for bench in benches:
            hit = bench.match(keys, grams)
            if hit is None or (not hit[0] and hit[1] < min_ngrams):
                continue
            out.append(Overlap(ex.item.id, ex.provenance.source, ex.provenance.question_id, bench.name, hit[2],
                               hit[0], hit[1], bench.name in drop))
    return out


def decontaminate(train: list[Example], benchmarks: dict[str, Sequence[Example]], drop: Iterable[str],
                  n: int = 13, min_ngrams: int = 1, data_root: str | None = None
                  ) -> tuple[list[Example], DecontamReport]:
    """Check `train` against every benchmark; remove the questions that overlap a `drop` benchmark."""
    drop = set(drop)
    report = DecontamReport(n=n, min_ngrams=min_ngrams, checked=sorted(benchmarks), drop_benchmarks=sorted(drop))
    indexes = [BenchIndex(name, exs, n, data_root) for name, exs in benchmarks.items()]
    report.overlaps = find_overlaps(train, indexes, n, min_ngrams, drop, data_root)
    bad_questions = {(o.train_source, o.question_id) for o in report.overlaps if o.dropped}
    kept = [ex for ex in train if (ex.provenance.source, ex.provenance.question_id) not in bad_questions]
    report.dropped_ids = [ex.item.id for ex in train
                          if (ex.provenance.source, ex.provenance.question_id) in bad_questions]
    report.overlaps = [o if o.dropped or (o.train_source, o.question_id) not in bad_questions
                       else Overlap(**{**asdict(o), "dropped": True}) for o in report.overlaps]
    report.bench_items = contaminated_items(kept, benchmarks, n, min_ngrams, data_root)
    for name, counts in report.summary().items():
        log.info("decontamination: %d training rows overlap %s (%d dropped)", counts["rows"], name, counts["dropped"])
    return kept, report


def contaminated_items(train: Sequence[Example], benchmarks: dict[str, Sequence[Example]], n: int = 13,
                       min_ngrams: int = 1, data_root: str | None = None) -> dict[str, list[str]]:
    """Benchmark item ids that still share a question with the (kept) training rows.

    For benchmarks that only report overlaps, the bench stage can leave these items out
    instead of dropping training data.
    """
    index = BenchIndex("train", train, n, data_root)
    out: dict[str, list[str]] = {}
    for name, examples in benchmarks.items():
        ids = []
        for ex in examples:
            text = question_text(ex)
            hit = index.match(example_keys(ex, text, data_root), ngrams(text, n))
            if hit is not None and (hit[0] or hit[1] >= min_ngrams):
                ids.append(ex.item.id)
        if ids:
            out[name] = ids
    return out
