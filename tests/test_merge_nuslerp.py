"""Merging two tiny LoRA fine-tunes through mergekit: NuSLERP by hand, other methods, the judging check."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from safetensors.torch import load_file
from helpers import sft_rows, write_jsonl

from judgesmith.merge.recipe import MergeRecipe

TENSOR = "model.layers.0.self_attn.q_proj.weight"


@pytest.fixture(scope="module")
def finetunes(tiny_model_dir, tmp_path_factory):
    """Two short LoRA fine-tunes of the tiny model on different data: (base, feedback, preference) folders."""
    from test_train_run import make_recipe

    from judgesmith.train.run import train

    root = tmp_path_factory.mktemp("finetunes")
    outs = []
    for name, seed in (("feedback", 0), ("preference", 1)):
        data = write_jsonl(root / name / "train.jsonl", sft_rows(4, seed=seed))
        recipe = make_recipe(tiny_model_dir, {"train": str(data)}, root / name / "run", max_steps=2,
                             seed=seed, save_steps=100)
        outs.append(train(recipe).output_dir)
    return Path(tiny_model_dir), outs[0], outs[1]


def merge_recipe(finetunes, out: Path, **fields) -> MergeRecipe:
    base, a, b = finetunes
    spec = {"method": "nuslerp", "models": [{"model": str(a), "weight": 0.5}, {"model": str(b), "weight": 0.5}],
            "base_model": str(base), "output_dir": str(out), **fields}
    return MergeRecipe.model_validate(spec)


def tensor(folder: Path, name: str = TENSOR) -> np.ndarray:
    return load_file(str(folder / "model.safetensors"))[name].double().numpy()


def nuslerp_by_hand(t: float, v0: np.ndarray, v1: np.ndarray) -> np.ndarray:
    """mergekit's nuslerp with flatten=True: one angle for the whole (flattened) tensor, unnormalised ends."""
    a, b = v0.ravel(), v1.ravel()
    cos = float(np.clip(np.dot(a / np.linalg.norm(a), b / np.linalg.norm(b)), -1, 1))
    theta = math.acos(cos)
    out = (math.sin((1 - t) * theta) * a + math.sin(t * theta) * b) / math.sin(theta)
    return out.reshape(v0.shape)


@pytest.mark.parametrize("use_base", [True, False])
def test_nuslerp_matches_the_formula_by_hand(finetunes, tmp_path, use_base):
    from judgesmith.merge.run import merge

    base, a, b = finetunes
    result = merge(merge_recipe(finetunes, tmp_path / "merged", use_base=use_base))
    assert result.check is not None and len(result.check.probabilities) == 5
    assert ("base_model" in result.config) == use_base
    w0, w1, wb = tensor(a / "merged"), tensor(b / "merged"), tensor(base)
    got = tensor(result.output_dir)
    assert np.isfinite(got).all()
    assert np.abs(got - w0).max() > 1e-5 and np.abs(got - w1).max() > 1e-5  # a new point, not an input
    t = 0.5 / (0.5 + 0.5)
    want = wb + nuslerp_by_hand(t, w0 - wb, w1 - wb) if use_base else nuslerp_by_hand(t, w0, w1)
    np.testing.assert_allclose(got, want, rtol=0, atol=2e-6)
    for name, value in load_file(str(result.output_dir / "model.safetensors")).items():
        assert value.isfinite().all(), name
    assert (result.output_dir / "chat_template.jinja").is_file() and (result.output_dir / "tokenizer.json").is_file()


def test_task_vector_mode_differs_from_the_plain_merge(finetunes, tmp_path):
    """With the base, the deltas are interpolated; the two modes must give different weights."""
    from judgesmith.merge.run import build_config, run_mergekit

    for use_base in (True, False):
        run_mergekit(build_config(merge_recipe(finetunes, tmp_path, use_base=use_base)), tmp_path / str(use_base), 0)
    assert np.abs(tensor(tmp_path / "True") - tensor(tmp_path / "False")).max() > 1e-3


def test_linear_merge_is_the_weighted_average(finetunes, tmp_path):
    from judgesmith.merge.run import merge

    _, a, b = finetunes
    recipe = merge_recipe(finetunes, tmp_path / "linear", method="linear", verify=False,
                          models=[{"model": str(a), "weight": 3.0}, {"model": str(b), "weight": 1.0}])
    got = tensor(merge(recipe).output_dir)
    np.testing.assert_allclose(got, 0.75 * tensor(a / "merged") + 0.25 * tensor(b / "merged"), atol=1e-7)


@pytest.mark.parametrize("method,params,extra", [
    ("slerp", {"t": 0.3}, {}),
    ("ties", {"normalize": True, "lambda": 1.0}, {"density": 0.5}),
    ("dare_linear", {"rescale": True}, {"density": 0.7}),
])
def test_other_methods_build_valid_mergekit_configs(finetunes, tmp_path, method, params, extra):
    from mergekit.config import MergeConfiguration

    from judgesmith.merge.run import build_config

    _, a, b = finetunes
    recipe = merge_recipe(finetunes, tmp_path, method=method, parameters=params,
                          models=[{"model": str(a), "weight": 0.5, **extra}, {"model": str(b), "weight": 0.5, **extra}])
    config = MergeConfiguration.model_validate(build_config(recipe))
    assert config.merge_method == method
    if method == "slerp":
        assert str(config.base_model.model.path).endswith("merged") and config.parameters["t"] == 0.3
    else:
        assert config.models[0].parameters["density"] == extra["density"]


def test_method_parameter_errors_are_clear(finetunes, tmp_path):
    from judgesmith.merge.run import build_config

    with pytest.raises(ValueError, match="(?s)parameters for nuslerp.*t: unknown key"):
        build_config(merge_recipe(finetunes, tmp_path, parameters={"t": 0.5}))
    with pytest.raises(ValueError, match="ties needs `base_model`"):
        build_config(merge_recipe(finetunes, tmp_path, method="ties", use_base=False))
    base, a, b = finetunes
    with pytest.raises(ValueError, match="both base_model and a model to merge"):
        build_config(merge_recipe(finetunes, tmp_path, models=[{"model": str(base)}, {"model": str(b)}]))
    with pytest.raises(ValueError, match="density"):
        build_config(merge_recipe(finetunes, tmp_path, models=[{"model": str(a), "density": 0.5}, {"model": str(b)}]))
