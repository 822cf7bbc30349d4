"""What every grounded loader shares: the binary gold, the context budget, document ids, held-out parts.

A grounded item asks "is this response supported by its context?". Loaders write it as an ordinary
absolute item (`context` set, the `faithfulness` preset) whose gold is 5 (supported) or 1 (not
supported); three-way sets say how their middle label maps (WiCE partially supported -> 3). A binary
benchmark reads "supported" as gold >= 4 (`metrics.binary.supported`).

Two rules keep benchmarks honest:
- Grouping is by document: `Provenance.question_id` is a hash of the context, so decontamination and
  every split keep all responses to one document on the same side.
- A context over the loader's `max_context_words` budget is skipped with that reason (reported, never
  cut): cutting a document can remove the evidence and flip the gold.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping

from judgesmith.data.schema import AbsoluteExample, Provenance
from judgesmith.data.sources._common import normalize
from judgesmith.records import AbsoluteItem, Rubric

SUPPORTED, PARTIAL, UNSUPPORTED = 5, 3, 1
PARTS = ("train", "heldout")


def doc_qid(source: str, context: str) -> str:
    """The grouping key of a grounded row: its source and a hash of its (normalized) context."""
    return f"{source}:doc:{hashlib.sha1(normalize(context).encode()).hexdigest()[:12]}"


def join_passages(value: Any, where: str = "context") -> str:
    """A list of passages (strings, or objects with `text` and optional `title`) as one text, blank-line separated."""
    if isinstance(value, str):
        parts = [value]
    elif isinstance(value, (list, tuple)):
        parts = []
        for p in value:
            if isinstance(p, dict):
                text = p.get("text")
                if not isinstance(text, str):
                    raise ValueError(f"{where}: a passage has no text")
                title = p.get("title")
                parts.append(f"{title}\n{text}" if isinstance(title, str) and title.strip() else text)
            elif isinstance(p, str):
                parts.append(p)
            else:
                raise ValueError(f"{where}: a passage is {type(p).__name__}, not text")
    else:
        raise ValueError(f"{where} must be text or a list of passages, got {type(value).__name__}")
    text = "\n\n".join(p.strip() for p in parts if p.strip())
    if not text:
        raise ValueError(f"{where} is empty")
    return text


def check_budget(context: str, max_context_words: int | None) -> None:
    """Refuse (skip, with the reason) a context longer than the budget instead of cutting it."""
    if max_context_words is not None:
        words = len(context.split())
        if words > max_context_words:
            raise ValueError(f"context has {words} words, over the budget of {max_context_words} "
                             "(max_context_words; never cut: cutting can remove the evidence)")


def in_part(key: str, part: str | None, heldout_fraction: float) -> bool:
    """Whether a group key (a question or document id) falls in `part`: a stable hash split, None = all."""
    if part is None:
        return True
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS} or null, got {part!r}")
    bucket = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return (bucket < heldout_fraction) == (part == "heldout")


def grounded_example(source: str, file: str, row: int, *, item_id: str, instruction: str, context: str,
                     response: str, score: int, rubric: Rubric, max_context_words: int | None = None,
                     language: str | None = None) -> AbsoluteExample:
    """One absolute grounded example (budget checked, grouped by its document)."""
    if not response.strip():
        raise ValueError("empty response")
    check_budget(context, max_context_words)
    item = AbsoluteItem(id=item_id, instruction=instruction, response=response, rubric=rubric, context=context,
                        language=language)
    return AbsoluteExample(item, float(score), Provenance(source, file, row, doc_qid(source, context)),
                           gold_scores=(score,))


def mapped_label(rec: Mapping[str, Any], key: str, scores: Mapping[str, int | None]) -> int | None:
    """The gold score of a row's label (None: a label the loader was told to skip); unknown labels raise."""
    label = rec.get(key)
    if label not in scores:
        raise ValueError(f"{key!r} must be one of {sorted(scores)}, got {label!r}")
    return scores[label]
