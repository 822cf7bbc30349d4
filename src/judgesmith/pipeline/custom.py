"""Build pieces for a judge of your own criteria: the `synthesize` stage, `{synthesize}` paths, gold files.

The synthesize stage writes into its own build folder (resumable: a killed stage
keeps its rows, see `stages.py`); the data recipe names its files as
`{synthesize}/absolute.jsonl` and `{synthesize}/pairwise.jsonl`. Gold files are
added to the bench suite as `generic_absolute` / `generic_pairwise` entries, so the
report shows base and trained models on them.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Callable

from judgesmith.pipeline.recipe import BuildRecipe, GoldSpec, resolve

log = logging.getLogger(__name__)

PLACEHOLDER = "{synthesize}"


def file_hash(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else None


def uses_placeholder(data_recipe: Any) -> bool:
    return any(s.path and PLACEHOLDER in s.path for s in data_recipe.sources if s.enabled)


def check_placeholder(recipe: BuildRecipe, data_recipe: Any) -> None:
    if uses_placeholder(data_recipe) and recipe.synthesize is None:
        raise ValueError(f"data recipe {recipe.data} reads {PLACEHOLDER}/... but the build recipe has no "
                         "`synthesize:` section")


def with_synthesized(data_recipe: Any, folder: Path) -> Any:
    """The data recipe with `{synthesize}` in source paths replaced by the synthesize stage's folder."""
    sources = [s.model_copy(update={"path": s.path.replace(PLACEHOLDER, str(folder))})
               if s.path and PLACEHOLDER in s.path else s for s in data_recipe.sources]
    return data_recipe.model_copy(update={"sources": sources})


def synth_config(recipe: BuildRecipe, base: Path) -> dict[str, Any]:
    """What the synthesize stage's cache key hashes: the section plus the rubric and instructions files."""
    section = recipe.synthesize
    files = {"rubric": file_hash(resolve(base, section.rubric))}
    if section.instructions:
        files["instructions"] = file_hash(resolve(base, section.instructions))
    return {"section": section.model_dump(mode="json"), "files": files}


def synth_stage(recipe: BuildRecipe, base: Path) -> Callable[[Path, Any], str]:
    """The stage: synthesize into its folder; returns the summary for the caller to show (the CLI prints it)."""
    def run(sdir: Path, ctx: Any) -> str:
        from judgesmith.data.synthesize import synthesize
        from judgesmith.data.synthesize.manifest import format_synthesis

        spec, teacher = recipe.synthesize.build(lambda p: resolve(base, p))
        manifest = synthesize(spec, teacher, sdir)
        if not manifest["complete"]:
            raise ValueError(f"synthesis in {sdir} is incomplete ({manifest['instructions_done']} instructions done"
                             f"{', ' + manifest['stopped'] if manifest['stopped'] else ''}); rerun the build to "
                             "resume (raise max_tokens_total if the budget stopped it)\n" + format_synthesis(manifest))
        return format_synthesis(manifest)
    return run


def gold_entries(recipe: BuildRecipe, base: Path) -> list[Any]:
    """Suite entries for `bench.gold` files, with their rubric resolved."""
    from judgesmith.bench.suite import SuiteEntry
    from judgesmith.data.synthesize.config import load_synth_rubric

    out = []
    for i, gold in enumerate(recipe.bench.gold):
        path = resolve(base, gold.path)
        options = dict(gold.options)
        rubric = gold.rubric or (recipe.synthesize.rubric if recipe.synthesize else None)
        if rubric is not None and "rubric" not in options:
            options["rubric"] = load_synth_rubric(resolve(base, rubric))[0].to_dict()
        out.append(SuiteEntry(benchmark=f"generic_{gold.kind}", id=_gold_id(gold, i), path=str(path),
                              limit=gold.limit, options=options))
    return out


def _gold_id(gold: GoldSpec, index: int) -> str:
    return gold.id or f"gold-{Path(gold.path).stem}" + (f"-{index}" if index else "")


def gold_config(recipe: BuildRecipe, base: Path) -> list[dict[str, Any]]:
    """The gold files' hashes for the bench stage's cache key (editing a label reruns the bench)."""
    return [{"path": str(g.path), "sha256": file_hash(resolve(base, g.path))} for g in recipe.bench.gold]
