"""`judgesmith build`: [synthesize ->] data -> feedback and preference judges -> merge -> bench -> report.

Each stage reads the previous stages' folders in the build folder and is cached
by a hash of its recipe section, its upstream stages and its code (see
`stages.py`). The stage recipes are loaded and validated up front, so a typo
fails before an hour of training rather than after.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judgesmith.pipeline import custom
from judgesmith.pipeline.recipe import BuildRecipe, resolve
from judgesmith.pipeline.stages import Context, Stage, stage_times

log = logging.getLogger(__name__)

MODEL_LABELS = ("base", "feedback", "preference", "merged")
# The report stage reruns when any of these change (rendering, the report model, the curve table).
REPORT_MODULES = ("report_md", "report_html", "report_build", "report_model", "report_sections",
                  "consistency_report", "curve", "train_log", "targets", "plots")


def bench_modules() -> tuple[str, ...]:
    """The bench package without its report-only modules: the bench stage's code version, so that a
    change to how results are shown re-renders the report instead of rerunning an hour of judging."""
    import importlib.util

    folder = Path(importlib.util.find_spec("judgesmith.bench").origin).parent
    names = sorted(p.stem for p in folder.glob("*.py") if p.stem not in REPORT_MODULES + ("__init__",))
    packages = sorted(p.name for p in folder.iterdir() if (p / "__init__.py").is_file())
    return tuple(f"judgesmith.bench.{n}" for n in names + packages)


@dataclass(frozen=True)
class Plan:
    """Validated stage recipes (pydantic models) with the build's overrides applied."""

    recipe: BuildRecipe
    base: Path
    data: Any
    feedback: Any
    preference: Any
    merge: Any
    quick: bool


def _train_recipe(path: Path, recipe: BuildRecipe, quick: bool, limit: int | None) -> Any:
    from judgesmith.train.recipe import load_recipe

    train = load_recipe(path)
    data: dict[str, Any] = {"build_dir": None, "train": None, "eval": None}
    if limit:
        data["max_train_examples"] = limit
    training: dict[str, Any] = {"seed": recipe.seed}
    if recipe.threads:
        training["threads"] = recipe.threads
    if quick:
        q = recipe.quick
        data.update(max_train_examples=q.train_examples, max_eval_examples=q.eval_examples)
        training.update(max_steps=q.max_steps, save_steps=1, logging_steps=1)
        if q.max_length:
            training["max_length"] = q.max_length
    kind = train.data.kind or ("absolute" if "feedback" in path.name else "pairwise")
    data.update(build_dir=Path("<data>"), kind=kind)
    return train.model_copy(update={
        "base_model": recipe.base_model,
        "data": train.data.model_copy(update=data),
        "training": train.training.model_copy(update=training),
    })


def plan(recipe: BuildRecipe, base: Path, quick: bool = False) -> Plan:
    """Load every stage recipe named by the build recipe; raises ValueError naming what to fix."""
    from judgesmith.data.recipe import load_recipe as load_data
    from judgesmith.merge.recipe import load_merge_recipe

    data = load_data(resolve(base, recipe.data))
    custom.check_placeholder(recipe, data)
    if recipe.synthesize is not None:
        recipe.synthesize.build(lambda p: resolve(base, p))  # rubric and instructions files fail early
    merge = load_merge_recipe(resolve(base, recipe.merge))
    merge = merge.model_copy(update={"base_model": recipe.base_model})
    limits = recipe.train_limits
    result = Plan(recipe, base, data,
                  _train_recipe(resolve(base, recipe.train.feedback), recipe, quick, limits.feedback),
                  _train_recipe(resolve(base, recipe.train.preference), recipe, quick, limits.preference),
                  merge, quick)
    if recipe.bench.curve:
        curve_fractions(result)  # fails now, not after the training
    return result


def curve_fractions(p: Plan) -> list[float]:
    """The learning-curve fractions both specialists snapshot at; an error naming what to fix otherwise."""
    fb, pref = (sorted(t.training.snapshot_fractions) for t in (p.feedback, p.preference))
    if not fb or fb != pref:
        raise ValueError("bench.curve needs the same non-empty training.snapshot_fractions in both train recipes "
                         f"(feedback: {fb}, preference: {pref})")
    return fb


def _dump(model: Any) -> Any:
    return json.loads(model.model_dump_json())


