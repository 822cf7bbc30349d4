"""The judge as a remote reward model, over real HTTP (httpx against uvicorn) on a tiny model:
OpenRLHF's `/get_reward` and vLLM's pointwise `/score`, their guards and the rubric they judge under."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402

from judgesmith.judge import Judge  # noqa: E402
from judgesmith.judge.backends.scripted import ScriptedBackend  # noqa: E402
from judgesmith.records import AbsoluteItem  # noqa: E402
from judgesmith.rubrics import preset  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.chat_split import format_from_tokenizer  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

KEY = {"Authorization": "Bearer k"}
QUESTIONS = ["What is the capital of France?", "Explain photosynthesis in plants."]
ANSWERS = ["Paris is the capital.", "Plants turn sunlight into sugar."]


@pytest.fixture(scope="module")
def live(tiny_backend):
    settings = ServeSettings(api_key="k", max_wait_ms=5, max_items=4, max_request_tokens=4000)
    with LiveServer(create_app(tiny_backend, settings)) as server:
        yield server


def _local(tiny_backend, questions, answers, references=(None, None), rubric="helpfulness") -> list[float]:
    items = [AbsoluteItem(str(i), q, a, preset(rubric), reference_answer=r)
             for i, (q, a, r) in enumerate(zip(questions, answers, references))]
    return [v.expected_score for v in Judge(tiny_backend, mode="score").grade_absolute(items)]


def _queries(tokenizer) -> tuple[list[str], list[str]]:
    """What OpenRLHF sends: prompts as the policy got them, and the decoded sequences with pads and eos."""
    prompts = [tokenizer.apply_chat_template([{"role": "user", "content": q}], tokenize=False,
                                             add_generation_prompt=True) for q in QUESTIONS]
    return prompts, ["<pad><pad>" + p + a + "</s><pad>" for p, a in zip(prompts, ANSWERS)]


def test_get_reward_in_openrlhf_shape_is_the_judges_expected_score(live, tiny_backend):
    prompts, queries = _queries(tiny_backend.tokenizer)
    local = _local(tiny_backend, QUESTIONS, ANSWERS)
    with_ref = _local(tiny_backend, QUESTIONS, ANSWERS, references=(None, "Chlorophyll absorbs light."))
    assert with_ref[1] != pytest.approx(local[1], abs=1e-6)  # a reference answer changes the prompt judged
    with httpx.Client(base_url=live.url, headers=KEY, timeout=60) as client:
        bare = client.post("/get_reward", json={"query": queries})
        full = client.post("/get_reward", json={"query": queries, "prompts": prompts,
                                                "labels": ["", "Chlorophyll absorbs light."]})
        split = client.post("/get_reward", json={"prompts": QUESTIONS, "responses": ANSWERS})
    assert bare.status_code == full.status_code == split.status_code == 200, (bare.text, full.text, split.text)
    assert set(bare.json()) >= {"rewards"} and all(isinstance(r, float) for r in bare.json()["rewards"])
    assert bare.json()["rewards"] == pytest.approx(local, abs=1e-4)
    assert split.json()["rewards"] == pytest.approx(local, abs=1e-4)
    assert full.json()["rewards"] == pytest.approx(with_ref, abs=1e-4)  # labels are reference answers
    assert all(1.0 <= r <= 5.0 for r in bare.json()["rewards"])


def test_score_in_vllm_shape(live, tiny_backend):
    local = _local(tiny_backend, [QUESTIONS[0]] * 2, ANSWERS)
    with httpx.Client(base_url=live.url, headers=KEY, timeout=60) as client:
        one_to_many = client.post("/score", json={"model": "any-name", "queries": QUESTIONS[0], "documents": ANSWERS})
        legacy = client.post("/v1/score", json={"text_1": [QUESTIONS[0]], "text_2": ANSWERS})
        pairs = client.post("/score", json={"queries": QUESTIONS, "documents": ANSWERS})
    assert one_to_many.status_code == legacy.status_code == pairs.status_code == 200, one_to_many.text
    body = one_to_many.json()
    assert body["object"] == "list" and body["model"] == "judge" and body["usage"]["prompt_tokens"] > 0
    assert [(d["index"], d["object"]) for d in body["data"]] == [(0, "score"), (1, "score")]
    assert [d["score"] for d in body["data"]] == pytest.approx(local, abs=1e-4)
    assert [d["score"] for d in legacy.json()["data"]] == pytest.approx(local, abs=1e-4)
    assert [d["score"] for d in pairs.json()["data"]] == pytest.approx(_local(tiny_backend, QUESTIONS, ANSWERS), abs=1e-4)


def test_policy_tokenizer_format_splits_the_queries(tiny_backend):
    prompts, queries = _queries(tiny_backend.tokenizer)
    settings = ServeSettings(max_wait_ms=5, policy_format=format_from_tokenizer(tiny_backend.tokenizer, "tiny"))
    with LiveServer(create_app(tiny_backend, settings)) as server:
        r = httpx.post(server.url + "/get_reward", json={"query": queries}, timeout=60)
    assert r.status_code == 200 and r.json()["rewards"] == pytest.approx(_local(tiny_backend, QUESTIONS, ANSWERS), abs=1e-4)


@pytest.mark.parametrize("path,body,status,says", [
    ("/get_reward", {"query": ["Name a prime. 7"]}, 400, "query[0]: no chat template marker"),
    ("/get_reward", {"query": [""]}, 422, "query[0] is empty"),
    ("/get_reward", {"query": ["a", "b"], "prompts": ["a"]}, 422, "'prompts' has 1 entries for 2 responses"),
    ("/get_reward", {"responses": ["7"]}, 422, "'responses' need 'prompts'"),
    ("/get_reward", {"labels": ["x"]}, 422, "send 'query'"),
    ("/get_reward", {"query": ["<|user|>\nQ<|end|>\n<|assistant|>\nA"] * 5}, 413, "5 queries in one request"),
    ("/get_reward", {"prompts": ["Q"], "responses": ["A"], "rubric": "no-such"}, 400, "unknown rubric preset"),
    ("/score", {"queries": "Q", "documents": "A", "rubric": "faithfulness"}, 400, "judges a response against a context"),
    ("/score", {"queries": ["a", "b"], "documents": ["x", "y", "z"]}, 422, "2 queries for 3 documents"),
    ("/score", {"queries": "q"}, 422, "send 'queries' and 'documents'"),
    ("/score", {"queries": "q", "documents": ["x " * 3000]}, 413, "--max-request-tokens"),
])
def test_bad_input_is_a_4xx_naming_what_to_fix(live, path, body, status, says):
    r = httpx.post(live.url + path, json=body, headers=KEY, timeout=60)
    assert r.status_code == status, r.text
    assert says in r.json()["error"]["message"]


@pytest.mark.parametrize("raw,where", [
    ('{"query": [NaN]}', "query"),
    ('{"prompts": ["Q"], "responses": ["\\ud800"]}', "responses[0]"),
    ('{"queries": "q", "documents": ["\\udfff"]}', "documents[0]"),
])
def test_nan_and_lone_surrogates_are_422(live, raw, where):
    path = "/score" if "queries" in raw else "/get_reward"
    r = httpx.post(live.url + path, content=raw, headers={**KEY, "content-type": "application/json"}, timeout=60)
    assert r.status_code == 422 and where in r.json()["error"]["message"], r.text


def test_api_key_is_required(live):
    for path, body in (("/get_reward", {"prompts": ["Q"], "responses": ["A"]}),
                       ("/score", {"queries": "Q", "documents": "A"})):
        r = httpx.post(live.url + path, json=body, timeout=60)
        assert r.status_code == 401 and "API key" in r.json()["error"]["message"]


def _recording_app(**settings):
    backend = ScriptedBackend(probs_fn=lambda p: {"1": 0.1, "2": 0.2, "3": 0.3, "4": 0.2, "5": 0.2})
    return backend, create_app(backend, ServeSettings(max_wait_ms=5, **settings))


def test_rubric_from_start_up_or_request():
    backend, app = _recording_app(reward_rubric=preset("harmlessness"))
    with LiveServer(app) as server:
        default = httpx.post(server.url + "/get_reward", json={"prompts": ["Q"], "responses": ["A"]}, timeout=60)
        asked = httpx.post(server.url + "/score", json={"queries": "Q", "documents": "A", "rubric": "honesty"},
                           timeout=60)
    assert default.status_code == asked.status_code == 200
    assert default.json()["rewards"] == [pytest.approx(1 * .1 + 2 * .2 + 3 * .3 + 4 * .2 + 5 * .2)]
    assert preset("harmlessness").criteria in backend.calls[0].user
    assert preset("honesty").criteria in backend.calls[1].user


def test_an_over_long_response_is_cut_to_fit_not_refused(tiny_backend):
    """A rollout batch must not fail because one answer rambled: the reward endpoints judge it cut to fit,
    where the judge endpoints refuse the item."""
    settings = ServeSettings(max_wait_ms=5, max_prompt_tokens=1500)
    long = "Paris is the capital and a large city. " * 200
    with LiveServer(create_app(tiny_backend, settings)) as server:
        reward = httpx.post(server.url + "/get_reward", json={"prompts": ["Capital of France?"], "responses": [long]},
                            timeout=60)
        judged = httpx.post(server.url + "/v1/judge/absolute", json={"instruction": "Capital of France?",
                                                                      "response": long, "mode": "score"}, timeout=60)
    assert reward.status_code == 200 and math.isfinite(reward.json()["rewards"][0]), reward.text
    assert judged.status_code == 400 and "items[0]" in judged.json()["error"]["message"]


def test_score_mode_on_cpu_judges_one_item_per_pass(tiny_backend, monkeypatch):
    """As in the batch CLI: on a CPU a padded batch is slower than one item per pass with prefix reuse; the
    micro-batcher still gathers the requests, the judge runs them one by one."""
    sizes: list[int] = []
    real = tiny_backend.score
    monkeypatch.setattr(tiny_backend, "score", lambda prompts, **kw: sizes.append(len(prompts)) or real(prompts, **kw))
    with LiveServer(create_app(tiny_backend, ServeSettings(max_wait_ms=5, max_batch=8))) as server:
        r = httpx.post(server.url + "/get_reward", json={"prompts": QUESTIONS * 2, "responses": ANSWERS * 2}, timeout=60)
    assert r.status_code == 200 and sizes == [1, 1, 1, 1]
