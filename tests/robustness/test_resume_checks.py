"""Issue 28 item 3 (and issue 27's resume lines): a rerun keeps only verdicts that still hold.

Each verdict carries hashes of its item, rubric and settings, and a sidecar names the file's kind and
model: a changed item, rubric or mode is judged again (and the run says how many and why); another
kind or model is refused with a message offering --output and --force-new; lines that are not
verdicts are reported, never a crash; the resume line and the engine line are always true.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from judgesmith.cli import main
from judgesmith.jsonio import read_jsonl


def items(path: Path, answers: dict[str, str], **extra) -> Path:
    path.write_text("".join(json.dumps({"id": k, "instruction": f"Question {k}?", "response": v, **extra}) + "\n"
                            for k, v in answers.items()))
    return path


@pytest.fixture(autouse=True)
def _info(caplog):
    caplog.set_level(logging.INFO)


ANSWERS = {"q0": "Answer zero.", "q1": "Answer one.", "q2": "Answer two."}


def judge(model, inp, out, *extra, kind="absolute") -> int:
    return main(["judge", kind, "--input", str(inp), "--output", str(out), "--model", str(model),
                 "--batch-size", "2", *(("--mode", "score") if "--mode" not in extra else ()), *extra])


def resume_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "resuming" in r.getMessage() or "holds" in r.getMessage()]


def test_a_changed_item_is_judged_again_and_the_run_says_why(tmp_path, tiny_model_dir, caplog):
    inp, out = items(tmp_path / "in.jsonl", ANSWERS), tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, inp, out) == 0
    items(inp, {**ANSWERS, "q1": "A different answer."})
    caplog.clear()
    assert judge(tiny_model_dir, inp, out) == 0
    assert [v["id"] for v in read_jsonl(out)] == ["q0", "q1", "q2", "q1"]
    assert ("resuming" in " ".join(resume_lines(caplog)) and "2 of 3 items already judged" in caplog.text
            and "1 re-judged: item text changed" in caplog.text)


def test_a_changed_rubric_or_mode_is_judged_again(tmp_path, tiny_model_dir, caplog):
    inp, out = items(tmp_path / "in.jsonl", ANSWERS), tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, inp, out) == 0
    caplog.clear()
    assert judge(tiny_model_dir, inp, out, "--rubric", "honesty") == 0
    assert "3 re-judged: rubric changed" in caplog.text
    caplog.clear()
    assert judge(tiny_model_dir, inp, out, "--rubric", "honesty", "--mode", "generate", "--max-new-tokens", "3") == 0
    assert "3 re-judged: settings changed (" in caplog.text and "mode score -> generate" in caplog.text
    assert len(list(read_jsonl(out))) == 9


def test_another_model_is_refused_and_force_new_starts_over(tmp_path, tiny_model_dir, caplog):
    other = tmp_path / "other-model"
    shutil.copytree(tiny_model_dir, other)
    config = json.loads((other / "config.json").read_text())
    (other / "config.json").write_text(json.dumps({**config, "rms_norm_eps": 1e-5}))
    inp, out = items(tmp_path / "in.jsonl", ANSWERS), tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, inp, out) == 0
    before = out.read_bytes()
    assert judge(other, inp, out) == 2
    assert out.read_bytes() == before
    refusal = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"][-1]
    assert "holds verdicts of the model" in refusal and "--output" in refusal and "--force-new" in refusal
    assert judge(other, inp, out, "--force-new") == 0
    assert [v["id"] for v in read_jsonl(out)] == ["q0", "q1", "q2"]
    assert json.loads(Path(f"{out}.run.json").read_text())["model"]["name"] == str(other)


def test_a_pairwise_run_on_an_absolute_file_is_refused_not_misreported(tmp_path, tiny_model_dir, caplog, capsys):
    inp, out = items(tmp_path / "in.jsonl", ANSWERS), tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, inp, out) == 0
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"id": k, "instruction": "Q?", "response_a": "a", "response_b": "b",
                                         "gold": "A"}) + "\n" for k in ANSWERS))
    before = out.read_bytes()
    capsys.readouterr()
    assert judge(tiny_model_dir, pairs, out, kind="pairwise") == 2
    assert "holds absolute verdicts and this is a pairwise run" in caplog.text and "--force-new" in caplog.text
    assert out.read_bytes() == before and "verdicts in" not in capsys.readouterr().out


def test_lines_that_are_not_verdicts_are_reported_never_a_crash(tmp_path, tiny_model_dir, caplog):
    inp, out = items(tmp_path / "in.jsonl", ANSWERS), tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, inp, out) == 0
    with open(out, "a") as fh:
        fh.write('{"id": "zzz"}\n' + "garbage\n" + '{"kind": "absolute", "score": 5}\n' + '{"id": 7, "kind": "x"}\n')
    caplog.clear()
    assert judge(tiny_model_dir, inp, out) == 0
    assert "4 lines are not verdicts and are ignored (line 4, 5, 6, 7)" in caplog.text
    assert "3 of 3 items already judged with these settings; nothing to judge" in caplog.text


def test_the_resume_and_engine_lines_are_true_when_nothing_matches_or_nothing_is_left(tmp_path, tiny_model_dir,
                                                                                      caplog, capsys):
    out = tmp_path / "out.jsonl"
    assert judge(tiny_model_dir, items(tmp_path / "a.jsonl", {f"a{i}": "x" for i in range(5)}), out) == 0
    caplog.clear()
    other = items(tmp_path / "b.jsonl", {f"b{i}": "y" for i in range(5)})
    assert judge(tiny_model_dir, other, out) == 0
    assert "0 of 5 items" not in caplog.text
    assert "holds no verdict for any item of this input; judging all 5 items" in caplog.text
    assert "5 verdicts for items not in this input are left as they are" in caplog.text
    capsys.readouterr()
    assert judge(tiny_model_dir, other, out) == 0
    printed = capsys.readouterr().out
    assert "engine hf, score mode: 0 judgments (nothing left to judge: all 5 items are in" in printed
