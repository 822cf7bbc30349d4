"""`judgesmith` command line: one module per subcommand, each with `add_parser` and `run`.

Subcommand modules import nothing heavy at import time, so `judgesmith --help`
is instant; torch and transformers load only inside `run`.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import importlib.util
import logging
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Sequence

from judgesmith.redact import redact

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


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop like Ctrl-C (finished work is already saved), and say which signal it was."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


@contextmanager
def stop_signals() -> Iterator[None]:
    """SIGTERM/SIGHUP raise `Stopped` for the length of a command (main thread only), then the old handlers."""
    old = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None:
            continue
        try:
            old[sig] = signal.signal(sig, _stop)
        except ValueError:  # not the main thread: leave signals alone
            break
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def os_error_text(exc: OSError) -> str:
    """One line for a failed file operation, saying what to do about it."""
    where = exc.filename or "a file"
    hint = {errno.ENOSPC: "the disk is full; free some space and rerun (finished work is kept)",
            errno.EDQUOT: "the disk quota is used up; free some space and rerun (finished work is kept)",
            errno.EROFS: "the folder is on a read-only file system; choose another path",
            errno.EACCES: "permission denied; choose a path you may write to",
            errno.EPERM: "operation not permitted; choose a path you may write to",
            errno.EISDIR: "it is a folder; name a file",
            errno.ENOTDIR: "a part of the path is a file, not a folder; fix the path",
            errno.EEXIST: "a file is in the way of a folder to create; fix the path"}.get(exc.errno)
    return f"cannot use {where}: {hint or exc.strerror or exc}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    log = logging.getLogger("judgesmith")
    try:
        with stop_signals():
            return int(args._run(args) or 0)
    except (ValueError, FileNotFoundError) as exc:
        log.error("%s", redact(str(exc), getattr(args, "api_key", None)))
        return 2
    except OSError as exc:
        log.debug("file error", exc_info=True)
        log.error("%s", redact(os_error_text(exc), getattr(args, "api_key", None)))
        return 2
    except Stopped as exc:
        name = signal.Signals(exc.signum).name
        log.warning("stopped by %s; finished work is saved, rerun the same command to resume", name)
        return 128 + exc.signum
    except KeyboardInterrupt:
        log.warning("interrupted; finished work is saved, rerun to resume")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