def _data_stage(p: Plan):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.data.build import build

        data = custom.with_synthesized(p.data, ctx.dirs["synthesize"]) if "synthesize" in ctx.dirs else p.data
        build(data, sdir, base=resolve(p.base, p.recipe.data).parent)
    return run


def _train_stage(train_recipe: Any):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.train.run import train

        data = train_recipe.data.model_copy(update={"build_dir": ctx.dirs["data"]})
        train(train_recipe.model_copy(update={"data": data, "output_dir": sdir}), out=sdir)
    return run


def _merge_stage(p: Plan):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.merge.run import merge

        inputs = [m.model_copy(update={"model": str(ctx.dirs[name])})
                  for m, name in zip(p.merge.models, ("train-feedback", "train-preference"))]
        merge(p.merge.model_copy(update={"models": inputs, "output_dir": sdir}), out=sdir)
    return run


def _curve_stage(p: Plan):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.pipeline.curve import build_curve_models

        build_curve_models(p, ctx, sdir, curve_fractions(p))
    return run


def _models(p: Plan, ctx: Context) -> list[Any]:
    from judgesmith.bench.models import ModelSpec
    from judgesmith.pipeline.curve import curve_models

    every = {"base": p.recipe.base_model, "feedback": str(ctx.dirs["train-feedback"] / "merged"),
             "preference": str(ctx.dirs["train-preference"] / "merged"), "merged": str(ctx.dirs["merge"])}
    models = [ModelSpec(label, every[label]) for label in MODEL_LABELS if label in p.recipe.bench.models]
    if "curve" in ctx.dirs:
        at = next((i for i, m in enumerate(models) if m.label == "merged"), len(models))
        models[at:at] = curve_models(ctx.dirs["curve"], curve_fractions(p))
    return models


def _bench_setup(p: Plan) -> tuple[Any, Any, Any, int | None, int]:
    from judgesmith.bench.models import backend_factory
    from judgesmith.bench.protocol import Protocol
    from judgesmith.bench.suite import load_suite

    spec = p.recipe.bench
    protocol = Protocol(spec.protocol, mode=spec.mode, batch_size=spec.batch_size)
    factory = backend_factory(spec.backend, batch_size=spec.batch_size, threads=p.recipe.threads)
    limit = p.recipe.quick.bench_limit if p.quick else spec.limit
    resamples = p.recipe.quick.resamples if p.quick else spec.resamples
    suite = load_suite(spec.suite)
    gold = custom.gold_entries(p.recipe, p.base)
    if gold:
        suite = suite.model_copy(update={"benchmarks": [*suite.benchmarks, *gold]})
    return suite, protocol, factory, limit, resamples


def _bench_stage(p: Plan):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.bench.cache import VerdictCache, default_root
        from judgesmith.bench.runner import prepare_tasks, run_bench

        suite, protocol, factory, limit, resamples = _bench_setup(p)
        tasks = prepare_tasks(suite.benchmarks, seed=suite.seed, limit=limit)
        spec = p.recipe.bench
        cache = VerdictCache(default_root(), spec.backend) if spec.verdict_cache else None
        run_bench(_models(p, ctx), tasks, sdir, protocol, factory, suite_name=suite.name,
                  n_resamples=resamples, seed=suite.seed, cache=cache)
    return run


def _consistency_stage(p: Plan):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.bench.consistency import run_consistency

        suite, protocol, factory, limit, resamples = _bench_setup(p)
        limit = p.recipe.quick.bench_limit if p.quick else None
        run_consistency(_models(p, ctx), suite.consistency, sdir, protocol, factory, suite_name=suite.name,
                        seed=suite.seed, limit=limit, n_resamples=resamples)
    return run


