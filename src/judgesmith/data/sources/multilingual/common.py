"""What the multilingual loaders share: reading a folder's JSONL files (plain or `.gz`), cutting the
verdict off a judge's free-text judgment, and the held-out split by question.

Japanese judgments end their last sentence with `。` and no space, and state the verdict as
`評価：[[7]]` or `...私の評価は[[B]]です。`; `strip_verdict` removes that sentence so the kept feedback
never contradicts the (mapped) label.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from judgesmith.data.sources._common import read_rows

_VERDICT = re.compile(r"\[\[\s*(?:[0-9.]+|[AB]|C|tie)\s*\]\]")
_SENTENCE_END = re.compile(r"[。．！？!?]|[.]\s|\n")


def strip_verdict(judgment: str) -> str:
    """The judgment without the sentence holding its last `[[x]]` verdict (and anything after it)."""
    matches = list(_VERDICT.finditer(judgment))
    if not matches:
        return judgment.strip()
    start = matches[-1].start()
    ends = [m.end() for m in _SENTENCE_END.finditer(judgment, 0, start)]
    return judgment[:ends[-1] if ends else 0].strip()


def rows_of(folder: Path, stem: str) -> Iterator[tuple[int, Any]]:
    """Rows of `folder/stem` or `folder/stem.gz`, whichever is there."""
    for path in (folder / stem, folder / f"{stem}.gz"):
        if path.is_file():
            return read_rows(path)
    raise FileNotFoundError(f"{folder / stem}[.gz] does not exist")
