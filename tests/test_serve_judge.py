"""Judge endpoints on a scripted backend: verdicts, limits, errors, auth, micro-batching, metrics."""

from __future__ import annotations

import re
import threading

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from judgesmith.judge.backends.scripted import ScriptedBackend  # noqa: E402
from judgesmith.records import Verdict  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

PROBS = {"1": 0.05, "2": 0.05, "3": 0.1, "4": 0.6, "5": 0.2, "A": 0.8, "B": 0.2}
ITEM = {"instruction": "What is 2+2?", "response": "4", "rubric": "reasoning"}
PAIR = {"instruction": "What is 2+2?", "response_a": "4", "response_b": "5"}


class CountingBackend(ScriptedBackend):
    """Records the number of prompts of every backend call (one entry = one model call)."""

    def __init__(self, *args, fail_on: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches: list[int] = []
        self.fail_on = fail_on

    def _check(self, prompts):
        self.batches.append(len(prompts))
        if self.fail_on and any(self.fail_on in p.user for p in prompts):
            raise RuntimeError("backend exploded")

    def generate(self, prompts, **kw):
        self._check(prompts)
        return super().generate(prompts, **kw)

    def score(self, prompts, **kw):
        self._check(prompts)
        return super().score(prompts, **kw)


def client(backend=None, **settings) -> TestClient:
    backend = backend or CountingBackend(text_fn=lambda p, i: "Feedback: Correct. [RESULT] 4",
                                         probs_fn=lambda p: PROBS)
    return TestClient(create_app(backend, ServeSettings(max_wait_ms=5, **settings)))


def test_absolute_generate_returns_verdict_dicts():
    with client() as c:
        r = c.post("/v1/judge/absolute", json={"items": [ITEM, {**ITEM, "id": "b"}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mode"] == "generate" and [v["id"] for v in body["verdicts"]] == ["0", "b"]
    v = Verdict.from_dict(body["verdicts"][0])
    assert (v.score, v.feedback, v.parse_ok) == (4, "Correct.", True)
    expected = sum(int(k) * PROBS[k] for k in "12345") / sum(PROBS[k] for k in "12345")
    assert v.expected_score == pytest.approx(expected)


def test_bare_item_score_mode_and_inline_rubric():
    rubric = {"criteria": "Is it correct?", "score1_description": "wrong", "score5_description": "right"}
    backend = CountingBackend(probs_fn=lambda p: PROBS if "Is it correct?" in p.user else {"1": 1.0})
    with client(backend) as c:
        r = c.post("/v1/judge/absolute", json={**ITEM, "rubric": rubric, "mode": "score"})
    assert r.status_code == 200, r.text
    (v,) = r.json()["verdicts"]
    assert v["score"] == 4 and v["feedback"] is None and v["parse_ok"]


def test_pairwise_swap_judges_both_orders():
    backend = CountingBackend(text_fn=lambda p, i: "B is wrong. [RESULT] A" if "###Response A:\n4" in p.user
                              else "A is wrong. [RESULT] B", probs_fn=None)
    with client(backend) as c:
        r = c.post("/v1/judge/pairwise", json={"items": PAIR, "swap": True})
    assert r.status_code == 200, r.text
    (v,) = r.json()["verdicts"]
    assert v["winner"] == "A" and len(v["samples"]) == 2
    assert sum(backend.batches) == 2  # the original and the swapped order
    # both orders come back in the pair's original positions, the second marked as judged swapped
    assert [(o["winner"], o["swapped"]) for o in v["samples"]] == [("A", False), ("A", True)]


def test_unparseable_output_is_200_with_parse_ok_false():
    backend = CountingBackend(text_fn=lambda p, i: "I would rather not say.")
    with client(backend) as c:
        r = c.post("/v1/judge/absolute", json={"items": [ITEM]})
        metrics = c.get("/metrics").text
    assert r.status_code == 200
    (v,) = r.json()["verdicts"]
    assert v["parse_ok"] is False and v["error"] and v["score"] is None
    assert 'judgesmith_parse_failures_total{kind="absolute"} 1' in metrics


def test_unknown_preset_is_400_and_file_paths_are_not_read(tmp_path):
    path = tmp_path / "rubric.json"
    path.write_text('{"criteria": "secret"}')
    with client() as c:
        bad = c.post("/v1/judge/absolute", json={"items": [{**ITEM, "rubric": "no-such-preset"}]})
        file_ = c.post("/v1/judge/absolute", json={"items": [{**ITEM, "rubric": str(path)}]})
    assert bad.status_code == 400 and "helpfulness" in bad.json()["detail"]
    assert file_.status_code == 400


def test_schema_errors_are_422_naming_the_field():
    with client() as c:
        r = c.post("/v1/judge/absolute", json={"items": [{"instruction": "x"}]})
        m = c.post("/v1/judge/absolute", json={"items": [ITEM], "mode": "telepathy"})
    assert r.status_code == 422
    assert any(e["loc"] == ["body", "items", 0, "response"] for e in r.json()["detail"])
    assert m.status_code == 422 and any(e["loc"][-1] == "mode" for e in m.json()["detail"])


def test_limits_are_413():
    with client(max_items=2, max_body_bytes=4000) as c:
        many = c.post("/v1/judge/absolute", json={"items": [ITEM] * 3})
        big = c.post("/v1/judge/absolute", json={"items": [{**ITEM, "response": "x" * 5000}]})
        chunked = c.post("/v1/judge/absolute", content=iter([b'{"items": [', b" " * 5000, b"]}"]),
                         headers={"content-type": "application/json"})
        ok = c.post("/v1/judge/absolute", json={"items": [ITEM] * 2})
    assert (many.status_code, big.status_code, chunked.status_code, ok.status_code) == (413, 413, 413, 200)


def test_api_key_required_except_healthz():
    with client(api_key="s3cret") as c:
        assert c.post("/v1/judge/absolute", json={"items": [ITEM]}).status_code == 401
        wrong = c.post("/v1/judge/absolute", json={"items": [ITEM]}, headers={"Authorization": "Bearer nope"})
        right = c.post("/v1/judge/absolute", json={"items": [ITEM]}, headers={"Authorization": "Bearer s3cret"})
        assert c.get("/metrics").status_code == 401
        assert c.get("/healthz").status_code == 200
    assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "authentication_error"
    assert right.status_code == 200


def _concurrent(c: TestClient, payloads: list[dict], path: str = "/v1/judge/absolute") -> list:
    results: list = [None] * len(payloads)
    barrier = threading.Barrier(len(payloads))

    def post(i: int) -> None:
        barrier.wait()
        results[i] = c.post(path, json=payloads[i])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(payloads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_requests_share_one_model_call():
    backend = CountingBackend(probs_fn=lambda p: PROBS)
    payloads = [{"items": [{**ITEM, "id": f"r{i}", "response": f"answer {i}"}], "mode": "score"} for i in range(4)]
    app = create_app(backend, ServeSettings(max_batch=4, max_wait_ms=5000))
    with TestClient(app) as c:
        results = _concurrent(c, payloads)
        metrics = c.get("/metrics").text
    assert [r.status_code for r in results] == [200] * 4
    assert [r.json()["verdicts"][0]["id"] for r in results] == ["r0", "r1", "r2", "r3"]
    assert backend.batches == [4]  # one backend call, four prompts
    assert 'judgesmith_batch_size_count{kind="absolute"} 1' in metrics
    assert 'judgesmith_batch_size_sum{kind="absolute"} 4' in metrics


def test_batch_size_one_runs_each_request_alone():
    backend = CountingBackend(probs_fn=lambda p: PROBS)
    payloads = [{"items": [ITEM], "mode": "score"} for _ in range(3)]
    with TestClient(create_app(backend, ServeSettings(max_batch=1, max_wait_ms=50))) as c:
        results = _concurrent(c, payloads)
    assert [r.status_code for r in results] == [200] * 3 and backend.batches == [1, 1, 1]


def test_a_failing_request_does_not_fail_its_batch_mates():
    backend = CountingBackend(probs_fn=lambda p: PROBS, fail_on="BOOM")
    payloads = [{"items": [{**ITEM, "response": r}], "mode": "score"} for r in ("fine", "BOOM", "also fine")]
    with TestClient(create_app(backend, ServeSettings(max_batch=3, max_wait_ms=5000))) as c:
        results = _concurrent(c, payloads)
    assert [r.status_code for r in results] == [200, 500, 200]
    assert "backend exploded" in results[1].json()["detail"]
    assert backend.batches[0] == 3 and sorted(backend.batches[1:]) == [1, 1, 1]


def test_score_mode_without_distribution_is_400_not_500():
    with client(CountingBackend()) as c:  # no probs_fn: this backend cannot score
        r = c.post("/v1/judge/absolute", json={"items": [ITEM], "mode": "score"})
    assert r.status_code == 400 and "score mode" in r.json()["detail"]


def test_healthz_openapi_page_and_metrics_format():
    with client() as c:
        c.post("/v1/judge/absolute", json={"items": [ITEM]})
        health = c.get("/healthz").json()
        spec = c.get("/openapi.json").json()
        page = c.get("/")
        metrics = c.get("/metrics")
    assert health["status"] == "ok" and health["generation"] is False
    for path in ("/v1/judge/absolute", "/v1/judge/pairwise", "/v1/chat/completions", "/v1/completions"):
        assert path in spec["paths"]
    assert "AbsoluteRequest" in spec["components"]["schemas"]
    assert page.status_code == 200 and "<svg" not in page.text and "helpfulness" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'judgesmith_requests_total{endpoint="/v1/judge/absolute",status="200"} 1' in text
    assert 'judgesmith_items_judged_total{kind="absolute",mode="generate"} 1' in text
    buckets = [int(n) for n in re.findall(r'request_duration_seconds_bucket\{endpoint="/v1/judge/absolute",le="[^"]+"\} (\d+)', text)]
    assert buckets == sorted(buckets) and buckets[-1] == 1  # cumulative, +Inf = count


def test_verdicts_are_sent_exactly_as_the_judge_returns_them():
    """The response carries `Verdict.to_dict()` itself (no copy of its fields), nested samples included."""
    from judgesmith.judge.engine import Judge, JudgeConfig
    from judgesmith.records import PairwiseItem
    from judgesmith.rubrics import preset

    backend = CountingBackend(probs_fn=lambda p: {"A": 0.7, "B": 0.3} if "###Response A:\n4" in p.user
                              else {"A": 0.4, "B": 0.6})
    with client(backend) as c:
        r = c.post("/v1/judge/pairwise", json={"items": {**PAIR, "id": "p"}, "swap": True, "mode": "score"})
    assert r.status_code == 200, r.text
    local = Judge(backend, JudgeConfig(mode="score", swap=True)).grade_pairwise(
        [PairwiseItem(id="p", rubric=preset("helpfulness"), **PAIR)])
    assert r.json()["verdicts"] == [v.to_dict() for v in local]
    assert len(local[0].samples) == 2
