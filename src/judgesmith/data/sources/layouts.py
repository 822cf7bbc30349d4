"""Auto-J pairwise, LLMBar and PandaLM files: the generic loader with each file's column names.

- Auto-J pairwise (`autoj_pairwise.jsonl`): `{scenario, label, prompt, "response 1", "response 2"}`;
  label 0 = response 1 better, 1 = response 2 better, 2 = tie.
- LLMBar (`llmbar/*.json`: Natural and the Processed MT-Bench / FairEval / LLMEval^2 sets):
  `{input, output_1, output_2, label}`, label 1|2, no ties.
- PandaLM (`testset-v1.json`): three annotators, 0 = tie, 1 = response1, 2 = response2; gold is
  their majority (a three-way split has none and is skipped; none occur in testset-v1). The
  non-blank ones of `instruction` and `input` are joined by a blank line (row 466 has a blank
  instruction and its task in `input`); ids are `pandalm-<idx>`.

The first response is position A. None of the files has a rubric: the `helpfulness` preset by
default. Empty responses are kept (`keep_empty`, default True): upstream a model answered nothing
and humans still judged the pair, so they are part of the benchmark (and its counts). JSON
booleans/numbers given as responses are read back as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from judgesmith.data.schema import LoadResult
from judgesmith.data.sources import generic

_NOT_IN_FILE = dict.fromkeys(("id", "reference_answer", "context", "rubric", "feedback", "question_id"))
_PAIR_FILE = {"kind": "pairwise", "keep_empty": True, "coerce": True}

LAYOUTS: dict[str, dict[str, Any]] = {
    "autoj_pairwise": _PAIR_FILE | {
        "columns": _NOT_IN_FILE | {"instruction": "prompt", "response_a": "response 1",
                                   "response_b": "response 2", "label": "label"},
        "labels": {"0": "A", "1": "B", "2": "tie"}},
    "llmbar": _PAIR_FILE | {
        "columns": _NOT_IN_FILE | {"instruction": "input", "response_a": "output_1",
                                   "response_b": "output_2", "label": "label"},
        "labels": {"1": "A", "2": "B"}},
    "pandalm": _PAIR_FILE | {
        "columns": _NOT_IN_FILE | {"id": "idx", "instruction": ("instruction", "input"), "response_a": "response1",
                                   "response_b": "response2", "label": ("annotator1", "annotator2", "annotator3")},
        "labels": {"0": "tie", "1": "A", "2": "B"}, "prefix_ids": True},
}


def llmbar_name(path: str | Path) -> str:
    """`LLMBar_Natural.json` -> `llmbar_natural`, `Processed_MT-Bench.json` -> `llmbar_mt_bench`."""
    stem = Path(path).stem.lower().replace("-", "_")
    for prefix in ("llmbar_", "processed_"):
        stem = stem[len(prefix):] if stem.startswith(prefix) else stem
    return f"llmbar_{stem}"


DEFAULT_NAMES: dict[str, Callable[[Path], str]] = {
    "autoj_pairwise": lambda _: "autoj_pairwise", "llmbar": llmbar_name, "pandalm": lambda _: "pandalm"}


def loader(layout: str) -> Callable[..., LoadResult]:
    """`load(path, **options)` for a named layout; options (`name`, `rubric`, `keep_empty`, ...) override it."""
    config, default_name = LAYOUTS[layout], DEFAULT_NAMES[layout]

    def load(path: str | Path, **options: Any) -> LoadResult:
        options = {**config, **options}
        options["name"] = options.get("name") or default_name(Path(path))
        return generic.load(path, **options)

    load.__doc__ = f"Load a {layout} file: `generic.load` with its column layout (see `sources.layouts`)."
    return load
