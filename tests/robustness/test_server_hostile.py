"""Issue 12 items 9-11: hostile requests to `judgesmith serve` get a clear 4xx, never a 500.

NaN/Infinity, tiny temperatures, empty prompts, lone surrogates, foreign Host
headers (DNS rebinding), empty texts to judge and requests too big in tokens.
Judge endpoints run on a scripted backend (no model); OpenAI endpoints on the
tiny random transformers model.
"""

from __future__ import annotations

import http.client
import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from judgesmith.jsonio import row_from_dict  # noqa: E402
from judgesmith.judge.backends.scripted import ScriptedBackend  # noqa: E402
from judgesmith.rubrics import preset  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.guards import host_name  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402
from judgesmith.serve.settings import ServeSettings, public_model_name  # noqa: E402

ITEM = {"instruction": "What is 2+2?", "response": "4"}
JSON = {"content-type": "application/json"}
PROBS = {"1": 0.1, "2": 0.1, "3": 0.1, "4": 0.6, "5": 0.1}


def scripted() -> ScriptedBackend:
    return ScriptedBackend(text_fn=lambda p, i: "Feedback: Right. [RESULT] 4", probs_fn=lambda p: PROBS)


def judge_client(backend=None, **settings) -> TestClient:
    return TestClient(create_app(backend or scripted(), ServeSettings(max_wait_ms=1, **settings)))


@pytest.fixture(scope="module")
def gen_client(tiny_backend):
    app = create_app(tiny_backend, ServeSettings(model_name="tiny", max_wait_ms=1, max_new_tokens=4))
    with TestClient(app) as c:
        yield c


def _message(r) -> str:
    body = r.json()
    assert body["error"]["message"] and body["error"]["code"] == r.status_code
    return body["error"]["message"]


# --- item 9: bad values are 4xx ---------------------------------------------------------------------------

BAD_JUDGE_BODIES = [
    (b'{"instruction": NaN, "response": "4"}', "items[0].instruction", "NaN"),
    (b'{"items": [{"instruction": "q", "response": "4", "rubric": {"criteria": Infinity}}]}',
     "items[0].rubric.criteria", "Infinity"),
    (b'{"instruction": "q", "response": "4", "swap": -Infinity}', "swap", "Infinity"),
    (b'{"instruction": "a\\ud800b", "response": "4"}', "items[0].instruction", "lone surrogate"),
    (b'{"instruction": "q", "response": "4", "id": "\\udfff"}', "items[0].id", "lone surrogate"),
    (b'{"items": [{"instruction": "q", "response": "4", "\\ud83d": 1}]}', "items[0] key", "lone surrogate"),
]


@pytest.mark.parametrize("raw,where,what", BAD_JUDGE_BODIES)
def test_judge_bad_values_are_422_naming_the_field(raw, where, what):
    backend = scripted()
    with judge_client(backend) as c:
        r = c.post("/v1/judge/absolute", content=raw, headers=JSON)
    assert r.status_code == 422, r.text
    message = _message(r)
    assert message.startswith(where + ":") and what in message
    assert isinstance(r.json()["detail"], list) and "input" not in r.json()["detail"][0]
    assert backend.calls == []


BAD_GEN_BODIES = [
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "temperature": 1e-300},
     "temperature=1e-300 is too small"),
    ("/v1/completions", {"prompt": "Paris is", "temperature": 1e-9}, "send 0 for greedy"),
    ("/v1/completions", {"prompt": ""}, "prompt is empty"),
    ("/v1/completions", {"prompt": ["Paris is", ""]}, "prompt[1] is empty"),
]


@pytest.mark.parametrize("url,body,expected", BAD_GEN_BODIES)
def test_generation_bad_values_are_422(gen_client, url, body, expected):
    r = gen_client.post(url, json={"max_tokens": 2, **body})
    assert r.status_code == 422, r.text
    assert expected in _message(r)


@pytest.mark.parametrize("raw,where", [
    (b'{"messages": [{"role": "user", "content": "hi"}], "temperature": NaN}', "temperature"),
    (b'{"messages": [{"role": "user", "content": "a\\ud800"}]}', "messages[0].content"),
    (b'{"messages": [{"role": "user", "content": [{"type": "text", "text": "\\udc00"}]}]}',
     "messages[0].content[0].text"),
    (b'{"prompt": "x\\ud800", "max_tokens": 2}', "prompt"),
])
def test_generation_nan_and_surrogates_are_422(gen_client, raw, where):
    url = "/v1/completions" if b'"prompt"' in raw else "/v1/chat/completions"
    r = gen_client.post(url, content=raw, headers=JSON)
    assert r.status_code == 422, r.text
    assert _message(r).startswith(where + ":")


