"""Stage caching: skip finished stages, rerun what changed and what depends on it, resume after a kill."""

import json

import pytest

from judgesmith.pipeline.stages import Stage, plan_status, run_stages, stage_times


def make_stages(calls, merge_weight=0.5, fail_in=None):
    def writer(name):
        def run(sdir, ctx):
            calls.append(name)
            if fail_in == name:
                (sdir / "partial.txt").write_text("half")
                raise KeyboardInterrupt
            inputs = {u: (ctx.dirs[u] / "out.txt").read_text() for u in ups[name]}
            (sdir / "out.txt").write_text(json.dumps({"name": name, "inputs": inputs}))
        return run

    ups = {"data": (), "train": ("data",), "merge": ("train",), "bench": ("merge", "data")}
    cfg = {"data": {"seed": 1}, "train": {"r": 8}, "merge": {"weight": merge_weight}, "bench": {"limit": 3}}
    return [Stage(n, writer(n), cfg[n], ups[n], ("judgesmith.pipeline.stages",)) for n in ups]


def test_rerun_skips_finished_stages(tmp_path):
    calls = []
    first = run_stages(make_stages(calls), tmp_path, echo=lambda s: None)
    assert set(first.values()) == {"done"} and calls == ["data", "train", "merge", "bench"]
    calls.clear()
    lines = []
    second = run_stages(make_stages(calls), tmp_path, echo=lines.append)
    assert calls == [] and set(second.values()) == {"cached"}
    assert any("cached" in line for line in lines) and lines[-1].startswith("total")


def test_changing_merge_reruns_only_merge_and_downstream(tmp_path):
    calls = []
    run_stages(make_stages(calls), tmp_path, echo=lambda s: None)
    calls.clear()
    status = run_stages(make_stages(calls, merge_weight=0.7), tmp_path, echo=lambda s: None)
    assert calls == ["merge", "bench"]
    assert status == {"data": "cached", "train": "cached", "merge": "done", "bench": "done"}


def test_killed_stage_resumes_with_its_partial_outputs(tmp_path):
    calls = []
    with pytest.raises(KeyboardInterrupt):
        run_stages(make_stages(calls, fail_in="train"), tmp_path, echo=lambda s: None)
    assert (tmp_path / "train" / "partial.txt").exists()
    calls.clear()
    run_stages(make_stages(calls), tmp_path, echo=lambda s: None)
    assert calls == ["train", "merge", "bench"]
    assert (tmp_path / "train" / "partial.txt").exists(), "same key: partial outputs kept for resuming"
    times = {row["stage"]: row for row in stage_times(tmp_path, ["data", "train", "merge", "bench", "absent"])}
    assert sorted(times) == ["bench", "data", "merge", "train"]
    assert times["train"]["resumed"] and not times["data"]["resumed"] and not times["merge"]["resumed"]
    assert "all_invocations_seconds" not in times["train"], "no training log: only the recorded time"
    log = [{"event": "train_begin", "step": 0, "time": 0.0}, {"step": 5, "time": 3000.0},
           {"event": "train_begin", "step": 4, "time": 9000.0}, {"step": 6, "time": 9600.0}]
    (tmp_path / "train" / "metrics.jsonl").write_text("\n".join(json.dumps(line) for line in log))
    (tmp_path / "merge" / "metrics.jsonl").write_text("\n".join(json.dumps(line) for line in log))
    times = {row["stage"]: row for row in stage_times(tmp_path, ["train", "merge"])}
    assert times["train"]["all_invocations_seconds"] == 3600.0 and times["train"]["invocations"] == 2
    assert "all_invocations_seconds" not in times["merge"], "a stage that was not resumed keeps its own time"


def test_report_counts_every_invocation_of_a_resumed_training_stage():
    from judgesmith.bench.report_sections import build_section

    stages = [{"stage": "data", "seconds": 6.0, "resumed": False},
              {"stage": "train", "seconds": 900.0, "resumed": True, "all_invocations_seconds": 5400.0, "invocations": 2},
              {"stage": "bench", "seconds": 60.0, "resumed": True}]
    section = build_section({"build": {"recipe": "r", "stages": stages}})
    text = "\n".join("|".join(row) for row in section.blocks[-1].rows)
    assert "train (resumed; 2 invocations)|900.0|5400.0|90.0" in text
    assert "bench (resumed)|60.0||1.0" in text
    assert text.endswith("all stages before this report|||91.1"), "the total counts the whole training run"


