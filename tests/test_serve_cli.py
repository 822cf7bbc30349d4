"""`judgesmith serve` start-up: the default judge mode is the fast one and the start-up line says so;
the reward rubric and the policy's chat template are read once, at start-up."""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from judgesmith.cli import build_parser, main  # noqa: E402

ITEM = {"instruction": "What is the capital of France?", "response": "Paris."}


def _serve(monkeypatch, *flags):
    import uvicorn

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    args = build_parser().parse_args(["serve", *flags])
    assert args._run(args) == 0
    return seen["app"]


def test_default_mode_is_score_and_the_start_up_line_says_so(tiny_model_dir, monkeypatch, caplog):
    with caplog.at_level(logging.INFO, logger="judgesmith.serve"):
        app = _serve(monkeypatch, "--model", str(tiny_model_dir))
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("default judge mode"))
    assert line.startswith("default judge mode: score (the fastest here, chosen by --mode auto")
    assert 'send "mode": "generate" in a request for feedback' in line and "transformers float32 on cpu" in line
    with TestClient(app) as c:
        default = c.post("/v1/judge/absolute", json=ITEM)
        feedback = c.post("/v1/judge/absolute", json={**ITEM, "mode": "generate"})
    assert default.json()["mode"] == "score" and default.json()["verdicts"][0]["feedback"] is None
    assert feedback.json()["mode"] == "generate" and feedback.json()["verdicts"][0]["raw"] is not None


def test_mode_generate_on_request_of_the_operator(tiny_model_dir, monkeypatch, caplog):
    with caplog.at_level(logging.INFO, logger="judgesmith.serve"):
        app = _serve(monkeypatch, "--model", str(tiny_model_dir), "--mode", "generate", "--max-new-tokens", "4")
    assert any(r.getMessage().startswith("default judge mode: generate") for r in caplog.records)
    with TestClient(app) as c:
        assert c.post("/v1/judge/absolute", json=ITEM).json()["mode"] == "generate"


def test_reward_rubric_and_policy_tokenizer_at_start_up(tiny_model_dir, monkeypatch, caplog):
    with caplog.at_level(logging.INFO, logger="judgesmith.serve"):
        app = _serve(monkeypatch, "--model", str(tiny_model_dir), "--reward-rubric", "harmlessness",
                     "--policy-tokenizer", str(tiny_model_dir))
    settings = app.state.judgesmith.settings
    from judgesmith.rubrics import preset

    assert settings.reward_rubric == preset("harmlessness")
    assert settings.policy_format.reply_open == "<|end|>\n<|assistant|>\n"
    assert any("rubric 'harmlessness'" in r.getMessage() and "chat template" in r.getMessage() for r in caplog.records)


def test_a_bad_reward_rubric_fails_before_loading_the_model(caplog):
    assert main(["serve", "--model", "no-such-model", "--reward-rubric", "no-such-rubric"]) == 2
    assert "--reward-rubric" in caplog.text and "loading" not in caplog.text


def test_a_grounded_reward_rubric_is_refused_at_start_up(caplog):
    assert main(["serve", "--model", "no-such-model", "--reward-rubric", "faithfulness"]) == 2
    assert "needs each item's context" in caplog.text and "loading" not in caplog.text
