"""Read SFT JSONL (TRL's conversational prompt-completion format) for training.

Bad rows are reported and skipped. Examples longer than `max_length` are dropped
rather than truncated: TRL keeps the start of a sequence, so truncation would cut
the completion and its `[RESULT]` label, teaching the model to stop mid-feedback.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger(__name__)

ROLES = ("system", "user", "assistant")


def _check_messages(value: Any, field: str, roles: tuple[str, ...]) -> Optional[str]:
    if not isinstance(value, list) or not value:
        return f"'{field}' must be a non-empty list of messages"
    for i, msg in enumerate(value):
        if not isinstance(msg, dict) or not isinstance(msg.get("content"), str):
            return f"'{field}[{i}]' must be an object with a string 'content'"
        if msg.get("role") not in roles:
            return f"'{field}[{i}]' role must be one of {list(roles)}, got {msg.get('role')!r}"
    return None


def row_error(row: Any) -> Optional[str]:
    """Why a row cannot be trained on, or None when it is fine."""
    if not isinstance(row, dict):
        return "not a JSON object"
    problem = _check_messages(row.get("prompt"), "prompt", ("system", "user"))
    if problem is None:
        problem = _check_messages(row.get("completion"), "completion", ("assistant",))
    if problem is None and not row["completion"][-1]["content"].strip():
        problem = "empty completion"
    return problem


def read_sft_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Rows of an SFT JSONL file as `{"prompt", "completion"[, "id", "source"]}` dicts; bad lines are logged
    and skipped."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"training data {path} not found; run `judgesmith data build` or fix the recipe")
    rows, bad = [], 0
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                problem = f"invalid JSON ({exc.msg})"
            else:
                problem = row_error(row)
            if problem:
                bad += 1
                log.warning("%s line %d: %s; skipped", path.name, lineno, problem)
                continue
            kept = {"prompt": row["prompt"], "completion": row["completion"]}
            for key in ("id", "source"):
                if isinstance(row.get(key), str):
                    kept[key] = row[key]
            rows.append(kept)
    if bad:
        log.warning("%s: skipped %d bad line(s), kept %d", path, bad, len(rows))
    if not rows:
        raise ValueError(f"{path} holds no usable SFT examples")
    return rows


def token_length(tokenizer: Any, row: dict[str, Any]) -> int:
    """Tokens of prompt + completion through the chat template, as TRL will tokenize them."""
    ids = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=True, return_dict=True)
    return len(ids["input_ids"])


SWAP_SUFFIX = "#swap"


def _groups(rows: list[dict[str, Any]], seed: int) -> list[list[int]]:
    """Row indices grouped so a pair and its swapped copy (`<id>#swap`) are chosen together, seeded order."""
    by_key: dict[Any, list[int]] = {}
    for i, row in enumerate(rows):
        rid = row.get("id")
        key = rid[: -len(SWAP_SUFFIX)] if isinstance(rid, str) and rid.endswith(SWAP_SUFFIX) else (rid or i)
        by_key.setdefault(key, []).append(i)
    groups = list(by_key.values())
    random.Random(seed).shuffle(groups)
    return groups


def _label(row: dict[str, Any]) -> str:
    """The gold label a row teaches: the text after its completion's last `[RESULT] `."""
    return row["completion"][-1]["content"].rsplit("[RESULT]", 1)[-1].strip()


def balance_by_label(groups: list[list[int]], rows: list[dict[str, Any]]) -> list[list[int]]:
    """The groups interleaved round-robin by label (each label's groups keep their seeded order).

    A token budget far smaller than the file then takes every label about equally often while
    rare labels last, instead of the source's label skew (Auto-J critiques are mostly 1-3, arena
    grades mostly 1 and 5), which teaches a tiny judge a prior instead of a distinction.
    """
    return _round_robin(groups, [_label(rows[g[0]]) for g in groups])


def _round_robin(groups: list[list[int]], keys: list[str]) -> list[list[int]]:
    buckets: dict[str, list[list[int]]] = {}
    for group, key in zip(groups, keys):
        buckets.setdefault(key, []).append(group)
    order: list[list[int]] = []
    queues = [buckets[key] for key in sorted(buckets)]
    for rank in range(max((len(q) for q in queues), default=0)):
        order.extend(q[rank] for q in queues if rank < len(q))
    return order


def pair_words(row: dict[str, Any]) -> Optional[tuple[int, int]]:
    """Words of Response A and B in a pairwise row's prompt (judgesmith's relative prompt); None if absent."""
    user = row["prompt"][-1]["content"]
    if "###Response A:\n" not in user or "\n\n###Response B:\n" not in user:
        return None
    head, b = user.split("###Response A:\n", 1)[1].rsplit("\n\n###Response B:\n", 1)
    for marker in ("\n\n###Reference Answer:\n", "\n\n###Score Rubric:\n"):
        if marker in b:
            b = b.rsplit(marker, 1)[0]
    return len(head.split()), len(b.split())


