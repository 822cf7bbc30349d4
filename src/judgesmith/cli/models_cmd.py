"""`judgesmith models`: list the embedded models, or prepare one (one-time GGUF -> safetensors conversion)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("models", help="list embedded models or prepare (convert) one")
    p.add_argument("action", choices=("list", "prepare"))
    p.add_argument("name", nargs="?", help="model to prepare (embedded name, folder or .gguf)")
    return p


def run(args: argparse.Namespace) -> int:
    from judgesmith.models import EMBEDDED, embedded_entry, resolve_model_dir
    from judgesmith.paths import home

    if args.action == "list":
        for name in sorted(EMBEDDED):
            ready = (home() / "models" / embedded_entry(name) / "config.json").is_file()
            print(f"{name:<24} {'converted' if ready else 'not converted yet'}")
        return 0
    if not args.name:
        raise ValueError("`models prepare` needs a model name, e.g. gemma-3-270m")
    print(resolve_model_dir(args.name))
    return 0
