"""SummEdits (salesforce/factualNLG, `data/summedits/summedits_<domain>.json[.gz]`): is a summary consistent
with its document?

Rows `{id, doc, summary, label, original_summary, edit_types, split}`; `label` 1 = consistent (gold 5),
0 = inconsistent (gold 1). Every summary is an edit of `original_summary` (consistent edits paraphrase,
inconsistent ones change a fact), so all summaries of one document share its group (`doc_qid`) and the
upstream `split` (`test` 3,695 rows / `evaluation` 986, split by document upstream) decides the side:
train on `test`, bench on `evaluation`. `pairs=True` also emits, per original summary, pairs of a
consistent and an inconsistent edit (about the same length: only the content tells them apart).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, data_files, read_rows, require_mapping, text_field
from judgesmith.data.sources.grounded.common import SUPPORTED, UNSUPPORTED, doc_qid, grounded_example
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

INSTRUCTION = "Summarize the document in the context."
SPLITS = ("test", "evaluation")


def _label(rec: Any) -> int:
    value = rec.get("label")
    if str(value).strip() in ("1", "0"):
        return SUPPORTED if str(value).strip() == "1" else UNSUPPORTED
    raise ValueError(f"'label' must be 1 (consistent) or 0 (inconsistent), got {value!r}")


def load(path: str | Path, *, name: str = "summedits", split: str | None = "evaluation", rubric: Any = "faithfulness",
         max_context_words: int | None = None, pairs: bool = False, pairs_per_summary: int = 2, seed: int = 0,
         absolute: bool = True, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples of one upstream `split` (None: both) from a domain file or their folder;
    `pairs` adds the consistent/inconsistent pairs, `absolute=False` keeps only those."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"summedits split must be one of {SPLITS} or null, got {split!r}")
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    out = LoadResult(source=name)
    for file in data_files(path, ("summedits_*.json", "summedits_*.json.gz")):
        domain = file.name.split(".")[0].removeprefix("summedits_")

        def make(rec: Any, row: int, file: Path = file, domain: str = domain):
            rec = require_mapping(rec)
            if split is not None and rec.get("split") != split:
                return None
            doc = text_field(rec, "doc")
            return grounded_example(name, file.name, row, item_id=f"{name}-{domain}-{row}",
                                    instruction=INSTRUCTION, context=doc, response=text_field(rec, "summary"),
                                    score=_label(rec), rubric=rub, max_context_words=max_context_words)

        part = collect(name, file, read_rows(file), make, strict=strict)
        out.absolute += part.absolute
        out.skipped += part.skipped
        if pairs:
            out.pairwise += _pairs(name, file, read_rows(file), split, pairs_per_summary, seed, out, rub)
    if not absolute:
        out.absolute = []
    if limit is not None:
        out.absolute, out.pairwise = out.absolute[:limit], out.pairwise[:limit]
    return out


def _pairs(name: str, file: Path, rows: Any, split: str | None, per: int, seed: int, out: LoadResult,
           rub: Any) -> list[PairwiseExample]:
    """(consistent edit, inconsistent edit) of one original summary, positions seeded, `per` pairs per original."""
    kept = {ex.item.id for ex in out.absolute}
    groups: dict[str, dict[int, list]] = {}
    for row, rec in rows:
        if not isinstance(rec, dict) or (split is not None and rec.get("split") != split):
            continue
        domain = file.name.split(".")[0].removeprefix("summedits_")
        if f"{name}-{domain}-{row}" not in kept or not isinstance(rec.get("original_summary"), str):
            continue
        groups.setdefault(rec["original_summary"], {}).setdefault(_label(rec), []).append((row, rec))
    rng, made = random.Random(f"{seed}:{file.name}"), []
    for original, by_label in groups.items():
        good, bad = by_label.get(SUPPORTED, []), by_label.get(UNSUPPORTED, [])
        combos = [(g, b) for g in good for b in bad]
        for (grow, g), (brow, b) in rng.sample(combos, min(per, len(combos))):
            a_first = rng.random() < 0.5
            ra, rb = (g["summary"], b["summary"]) if a_first else (b["summary"], g["summary"])
            domain = file.name.split(".")[0].removeprefix("summedits_")
            item = PairwiseItem(id=f"{name}-pair-{domain}-{grow}-{brow}", instruction=INSTRUCTION, response_a=ra,
                                response_b=rb, rubric=rub, context=g["doc"])
            made.append(PairwiseExample(item, "A" if a_first else "B",
                                        Provenance(name, file.name, grow, doc_qid(name, g["doc"]))))
    return made
