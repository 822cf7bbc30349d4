"""Every `judgesmith ...` command README.md shows: it runs as written after the install (it calls
`.venv/bin/judgesmith`), its flags exist and it parses, the files it reads ship or an earlier command writes
them, and (slow) the commands run on tiny models and inputs.

A README command with a flag that does not exist, a recipe or input that is not there, a stage reading a
folder no earlier stage writes, or a program the install does not put on the PATH fails here, so the docs
cannot drift from the code again.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from judgesmith.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
INLINE = re.compile(r"`((?:\.venv/bin/)?judgesmith [^`]+)`")
PROGRAM = ".venv/bin/judgesmith"  # the install puts judgesmith (and python) only in .venv
VENV_ONLY = r" (examples|benchmarks|tests|docs)/|-m (judgesmith|pytest)"  # python that needs the project's venv
STAGES = {"judge", "data", "train", "merge", "bench", "consistency", "serve", "export", "build"}


@dataclass(frozen=True)
class Command:
    """One README command: the arguments after `judgesmith`, whether the README elides the rest (`...`)."""

    argv: tuple[str, ...]
    elided: bool
    block: int  # index of its bash block; -1 for a command quoted inline in the text
    text: str


def readme_commands(text: str) -> list[Command]:
    """Commands in bash blocks (continuation lines joined, comments cut), then inline `judgesmith ...` spans."""
    out = []
    blocks = [m for m in FENCE.finditer(text) if m.group(1) in ("bash", "sh")]
    for i, block in enumerate(blocks):
        for line in block.group(2).replace("\\\n", " ").splitlines():
            tokens = shlex.split(line, comments=True)
            if tokens[:1] in (["judgesmith"], [PROGRAM]):
                out.append(Command(tuple(t for t in tokens[1:] if t != "..."), "..." in tokens, i, " ".join(tokens)))
    prose = FENCE.sub("", text)
    for span in INLINE.findall(prose):
        tokens = shlex.split(span)
        out.append(Command(tuple(t for t in tokens[1:] if t != "..."), True, -1, " ".join(tokens)))
    return out


def command_names() -> set[str]:
    """Every subcommand, action and positional choice (`data`, `build`, `absolute`, ...): a command's name."""
    names, todo = set(), [build_parser()]
    while todo:
        for action in todo.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                names |= set(action.choices)
                todo += action.choices.values()
            elif not action.option_strings and action.choices:
                names |= set(action.choices)
    return names


def shell_lines(text: str) -> list[str]:
    """Each command of README's bash blocks (continuations joined, comments cut, `&&` chains split) and
    each inline code span that runs something (it has an argument beyond a subcommand name)."""
    out = []
    for block in (m for m in FENCE.finditer(text) if m.group(1) in ("bash", "sh")):
        for line in block.group(2).replace("\\\n", " ").splitlines():
            out += [" ".join(shlex.split(part, comments=True)) for part in line.split("&&")]
    names = command_names()
    for span in re.findall(r"`([^`\n]+)`", FENCE.sub("", text)):
        if not set(span.split()[1:]) <= names:  # more than a command's name (`judgesmith data build`)
            out.append(span)
    return [line for line in out if line]


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def subcommand_parser(argv: tuple[str, ...]) -> argparse.ArgumentParser:
    """The (sub-)subparser a command line ends up in: `data build` -> the `build` parser of `data`."""
    parser = build_parser()
    for token in argv:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or token not in subs[0].choices:
            break
        parser = subs[0].choices[token]
    return parser


def opt(argv: tuple[str, ...], flag: str, default: str | None = None) -> str | None:
    """The value after `flag` (or `flag=value`) in a command line."""
    for i, token in enumerate(argv):
        if token == flag and i + 1 < len(argv):
            return argv[i + 1]
        if token.startswith(flag + "="):
            return token.split("=", 1)[1]
    return default


def test_every_command_runs_as_written_after_the_install():
    """The install puts judgesmith and this project's python only in .venv: a bare `judgesmith ...` or
    `python examples/...` is "command not found" or "No module named 'judgesmith'" for a new user."""
    for doc in (README, ROOT / "docs" / "custom-judge.md"):  # README and the walkthrough it links
        bare = [line for line in shell_lines(doc.read_text(encoding="utf-8"))
                if re.match(r"(judgesmith|pytest|python3?) ", line) and (line.startswith(("judgesmith", "pytest"))
                                                                       or re.search(VENV_ONLY, line))]
        assert not bare, f"{doc.name} commands that need the venv but do not call {PROGRAM} / .venv/bin/python: {bare}"
    assert any(c.argv[0] == "serve" and c.text.startswith(PROGRAM) for c in COMMANDS)  # read through the prefix


