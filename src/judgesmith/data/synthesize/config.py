"""Inputs of a synthesis: the rubric file (with seed examples), the instructions file, the recipe section.

A synthesis rubric file is a judgesmith rubric (`criteria`, `score1_description` ..
`score5_description`) plus optional `name`, `description` and `seed_instructions`
(a few example instructions that show the teacher the domain).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from pydantic import Field, model_validator

from judgesmith.config import Strict
from judgesmith.records import Rubric

EXTRA_KEYS = ("name", "description", "seed_instructions")


def load_synth_rubric(path: str | Path) -> tuple[Rubric, tuple[str, ...]]:
    """(rubric, seed instructions) from a YAML/JSON rubric file; errors name the file and the field."""
    import json

    import yaml

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"rubric file {path} does not exist")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: not valid YAML/JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'criteria' and score1_description..score5_description")
    seeds = data.get("seed_instructions") or []
    if not isinstance(seeds, list) or not all(isinstance(s, str) and s.strip() for s in seeds):
        raise ValueError(f"{path}: 'seed_instructions' must be a list of non-empty strings")
    rubric = Rubric.from_mapping({k: v for k, v in data.items() if k not in EXTRA_KEYS}, where=str(path))
    missing = [f"score{i}_description" for i, d in enumerate(rubric.descriptions(), 1) if not d.strip()]
    if missing:
        raise ValueError(f"{path}: the teacher needs every score described; missing {missing}")
    return rubric, tuple(s.strip() for s in seeds)


def load_instructions(path: str | Path) -> tuple[tuple[str, str], ...]:
    """(id, instruction) pairs from a JSONL file of `{"instruction", "id"?}` (or a .txt file, one per line)."""
    import json

    from judgesmith.data.synthesize.steps import instruction_id

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"instructions file {path} does not exist")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if path.suffix.lower() == ".txt":
            text, rid = line.strip(), None
        else:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path} line {n}: not JSON ({exc.msg})") from None
            text = rec.get("instruction") if isinstance(rec, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{path} line {n}: needs a non-empty 'instruction' string")
            rid = rec.get("id")
        out.append((str(rid) if rid not in (None, "") else instruction_id(text), text.strip()))
    if not out:
        raise ValueError(f"{path}: no instructions")
    return tuple(out)


class SynthesizeSection(Strict):
    """The `synthesize:` section of a build recipe (and the CLI's options); paths relative to the recipe."""

    rubric: Path
    instructions: Optional[Path] = None
    n_instructions: Optional[int] = Field(None, ge=1)
    teacher_base_url: str
    teacher_model: str
    api_key_env: Optional[str] = Field(None, description="environment variable holding the API key")
    concurrency: int = Field(4, ge=1)
    max_attempts: int = Field(3, ge=1)
    max_retries: int = Field(5, ge=0)
    timeout_s: float = Field(300.0, gt=0)
    temperature: float = Field(0.7, ge=0)
    max_tokens: int = Field(1024, ge=16)
    max_tokens_total: Optional[int] = Field(None, ge=1)
    seed: int = 0

    @model_validator(mode="after")
    def _one_source(self) -> "SynthesizeSection":
        if (self.instructions is None) == (self.n_instructions is None):
            raise ValueError("give exactly one of `instructions` (a file) or `n_instructions`")
        return self

    def build(self, resolve: Any = lambda p: p, api_key: str | None = None) -> tuple[Any, Any]:
        """(SynthSpec, TeacherConfig) with paths passed through `resolve`."""
        from judgesmith.data.synthesize.run import SynthSpec
        from judgesmith.data.synthesize.steps import Checks
        from judgesmith.data.synthesize.teacher import TeacherConfig

        rubric_path = resolve(self.rubric)
        rubric, seeds = load_synth_rubric(rubric_path)
        instructions = load_instructions(resolve(self.instructions)) if self.instructions else None
        key = api_key or (os.environ.get(self.api_key_env) if self.api_key_env else None)
        spec = SynthSpec(rubric, str(rubric_path), seeds, instructions, self.n_instructions or 0, seed=self.seed,
                         max_tokens_total=self.max_tokens_total, checks=Checks(max_attempts=self.max_attempts))
        teacher = TeacherConfig(self.teacher_base_url, self.teacher_model, key, self.concurrency, self.max_retries,
                                timeout_s=self.timeout_s, temperature=self.temperature, max_tokens=self.max_tokens)
        return spec, teacher
