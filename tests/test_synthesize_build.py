"""A build recipe with a `synthesize:` section against the stub teacher on loopback, and a gold file for the bench."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi")
from synth_stub import StubTeacher  # noqa: E402

from judgesmith.cli import main  # noqa: E402
from judgesmith.pipeline.build import plan, stages  # noqa: E402
from judgesmith.pipeline.recipe import load_build_recipe  # noqa: E402
from judgesmith.pipeline.stages import run_stages  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTIONS = ["Explain what COUNT(*) returns for an empty table.", "Explain GROUP BY with two columns.",
                "Explain a LEFT JOIN between orders and shipments.", "Explain what DISTINCT does to NULLs."]


def _recipe(tmp_path: Path, url: str, base_model: str = "gemma-3-270m", gold: bool = False) -> Path:
    (tmp_path / "instructions.jsonl").write_text("".join(json.dumps({"instruction": t}) + "\n" for t in INSTRUCTIONS))
    data = yaml.safe_load((ROOT / "recipes" / "data-sql-explanations.yaml").read_text())
    data["decontamination"] = {"enabled": False}
    data["split"] = {"eval_fraction": 0.25}
    (tmp_path / "data.yaml").write_text(yaml.safe_dump(data))
    raw = yaml.safe_load((ROOT / "recipes" / "sql-judge-cpu.yaml").read_text())
    raw["synthesize"].update(teacher_base_url=url, teacher_model="stub", instructions="instructions.jsonl",
                             n_instructions=None, rubric=str(ROOT / "recipes" / "rubrics" / "sql-explanations.yaml"))
    raw.update(base_model=base_model, data="data.yaml",
               train={k: str(ROOT / "recipes" / v) for k, v in raw["train"].items()},
               merge=str(ROOT / "recipes" / raw["merge"]))
    raw["bench"]["gold"] = [{"path": "gold.jsonl", "kind": "absolute"}] if gold else []
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(
        {"id": f"g{i}", "instruction": t, "response": "It counts rows.", "score": 1 + i}) + "\n"
        for i, t in enumerate(INSTRUCTIONS)))
    path = tmp_path / "build.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_shipped_recipe_dry_run(capsys):
    assert main(["build", str(ROOT / "recipes" / "sql-judge-cpu.yaml"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "synthesize -> data -> train-feedback" in out and "sql-explanations.yaml" in out
    assert "gold        absolute" in out


def test_data_recipe_placeholder_needs_a_synthesize_section(tmp_path, caplog):
    path = _recipe(tmp_path, "http://127.0.0.1:9/v1")
    raw = yaml.safe_load(path.read_text())
    del raw["synthesize"]
    path.write_text(yaml.safe_dump(raw))
    assert main(["build", str(path), "--dry-run"]) == 2
    assert "{synthesize}" in caplog.text and "no `synthesize:` section" in caplog.text


def test_synthesize_then_data_stage_cached_and_resumed(tmp_path):
    stub = StubTeacher()
    with LiveServer(stub.app()) as server:
        recipe, base = load_build_recipe(_recipe(tmp_path, server.url + "/v1"))
        steps = stages(plan(recipe, base))[:2]
        assert [s.name for s in steps] == ["synthesize", "data"]
        shown: list[str] = []
        assert run_stages(steps, tmp_path / "out", echo=shown.append) == {"synthesize": "done", "data": "done"}
        calls = stub.total
        assert calls == 4 * 6
        # the stage returns its summary and the caller shows it (the library prints nothing itself)
        assert [s for s in shown if s.startswith("step")] and any("rows: 20 absolute, 80 pairwise" in s for s in shown)
        shown.clear()
        assert run_stages(steps, tmp_path / "out", echo=shown.append) == {"synthesize": "cached", "data": "cached"}
        assert stub.total == calls and not any("rows:" in s for s in shown)
    manifest = json.loads((tmp_path / "out" / "data" / "manifest.json").read_text())
    counts = {s["name"]: (s["absolute"], s["pairwise"]) for s in manifest["sources"]}
    assert counts == {"synthesized": (20, 0), "synthesized_pairs": (0, 4 * 20)}
    assert all(str(tmp_path / "out" / "synthesize") in s["file"] for s in manifest["sources"])


def test_gold_file_joins_the_bench_suite(tmp_path):
    from judgesmith.pipeline.build import _bench_setup

    recipe, base = load_build_recipe(_recipe(tmp_path, "http://127.0.0.1:9/v1", gold=True))
    suite = _bench_setup(plan(recipe, base))[0]
    entry = suite.benchmarks[-1]
    assert (entry.benchmark, entry.key) == ("generic_absolute", "gold-gold")
    examples, skipped = entry.resolve().examples(entry.path, **entry.options)
    assert skipped == 0 and sorted(e.gold_score for e in examples) == [1, 2, 3, 4]
    assert examples[0].item.rubric.criteria.startswith("Does the response explain the SQL")


@pytest.mark.slow
def test_quick_build_from_a_rubric_with_gold(tmp_path, tiny_model_dir):
    stub = StubTeacher()
    with LiveServer(stub.app()) as server:
        path = _recipe(tmp_path, server.url + "/v1", base_model=str(tiny_model_dir), gold=True)
        raw = yaml.safe_load(path.read_text())
        raw["bench"].update(suite="tiny.yaml", consistency=False, batch_size=2)
        raw["quick"] = {"train_examples": 3, "eval_examples": 1, "max_steps": 1, "max_length": 2048,
                        "bench_limit": 2, "resamples": 20}
        (tmp_path / "tiny.yaml").write_text(yaml.safe_dump({"name": "tiny", "benchmarks": [
            {"benchmark": "vicuna", "limit": 2}]}))
        raw["bench"]["suite"] = str(tmp_path / "tiny.yaml")
        path.write_text(yaml.safe_dump(raw))
        assert main(["build", str(path), "--quick", "--out", str(tmp_path / "out")]) == 0
    report = (tmp_path / "out" / "report" / "results.md").read_text()
    assert "gold-gold" in report
    for label in ("base", "feedback", "preference", "merged"):
        assert f"| {label} |" in report
