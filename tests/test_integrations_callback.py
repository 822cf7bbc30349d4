"""JudgeEvalCallback: metrics from verdicts, the prompt set, generation, and a 3-step Trainer run."""

from __future__ import annotations

import json
import math
import re

import pytest

from judgesmith.integrations.callback import JudgeEvalCallback, eval_metrics
from judgesmith.integrations.evalset import generate_answers, load_eval_prompts
from judgesmith.judge import Judge
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.records import Verdict

PROMPTS = ["What is the capital of France?", "Explain photosynthesis.", "Say hello."]


def test_eval_metrics_from_verdicts():
    scored = [Verdict("0", "absolute", score=4, expected_score=3.8), Verdict("1", "absolute", score=2),
              Verdict("2", "absolute", parse_ok=False, error="no [RESULT]")]
    versus = [Verdict("0", "pairwise", winner="A", probabilities={"A": 0.9, "B": 0.1}),
              Verdict("1", "pairwise", winner="tie"), Verdict("2", "pairwise", parse_ok=False)]
    m = eval_metrics(scored, versus, prefix="j")
    assert m["j/mean_score"] == pytest.approx((3.8 + 2.0) / 2)
    assert [m[f"j/score_{k}"] for k in "12345"] == [0.0, 0.5, 0.0, 0.5, 0.0]
    assert m["j/win_rate"] == pytest.approx((0.9 + 0.5) / 2)
    assert m["j/parse_failures"] == 2.0
    first = eval_metrics(scored, None)
    assert "judge/win_rate" not in first and first["judge/parse_failures"] == 1.0
    assert math.isnan(eval_metrics([Verdict("0", "absolute", parse_ok=False)], None)["judge/mean_score"])


def test_prompt_sets_from_jsonl_text_and_lists(tmp_path):
    jsonl = tmp_path / "p.jsonl"
    first = {"id": "a", "prompt": [{"role": "user", "content": "Hi?"}], "reference_answer": "Hello"}
    jsonl.write_text(json.dumps(first) + "\n\n" + json.dumps({"instruction": "2+2?"}) + "\n", encoding="utf-8")
    rows = load_eval_prompts(jsonl)
    assert [(r.id, r.instruction, r.reference_answer) for r in rows] == [("a", "Hi?", "Hello"), ("3", "2+2?", None)]
    txt = tmp_path / "p.txt"
    txt.write_text("first\n\nsecond\n", encoding="utf-8")
    assert [r.instruction for r in load_eval_prompts(txt)] == ["first", "second"]
    assert [r.id for r in load_eval_prompts(["x", {"prompt": "y", "id": 7}])] == ["0", "7"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction": "ok"}\n{"text": "no prompt"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2: needs 'prompt'"):
        load_eval_prompts(bad)
    with pytest.raises(ValueError, match="does not exist"):
        load_eval_prompts(tmp_path / "missing.jsonl")


