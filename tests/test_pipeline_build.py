"""`judgesmith build`: recipes validate (CPU and GPU), errors name the field, and a quick build runs end to end."""

import json
from pathlib import Path

import pytest
import yaml

from judgesmith.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("recipe,expect", [("gemma3-270m-cpu.yaml", "nuslerp"),
                                           ("gemma3-4b-gpu.yaml", "LoRA r=128 alpha=32 dropout=0.15")])
def test_dry_run_validates_every_stage_recipe(recipe, expect, capsys):
    assert main(["build", str(ROOT / "recipes" / recipe), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert expect in out and "nothing was run" in out
    assert "data -> train-feedback -> train-preference -> merge -> bench -> consistency -> report" in out


def test_until_names_a_stage(caplog, tmp_path):
    recipe = str(ROOT / "recipes" / "gemma3-270m-cpu.yaml")
    assert main(["build", recipe, "--until", "train", "--dry-run", "--out", str(tmp_path)]) == 2
    assert "no such stage" in caplog.text and "train-preference" in caplog.text


def test_recipe_typo_is_named(tmp_path, caplog):
    bad = tmp_path / "bad.yaml"
    raw = yaml.safe_load((ROOT / "recipes" / "gemma3-270m-cpu.yaml").read_text())
    raw["bench"]["sutie"] = "default"
    bad.write_text(yaml.safe_dump(raw))
    assert main(["build", str(bad), "--dry-run"]) == 2
    assert "bench.sutie" in caplog.text


def _tiny_build(tmp_path: Path, tiny_model_dir: Path | str) -> Path:
    rows = []
    for q in range(4):
        for r, score in enumerate((1, 3, 5)):
            rows.append({"id": f"q{q}r{r}", "question_id": f"q{q}", "instruction": f"Question {q}: what is {q}+{q}?",
                         "response": f"The answer is {q * 2 + r - 1}.", "score": score,
                         "feedback": f"The response is {'right' if score == 5 else 'wrong'}."})
    (tmp_path / "tiny.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    data = {"seed": 0, "sources": [{"name": "tiny", "loader": "generic", "path": str(tmp_path / "tiny.jsonl"),
                                     "options": {"kind": "absolute"}, "pairs_from_absolute": True}],
            "split": {"eval_fraction": 0.25}, "decontamination": {"enabled": False}}
    suite = {"name": "tiny", "seed": 0, "benchmarks": [{"benchmark": "vicuna", "limit": 2},
                                                       {"benchmark": "llmbar_natural", "limit": 2}],
             "consistency": [{"benchmark": "vicuna", "limit": 1}]}
    (tmp_path / "data.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite))
    recipe = {"name": "tiny", "base_model": str(tiny_model_dir), "data": str(tmp_path / "data.yaml"),
              "train": {"feedback": str(ROOT / "recipes/gemma3-270m-feedback-cpu.yaml"),
                        "preference": str(ROOT / "recipes/gemma3-270m-preference-cpu.yaml")},
              "merge": str(ROOT / "recipes/merge-nuslerp.yaml"),
              "bench": {"suite": str(tmp_path / "suite.yaml"), "mode": "score", "batch_size": 2},
              "quick": {"train_examples": 3, "eval_examples": 1, "max_steps": 2, "max_length": 1024,
                        "bench_limit": 2, "resamples": 20},
              "threads": 2}
    path = tmp_path / "build.yaml"
    path.write_text(yaml.safe_dump(recipe))
    return path


def test_quick_build_end_to_end_then_cached(tmp_path, tiny_model_dir, capsys):
    """The recipe names the embedded Gemma; `--base-model` replaces it in every stage (it is never loaded)."""
    recipe, out = _tiny_build(tmp_path, "gemma-3-270m"), tmp_path / "out"
    override = ["--base-model", str(tiny_model_dir)]
    assert main(["build", str(recipe), "--quick", "--out", str(out), *override]) == 0
    first = capsys.readouterr().out
    assert first.count(" done (") == 7 and f"base model {tiny_model_dir}" in first
    for record in (out / "train-feedback", out / "train-preference", out / "merge"):
        assert json.loads((record / "judgesmith.json").read_text())["base_model"] == str(tiny_model_dir)
    assert f"base model: `{tiny_model_dir}`" in (out / "train-preference" / "merged" / "README.md").read_text()
    report = (out / "report" / "results.md").read_text()
    assert f"Base model `{tiny_model_dir}` in every stage" in report and f"| base | `{tiny_model_dir}` |" in report
    for label in ("base", "feedback", "preference", "merged"):
        assert f"| {label} |" in report
    assert report.count("train_files from judgesmith.json") == 3, "trained and merged models record their data"
    assert "tiny.jsonl" in report
    assert (out / "report" / "report.html").stat().st_size > 10_000
    stages = [row.split(" | ")[0].strip("| ") for row in report.split("time per stage")[1].split("\n## ")[0].splitlines()
              if row.startswith("| ")][1:]
    assert stages == ["data", "train-feedback", "train-preference", "merge", "bench", "consistency",
                      "all stages before this report"], "the report says what each stage cost"
    assert (out / "merge" / "config.json").is_file() and (out / "train-feedback" / "merged").is_dir()
    assert main(["build", str(recipe), "--quick", "--out", str(out), *override]) == 0
    second = capsys.readouterr().out
    assert second.count("cached") == 7 and " done (" not in second


def test_bench_models_choose_which_models_are_judged(tmp_path, capsys):
    raw = yaml.safe_load((ROOT / "recipes" / "gemma3-270m-cpu.yaml").read_text())
    raw["bench"]["models"] = ["base", "merged"]
    for key in ("data", "merge"):
        raw[key] = str(ROOT / "recipes" / raw[key])
    raw["train"] = {k: str(ROOT / "recipes" / v) for k, v in raw["train"].items()}
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["build", str(path), "--dry-run"]) == 0
    assert "models base, merged" in capsys.readouterr().out
    raw["bench"]["models"] = ["base", "judge"]
    path.write_text(yaml.safe_dump(raw))
    assert main(["build", str(path), "--dry-run"]) == 2


