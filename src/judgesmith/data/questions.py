"""Question identity across files: which records ask the same question.

Sources namespace their own question ids (`mt_bench:81`, `llmbar_mt_bench:<hash>`), but
MT-Bench and Vicuna questions recur in several files (Prometheus MT-Bench/Vicuna eval,
LLMBar Processed MT-Bench, FairEval). `canonical_ids` finds the FastChat MT-Bench/Vicuna
questions quoted in a text, so those records share `mt_bench:<id>` / `vicuna:<id>` keys;
`question_keys` adds the record's own id, a hash of its normalized instruction and the ids the
record says it is a translation of (`Provenance.same_as`: a Japanese MT-Bench question -> `mt_bench:<id>`).
Splitting and decontamination both compare records by these keys.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from judgesmith.data.sources._common import normalize

log = logging.getLogger(__name__)

FASTCHAT = {"mt_bench": "fastchat/mt_bench_question.jsonl", "vicuna": "fastchat/vicuna_bench_question.jsonl"}
MIN_WORDS = 5  # shorter first turns are too generic to identify a question inside another text
_KEY_WORDS = 4


@lru_cache(maxsize=4)
def fastchat_questions(data_root: str | None = None) -> dict[str, tuple[str, ...]]:
    """normalized first turn -> its ids (`mt_bench:<id>`, `vicuna:<id>`), from the FastChat files if present.

    One text can have two ids: MT-Bench 81 and 130 are Vicuna 77 and 67 verbatim.
    """
    from judgesmith.paths import data_dir

    root = Path(data_root) if data_root else data_dir()
    index: dict[str, tuple[str, ...]] = {}
    for bench, rel in FASTCHAT.items():
        path = root / rel
        if not path.is_file():
            log.debug("no %s; MT-Bench/Vicuna questions matched by text hash only", path)
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                text = normalize(rec["turns"][0])
                if len(text.split()) >= MIN_WORDS:
                    index[text] = index.get(text, ()) + (f"{bench}:{rec['question_id']}",)
    return index


@lru_cache(maxsize=4)
def _by_prefix(data_root: str | None) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for text, qids in fastchat_questions(data_root).items():
        out.setdefault(" ".join(text.split()[:_KEY_WORDS]), []).append((text, qids))
    return out


def canonical_ids(text: str, data_root: str | None = None) -> set[str]:
    """FastChat question ids whose first turn appears (word-aligned) inside `text`."""
    words = normalize(text).split()
    padded = f" {' '.join(words)} "
    prefixes = _by_prefix(data_root)
    found: set[str] = set()
    for i in range(max(0, len(words) - _KEY_WORDS + 1)):
        for question, qids in prefixes.get(" ".join(words[i:i + _KEY_WORDS]), ()):
            if f" {question} " in padded:
                found.update(qids)
    return found


def text_key(text: str) -> str:
    return "text:" + hashlib.sha1(normalize(text).encode()).hexdigest()[:16]


def question_keys(question_id: str, instruction: str, data_root: str | None = None,
                  same_as: Iterable[str] = ()) -> set[str]:
    """Every key that identifies a record's question: own id, text hash, FastChat ids quoted in it, and
    `same_as` (the ids of the question it translates: no text match can find those)."""
    return {question_id, text_key(instruction), *canonical_ids(instruction, data_root), *same_as}


def example_keys(ex: Any, text: str | None = None, data_root: str | None = None) -> set[str]:
    """`question_keys` of a labelled example (its provenance's id and `same_as`; `text`: its instruction)."""
    prov = ex.provenance
    return question_keys(prov.question_id, ex.item.instruction if text is None else text, data_root,
                         getattr(prov, "same_as", ()))
