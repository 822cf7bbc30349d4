"""`data stats`: what is in a JSONL file of SFT records (or judge items) before training on it.

Counts per kind and source, the label distribution (the `[RESULT]` of each completion, or
`gold`/`gold_score` for item files) and length percentiles of prompt, completion and both,
in tokens of a given tokenizer or, without one, whitespace words.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable

from judgesmith.jsonio import read_jsonl
from judgesmith.parsing import parse

PERCENTILES = (50, 90, 95, 99, 100)


def _counter(tokenizer: str | None) -> Callable[[str], int]:
    if tokenizer is None:
        return lambda text: len(text.split())
    from transformers import AutoTokenizer

    from judgesmith.models import resolve_model_dir

    tok = AutoTokenizer.from_pretrained(resolve_model_dir(tokenizer))
    return lambda text: len(tok(text, add_special_tokens=False)["input_ids"])


def _parts(rec: dict[str, Any]) -> tuple[str, str, str, str | None]:
    """(kind, prompt text, completion text, label) of an SFT record or a judge item."""
    if "prompt" in rec and "completion" in rec:
        prompt = "\n".join(m.get("content", "") for m in rec["prompt"])
        completion = "\n".join(m.get("content", "") for m in rec["completion"])
        kind = rec.get("kind", "absolute")
        return kind, prompt, completion, parse(completion, kind).label
    kind = "pairwise" if "response_a" in rec else "absolute"
    fields = ("instruction", "response_a", "response_b") if kind == "pairwise" else ("instruction", "response")
    gold = rec.get("gold") if kind == "pairwise" else rec.get("gold_score")
    return kind, "\n".join(str(rec.get(f) or "") for f in fields), "", None if gold is None else str(gold)


def file_stats(path: str | Path, tokenizer: str | None = None) -> dict[str, Any]:
    """Counts, labels and length percentiles of one JSONL file."""
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    count = _counter(tokenizer)
    kinds, sources, labels = Counter(), Counter(), Counter()
    lengths: dict[str, list[int]] = {"prompt": [], "completion": [], "total": []}
    for rec in read_jsonl(path):
        if not isinstance(rec, dict):
            continue
        kind, prompt, completion, label = _parts(rec)
        kinds[kind] += 1
        sources[str(rec.get("source", "-"))] += 1
        labels[f"{kind}:{label}"] += 1
        p, c = count(prompt), count(completion)
        for key, n in (("prompt", p), ("completion", c), ("total", p + c)):
            lengths[key].append(n)
    pct = {key: ({str(q): int(np.percentile(v, q)) for q in PERCENTILES} | {"mean": round(float(np.mean(v)), 1)})
           if v else {} for key, v in lengths.items()}
    return {"file": str(path), "rows": sum(kinds.values()), "kinds": dict(kinds), "sources": dict(sources),
            "labels": dict(sorted(labels.items())), "unit": f"tokens ({tokenizer})" if tokenizer else "words",
            "lengths": pct}


def format_stats(stats: dict[str, Any]) -> str:
    """A plain-text table of `file_stats`."""
    lines = [f"{stats['file']}: {stats['rows']} rows", f"kinds: {stats['kinds']}", f"sources: {stats['sources']}",
             f"labels: {stats['labels']}", f"lengths in {stats['unit']}:"]
    head = "".join(f"{'p' + str(q):>8}" for q in PERCENTILES) + f"{'mean':>9}"
    lines.append(f"{'':<12}{head}")
    for key, pct in stats["lengths"].items():
        if pct:
            lines.append(f"{key:<12}" + "".join(f"{pct[str(q)]:>8}" for q in PERCENTILES) + f"{pct['mean']:>9}")
    return "\n".join(lines)