def test_smallest_allowed_temperature_and_greedy_still_generate(gen_client):
    for temperature in (0, 1e-5):
        r = gen_client.post("/v1/completions", json={"prompt": "Paris is", "max_tokens": 2,
                                                     "temperature": temperature})
        assert r.status_code == 200, r.text


def test_bad_request_keeps_the_connection_alive():
    """A 422 for NaN (a 500 before) must not drop the keep-alive connection: the next request reuses it."""
    with LiveServer(create_app(scripted(), ServeSettings(max_wait_ms=1))) as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        try:
            conn.request("POST", "/v1/judge/absolute", body=b'{"instruction": NaN, "response": "4"}', headers=JSON)
            bad = conn.getresponse()
            bad_body = json.loads(bad.read())
            sock = conn.sock
            conn.request("POST", "/v1/judge/absolute", body=json.dumps({**ITEM, "mode": "score"}), headers=JSON)
            good = conn.getresponse()
            good_body = json.loads(good.read())
        finally:
            conn.close()
    assert bad.status == 422 and "NaN" in bad_body["error"]["message"]
    assert good.status == 200 and good_body["verdicts"][0]["score"] == 4
    assert sock is not None and conn.sock is None  # closed only by us: the second request used the same socket


# --- item 10: model name, Host allow-list, empty texts ----------------------------------------------------


@pytest.mark.parametrize("name,shown", [
    ("/home/someone/private/models/judge-v2", "judge-v2"),
    ("~/models/judge.gguf", "judge"),
    ("./runs/build/merged", "merged"),
    ("gemma-3-270m", "gemma-3-270m"),
    ("org/hub-model", "org/hub-model"),
])
def test_public_model_name(name, shown):
    assert public_model_name(name) == shown


def test_healthz_and_models_do_not_reveal_the_local_path(tmp_path):
    secret = tmp_path / "secret-folder" / "judge-v2"
    secret.mkdir(parents=True)
    with judge_client(model_name=str(secret)) as c:
        texts = [c.get("/healthz").text, c.get("/v1/models").text,
                 c.post("/v1/judge/absolute", json={**ITEM, "mode": "score"}).text]
    assert all("secret-folder" not in t and str(tmp_path) not in t for t in texts)
    assert json.loads(texts[0])["model"] == "judge-v2"
    assert json.loads(texts[1])["data"][0]["id"] == "judge-v2"


def test_served_model_name_flag(tiny_model_dir, monkeypatch):
    import uvicorn

    from judgesmith.cli import build_parser

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    args = build_parser().parse_args(["serve", "--model", str(tiny_model_dir), "--served-model-name", "my-judge",
                                      "--allowed-hosts", "judge.lan", "--max-request-tokens", "999"])
    assert args._run(args) == 0
    with TestClient(seen["app"], base_url="http://judge.lan") as c:
        assert c.get("/healthz").json()["model"] == "my-judge"
        assert c.get("/healthz", headers={"host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("header,expected", [
    ("localhost:8000", "localhost"), ("[::1]:8000", "::1"), ("127.0.0.1", "127.0.0.1"),
    ("Judge.LAN.", "judge.lan"), ("::1", "::1"),
])
def test_host_name_parsing(header, expected):
    assert host_name(header) == expected


@pytest.mark.parametrize("host,settings,status", [
    ("evil.example", {}, 400),
    ("evil.example:8000", {}, 400),
    ("localhost:8000", {}, 200),
    ("127.0.0.1:8000", {}, 200),
    ("[::1]:8000", {}, 200),
    ("192.168.1.20:8000", {}, 200),  # an IP literal cannot be rebound
    ("judge.lan", {"allowed_hosts": ("judge.lan",)}, 200),
    ("evil.example", {"allowed_hosts": ("judge.lan",)}, 400),
    ("evil.example", {"allowed_hosts": ("*",)}, 200),
    ("judge.lan", {"host": "judge.lan"}, 200),  # the name it is bound to
])
def test_host_allow_list_without_a_key(host, settings, status):
    with judge_client(**settings) as c:
        health = c.get("/healthz", headers={"host": host})
        judged = c.post("/v1/judge/absolute", json={**ITEM, "mode": "score"}, headers={"host": host})
    assert (health.status_code, judged.status_code) == (status, status)
    if status == 400:
        assert "--allowed-hosts" in _message(judged) and "evil.example" in _message(judged)


