"""Prometheus text exposition, written by hand: a few counters and histograms, no dependency.

Thread-safe (the model thread records batch sizes while the event loop records
requests). Label values are escaped per the exposition format.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict
from typing import Iterable, Sequence

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _fmt_labels(labels: Labels, extra: tuple[str, str] | None = None) -> str:
    pairs = list(labels) + ([extra] if extra else [])
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


class Counter:
    def __init__(self, name: str, help_text: str):
        self.name, self.help = name, help_text
        self.values: dict[Labels, float] = defaultdict(float)

    def inc(self, labels: Labels = (), amount: float = 1.0) -> None:
        self.values[labels] += amount

    def lines(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for labels, v in sorted(self.values.items()):
            yield f"{self.name}{_fmt_labels(labels)} {_num(v)}"


class Histogram:
    def __init__(self, name: str, help_text: str, buckets: Sequence[float]):
        self.name, self.help, self.buckets = name, help_text, tuple(buckets)
        self.counts: dict[Labels, list[int]] = {}
        self.sums: dict[Labels, float] = defaultdict(float)

    def observe(self, value: float, labels: Labels = ()) -> None:
        counts = self.counts.setdefault(labels, [0] * (len(self.buckets) + 1))
        counts[bisect_left(self.buckets, value)] += 1
        self.sums[labels] += value

    def lines(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for labels, counts in sorted(self.counts.items()):
            running = 0
            for bound, c in zip(self.buckets, counts):
                running += c
                yield f"{self.name}_bucket{_fmt_labels(labels, ('le', _num(bound)))} {running}"
            running += counts[-1]
            yield f"{self.name}_bucket{_fmt_labels(labels, ('le', '+Inf'))} {running}"
            yield f"{self.name}_sum{_fmt_labels(labels)} {_num(self.sums[labels])}"
            yield f"{self.name}_count{_fmt_labels(labels)} {running}"


class ServerMetrics:
    """The metrics the judge server exposes at /metrics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = Counter("judgesmith_requests_total", "HTTP requests by endpoint and status code.")
        self.latency = Histogram("judgesmith_request_duration_seconds", "HTTP request latency.", LATENCY_BUCKETS)
        self.items = Counter("judgesmith_items_judged_total", "Judge items answered, by kind and mode.")
        self.parse_failures = Counter("judgesmith_parse_failures_total", "Verdicts with parse_ok=false, by kind.")
        self.batches = Histogram("judgesmith_batch_size", "Items (or prompts) per model call.", BATCH_BUCKETS)

    def record_request(self, endpoint: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests.inc((("endpoint", endpoint), ("status", str(status))))
            self.latency.observe(seconds, (("endpoint", endpoint),))

    def record_verdicts(self, kind: str, mode: str, parse_ok: Sequence[bool]) -> None:
        with self._lock:
            self.items.inc((("kind", kind), ("mode", mode)), len(parse_ok))
            failures = sum(1 for ok in parse_ok if not ok)
            self.parse_failures.inc((("kind", kind),), failures)

    def record_batch(self, kind: str, size: int) -> None:
        with self._lock:
            self.batches.observe(size, (("kind", kind),))

    def render(self) -> str:
        with self._lock:
            metrics = (self.requests, self.latency, self.items, self.parse_failures, self.batches)
            return "\n".join(line for m in metrics for line in m.lines()) + "\n"