def test_stage_reading_a_later_stage_is_rejected(tmp_path):
    stages = make_stages([])
    with pytest.raises(ValueError, match="do not run before it"):
        run_stages(list(reversed(stages)), tmp_path, echo=lambda s: None)


def test_an_interrupted_stage_with_another_key_is_moved_aside_not_deleted(tmp_path):
    calls, lines = [], []
    with pytest.raises(KeyboardInterrupt):
        run_stages(make_stages(calls, fail_in="train"), tmp_path, echo=lambda s: None)
    old_key = json.loads((tmp_path / "train" / ".running.json").read_text())["key"]
    stages = make_stages(calls)
    stages[1] = Stage("train", stages[1].run, {"r": 16}, ("data",), stages[1].modules)  # the recipe changed
    run_stages(stages, tmp_path, echo=lines.append)
    kept = tmp_path / f"train.stale-{old_key}"
    assert (kept / "partial.txt").read_text() == "half", "the interrupted run's outputs survive"
    assert not (tmp_path / "train" / "partial.txt").exists() and (tmp_path / "train" / "out.txt").exists()
    assert any("moved to" in line and str(kept) in line for line in lines)


@pytest.mark.parametrize("seconds, kept", [(4000.0, True), (2.0, False)])
def test_a_finished_stage_with_another_key_is_moved_aside_when_it_was_expensive(tmp_path, seconds, kept):
    calls, lines = [], []
    run_stages(make_stages(calls), tmp_path, echo=lambda s: None)
    done = tmp_path / "train" / ".stage.json"
    record = json.loads(done.read_text())
    done.write_text(json.dumps({**record, "seconds": seconds}))  # as if training had taken that long
    stages = make_stages(calls)
    stages[1] = Stage("train", stages[1].run, {"r": 16}, ("data",), stages[1].modules)  # the code or recipe changed
    run_stages(stages, tmp_path, echo=lines.append)
    aside = tmp_path / f"train.stale-{record['key']}"
    assert aside.exists() is kept
    assert (tmp_path / "train" / "out.txt").exists()
    if kept:
        assert (aside / "out.txt").exists() and any("a finished run" in line for line in lines)


def test_plan_status_tells_cached_resumed_and_changed_stages_apart(tmp_path):
    calls = []
    assert {s for _, s in plan_status(make_stages(calls), tmp_path)} == {"runs"}
    with pytest.raises(KeyboardInterrupt):
        run_stages(make_stages(calls, fail_in="merge"), tmp_path, echo=lambda s: None)
    status = dict(plan_status(make_stages(calls), tmp_path))
    assert status["data"] == status["train"] == "cached"
    assert status["merge"].startswith("resumes") and status["bench"] == "runs"
    changed = dict(plan_status(make_stages(calls, merge_weight=0.7), tmp_path))
    assert changed["train"] == "cached" and changed["merge"].startswith("runs afresh")
    assert calls == ["data", "train", "merge"], "planning runs nothing"


def test_until_stops_after_the_named_stage_and_a_rerun_goes_on(tmp_path):
    calls = []
    status = run_stages(make_stages(calls), tmp_path, echo=lambda s: None, until="train")
    assert calls == ["data", "train"] and status == {"data": "done", "train": "done"}
    assert run_stages(make_stages(calls), tmp_path, echo=lambda s: None, until="train") == {
        "data": "cached", "train": "cached"}
    calls.clear()
    assert run_stages(make_stages(calls), tmp_path, echo=lambda s: None)["bench"] == "done"
    assert calls == ["merge", "bench"]
    with pytest.raises(ValueError, match="no such stage"):
        run_stages(make_stages([]), tmp_path, echo=lambda s: None, until="trian")
