"""Run a merge recipe through mergekit, then copy the tokenizer and check the result judges.

Inputs may be model folders, `judgesmith train` output folders (their `merged/`
model is used) or anything `judgesmith.models.resolve_model_dir` accepts.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from judgesmith.merge.recipe import MergeRecipe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MergeResult:
    output_dir: Path
    config: dict[str, Any]
    check: Optional[Any]  # the Verdict of the post-merge judging check


def resolve_input(name: str) -> str:
    """A training output folder means its merged model; everything else goes through resolve_model_dir."""
    from judgesmith.models import resolve_model_dir

    merged = Path(name).expanduser() / "merged"
    if (merged / "config.json").is_file():
        return str(merged)
    return resolve_model_dir(name)


def method_params(recipe: MergeRecipe) -> tuple[Any, Any]:
    """The method module and its validated `parameters:` (unknown keys are errors)."""
    from judgesmith.config import validate_model
    from judgesmith.merge.methods import get_method

    method = get_method(recipe.method)
    return method, validate_model(recipe.parameters, method.Params, f"parameters for {recipe.method}", "merge recipe")


def build_config(recipe: MergeRecipe) -> dict[str, Any]:
    """The mergekit configuration (a dict; see mergekit.config.MergeConfiguration), inputs resolved and checked."""
    from judgesmith.merge.checks import check_compatible

    method, params = method_params(recipe)
    models = [(resolve_input(m.model), m.weight, m.density) for m in recipe.models]
    base = resolve_input(recipe.base_model) if recipe.base_model else None
    if base is not None and base in [m[0] for m in models]:
        raise ValueError(f"{recipe.base_model!r} is both base_model and a model to merge; list only the fine-tunes")
    check_compatible([m[0] for m in models] + ([base] if base else []))
    if method.BASE == "unused" and base is not None:
        log.info("%s does not use base_model; it was only checked for compatibility", recipe.method)
    for_method = base if method.BASE != "unused" and recipe.use_base else None
    return {**method.config(models, for_method, params), "dtype": recipe.dtype}


def run_mergekit(config: dict[str, Any], out_dir: Path, seed: int) -> None:
    """mergekit's own merge (MergeConfiguration + run_merge), written to a temp folder then renamed."""
    import torch
    from mergekit.config import MergeConfiguration
    from mergekit.merge import run_merge
    from mergekit.options import MergeOptions

    merge_config = MergeConfiguration.model_validate(config)
    staging = out_dir.parent / f".{out_dir.name}.partial"  # same folder name inside: mergekit's card uses it
    shutil.rmtree(staging, ignore_errors=True)
    options = MergeOptions(copy_tokenizer=True, lazy_unpickle=True, random_seed=seed,
                           device="cuda" if torch.cuda.is_available() else "cpu")
    run_merge(merge_config, str(staging / out_dir.name), options=options)  # also writes mergekit_config.yml
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    (staging / out_dir.name).rename(out_dir)
    staging.rmdir()


def copy_tokenizer(source: str, out_dir: Path) -> None:
    """The first input's tokenizer, chat template and processor files (the check above made the tokenizers
    identical; mergekit copies the processor files of some architectures from the base, not of all)."""
    from transformers import AutoTokenizer

    from judgesmith.checkpoint import copy_processor_files
    from judgesmith.templates import save_tokenizer as save

    save(AutoTokenizer.from_pretrained(source), out_dir)
    copy_processor_files(source, out_dir)


def judge_check(out_dir: Path) -> Any:
    """Load the merged model in the engine and judge one item (score mode): it must give a distribution."""
    import math

    from judgesmith.judge.backends.hf import HFBackend
    from judgesmith.judge.engine import Judge
    from judgesmith.records import AbsoluteItem
    from judgesmith.rubrics import preset

    item = AbsoluteItem(id="merge-check", instruction="What is the capital of France?",
                        response="The capital of France is Paris.", rubric=preset("helpfulness"))
    verdict = Judge(HFBackend.from_name(str(out_dir), batch_size=1), mode="score").grade_absolute([item])[0]
    probs = verdict.probabilities or {}
    if len(probs) != 5 or not all(math.isfinite(p) for p in probs.values()):
        raise RuntimeError(f"merged model at {out_dir} did not produce a score distribution: {verdict}")
    log.info("merged model judges: score %s, expected %.2f", verdict.score, verdict.expected_score or float("nan"))
    return verdict


def write_provenance(recipe: MergeRecipe, out_dir: Path) -> None:
    """`judgesmith.json`: the merge method and every input's training files (for the bench report)."""
    files: list[str] = []
    inputs = []
    for m in recipe.models:
        folder = Path(resolve_input(m.model))
        record = next((json.loads(p.read_text(encoding="utf-8")) for p in (folder / "judgesmith.json",
                       folder.parent / "judgesmith.json") if p.is_file()), {})
        files += [f for f in record.get("train_files", []) if f not in files]
        inputs.append({"model": m.model, "weight": m.weight, "kind": record.get("kind"),
                       "tokens_seen": record.get("tokens_seen")})
    data = {"method": recipe.method, "base_model": recipe.base_model, "use_base": recipe.use_base,
            "inputs": inputs, "train_files": files}
    (out_dir / "judgesmith.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def merge(recipe: MergeRecipe, out: Optional[Path] = None) -> MergeResult:
    """Check the inputs, merge with mergekit, copy tokenizer + chat template, verify it judges."""
    out_dir = Path(out or recipe.output_dir)
    config = build_config(recipe)
    log.info("merging with mergekit (%s) into %s", recipe.method, out_dir)
    run_mergekit(config, out_dir, recipe.seed)
    copy_tokenizer(resolve_input(recipe.models[0].model), out_dir)
    write_provenance(recipe, out_dir)
    return MergeResult(out_dir, config, judge_check(out_dir) if recipe.verify else None)