def _report_stage(p: Plan):
    def run(sdir: Path, ctx: Context) -> None:
        from judgesmith.bench.report_html import write_html
        from judgesmith.bench.report_md import write_markdown

        results = json.loads((ctx.dirs["bench"] / "results.json").read_text(encoding="utf-8"))
        earlier = [name for name in ctx.dirs if name != "report"]
        results["build"] = {"recipe": p.recipe.name, "base_model": p.recipe.base_model,
                            "stages": stage_times(ctx.out, earlier)}
        results["targets"] = [t.model_dump(exclude_defaults=True) for t in p.recipe.targets]
        (sdir / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        if "consistency" in ctx.dirs and (ctx.dirs["consistency"] / "consistency.json").is_file():
            shutil.copy(ctx.dirs["consistency"] / "consistency.json", sdir / "consistency.json")
        write_markdown(sdir)
        write_html(sdir)
        if p.recipe.bench.curve:
            from judgesmith.bench.curve import write_curve

            write_curve(sdir, {name: ctx.dirs[f"train-{name}"] for name in ("feedback", "preference")})
        log.info("report: %s and %s", sdir / "results.md", sdir / "report.html")
    return run


def stages(p: Plan) -> list[Stage]:
    """The pipeline as stages; each `config` is what its cache key hashes."""
    r = p.recipe
    bench_cfg = {"bench": _dump(r.bench), "quick": _dump(r.quick) if p.quick else None, "base": r.base_model,
                 "gold": custom.gold_config(r, p.base)}
    out = []
    if r.synthesize is not None:
        out.append(Stage("synthesize", custom.synth_stage(r, p.base), custom.synth_config(r, p.base), (),
                         ("judgesmith.data.synthesize", "judgesmith.parsing")))
    out += [
        Stage("data", _data_stage(p), _dump(p.data), ("synthesize",) if r.synthesize else (), ("judgesmith.data",)),
        Stage("train-feedback", _train_stage(p.feedback), _dump(p.feedback), ("data",),
              ("judgesmith.train", "judgesmith.models")),
        Stage("train-preference", _train_stage(p.preference), _dump(p.preference), ("data",),
              ("judgesmith.train", "judgesmith.models")),
        Stage("merge", _merge_stage(p), _dump(p.merge), ("train-feedback", "train-preference"),
              ("judgesmith.merge",)),
    ]
    trained = ("train-feedback", "train-preference", "merge")
    if r.bench.curve:
        out.append(Stage("curve", _curve_stage(p), {"fractions": curve_fractions(p), "merge": _dump(p.merge)},
                         trained, ("judgesmith.pipeline.curve", "judgesmith.train.snapshots", "judgesmith.merge")))
        trained += ("curve",)
    out.append(Stage("bench", _bench_stage(p), bench_cfg, trained,
                     bench_modules() + ("judgesmith.judge", "judgesmith.metrics", "judgesmith.prompts")))
    if r.bench.consistency:
        out.append(Stage("consistency", _consistency_stage(p), bench_cfg, trained,
                         bench_modules() + ("judgesmith.judge", "judgesmith.metrics")))
    out.append(Stage("report", _report_stage(p), {"targets": [t.model_dump() for t in r.targets]},
                     tuple(s.name for s in out if s.name in ("bench", "consistency")),
                     tuple(f"judgesmith.bench.{m}" for m in REPORT_MODULES)))
    return out


def describe(p: Plan) -> str:
    """The plan as text (`--dry-run`)."""
    r = p.recipe
    lines = [f"build {r.name}{' (quick)' if p.quick else ''}: base model {r.base_model}"]
    if r.synthesize is not None:
        y = r.synthesize
        lines.append(f"  synthesize  rubric {y.rubric}, teacher {y.teacher_model} at {y.teacher_base_url}, "
                     f"{y.n_instructions or 'instructions from ' + str(y.instructions)} instructions x 5 scores")
    lines += [
             f"  data        {r.data}: sources {[s.name for s in p.data.sources]}",
             f"  feedback    LoRA r={p.feedback.lora.r} alpha={p.feedback.lora.alpha} "
             f"dropout={p.feedback.lora.dropout}, lr={p.feedback.training.learning_rate}, "
             f"examples<={p.feedback.data.max_train_examples}, max_length={p.feedback.training.max_length}, "
             f"dtype={p.feedback.training.dtype}",
             f"  preference  LoRA r={p.preference.lora.r} alpha={p.preference.lora.alpha} "
             f"dropout={p.preference.lora.dropout}, lr={p.preference.training.learning_rate}, "
             f"examples<={p.preference.data.max_train_examples}, max_length={p.preference.training.max_length}",
             f"  merge       {p.merge.method} weights {[m.weight for m in p.merge.models]}, "
             f"base {'used' if p.merge.use_base else 'not used'}",
             f"  bench       suite {r.bench.suite}, mode {r.bench.mode}, protocol {r.bench.protocol}, "
             f"backend {r.bench.backend}, models {', '.join(r.bench.models)}",
             f"  consistency {'yes' if r.bench.consistency else 'no'}"]
    lines += [f"  gold        {g.kind} {g.path}" for g in r.bench.gold]
    return "\n".join(lines)