def _longer_wins(row: dict[str, Any]) -> str:
    words, label = pair_words(row), _label(row)
    if words is None or words[0] == words[1] or label not in ("A", "B"):
        return "neither"
    return "longer" if (label == "A") == (words[0] > words[1]) else "shorter"


def balance_by_length(groups: list[list[int]], rows: list[dict[str, Any]]) -> list[list[int]]:
    """Pairs whose winner is the longer response take turns with pairs whose winner is the shorter one.

    Preference data favours the longer answer (AlpacaEval, arena), so a small judge trained on it
    learns "longer wins" first; with the two kinds in equal numbers length no longer predicts the
    label and whatever the judge learns must come from content. Equal lengths form a third bucket.
    """
    return _round_robin(groups, [_longer_wins(rows[g[0]]) for g in groups])


def fit_length(rows: list[dict[str, Any]], tokenizer: Any, max_length: int, limit: Optional[int],
               seed: int, name: str, required: bool = True, max_tokens: Optional[int] = None,
               balance_labels: bool = False, balance_length: bool = False) -> list[dict[str, Any]]:
    """Up to `limit` examples (and up to `max_tokens` tokens in all) that fit in `max_length`, seeded order.

    Files may be grouped by source, so never just the head; rows are tokenized only until the
    example or token budget is spent, so large files stay cheap. The token budget is what CPU
    training time is proportional to: the first example that would overrun it ends the selection.
    Swap-augmented pairs stay together: both orders of a pair are what teaches position invariance.
    With `balance_labels`, labels take turns (`balance_by_label`); with `balance_length`, pairs won
    by the longer and by the shorter response do (`balance_by_length`).
    """
    if balance_labels and balance_length:
        raise ValueError("choose one of balance_labels and balance_length (pairwise labels are balanced by swap)")
    kept, dropped, tokens = [], 0, 0
    groups = _groups(rows, seed)
    if balance_labels:
        groups = balance_by_label(groups, rows)
    if balance_length:
        groups = balance_by_length(groups, rows)
    for group in groups:
        lengths = [token_length(tokenizer, rows[i]) for i in group]
        fits = [i for i, n in zip(group, lengths) if n <= max_length]
        dropped += len(group) - len(fits)
        cost = sum(n for n in lengths if n <= max_length)
        if not fits:
            continue
        if max_tokens is not None and tokens + cost > max_tokens:
            break
        if limit is not None and len(kept) + len(fits) > limit:
            kept.extend(rows[i] for i in fits[: limit - len(kept)])
            break
        kept.extend(rows[i] for i in fits)
        tokens += cost
        if limit is not None and len(kept) >= limit:
            break
    if dropped:
        log.warning("%s: dropped %d example(s) longer than max_length=%d tokens", name, dropped, max_length)
    if max_tokens is not None:
        log.info("%s: %d examples, %d tokens (budget %d)", name, len(kept), tokens, max_tokens)
    if not kept and required:
        raise ValueError(f"{name}: no example fits in max_length={max_length} tokens; raise training.max_length")
    return kept


def load_split(path: Path, tokenizer: Any, max_length: int, limit: Optional[int], seed: int,
               required: bool = True, max_tokens: Optional[int] = None, balance_labels: bool = False,
               balance_length: bool = False) -> Any:
    """A `datasets.Dataset` of prompt/completion conversations that fit the length budget.

    An optional split (eval) where nothing fits gives None and a warning instead of an error.
    """
    from datasets import Dataset

    rows = fit_length(read_sft_jsonl(path), tokenizer, max_length, limit, seed, path.name, required, max_tokens,
                      balance_labels, balance_length)
    if not rows:
        log.warning("%s: no example fits in max_length=%d tokens; training without it", path, max_length)
        return None
    log.info("%s: %d examples", path, len(rows))
    return Dataset.from_list([{"prompt": r["prompt"], "completion": r["completion"], "source": str(r.get("source", ""))}
                              for r in rows])


def take_sources(dataset: Any) -> tuple[Any, dict[str, int]]:
    """The dataset without its `source` column (the trainer takes prompt/completion only), and how many
    examples each source gave: the training record names the files that really trained the model.
    Rows without a source (an SFT file written by hand) are not counted under an empty name."""
    if dataset is None or "source" not in dataset.column_names:
        return dataset, {}
    counts: dict[str, int] = {}
    for name in dataset["source"]:
        if name:
            counts[name] = counts.get(name, 0) + 1
    return dataset.remove_columns("source"), dict(sorted(counts.items()))


def find_manifest(train_file: Path) -> Optional[Path]:
    """The data build's manifest.json beside the file or one folder up (`<out>/<kind>/train.jsonl`)."""
    for folder in (train_file.parent, train_file.parent.parent):
        candidate = folder / "manifest.json"
        if candidate.is_file():
            return candidate
    return None