def _judge_commands() -> list[Command]:
    return [c for c in COMMANDS if c.block >= 0 and c.argv[:1] == ("judge",) and not c.elided]


def test_judge_examples_read_shipped_inputs_and_write_distinct_outputs():
    """Example inputs ship with the repository; two examples writing one verdicts file resumed each other
    (the second judged nothing and summarised the first one's verdicts)."""
    commands = _judge_commands()
    assert len(commands) >= 3
    for cmd in commands:
        path = opt(cmd.argv, "--input")
        if not path.startswith(("../", "runs/")):
            assert (ROOT / path).is_file(), f"README: `{cmd.text}` reads {path}, which the repository does not ship"
    outputs = [opt(c.argv, "--output") for c in commands]
    assert len(set(outputs)) == len(outputs), f"README judge examples share an --output: {outputs}"


def test_cpu_judge_examples_use_score_mode():
    """Generate mode on 2 cores takes tens of seconds per item; the CPU examples use the fast path."""
    slow = [c.text for c in _judge_commands() if opt(c.argv, "--backend", "hf") == "hf" and opt(c.argv, "--mode") != "score"]
    assert not slow, f"README judge examples without --mode score: {slow}"


def test_paths_of_the_main_job_are_its_stage_folders():
    """`runs/gemma3-270m-cpu/NAME` in README is a stage folder that `scripts/run_cpu.sh`'s build writes."""
    from judgesmith.pipeline.build import plan, stages
    from judgesmith.pipeline.recipe import load_build_recipe

    script = (ROOT / "scripts" / "run_cpu.sh").read_text(encoding="utf-8")
    recipe, out = re.search(r"judgesmith build (\S+) --out (\S+)", script).groups()
    names = {s.name for s in stages(plan(*load_build_recipe(ROOT / recipe)))}
    named = set(re.findall(re.escape(out) + r"/([\w-]+)", README.read_text(encoding="utf-8")))
    assert "merge" in named and any(c.argv[0] == "serve" and opt(c.argv, "--model") == f"{out}/merge" for c in COMMANDS)
    assert named <= names, f"README names {sorted(named - names)} under {out}/, which the main job does not write"


def test_readme_lists_every_rubric_preset():
    from judgesmith.rubrics import PRESETS

    listed = re.search(r"`rubric` is a preset\s*\(([^)]*)\)", README.read_text(encoding="utf-8")).group(1)
    missing = set(PRESETS) - set(re.findall(r"`(\w+)`", listed))
    assert not missing, f"README's rubric preset list misses {sorted(missing)}"


def test_the_readme_shows_every_stage():
    assert {c.argv[0] for c in COMMANDS if c.block >= 0} >= STAGES
    assert any(c.block == -1 for c in COMMANDS), "inline `judgesmith ...` spans are read too"


@pytest.mark.parametrize("cmd", COMMANDS, ids=[c.text[:70] for c in COMMANDS])
def test_every_flag_exists_and_complete_commands_parse(cmd, capsys):
    parser = subcommand_parser(cmd.argv)
    known = {s for action in parser._actions for s in action.option_strings}
    unknown = [t for t in cmd.argv if t.startswith("--") and t.split("=", 1)[0] not in known]
    assert not unknown, f"README: `{cmd.text}` uses {unknown}, which `{parser.prog}` does not have"
    if not cmd.elided:
        try:
            build_parser().parse_args(list(cmd.argv))
        except SystemExit as exc:
            pytest.fail(f"README: `{cmd.text}` does not parse: {capsys.readouterr().err.strip()} ({exc})")


