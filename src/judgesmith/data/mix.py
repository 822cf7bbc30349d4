"""Token shares of source groups in the training files: `mix: {token_share: {multilingual: 0.2}}`.

Sources join a group with `group:` in the recipe (the rest form the main mix). In each training file
(absolute and pairwise apart: each trains its own specialist), every group with a share gets that share
of the file's tokens and the main mix the rest: whichever side holds more than its share is sampled down
(seeded), never repeated, so the file is as large as the scarcest side allows. The training stages read
a seeded random order of the file up to their token budget (`data.max_train_tokens`), so they see the
same shares. A group with no records in a file leaves that file as it is (logged, and said in the manifest).

Tokens are prompt plus completion, counted by `tokenizer` when given, else estimated as UTF-8 bytes / 4:
about right for English, and unlike whitespace words it does not count a Japanese or Chinese sentence
as one token.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from typing import Any, Callable, Mapping

log = logging.getLogger(__name__)

MAIN = "main"


def token_counter(tokenizer: str | None) -> Callable[[list[str]], list[int]]:
    """Token counts of many texts: a tokenizer's, or UTF-8 bytes / 4 (at least 1) without one."""
    if tokenizer is None:
        return lambda texts: [max(1, len(t.encode("utf-8")) // 4) for t in texts]
    from judgesmith.data.stats import _batch_counter

    return _batch_counter(tokenizer)


def record_text(rec: Mapping[str, Any]) -> str:
    """The prompt and completion contents of an SFT record: what training reads."""
    return "\n".join(m.get("content", "") for m in [*rec.get("prompt", []), *rec.get("completion", [])])


def group_of(rec: Mapping[str, Any], groups: Mapping[str, str]) -> str:
    """A record's group: its source's (pairs derived from a source, `<name>_pairs`, share it), else main."""
    source = str(rec.get("source", ""))
    return groups.get(source) or groups.get(source.removesuffix("_pairs")) or MAIN


def _take(indices: list[int], counts: list[int], budget: float, seed: str) -> list[int]:
    """A seeded random subset of `indices` whose tokens stay within `budget` (all when they fit)."""
    if sum(counts[i] for i in indices) <= budget:
        return indices
    order = list(indices)
    random.Random(seed).shuffle(order)
    kept, used = [], 0
    for i in order:
        if used + counts[i] <= budget:
            kept.append(i)
            used += counts[i]
    return sorted(kept)


def apply_shares(records: list[dict], shares: Mapping[str, float], groups: Mapping[str, str], counts: list[int],
                 seed: int, name: str) -> tuple[list[dict], dict[str, Any]]:
    """`records` with each group at its token share (see the module docstring), and what was done."""
    members: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        members.setdefault(group_of(rec, groups), []).append(i)
    before = {g: sum(counts[i] for i in idx) for g, idx in members.items()}
    missing = [g for g in (*shares, MAIN) if not before.get(g)]
    if missing:
        log.warning("%s: no records of %s; token shares not applied", name, ", ".join(missing))
        return records, {"applied": False, "why": f"no records of {', '.join(missing)}", "tokens": before}
    wanted = {**shares, MAIN: 1.0 - sum(shares.values())}
    total = min(before[g] / share for g, share in wanted.items())
    kept = sorted(i for g, share in wanted.items()
                  for i in _take(members[g], counts, share * total, f"{seed}:{name}:{g}"))
    after = Counter()
    for i in kept:
        after[group_of(records[i], groups)] += counts[i]
    summed = sum(after.values()) or 1
    info = {"applied": True, "tokens_before": before, "tokens_after": dict(after),
            "share_after": {g: round(n / summed, 4) for g, n in after.items()},
            "records_before": len(records), "records_after": len(kept)}
    log.info("%s: token shares %s (records %d -> %d)", name, info["share_after"], len(records), len(kept))
    return [records[i] for i in kept], info


def tokens_by_language(records: list[dict], counts: list[int]) -> dict[str, int]:
    """Language -> tokens of the records (records without a `language` count as "unknown")."""
    out: Counter = Counter()
    for rec, n in zip(records, counts):
        out[rec.get("language") or "unknown"] += n
    return dict(sorted(out.items()))