def test_generate_answers_is_greedy_and_restores_modes(tiny_model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    tok.padding_side = "right"
    model.train()
    rows = load_eval_prompts(PROMPTS)
    answers = generate_answers(model, tok, rows, max_new_tokens=5, batch_size=2)
    assert model.training and tok.padding_side == "right"
    assert len(answers) == 3 and all(isinstance(a, str) for a in answers)
    # Batched left-padded generation gives the same answer as the prompt alone.
    assert generate_answers(model, tok, rows[2:], max_new_tokens=5) == answers[2:]


def scripted_judge() -> tuple[Judge, ScriptedBackend]:
    """Scores every answer 4 (or 5 when it is empty); a pairwise judge that always prefers position A."""
    def probs(prompt):
        if "###Response A:" in prompt.user:
            return {"A": 0.8, "B": 0.2}
        answer = re.search(r"###Response to evaluate:\n(.*?)\n\n###", prompt.user, re.S).group(1)
        return {"5": 1.0} if not answer.strip() else {"4": 0.75, "3": 0.25}

    backend = ScriptedBackend(probs_fn=probs)
    return Judge(backend, mode="score"), backend


def tiny_trainer(model_dir, out_dir, callbacks, max_steps=3):
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainerCallback, TrainingArguments

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    ids = [tok("the response is good and helpful " * 3)["input_ids"]] * 6
    data = Dataset.from_dict({"input_ids": ids, "labels": ids})
    modes: list[bool] = []
    reported: list[dict] = []

    class Probe(TrainerCallback):
        """Runs after the judge callback: sees the mode it left the model in, and what a reporter is sent."""

        def on_step_end(self, args, state, control, model=None, **kwargs):
            modes.append(model.training)

        def on_log(self, args, state, control, logs=None, **kwargs):
            reported.append({**logs, "step": state.global_step})

    args = TrainingArguments(output_dir=str(out_dir), max_steps=max_steps, per_device_train_batch_size=2,
                             learning_rate=1e-3, logging_steps=1, save_strategy="no", report_to="none",
                             use_cpu=True, seed=0)
    trainer = Trainer(model=model, args=args, train_dataset=data, processing_class=tok,
                      callbacks=[*callbacks, Probe()])
    return trainer, modes, reported


def test_three_step_run_logs_the_judge_metrics_and_keeps_train_mode(tiny_model_dir, tmp_path):
    judge, backend = scripted_judge()
    callback = JudgeEvalCallback(judge, PROMPTS, every_n_steps=2, max_new_tokens=4, rubric="reasoning")
    trainer, modes, reported = tiny_trainer(tiny_model_dir, tmp_path, [callback])
    callback.attach(trainer)
    assert trainer.callback_handler.callbacks.count(callback) == 1
    assert trainer.callback_handler.callbacks[0] is callback
    trainer.train()

    logged = [h for h in trainer.state.log_history if "judge/mean_score" in h]
    assert [h["step"] for h in logged] == [0, 2]
    assert "loss" in logged[1]  # joined the trainer's own record of step 2
    assert [h for h in reported if "judge/mean_score" in h] == logged  # reporters saw the same records
    for h, answers in zip(logged, [callback.baseline, callback.answers]):
        empty = sum(not a.strip() for a in answers)
        assert h["judge/mean_score"] == pytest.approx((empty * 5.0 + (3 - empty) * 3.75) / 3)
        assert h["judge/parse_failures"] == 0.0
        assert (h["judge/score_4"], h["judge/score_5"]) == pytest.approx(((3 - empty) / 3, empty / 3))
    assert "judge/win_rate" not in logged[0]
    # A judge that always prefers position A, asked in both orders, is a coin: exactly 0.5.
    assert logged[1]["judge/win_rate"] == pytest.approx(0.5)
    assert modes == [True, True, True]
    # Step 0: 3 absolute prompts; step 2: 3 absolute + 3 pairs in two orders; the answers are the model's.
    assert len(backend.calls) == 3 + 3 + 6
    assert all(a in c.user for a, c in zip(callback.baseline, backend.calls[:3]))
    assert [h["step"] for h in callback.history] == [0, 2]


def test_tiny_judge_in_the_loop_and_a_failing_judge_does_not_stop_training(tiny_model_dir, tiny_backend, tmp_path):
    real = JudgeEvalCallback(Judge(tiny_backend, mode="score"), PROMPTS, every_n_steps=3, max_new_tokens=3)

    class Broken(ScriptedBackend):
        def score(self, prompts, **kw):
            raise RuntimeError("judge is down")

    broken = JudgeEvalCallback(Judge(Broken(), mode="score"), PROMPTS, every_n_steps=1, max_new_tokens=3,
                               prefix="broken")
    trainer, modes, _ = tiny_trainer(tiny_model_dir, tmp_path, [real, broken])
    real.attach(trainer), broken.attach(trainer)
    trainer.train()
    assert trainer.state.global_step == 3 and modes == [True, True, True]
    logged = [h for h in trainer.state.log_history if "judge/mean_score" in h]
    assert [h["step"] for h in logged] == [0, 3]
    assert all(1.0 <= h["judge/mean_score"] <= 5.0 and 0.0 <= h["judge/win_rate"] <= 1.0 for h in logged[1:])
    assert not any(k.startswith("broken/") for h in trainer.state.log_history for k in h)


def test_the_callback_needs_a_trainer_to_log_through(tiny_model_dir, tmp_path):
    judge, _ = scripted_judge()
    trainer, _, _ = tiny_trainer(tiny_model_dir, tmp_path, [JudgeEvalCallback(judge, PROMPTS, max_new_tokens=2)])
    with pytest.raises(ValueError, match=r"attach\(trainer\)"):
        trainer.train()
    with pytest.raises(ValueError, match="every_n_steps"):
        JudgeEvalCallback(judge, PROMPTS, every_n_steps=0)


def test_in_a_grpo_run_the_metrics_join_trls_own_step_records(tiny_model_dir, tmp_path):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    from judgesmith.integrations.trl import JudgeReward

    judge, _ = scripted_judge()
    args = GRPOConfig(output_dir=str(tmp_path), max_steps=3, per_device_train_batch_size=2, num_generations=2,
                      max_completion_length=4, use_cpu=True, bf16=False, report_to="none", logging_steps=1,
                      save_strategy="no", seed=0)
    trainer = GRPOTrainer(model=str(tiny_model_dir), reward_funcs=JudgeReward(judge), args=args,
                          train_dataset=Dataset.from_dict({"prompt": PROMPTS + ["Hi?"]}))
    JudgeEvalCallback(judge, PROMPTS, every_n_steps=2, max_new_tokens=4).attach(trainer)
    trainer.train()
    steps = {h["step"]: h for h in trainer.state.log_history if "loss" in h}
    assert sorted(steps) == [1, 2, 3]
    assert all("rewards/judge_score/mean" in h for h in steps.values())  # TRL's metrics were not flushed early
    assert "judge/win_rate" in steps[2] and "judge/mean_score" not in steps[1]


def test_the_grpo_example_runs_end_to_end_on_tiny_models(tiny_model_dir, tmp_path, monkeypatch, capsys):
    import runpy
    import sys
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "grpo_with_judge.py"
    monkeypatch.setattr(sys, "argv", [str(example), "--policy", str(tiny_model_dir), "--judge", str(tiny_model_dir),
                                      "--steps", "2", "--num-generations", "2", "--max-completion-length", "4",
                                      "--out", str(tmp_path)])
    runpy.run_path(str(example), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    rewards = [line for line in lines if re.match(r"step \d: judge reward mean [1-5]\.\d{3} ", line)]
    assert [r.split(":")[0] for r in rewards] == ["step 1", "step 2"]
    assert any(line.startswith("step 2: eval mean score") and "win rate vs step 0" in line for line in lines)
    assert any(line.startswith("done: 2 steps") and "failures 0" in line for line in lines)


def test_evaluations_land_in_a_compare_store_as_checkpoints(tiny_model_dir, tmp_path, capsys):
    from judgesmith.cli import main

    judge, backend = scripted_judge()
    store = tmp_path / "store"
    callback = JudgeEvalCallback(judge, PROMPTS, every_n_steps=2, max_new_tokens=4, store=store, run_name="tiny")
    trainer, _, _ = tiny_trainer(tiny_model_dir, tmp_path / "train", [callback], max_steps=4)
    callback.attach(trainer)
    trainer.train()
    board = json.loads((store / "leaderboard.json").read_text())  # redrawn after every evaluation
    assert board["baseline"] == "tiny@step-0" and board["mode"] == "score"
    assert [s["step"] for s in board["checkpoints"]["tiny"]] == [0, 2, 4]
    by = {m["model"]: m for m in board["models"]}
    for h in callback.history:
        entry = by[f"tiny@step-{h['step']}"]
        assert entry["absolute"]["n"] == 3
        assert entry["absolute"]["mean_score"]["value"] == pytest.approx(h["judge/mean_score"])
        if h["step"]:
            # the always-A judge in both orders: every pair a tie, P(win) exactly 0.5, as the callback logged
            assert entry["pairwise"]["ties"] == 3 and entry["pairwise"]["soft_win_rate"]["value"] == 0.5
            assert h["judge/win_rate"] == pytest.approx(0.5)
    assert len(backend.calls) == 3 + 2 * (3 + 6)  # nothing judged twice for the store
    assert main(["compare", "--out", str(store), "--report-only", "--no-html", "--resamples", "50"]) == 0
    assert "## Training run checkpoints" in (store / "leaderboard.md").read_text()
    other = JudgeEvalCallback(judge, PROMPTS, every_n_steps=2, max_new_tokens=4, store=store, run_name="tiny",
                              store_judge="another-judge")
    trainer, _, _ = tiny_trainer(tiny_model_dir, tmp_path / "train2", [other], max_steps=1)
    other.attach(trainer)
    with pytest.raises(ValueError, match="holds verdicts with judge"):
        trainer.train()