def test_learning_curve_benches_a_merged_judge_per_snapshot(tmp_path, tiny_model_dir, capsys):
    recipe = _tiny_build(tmp_path, tiny_model_dir)
    raw = yaml.safe_load(recipe.read_text())
    for kind in ("feedback", "preference"):
        train = yaml.safe_load(Path(raw["train"][kind]).read_text())
        train["training"]["snapshot_fractions"] = [0.5]
        raw["train"][kind] = str(tmp_path / f"{kind}.yaml")
        Path(raw["train"][kind]).write_text(yaml.safe_dump(train))
    raw["bench"].update(models=["base", "merged"], curve=True, consistency=False)
    recipe.write_text(yaml.safe_dump(raw))
    out = tmp_path / "out"
    assert main(["build", str(recipe), "--quick", "--out", str(out)]) == 0
    assert "[4/" in capsys.readouterr().out
    merged_half = out / "curve" / "frac-0.5" / "merged"
    assert (merged_half / "model.safetensors").is_file()
    assert not (out / "curve" / "frac-0.5" / "feedback").exists(), "the specialists' copies are removed"
    record = json.loads((merged_half / "judgesmith.json").read_text())
    half_tokens = sum(i["tokens_seen"] for i in record["inputs"])
    final = json.loads((out / "merge" / "judgesmith.json").read_text())
    assert 0 < half_tokens < sum(i["tokens_seen"] for i in final["inputs"])
    curve = (out / "report" / "learning_curve.md").read_text()
    bench_curve, eval_curve = curve.split("\n## Held-out eval loss")
    rows = [line.split(" | ")[0].strip("| ") for line in bench_curve.splitlines() if line.startswith("| ")][1:]
    assert rows == ["base", "merged@50%", "merged"], curve
    assert "### feedback" in eval_curve and "### preference" in eval_curve
    assert f"| merged@50% | {half_tokens:,} |" in curve

    # fractions that differ between the two train recipes fail before any training
    train = yaml.safe_load(Path(raw["train"]["preference"]).read_text())
    train["training"]["snapshot_fractions"] = [0.25]
    Path(raw["train"]["preference"]).write_text(yaml.safe_dump(train))
    assert main(["build", str(recipe), "--dry-run"]) == 2


def test_the_bench_key_leaves_out_exactly_the_report_modules():
    from judgesmith.pipeline.build import REPORT_MODULES, bench_modules

    files = {p.stem for p in (ROOT / "src" / "judgesmith" / "bench").glob("*.py")} - {"__init__"}
    assert set(REPORT_MODULES) <= files, "every report module named exists"
    judged = {m.rsplit(".", 1)[1] for m in bench_modules()}
    assert judged | set(REPORT_MODULES) == files | {"adapters"} and not judged & set(REPORT_MODULES)
    assert {"runner", "results", "adapters"} <= judged
