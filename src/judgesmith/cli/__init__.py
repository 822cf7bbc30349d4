"""`judgesmith` command line: one module per subcommand, each with `add_parser` and `run`.

Subcommand modules import nothing heavy at import time, so `judgesmith --help`
is instant; torch and transformers load only inside `run`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence

# (subcommand, module under judgesmith.cli). A module that is not there yet is skipped.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("judge", "judge_cmd"),
    ("data", "data_cmd"),
    ("train", "train_cmd"),
    ("merge", "merge_cmd"),
    ("bench", "bench_cmd"),
    ("compare", "compare_cmd"),
    ("consistency", "consistency_cmd"),
    ("build", "build_cmd"),
    ("serve", "serve_cmd"),
    ("export", "export_cmd"),
    ("models", "models_cmd"),
)


def add_recipe_command(sub: argparse._SubParsersAction, name: str, help: str, description: str,
                       recipe_help: str) -> argparse.ArgumentParser:
    """A subcommand run from a recipe with an `output_dir`: `--recipe FILE` and an `--out` that overrides it."""
    p = sub.add_parser(name, help=help, description=description)
    p.add_argument("--recipe", required=True, help=recipe_help)
    p.add_argument("--out", default=None, help="output folder (default: the recipe's output_dir)")
    return p


def out_override(args: argparse.Namespace) -> Optional[Path]:
    """`--out` as a path, or None to keep the recipe's output_dir."""
    return Path(args.out) if args.out else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="judgesmith", description="Build, benchmark and serve your own LLM judge.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS:
        if importlib.util.find_spec(f"judgesmith.cli.{module}") is None:
            continue
        mod = importlib.import_module(f"judgesmith.cli.{module}")
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except (ValueError, FileNotFoundError) as exc:
        logging.getLogger("judgesmith").error("%s", exc)
        return 2
    except KeyboardInterrupt:
        logging.getLogger("judgesmith").warning("interrupted; finished work is saved, rerun to resume")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