def test_with_an_api_key_the_key_decides_not_the_host():
    with judge_client(api_key="k3y") as c:
        ok = c.post("/v1/judge/absolute", json={**ITEM, "mode": "score"},
                    headers={"host": "judge.example.com", "authorization": "Bearer k3y"})
        no_key = c.post("/v1/judge/absolute", json=ITEM, headers={"host": "judge.example.com"})
    assert (ok.status_code, no_key.status_code) == (200, 401)


ITEM_FOR = {"absolute": ITEM, "pairwise": {"instruction": "q", "response_a": "4", "response_b": "5"}}


def _cli_reason(fields: dict, kind: str) -> str:
    """The CLI's message for the same item, without its `line N` location."""
    with pytest.raises(ValueError) as err:
        row_from_dict(fields, kind, preset("helpfulness"), "line 1", "1")
    return str(err.value).removeprefix("line 1: ")


@pytest.mark.parametrize("kind,fields", [
    ("absolute", {"instruction": "", "response": "4"}),
    ("absolute", {"instruction": "q", "response": "   \n"}),
    ("pairwise", {"instruction": "q", "response_a": "4", "response_b": ""}),
    ("pairwise", {"instruction": " ", "response_a": "4", "response_b": "5"}),
])
def test_empty_texts_are_rejected_like_the_cli(kind, fields):
    backend = scripted()
    with judge_client(backend) as c:
        r = c.post(f"/v1/judge/{kind}", json={"items": [ITEM_FOR[kind], fields], "mode": "score"})
    assert r.status_code == 422, r.text
    assert _message(r) == f"items[1]: {_cli_reason(fields, kind)}"
    assert backend.calls == []


# --- item 11: bound on one request's work, in tokens ------------------------------------------------------


def test_request_work_over_the_token_limit_is_413_naming_the_limit():
    backend = scripted()
    big = {"instruction": "Summarise.", "response": "word " * 3000}  # 15k characters
    with judge_client(backend, max_request_tokens=20_000) as c:
        many = c.post("/v1/judge/absolute", json={"items": [big] * 64, "mode": "score"})
        few = c.post("/v1/judge/absolute", json={"items": [big] * 2, "mode": "score"})
    assert many.status_code == 413 and "20000 tokens per request" in _message(many)
    assert few.status_code == 200 and len(backend.calls) == 2  # only the small request reached the model


def test_generation_budget_and_swap_count_as_work():
    pair = {"instruction": "q", "response_a": "x " * 1000, "response_b": "y " * 1000}  # about 1240 tokens
    with judge_client(max_request_tokens=1500, max_new_tokens=512) as c:
        score = c.post("/v1/judge/pairwise", json={**pair, "mode": "score"})
        swapped = c.post("/v1/judge/pairwise", json={**pair, "mode": "score", "swap": True})
        generate = c.post("/v1/judge/pairwise", json={**pair, "mode": "generate"})
    assert (score.status_code, swapped.status_code, generate.status_code) == (200, 413, 413)


def test_generation_endpoints_count_tokens_with_the_model_tokenizer(tiny_backend):
    prompt = "Paris is the capital of France. " * 20
    prompt_tokens = len(tiny_backend.tokenizer(prompt)["input_ids"])
    limit = 3 * (prompt_tokens + 8) + 1
    app = create_app(tiny_backend, ServeSettings(max_wait_ms=1, max_request_tokens=limit))
    with TestClient(app) as c:
        fits = c.post("/v1/completions", json={"prompt": [prompt] * 3, "max_tokens": 8, "temperature": 0})
        over = c.post("/v1/completions", json={"prompt": [prompt] * 3, "max_tokens": 9, "temperature": 0})
        sampled = c.post("/v1/completions", json={"prompt": [prompt] * 3, "max_tokens": 8, "n": 2})
    assert fits.status_code == 200, fits.text
    assert over.status_code == 413 and f"limit is {limit} tokens" in _message(over)
    assert sampled.status_code == 413
