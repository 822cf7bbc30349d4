"""What `judgesmith compare` reads: the prompts, and each model's outputs joined to them.

- Prompts: JSONL `{"id", "instruction", "category"?, "reference_answer"?}` (`prompt` is accepted for
  `instruction`). Optional when every outputs file has AlpacaEval's shape: its instructions are the prompts.
- Outputs: JSONL `{"id", "output"}` joined by id, or AlpacaEval's `model_outputs.json` shape
  `{"instruction", "output", "generator", "dataset"?}` (a JSON list, or JSONL) joined by instruction.
  The model's name is `NAME=` before the path, else the file's one `generator`, else the file stem.

Errors name the file and line to fix; an output for a prompt that is not in the prompt set is an error
(a typo in an id would otherwise silently shrink the comparison).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence


@dataclass(frozen=True)
class Question:
    """One prompt every model answered: `category` groups the per-category win rates."""

    id: str
    instruction: str
    category: str | None = None
    reference_answer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True)
class ModelOutputs:
    """A model's outputs by prompt id."""

    name: str
    outputs: dict[str, str]


def instruction_id(instruction: str) -> str:
    """A stable prompt id for AlpacaEval-shaped rows that carry none: a hash of the instruction."""
    return hashlib.sha1(instruction.strip().encode("utf-8")).hexdigest()[:12]


def _rows(path: Path) -> list[tuple[int, Any]]:
    """(line number, object) of a JSONL file, or (index + 1, object) of a JSON list."""
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return list(enumerate(data, start=1))
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return out


def _text(row: dict, key: str, where: str, required: bool = True) -> str | None:
    value = row.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: '{key}' must be a non-empty string")
    return value


def load_questions(path: str | Path) -> list[Question]:
    """Prompts from a JSONL file; ids must be unique."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"prompts file {path} does not exist")
    out: dict[str, Question] = {}
    for n, row in _rows(path):
        where = f"{path}:{n}"
        if not isinstance(row, dict):
            raise ValueError(f"{where}: expected an object, got {type(row).__name__}")
        if "id" not in row or isinstance(row["id"], bool) or not isinstance(row["id"], (str, int)):
            raise ValueError(f"{where}: needs an 'id' (a string or an integer)")
        qid = str(row["id"])
        if qid in out:
            raise ValueError(f"{where}: duplicate id {qid!r}")
        instruction = _text(row, "instruction" if "instruction" in row else "prompt", where)
        category = row.get("category")
        out[qid] = Question(qid, instruction, None if category is None else str(category),
                            _text(row, "reference_answer", where, required=False))
    if not out:
        raise ValueError(f"{path}: no prompts")
    return list(out.values())


def parse_spec(spec: str) -> tuple[str | None, Path]:
    """`NAME=PATH` or `PATH` (a path that exists wins over a NAME= reading, so `a=b.jsonl` files still work)."""
    if "=" in spec and not Path(spec).exists():
        name, _, path = spec.partition("=")
        if name.strip():
            return name.strip(), Path(path)
    return None, Path(spec)


def load_outputs(spec: str, questions: Sequence[Question] | None) -> tuple[ModelOutputs, list[Question]]:
    """One model's outputs joined to `questions` (by id, or by instruction for the AlpacaEval shape).

    Without `questions` the file must have the AlpacaEval shape; the prompts are then its instructions
    (id: `instruction_id`, category: its `dataset` field) and are returned for the caller to merge.
    """
    name, path = parse_spec(spec)
    if not path.is_file():
        raise FileNotFoundError(f"outputs file {path} does not exist")
    by_instruction = {q.instruction.strip(): q.id for q in questions or ()}
    known = {q.id for q in questions or ()}
    outputs: dict[str, str] = {}
    found: list[Question] = []
    generators: set[str] = set()
    for n, row in _rows(path):
        where = f"{path}:{n}"
        if not isinstance(row, dict):
            raise ValueError(f"{where}: expected an object, got {type(row).__name__}")
        output = _text(row, "output", where, required=False)
        if output is None:
            raise ValueError(f"{where}: 'output' must be a string")
        if "generator" in row:
            generators.add(str(row["generator"]))
        qid = _question_id(row, where, questions, by_instruction, found)
        if questions is not None and qid not in known:
            raise ValueError(f"{where}: id {qid!r} is not in the prompts file")
        if qid in outputs:
            raise ValueError(f"{where}: a second output for prompt {qid!r}")
        outputs[qid] = output
    if len(generators) > 1 and name is None:
        raise ValueError(f"{path}: outputs of several generators {sorted(generators)}; one file per model, "
                         "or name it with NAME=PATH")
    name = name or (generators.pop() if generators else path.stem)
    return ModelOutputs(name, outputs), found


def _question_id(row: dict, where: str, questions: Sequence[Question] | None, by_instruction: dict[str, str],
                 found: list[Question]) -> str:
    if "id" in row and not isinstance(row["id"], bool) and isinstance(row["id"], (str, int)):
        if questions is None:
            raise ValueError(f"{where}: outputs joined by id need --prompts (the instructions they answer)")
        return str(row["id"])
    instruction = _text(row, "instruction", where) if "instruction" in row else None
    if instruction is None:
        raise ValueError(f"{where}: needs 'id' (with --prompts) or 'instruction' (AlpacaEval's shape)")
    if questions is not None:
        if instruction.strip() not in by_instruction:
            raise ValueError(f"{where}: its instruction is not in the prompts file")
        return by_instruction[instruction.strip()]
    qid = instruction_id(instruction)
    dataset = row.get("dataset")
    found.append(Question(qid, instruction, None if dataset is None else str(dataset)))
    return qid


def load_all(specs: Iterable[str], prompts: str | Path | None) -> tuple[list[Question], list[ModelOutputs]]:
    """The prompts and every model's outputs; model names must be unique."""
    questions = load_questions(prompts) if prompts else None
    merged: dict[str, Question] = {}
    models: list[ModelOutputs] = []
    for spec in specs:
        model, found = load_outputs(spec, questions)
        if any(m.name == model.name for m in models):
            raise ValueError(f"two outputs files are both named {model.name!r}; name them with NAME=PATH")
        models.append(model)
        for q in found:
            merged.setdefault(q.id, q)
    return (questions if questions is not None else list(merged.values())), models
