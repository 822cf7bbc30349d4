"""`judgesmith merge --recipe FILE.yaml`: merge fine-tuned judges with mergekit (NuSLERP by default)."""

from __future__ import annotations

import argparse

from judgesmith.cli import add_recipe_command, out_override

DESCRIPTION = ("Merge models (linear, slerp, nuslerp, ties, dare_linear) through mergekit, "
               "after checking they share architecture and tokenizer; copies the tokenizer "
               "and chat template and checks the result judges one item.")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = add_recipe_command(sub, "merge", "merge fine-tuned judges with mergekit from a recipe", DESCRIPTION,
                           recipe_help="merge recipe YAML (see recipes/merge-nuslerp.yaml)")
    p.add_argument("--print-config", action="store_true", help="print the mergekit configuration and stop")
    return p


def run(args: argparse.Namespace) -> int:
    from judgesmith.merge.recipe import load_merge_recipe
    from judgesmith.merge.run import build_config, merge

    recipe = load_merge_recipe(args.recipe)
    if args.print_config:
        import yaml

        print(yaml.safe_dump(build_config(recipe), sort_keys=False), end="")
        return 0
    result = merge(recipe, out_override(args))
    print(f"merged model: {result.output_dir}")
    if result.check is not None:
        print(f"check: scored one item, probabilities {result.check.probabilities}")
    return 0
