"""The compare store: everything a leaderboard is computed from, so it is redrawn without re-judging.

Layout of `OUT/`:
- `compare.json`: the judge (a label), its mode, the rubric, the baseline, the models in the order added and
  an optional reference ranking. Fixed at the first run: a later run with another judge, mode, rubric or
  baseline is refused (its verdicts would not be comparable).
- `prompts.jsonl`: the prompts (id, instruction, category, reference answer), merged over runs.
- `outputs/<model>.jsonl`: `{"id", "output"}`, the outputs last judged for that model.
- `verdicts/<model>/pairwise.jsonl` (the model against the baseline, both orders, model in position A)
  and `verdicts/<model>/absolute.jsonl` (1-5 grades): `Verdict` records, appended as batches finish.

A verdict's id is `<prompt id>#<hash of the texts judged>`, so a model whose output for a prompt changed
(a new checkpoint under an old name, a new baseline output) is judged again, and a stale verdict is
never read as the new one's. `JudgeEvalCallback(store=...)` writes this same layout.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from judgesmith.bench.store import VerdictStore, safe_name
from judgesmith.compare.inputs import ModelOutputs, Question
from judgesmith.jsonio import read_jsonl, write_jsonl_atomic
from judgesmith.records import Verdict

KINDS = ("pairwise", "absolute")
FIXED = ("judge", "mode", "rubric", "baseline")


def text_key(question_id: str, *texts: str) -> str:
    """`<id>#<10 hex digits>`: the prompt id and a hash of every text the judge reads for it."""
    digest = hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()[:10]
    return f"{question_id}#{digest}"


def pair_key(q: Question, output: str, baseline_output: str) -> str:
    return text_key(q.id, q.instruction, q.reference_answer or "", output, baseline_output)


def grade_key(q: Question, output: str) -> str:
    return text_key(q.id, q.instruction, q.reference_answer or "", output)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class CompareStore:
    """Read and write one compare folder (see the module doc for the layout)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.verdict_files = VerdictStore(self.root / "verdicts")

    @property
    def meta_path(self) -> Path:
        return self.root / "compare.json"

    def meta(self) -> dict[str, Any]:
        if not self.meta_path.is_file():
            return {}
        return json.loads(self.meta_path.read_text(encoding="utf-8"))

    def exists(self) -> bool:
        return self.meta_path.is_file()

    def open(self, **fixed: str) -> dict[str, Any]:
        """Create the store, or check that `fixed` (judge, mode, rubric, baseline) match the stored ones."""
        meta = self.meta()
        for key, value in fixed.items():
            if key not in FIXED:
                raise ValueError(f"unknown store setting {key!r}")
            if meta.get(key) is not None and value is not None and meta[key] != value:
                raise ValueError(f"{self.root} holds verdicts with {key} {meta[key]!r}, not {value!r}; "
                                 f"use the same {key} or another --out")
        meta = {**{k: v for k, v in fixed.items() if v is not None}, **meta}
        meta.setdefault("models", [])
        self.root.mkdir(parents=True, exist_ok=True)
        _write_json(self.meta_path, meta)
        return meta

    def update_meta(self, **values: Any) -> None:
        _write_json(self.meta_path, {**self.meta(), **values})

    def questions(self) -> dict[str, Question]:
        return {str(d["id"]): Question(str(d["id"]), d["instruction"], d.get("category"), d.get("reference_answer"))
                for d in read_jsonl(self.root / "prompts.jsonl") if isinstance(d, dict) and "id" in d}

    def save_questions(self, questions: Iterable[Question]) -> None:
        merged = self.questions()
        merged.update({q.id: q for q in questions})
        write_jsonl_atomic(self.root / "prompts.jsonl", [q.to_dict() for q in merged.values()])

    def _outputs_path(self, name: str) -> Path:
        return self.root / "outputs" / f"{safe_name(name)}.jsonl"

    def save_outputs(self, model: ModelOutputs) -> None:
        """Record (or replace) a model's outputs and add it to the store's models."""
        names = self.meta().get("models", [])
        clash = [n for n in names if n != model.name and safe_name(n) == safe_name(model.name)]
        if clash:
            raise ValueError(f"model names {model.name!r} and {clash[0]!r} map to the same file; rename one")
        write_jsonl_atomic(self._outputs_path(model.name), [{"id": k, "output": v} for k, v in model.outputs.items()])
        if model.name not in names:
            self.update_meta(models=[*names, model.name])

    def models(self) -> list[ModelOutputs]:
        out = []
        for name in self.meta().get("models", []):
            rows = read_jsonl(self._outputs_path(name))
            out.append(ModelOutputs(name, {str(d["id"]): d["output"] for d in rows if isinstance(d, dict)}))
        return out

    def verdicts(self, model: str, kind: str) -> dict[str, Verdict]:
        return self.verdict_files.load(model, _kind(kind))

    def append(self, model: str, kind: str, verdicts: Sequence[Verdict]) -> None:
        if verdicts:
            self.verdict_files.append(model, _kind(kind), verdicts)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind
