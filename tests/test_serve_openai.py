"""OpenAI-compatible endpoints and judge endpoints on the tiny transformers model, plus a live server."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from judgesmith.judge.chat import render  # noqa: E402
from judgesmith.prompts import build_prompt  # noqa: E402
from judgesmith.records import AbsoluteItem  # noqa: E402
from judgesmith.rubrics import preset  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.generation import render_chat  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

ITEM = AbsoluteItem("x", "What is the capital of France?", "Paris.", preset("helpfulness"))
PREFIX = "Feedback: [RESULT]"


@pytest.fixture(scope="module")
def app(tiny_backend):
    return create_app(tiny_backend, ServeSettings(model_name="tiny", max_wait_ms=5, max_new_tokens=8))


def _forward_logprobs(backend, text: str, templated: bool):
    """Next-token log-probabilities straight from the model, to check the server against."""
    import torch

    ids = backend.tokenizer(text, add_special_tokens=not templated, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        logits = backend.model(input_ids=ids).logits[0, -1].float()
    return torch.log_softmax(logits, dim=-1)


def test_continue_final_message_renders_like_the_judge(tiny_backend):
    prompt = build_prompt(ITEM)
    messages = prompt.messages() + [{"role": "assistant", "content": PREFIX}]
    served = render_chat(tiny_backend.tokenizer, messages, add_generation_prompt=False, continue_final_message=True)
    assert served == render(tiny_backend.tokenizer, prompt, PREFIX)


def test_chat_logprobs_match_the_model(app, tiny_backend):
    prompt = build_prompt(ITEM)
    messages = prompt.messages() + [{"role": "assistant", "content": PREFIX}]
    with TestClient(app) as c:
        r = c.post("/v1/chat/completions", json={
            "model": "anything", "messages": messages, "max_tokens": 1, "temperature": 0, "logprobs": True,
            "top_logprobs": 20, "add_generation_prompt": False, "continue_final_message": True})
    assert r.status_code == 200, r.text
    choice = r.json()["choices"][0]
    tops = choice["logprobs"]["content"][0]["top_logprobs"]
    reference = _forward_logprobs(tiny_backend, *render(tiny_backend.tokenizer, prompt, PREFIX))
    best = reference.topk(20)
    assert [t["logprob"] for t in tops] == pytest.approx(best.values.tolist(), abs=1e-4)
    assert [t["token"] for t in tops] == [tiny_backend.tokenizer.decode([int(i)]) for i in best.indices]
    assert choice["message"]["content"] == tops[0]["token"]  # greedy took the most likely token
    assert r.json()["usage"]["completion_tokens"] == 1


def test_completions_with_logprobs_stop_and_n(app):
    with TestClient(app) as c:
        r = c.post("/v1/completions", json={"prompt": ["What is", "Paris is"], "max_tokens": 4, "logprobs": 3,
                                            "n": 2, "temperature": 0.8})
        greedy = c.post("/v1/completions", json={"prompt": "What is", "max_tokens": 6, "temperature": 0})
        full = greedy.json()["choices"][0]["text"]
        assert len(full.strip()) >= 2, full
        stop = full.strip()[:2]
        stopped = c.post("/v1/completions", json={"prompt": "What is", "max_tokens": 6, "temperature": 0,
                                                  "stop": [stop]})
    assert r.status_code == 200, r.text
    choices = r.json()["choices"]
    assert [ch["index"] for ch in choices] == [0, 1, 2, 3]
    # one logprob entry per generated token: together they are the usage's completion tokens
    assert sum(len(ch["logprobs"]["tokens"]) for ch in choices) == r.json()["usage"]["completion_tokens"]
    for ch in choices:
        lp = ch["logprobs"]
        assert 1 <= len(lp["tokens"]) == len(lp["token_logprobs"]) == len(lp["top_logprobs"]) <= 4
        assert all(v <= 0 for v in lp["token_logprobs"])
        assert lp["text_offset"][0] == 0 and lp["text_offset"] == sorted(lp["text_offset"])
        for token, logprob, top in zip(lp["tokens"], lp["token_logprobs"], lp["top_logprobs"]):
            assert top[token] == logprob and 1 <= len(top) <= 4  # byte tokens may decode alike
    cut = stopped.json()["choices"][0]
    assert cut["finish_reason"] == "stop" and cut["text"] == full[: full.find(stop)]


def test_concurrent_chat_requests_are_batched_and_match_alone(tiny_backend):
    import threading

    app = create_app(tiny_backend, ServeSettings(max_batch=3, max_wait_ms=5000))
    prompts = ["Hi", "What is the capital of France? Explain.", "Score 1: Score 2:"]
    body = lambda p: {"messages": [{"role": "user", "content": p}], "max_tokens": 1, "temperature": 0,  # noqa: E731
                      "logprobs": True, "top_logprobs": 5}
    with TestClient(create_app(tiny_backend, ServeSettings(max_batch=1, max_wait_ms=0))) as c:
        alone = [c.post("/v1/chat/completions", json=body(p)).json() for p in prompts]
    with TestClient(app) as c:
        results: list = [None] * 3
        barrier = threading.Barrier(3)

        def post(i: int) -> None:
            barrier.wait()
            results[i] = c.post("/v1/chat/completions", json=body(prompts[i])).json()

        threads = [threading.Thread(target=post, args=(i,)) for i in range(3)]
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        metrics = c.get("/metrics").text
    assert 'judgesmith_batch_size_count{kind="generate"} 1' in metrics  # one model call
    assert 'judgesmith_batch_size_sum{kind="generate"} 3' in metrics  # for three requests
    for a, b in zip(alone, results):
        top_a = a["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        top_b = b["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        assert [t["logprob"] for t in top_b] == pytest.approx([t["logprob"] for t in top_a], abs=1e-4)


def test_chat_rejects_bad_requests(app):
    with TestClient(app) as c:
        stream = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}],
                                                      "stream": True})
        cont = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}],
                                                    "continue_final_message": True})
        schema = c.post("/v1/chat/completions", json={"messages": []})
        too_long = c.post("/v1/completions", json={"prompt": "hi", "max_tokens": 10**6})
        overflow = c.post("/v1/completions", json={"prompt": "Paris " * 2100, "max_tokens": 1})
    assert stream.status_code == 400 and cont.status_code == 400 and too_long.status_code == 400
    assert overflow.status_code == 400 and "context of 2048 tokens" in overflow.json()["detail"]
    assert schema.status_code == 422 and schema.json()["detail"][0]["loc"][-1] == "messages"


def test_judge_score_mode_matches_the_backend(app, tiny_backend):
    from judgesmith.judge.engine import Judge

    expected = Judge(tiny_backend, mode="score").grade_absolute([ITEM])[0]
    with TestClient(app) as c:
        r = c.post("/v1/judge/absolute", json={"instruction": ITEM.instruction, "response": ITEM.response,
                                               "rubric": "helpfulness", "mode": "score"})
        g = c.post("/v1/judge/absolute", json={"instruction": ITEM.instruction, "response": ITEM.response})
    (v,) = r.json()["verdicts"]
    assert v["probabilities"] == pytest.approx(expected.probabilities, abs=1e-5)
    assert math.isclose(sum(v["probabilities"].values()), 1.0, abs_tol=1e-6)
    assert g.status_code == 200 and isinstance(g.json()["verdicts"][0]["parse_ok"], bool)


def test_openai_client_against_live_server(app):
    openai = pytest.importorskip("openai")
    with LiveServer(app) as server:
        assert server.url.startswith("http://127.0.0.1:")
        api = openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0, timeout=60)
        out = api.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "What is the capital of France?"}],
            max_tokens=3, temperature=0, logprobs=True, top_logprobs=5)
        text = api.completions.create(model="tiny", prompt="Paris is", max_tokens=2, temperature=0)
    choice = out.choices[0]
    assert choice.finish_reason in ("stop", "length") and out.model == "tiny"
    assert len(choice.logprobs.content) == out.usage.completion_tokens
    first = choice.logprobs.content[0]
    assert len(first.top_logprobs) == 5 and first.top_logprobs[0].logprob >= first.logprob - 1e-6
    assert text.choices[0].text is not None and text.usage.prompt_tokens > 0


def test_live_server_with_api_key(tiny_backend):
    openai = pytest.importorskip("openai")
    app = create_app(tiny_backend, ServeSettings(api_key="k3y", max_wait_ms=1))
    with LiveServer(app) as server:
        good = openai.OpenAI(base_url=server.url + "/v1", api_key="k3y", max_retries=0, timeout=60)
        bad = openai.OpenAI(base_url=server.url + "/v1", api_key="wrong", max_retries=0, timeout=60)
        assert good.completions.create(model="m", prompt="hi", max_tokens=1, temperature=0).choices
        with pytest.raises(openai.AuthenticationError):
            bad.completions.create(model="m", prompt="hi", max_tokens=1)


def test_serve_command_builds_the_app_on_loopback(tiny_model_dir, monkeypatch):
    import uvicorn

    from judgesmith.cli import build_parser

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    args = build_parser().parse_args(["serve", "--model", str(tiny_model_dir), "--max-batch", "2"])
    assert args._run(args) == 0
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8000)
    with TestClient(seen["app"]) as c:
        health = c.get("/healthz").json()
        r = c.post("/v1/judge/absolute", json={"instruction": "q", "response": "a", "mode": "score"})
    assert health["generation"] is True and health["model"] == tiny_model_dir.name
    assert r.status_code == 200 and r.json()["verdicts"][0]["score"] in range(1, 6)
