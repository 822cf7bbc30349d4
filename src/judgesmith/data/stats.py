"""`data stats`: what is in a JSONL file of SFT records (or judge items), or a whole build folder.

For a file: counts per kind and source, the label distribution (the `[RESULT]` of each completion,
or `gold`/`gold_score` for item files) and length percentiles of prompt, completion and both.
For a `data build` folder: the mix per split and source (rows, labels, label-only rows and
p10/p50/p90 of prompt + completion length). Lengths are tokens of a given tokenizer (message
contents, without the chat template's own tokens) or, without one, whitespace words.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable

from judgesmith.jsonio import read_jsonl
from judgesmith.parsing import parse

PERCENTILES = (50, 90, 95, 99, 100)


MIX_PERCENTILES = (10, 50, 90)


def _batch_counter(tokenizer: str | None) -> Callable[[list[str]], list[int]]:
    """Lengths of many texts at once (a fast tokenizer batches them)."""
    if tokenizer is None:
        return lambda texts: [len(t.split()) for t in texts]
    from transformers import AutoTokenizer

    from judgesmith.models import resolve_model_dir

    tok = AutoTokenizer.from_pretrained(resolve_model_dir(tokenizer))
    return lambda texts: [len(ids) for ids in tok(texts, add_special_tokens=False)["input_ids"]] if texts else []


def _counter(tokenizer: str | None) -> Callable[[str], int]:
    count = _batch_counter(tokenizer)
    return lambda text: count([text])[0]


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


def folder_stats(folder: str | Path, tokenizer: str | None = None) -> dict[str, Any]:
    """The mix of a `data build` folder: split -> source -> rows, labels, label-only rows, length percentiles."""
    import numpy as np

    from judgesmith.data.transforms import is_label_only, label_of

    folder = Path(folder)
    files = sorted(folder.glob("*/*.jsonl"))
    if not files:
        raise FileNotFoundError(f"{folder} holds no <kind>/<split>.jsonl files; is it a `data build` output?")
    count = _batch_counter(tokenizer)
    splits: dict[str, dict[str, dict[str, Any]]] = {}
    for path in files:
        recs = [r for r in read_jsonl(path) if isinstance(r, dict) and "prompt" in r and "completion" in r]
        texts = ["\n".join(m.get("content", "") for m in r["prompt"] + r["completion"]) for r in recs]
        for rec, n in zip(recs, count(texts)):
            row = splits.setdefault(path.stem, {}).setdefault(f"{rec.get('source', '-')}", {
                "kind": rec.get("kind", path.parent.name), "rows": 0, "label_only": 0, "labels": Counter(), "n": []})
            row["rows"] += 1
            row["label_only"] += int(is_label_only(rec))
            row["labels"][label_of(rec)] += 1
            row["n"].append(n)
    for sources in splits.values():
        for row in sources.values():
            lengths = row.pop("n")
            row["labels"] = dict(sorted(row["labels"].items()))
            row["lengths"] = {f"p{q}": int(np.percentile(lengths, q)) for q in MIX_PERCENTILES}
    unit = f"tokens ({tokenizer})" if tokenizer else "words"
    return {"folder": str(folder), "unit": unit, "splits": {k: dict(sorted(v.items())) for k, v in splits.items()}}


def format_folder_stats(stats: dict[str, Any]) -> str:
    """A plain-text table per split of `folder_stats`."""
    lines = [f"{stats['folder']}: lengths of prompt + completion in {stats['unit']}"]
    head = f"{'source':<20}{'kind':<10}{'rows':>7}{'label-only':>11}" + "".join(
        f"{'p' + str(q):>7}" for q in MIX_PERCENTILES) + "  labels"
    for split in sorted(stats["splits"], key=lambda s: (s != "train", s)):
        sources = stats["splits"][split]
        lines += ["", f"{split}: {sum(r['rows'] for r in sources.values())} rows", head]
        for name, row in sources.items():
            lines.append(f"{name:<20}{row['kind']:<10}{row['rows']:>7}{row['label_only']:>11}"
                         + "".join(f"{row['lengths']['p' + str(q)]:>7}" for q in MIX_PERCENTILES)
                         + "  " + " ".join(f"{k}:{v}" for k, v in row["labels"].items()))
    return "\n".join(lines)
