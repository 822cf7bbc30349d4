"""`judgesmith build RECIPE.yaml --out DIR`: the whole build-your-judge pipeline, cached by stage."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("build", help="data -> train x2 -> merge -> bench -> consistency -> report",
                       description="Run the whole pipeline from one recipe. Finished stages are cached by a hash "
                                   "of their inputs; rerun the same command to resume after an interruption.")
    p.add_argument("recipe", help="build recipe YAML, e.g. recipes/gemma3-270m-cpu.yaml")
    p.add_argument("--out", default=None, help="build folder (default: runs/<recipe name>[-<base model>][-quick])")
    p.add_argument("--base-model", default=None, metavar="MODEL",
                   help="build from this model instead of the recipe's base_model (both specialists, the merge's "
                        "base, the bench's `base`): an embedded name, a model folder, a .gguf file or a hub id")
    p.add_argument("--dry-run", action="store_true", help="validate every stage recipe and print the plan")
    p.add_argument("--quick", action="store_true", help="a smoke run on a handful of examples")
    p.add_argument("--force", action="append", default=[], metavar="STAGE", help="rerun a stage even if cached")
    p.add_argument("--until", default=None, metavar="STAGE",
                   help="stop after this stage (e.g. train-preference: train now, bench later)")
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from judgesmith.cli.train_cmd import model_slug
    from judgesmith.pipeline.build import describe, plan, stages
    from judgesmith.pipeline.recipe import load_build_recipe
    from judgesmith.pipeline.stages import plan_status, run_stages

    recipe, base = load_build_recipe(args.recipe)
    name = recipe.name
    if args.base_model:
        recipe = recipe.model_copy(update={"base_model": args.base_model})
        name = f"{name}-{model_slug(args.base_model)}"
    the_plan = plan(recipe, base, quick=args.quick)
    out = Path(args.out or f"runs/{name}{'-quick' if args.quick else ''}")
    steps = stages(the_plan)
    unknown = sorted((set(args.force) | ({args.until} if args.until else set())) - {s.name for s in steps})
    if unknown:
        raise ValueError(f"--force/--until {unknown}: no such stage; stages are {[s.name for s in steps]}")
    print(describe(the_plan))
    print(f"  stages      {' -> '.join(s.name for s in steps)}")
    print(f"  output      {out}")
    if args.dry_run:
        for name, status in plan_status(steps, out):
            print(f"  {name:<18}{'forced: runs' if name in args.force else status}")
        print("dry run: every recipe validated; nothing was run")
        return 0
    statuses = run_stages(steps, out, echo=lambda line: print(line, flush=True), force=args.force, until=args.until)
    if "report" not in statuses:
        return 0
    report = out / "report"
    print(f"report: {report / 'results.md'} and {report / 'report.html'}")
    return 0
