"""KUDGE false-information sets (guijinSON/kudge, `data/k2-eval-{pairwise,pointwise}-falseinfo.csv[.gz]`):
Korean answers with one false fact written into them, against the original answer.

Pairwise rows `{instruction, original_response, response_with_false_info, false_info, winner, ...}`
(54): gold = the original answer (upstream `winner` names its position in `judge_query`). Pointwise rows
`{instruction, response, original_human_score, corrupted_sequence, judge_query}` (54, the same rows in
the same order): `response` is the corrupted answer; `judge_query` is a Prometheus prompt with the row's
Korean rubric and reference answer. Upstream gives the corrupted answer no score of its own (the test is
whether a judge scores it below the original's human score, 4.5 or 5), so `kind: absolute` writes
each pointwise row as two binary items under its own rubric and reference: the original answer (from
the pairwise row) gold 5, the corrupted one gold 1; read as binary (supported = 5).
Rows whose two answers are the same text apart from whitespace (2) are skipped: nothing to tell apart.
`language` "ko"; question id from the instruction (30 questions). MIT.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, read_bytes, require_mapping, text_field, text_qid
from judgesmith.data.sources.prometheus_format import split_absolute_prompt
from judgesmith.data.swap import balance
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import resolve_rubric

PAIRWISE, POINTWISE = "k2-eval-pairwise-falseinfo.csv", "k2-eval-pointwise-falseinfo.csv"
KINDS = ("pairwise", "absolute")


def read_csv(folder: Path, stem: str) -> list[dict[str, str]]:
    """The rows of `folder/stem` or `folder/stem.gz` as dicts (a header row names the fields)."""
    for path in (folder / stem, folder / f"{stem}.gz"):
        if path.is_file():
            return list(csv.DictReader(io.StringIO(read_bytes(path).decode("utf-8-sig"))))
    raise FileNotFoundError(f"{folder / stem}[.gz] does not exist")


def answers(rec: dict[str, str]) -> tuple[str, str]:
    """(original, corrupted) answers of a pairwise row; identical texts are a ValueError."""
    original = text_field(rec, "original_response").strip()
    corrupted = text_field(rec, "response_with_false_info").strip()
    if " ".join(original.split()) == " ".join(corrupted.split()):
        raise ValueError("the original and the false-information answer are the same text")
    return original, corrupted


def load(path: str | Path, *, name: str = "kudge", kind: str = "pairwise", rubric: Any = "factual_validity",
         seed: int = 0, strict: bool = False, limit: int | None = None) -> LoadResult:
    """KUDGE false-information pairs (`kind: pairwise`) or binary absolute items (`kind: absolute`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    folder = Path(path)
    pairs = read_csv(folder, PAIRWISE)
    if kind == "pairwise":
        return _load_pairs(name, pairs, resolve_rubric(rubric, where=f"{name} rubric"), seed, strict, limit)
    return _load_absolute(name, pairs, read_csv(folder, POINTWISE), strict, limit)


def _load_pairs(name: str, rows: list[dict[str, str]], rub: Any, seed: int, strict: bool,
                limit: int | None) -> LoadResult:
    def make(rec: Any, row: int) -> PairwiseExample:
        original, corrupted = answers(require_mapping(rec))
        question = text_field(rec, "instruction").strip()
        item = PairwiseItem(id=f"{name}-pair-{row}", instruction=question, response_a=original, response_b=corrupted,
                            rubric=rub, language="ko")
        return PairwiseExample(item, "A", Provenance(name, PAIRWISE, row, text_qid(name, question)))

    result = collect(name, PAIRWISE, enumerate(rows), make, strict=strict, limit=limit)
    result.pairwise = balance(result.pairwise, seed)
    return result


def _load_absolute(name: str, pairs: list[dict[str, str]], points: list[dict[str, str]], strict: bool,
                   limit: int | None) -> LoadResult:
    if len(pairs) != len(points):
        raise ValueError(f"{POINTWISE} has {len(points)} rows, {PAIRWISE} {len(pairs)}: they must match row by row")

    def make(rec: Any, row: int) -> list[AbsoluteExample]:
        rec = require_mapping(rec)
        original, corrupted = answers(pairs[row])
        if " ".join(text_field(rec, "response").split()) != " ".join(corrupted.split()):
            raise ValueError(f"the corrupted answer differs from row {row} of {PAIRWISE}")
        parts = split_absolute_prompt(text_field(rec, "judge_query"))
        question = text_field(rec, "instruction").strip()
        prov = Provenance(name, POINTWISE, row, text_qid(name, question))
        return [AbsoluteExample(AbsoluteItem(id=f"{name}-{row}-{tag}", instruction=question, response=text,
                                             rubric=parts.rubric, reference_answer=parts.reference_answer,
                                             language="ko"), float(score), prov, gold_scores=(score,))
                for tag, text, score in (("original", original, 5), ("false", corrupted, 1))]

    return collect(name, POINTWISE, enumerate(points), make, strict=strict, limit=limit)
