"""Training logs read back for reports: tokens across resumes and the held-out eval loss curve."""

from __future__ import annotations

import json

from judgesmith.bench.curve import write_curve
from judgesmith.bench.train_log import eval_history, invocation_seconds, read_log, tokens_by_step


def _log(path, lines, cut_tail=False):
    text = "\n".join(json.dumps(line) for line in lines) + "\n"
    path.write_text(text + ('{"step": 9, "num_tok' if cut_tail else ""), encoding="utf-8")
    return path


def _resumed_run():
    """Killed after step 4 (checkpoint at 3), resumed at 3, killed again after 5, resumed at 5, finished at 6."""
    first = [{"event": "train_begin", "step": 0}] + [{"step": s, "num_tokens": 100 * s} for s in (1, 2, 3, 4)]
    second = [{"event": "train_begin", "step": 3}, {"step": 4, "num_tokens": 150}, {"step": 5, "num_tokens": 300},
              {"step": 5, "eval_loss": 0.5}]
    third = [{"event": "train_begin", "step": 5}, {"step": 6, "num_tokens": 120}, {"step": 6, "eval_loss": 0.4}]
    return first + [{"step": 2, "eval_loss": 0.7}] + second + third


def test_tokens_add_up_across_resumes_and_replayed_steps_take_the_later_count(tmp_path):
    counts = tokens_by_step(read_log(_log(tmp_path / "m.jsonl", _resumed_run(), cut_tail=True)))
    # step 4 was trained twice: the second time (after the resume at 3) is the one the run kept
    assert counts == {1: 100, 2: 200, 3: 300, 4: 450, 5: 600, 6: 720}


def test_a_logged_run_total_is_taken_as_it_is(tmp_path):
    lines = [{"event": "train_begin", "step": 2}, {"step": 3, "num_tokens": 10, "tokens_total": 510}]
    assert tokens_by_step(lines) == {3: 510}


def test_eval_history_and_the_curve_file(tmp_path):
    log = _log(tmp_path / "metrics.jsonl", _resumed_run())
    points = eval_history(log)
    assert [(p.step, p.tokens, p.eval_loss) for p in points] == [(2, 200, 0.7), (5, 600, 0.5), (6, 720, 0.4)]
    (tmp_path / "results.json").write_text(json.dumps({"models": [], "paired": {}}))
    text = write_curve(tmp_path, {"feedback": tmp_path, "preference": tmp_path / "absent"}).read_text()
    assert "### feedback" in text and "| 6 | 720 | 0.4000 |" in text and "### preference" not in text


def test_invocation_seconds_span_each_invocation_and_skip_untimed_lines():
    lines = [{"event": "train_begin", "step": 0, "time": 100.0}, {"step": 1, "time": 130.0},
             {"step": 2, "time": 160.5}, {"step": 2, "eval_loss": 0.3},  # untimed: ignored
             {"event": "train_begin", "step": 2, "time": 1000.0}, {"step": 3, "time": 1040.0},
             {"event": "train_begin", "step": 3}]  # an older log without times gives no invocation
    assert invocation_seconds(lines) == [60.5, 40.0]
