"""The learning-curve stage: one merged judge per training snapshot, benched beside the final one.

For each fraction f of the train recipes' `snapshot_fractions`, the feedback and the
preference snapshots at f become full models and are merged with the build's own merge
recipe, exactly as the final specialists are. The merged judge at f is benched as
`merged@<f%>`; its `judgesmith.json` sums the two snapshots' training tokens, which is the
curve's x axis. The specialists' full copies are deleted once merged (1 GB each at 270M).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Sequence

log = logging.getLogger(__name__)

KINDS = ("feedback", "preference")


def curve_label(fraction: float) -> str:
    """`merged@25%` for 0.25: the bench label of the merged judge at that point of training."""
    return f"merged@{fraction * 100:g}%"


def curve_dir(root: Path, fraction: float) -> Path:
    return Path(root) / f"frac-{fraction:g}" / "merged"


def curve_models(root: Path, fractions: Sequence[float]) -> list[Any]:
    """ModelSpecs of the curve's merged judges, earliest first."""
    from judgesmith.bench.models import ModelSpec

    return [ModelSpec(curve_label(f), str(curve_dir(root, f))) for f in sorted(fractions)]


def _snapshot(run_dir: Path, fraction: float) -> Any:
    from judgesmith.train.snapshots import list_snapshots

    found = {s.fraction: s for s in list_snapshots(run_dir)}
    if fraction not in found:
        raise ValueError(f"{run_dir} has no learning-curve snapshot at {fraction:g} (found {sorted(found)}); "
                         "rerun its training stage with training.snapshot_fractions set")
    return found[fraction]


def build_curve_models(p: Any, ctx: Any, sdir: Path, fractions: Sequence[float]) -> list[Path]:
    """Export both specialists' snapshots at each fraction and merge them; returns the merged folders."""
    from judgesmith.merge.run import merge
    from judgesmith.models import resolve_model_dir
    from judgesmith.train.snapshots import export_snapshot

    base = resolve_model_dir(p.recipe.base_model)
    done = []
    for fraction in sorted(fractions):
        out = curve_dir(sdir, fraction)
        if (out / "judgesmith.json").is_file():
            done.append(out)
            continue
        inputs = []
        for kind, train_recipe in zip(KINDS, (p.feedback, p.preference)):
            run_dir = ctx.dirs[f"train-{kind}"]
            target = out.parent / kind
            export_snapshot(run_dir, _snapshot(run_dir, fraction), base, target, train_recipe.training.dtype)
            inputs.append(target)
        models = [m.model_copy(update={"model": str(path)}) for m, path in zip(p.merge.models, inputs)]
        merge(p.merge.model_copy(update={"models": models, "output_dir": out}), out=out)
        for path in inputs:  # the merge's judgesmith.json keeps each input's provenance and tokens
            shutil.rmtree(path, ignore_errors=True)
        log.info("learning-curve judge at %g of training: %s", fraction, out)
        done.append(out)
    return done