def _reads_writes(argv: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Paths a README command reads and writes (recipes' own data and output folders included)."""
    head = argv[:2] if argv[0] in ("data", "export") else argv[:1]
    if head == ("data", "build"):
        return [], [opt(argv, "--out")]
    if head == ("data", "stats"):
        return [argv[2]], []
    if head == ("train",):
        recipe = yaml.safe_load((ROOT / opt(argv, "--recipe")).read_text())
        data = opt(argv, "--data-dir", recipe["data"].get("build_dir"))
        return [data] if data else [], [opt(argv, "--out", recipe["output_dir"])]
    if head == ("merge",):
        recipe = yaml.safe_load((ROOT / opt(argv, "--recipe")).read_text())
        return [m["model"] for m in recipe["models"]], [recipe["output_dir"]]
    if head in (("bench",), ("consistency",)):
        models = [v.split("=", 1)[1] for k, v in zip(argv, argv[1:]) if k == "--model"]
        return models, [opt(argv, "--out")]
    if head == ("export", "gguf"):
        return [argv[2]], [opt(argv, "--out", f"{argv[2]}-{opt(argv, '--quant', 'q8_0')}.gguf")]
    if head in (("serve",), ("judge",)):
        return [opt(argv, "--model", ""), opt(argv, "--input", "")], [opt(argv, "--output", "")]
    return [], []


def test_the_stage_walk_reads_only_what_an_earlier_command_wrote():
    walk = [c for c in COMMANDS if c.block == next(c.block for c in COMMANDS if c.argv[:2] == ("data", "build"))]
    written: list[str] = []
    for cmd in walk:
        reads, writes = _reads_writes(cmd.argv)
        for path in (p for p in reads if p and p.startswith("runs/")):
            assert any(path == w or path.startswith(w + "/") for w in written), (
                f"README: `{cmd.text}` reads {path}, which no earlier command of the walk writes ({written})")
        written += [w for w in writes if w]
    assert len(written) >= 6  # data, two judges, the merge, bench, consistency: the walk was read


@pytest.mark.parametrize("cmd", COMMANDS, ids=[c.text[:70] for c in COMMANDS])
def test_named_recipes_suites_and_rubrics_exist(cmd):
    from judgesmith.bench.suite import load_suite
    from judgesmith.rubrics import resolve_rubric

    for token in cmd.argv:
        if token.startswith("recipes/"):
            assert (ROOT / token).is_file(), f"README: `{cmd.text}` names {token}, which is not in the repository"
    if opt(cmd.argv, "--suite"):
        load_suite(opt(cmd.argv, "--suite"))
    if opt(cmd.argv, "--rubric") and cmd.argv[0] == "judge":
        resolve_rubric(opt(cmd.argv, "--rubric"))


# --- slow: run them ---------------------------------------------------------------------------------

# Added to a command to keep it tiny; the flags the README shows are kept as they are.
TINY_EXTRA = {
    "train": ["--max-steps", "1", "--max-train-tokens", "4000"],
    "bench": ["--limit", "2", "--resamples", "20", "--no-html"],
    "consistency": ["--limit", "1", "--resamples", "20", "--no-html"],
    "build": ["--dry-run"],
}
# Checked by the fast tests only: `serve` runs until stopped, `export` needs llama.cpp's converter
# for a byte-level tokenizer it does not know, and the llama.cpp judge needs that export.
NOT_RUN = {"serve", "export"}


@pytest.mark.slow
def test_readme_commands_run_on_tiny_models(tmp_path, monkeypatch, tiny_gemma_dir, data_dir):
    """Each bash-block command, in README order, from a checkout-like folder where `gemma-3-270m` is a tiny
    random Gemma 3 (its converted-model cache entry) and `../shared/data` is the judge data."""
    home = tmp_path / "home"
    from judgesmith.models import embedded_entry

    shutil.copytree(tiny_gemma_dir, home / "models" / embedded_entry("gemma-3-270m"))
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "recipes").symlink_to(ROOT / "recipes")
    (work / "examples").symlink_to(ROOT / "examples")  # the example inputs the judge commands read
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(data_dir)
    monkeypatch.setenv("JUDGESMITH_HOME", str(home))
    monkeypatch.setenv("JUDGESMITH_DATA", str(tmp_path / "shared" / "data"))
    monkeypatch.chdir(work)
    ran = []
    for cmd in (c for c in COMMANDS if c.block >= 0):
        if cmd.argv[0] in NOT_RUN or cmd.elided:
            continue
        extra = [f for f in TINY_EXTRA.get(cmd.argv[0], []) if f not in cmd.argv]
        assert main([*cmd.argv, *extra]) == 0, f"README: `{cmd.text}` failed (run with {extra})"
        ran.append(cmd.argv[0])
    assert set(ran) >= STAGES - NOT_RUN
    assert len(list((work / "runs" / "judged" / "pairs.jsonl").open())) == 5  # judged, not resumed from items
    assert (work / "runs" / "gemma3-270m-judge-nuslerp" / "config.json").is_file()
    assert json.loads((work / "runs" / "bench" / "results.json").read_text())["models"]
