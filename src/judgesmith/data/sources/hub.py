"""Rows from a local json/jsonl/parquet file or, when online, a Hugging Face hub dataset id.

Used by the Feedback/Preference Collection loaders. The hub path needs internet and is
never taken by tests or the default recipe; local files are read without `datasets`
except parquet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from judgesmith.data.sources._common import read_rows


def rows_from(path_or_id: str | Path, split: str = "train") -> tuple[str, Iterator[tuple[int, Any]]]:
    """(file label, (row, record) iterator) for a local file or a hub id like `prometheus-eval/Feedback-Collection`."""
    path = Path(path_or_id)
    if path.is_file():
        if path.suffix.lower() == ".parquet":
            from datasets import Dataset

            return path.name, enumerate(Dataset.from_parquet(str(path)))
        return path.name, read_rows(path)
    text = str(path_or_id)
    if path.exists() or text.count("/") != 1 or text.startswith((".", "/")):
        raise FileNotFoundError(f"{text} is neither a json/jsonl/parquet file nor a hub dataset id (owner/name)")
    from datasets import load_dataset

    return f"{text}:{split}", enumerate(load_dataset(text, split=split))
