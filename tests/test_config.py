"""One YAML config loader (judgesmith.config): every shipped recipe loads, every loader reports errors alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from judgesmith.bench.suite import load_suite
from judgesmith.config import Strict, load_yaml_model
from judgesmith.data.recipe import load_recipe as load_data_recipe
from judgesmith.merge.recipe import load_merge_recipe
from judgesmith.merge.run import method_params
from judgesmith.pipeline.recipe import load_build_recipe, resolve
from judgesmith.train.recipe import load_recipe as load_train_recipe

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "recipes"


def _check_build(path: Path) -> None:
    recipe, base = load_build_recipe(path)
    for stage in (recipe.data, recipe.train.feedback, recipe.train.preference, recipe.merge):
        assert resolve(base, stage).is_file(), f"{path.name} names {stage}, which is not there"


def _check_merge(path: Path) -> None:
    method_params(load_merge_recipe(path))  # the method's `parameters:` too


def _check_rubric(path: Path) -> None:
    from judgesmith.data.synthesize.config import load_synth_rubric

    load_synth_rubric(path)


def _check_accelerate(path: Path) -> None:
    import yaml

    assert isinstance(yaml.safe_load(path.read_text()), dict)  # accelerate's own format, not ours


def checker_for(rel: str):
    """Which judgesmith loader reads a file under recipes/ (by where it lives and what it is called)."""
    name = rel.rsplit("/", 1)[-1]
    if rel.startswith("suites/"):
        return load_suite
    if rel.startswith("rubrics/"):
        return _check_rubric
    if rel.startswith("accelerate/"):
        return _check_accelerate
    if name.startswith("data-"):
        return load_data_recipe
    if name.startswith("merge-"):
        return _check_merge
    if "-feedback" in name or "-preference" in name:
        return load_train_recipe
    if name.endswith(("-cpu.yaml", "-gpu.yaml")) or name.startswith(("gemma3-270m-cpu-", "gemma3-4b-gpu-")):
        return _check_build
    raise AssertionError(f"recipes/{rel}: no loader known; add it to checker_for")


ALL_YAML = sorted(str(p.relative_to(RECIPES)) for p in RECIPES.rglob("*.yaml"))


def test_the_walk_finds_every_kind_of_recipe():
    kinds = {checker_for(rel) for rel in ALL_YAML}
    assert {load_data_recipe, _check_merge, load_train_recipe, _check_build} <= kinds


SUITES = Path(__file__).resolve().parents[1] / "src" / "judgesmith" / "suites"


@pytest.mark.parametrize("name", sorted(p.stem for p in SUITES.glob("*.yaml")))
def test_every_packaged_suite_loads(name):
    assert load_suite(name).name == name


@pytest.mark.parametrize("rel", ALL_YAML)
def test_every_shipped_yaml_loads_with_its_loader(rel):
    checker_for(rel)(RECIPES / rel)


# (loader, a minimal valid file, the key path a typo is put under, the word in the error's first line)
LOADERS = [
    (load_train_recipe, "base_model: x\noutput_dir: o\ndata: {train: t.jsonl}\n", "training", "training recipe"),
    (load_data_recipe, "sources: [{name: mt_bench}]\n", "split", "data recipe"),
    (load_merge_recipe, "method: linear\nmodels: [{model: a}, {model: b}]\noutput_dir: o\n", "", "merge recipe"),
    (load_build_recipe, "name: n\nbase_model: m\ndata: d.yaml\ntrain: {feedback: f.yaml, preference: p.yaml}\n"
                        "merge: m.yaml\n", "bench", "build recipe"),
    (load_suite, "benchmarks: [{benchmark: vicuna}]\n", "", "suite"),
]


@pytest.mark.parametrize("loader,good,section,what", LOADERS, ids=[w for *_, w in LOADERS])
def test_every_loader_reports_a_typo_the_same_way(tmp_path, loader, good, section, what):
    path = tmp_path / "r.yaml"
    path.write_text(good)
    loader(path)  # the minimal file is valid
    typo = f"{section}: {{speling: 1}}\n" if section else "speling: 1\n"
    path.write_text(good + typo)
    with pytest.raises(ValueError) as info:
        loader(path)
    first, *problems = str(info.value).splitlines()
    assert first == f"{path}: invalid {what}"
    key = f"{section}.speling" if section else "speling"
    assert len(problems) == 1 and problems[0].startswith(f"  {key}: unknown key (check the spelling; known keys here: ")


@pytest.mark.parametrize("loader,good,section,what", LOADERS, ids=[w for *_, w in LOADERS])
def test_every_loader_reports_missing_and_non_mapping_files(tmp_path, loader, good, section, what):
    with pytest.raises(FileNotFoundError, match=f"{what} .*nope.yaml.* (does not exist|not found)"):
        loader(tmp_path / "nope.yaml")
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(ValueError, match=f"list.yaml: a {what} must be a YAML mapping .*got a list"):
        loader(path)
    path.write_text("a: [\n")
    with pytest.raises(ValueError, match="not valid YAML"):
        loader(path)


class Inner(Strict):
    name: str
    size: int = 1


class Outer(Strict):
    title: str
    items: list[Inner] = []
    either: list[str | Inner] = []
    maybe: Inner | None = None


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        load_yaml_model(path, Outer, "thing")
    first, *rest = str(info.value).splitlines()
    assert first == f"{path}: invalid thing"
    return rest


def test_unknown_keys_name_the_keys_allowed_where_they_stand(tmp_path):
    assert _problems(tmp_path, "title: t\nitems: [{name: a}, {name: b, sise: 2}]\n") == [
        "  items.1.sise: unknown key (check the spelling; known keys here: name, size)"]
    assert _problems(tmp_path, "title: t\nmaybe: {nmae: a}\n") == [
        "  maybe.name: Field required",
        "  maybe.nmae: unknown key (check the spelling; known keys here: name, size)"]
    assert _problems(tmp_path, "titel: t\n") == [
        "  title: Field required",
        "  titel: unknown key (check the spelling; known keys here: title, items, either, maybe)"]


def test_union_member_tags_are_not_shown_as_keys(tmp_path):
    problems = _problems(tmp_path, "title: t\neither: [ok, {name: a, siz: 1}]\n")
    assert "  either.1: Input should be a valid string" in problems
    assert "  either.1.siz: unknown key (check the spelling; known keys here: name, size)" in problems
    assert not any("Inner" in p or ".str" in p for p in problems)


def test_validator_messages_lose_pydantics_prefix_and_an_empty_file_lists_what_is_required(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("base_model: x\noutput_dir: o\ndata: {build_dir: b}\n")
    with pytest.raises(ValueError) as info:
        load_train_recipe(path)
    assert str(info.value).splitlines()[1] == "  data: give either `train` (a JSONL file) or both `build_dir` and `kind`"
    path.write_text("")
    assert _problems(tmp_path, "") == ["  title: Field required"]


def test_defaults_fill_only_what_the_file_leaves_out(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("benchmarks: [{benchmark: vicuna}]\n")
    assert load_suite(path).name == "mine"
    path.write_text("name: other\nbenchmarks: [{benchmark: vicuna}]\n")
    assert load_suite(path).name == "other"


def test_merge_parameters_use_the_same_style(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("method: nuslerp\nmodels: [{model: a}, {model: b}]\noutput_dir: o\nparameters: {tt: 0.5}\n")
    with pytest.raises(ValueError) as info:
        method_params(load_merge_recipe(path))
    first, second = str(info.value).splitlines()
    assert first == "parameters for nuslerp: invalid merge recipe"
    assert second.startswith("  tt: unknown key (check the spelling; known keys here: ")


def test_merge_recipes_do_not_import_training():
    code = ("import sys, judgesmith.merge.recipe, judgesmith.merge.run; "
            "print(sorted(m for m in sys.modules if m.startswith('judgesmith.train')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src")}).stdout
    assert out.strip() == "[]"


def test_no_merge_module_reaches_into_train_even_lazily():
    """Function-level imports count too: the merge stage must not depend on the training package."""
    merge_dir = ROOT / "src" / "judgesmith" / "merge"
    offenders = [str(p.relative_to(ROOT)) for p in merge_dir.rglob("*.py")
                 if "judgesmith.train" in p.read_text(encoding="utf-8")]
    assert offenders == []
