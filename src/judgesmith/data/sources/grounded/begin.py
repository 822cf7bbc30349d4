"""BEGIN (google/BEGIN-dataset, `<subset>/begin_{dev,test}_<subset>.tsv[.gz]`): is a dialogue response
attributable to the knowledge snippet the system was given?

TSV columns `model_name, data_source, knowledge, message, response, begin_label`. `Fully attributable`
-> 5, `Not fully attributable` -> 1; `Generic` responses ("that's cool!") make no claim to check, so
they are skipped with that reason. The previous message is the instruction, the knowledge the context.
A folder reads every subset (CMU-DoG, TopicalChat, WoW; licences per subset: CC BY 4.0, CDLA-Sharing).
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any, Iterator

from judgesmith.data.schema import LoadResult
from judgesmith.data.sources._common import collect_files, data_files, require_mapping, text_field
from judgesmith.data.sources.grounded.common import SUPPORTED, UNSUPPORTED, grounded_example, mapped_label
from judgesmith.rubrics import resolve_rubric

LABELS = {"Fully attributable": SUPPORTED, "Not fully attributable": UNSUPPORTED}
GENERIC = "Generic"


def tsv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(row, record) of a tab-separated file with a header line (gzip when it ends in .gz)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    yield from enumerate(reader)


def load(path: str | Path, *, name: str = "begin", rubric: Any = "faithfulness", max_context_words: int | None = None,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples from one BEGIN file or every `begin_*.tsv[.gz]` under a folder."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")

    def maker(file: Path):
        stem = file.name.split(".")[0]

        def make(rec: Any, row: int):
            rec = require_mapping(rec)
            label = (rec.get("begin_label") or "").strip()
            if label == GENERIC:
                raise ValueError("Generic response: it makes no claim to check against the knowledge")
            score = mapped_label({"begin_label": label}, "begin_label", LABELS)
            return grounded_example(name, file.name, row, item_id=f"{name}-{stem}-{row}",
                                    instruction=text_field(rec, "message"), context=text_field(rec, "knowledge"),
                                    response=text_field(rec, "response"), score=score, rubric=rub,
                                    max_context_words=max_context_words)
        return make

    files = data_files(path, ("begin_*.tsv", "begin_*.tsv.gz"))
    return collect_files(name, files, tsv_rows, maker, strict=strict, limit=limit)
