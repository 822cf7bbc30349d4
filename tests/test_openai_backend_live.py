"""judgesmith's OpenAI backend against judgesmith's own server: the round trip a team's eval loop makes."""

import math

import pytest

from judgesmith.judge import Judge
from judgesmith.judge.backends.openai_backend import OpenAIBackend
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

pytest.importorskip("openai", reason="the openai client is part of the test extra")


@pytest.fixture(scope="module")
def live(tiny_backend):
    from judgesmith.serve.app import create_app
    from judgesmith.serve.live import LiveServer
    from judgesmith.serve.settings import ServeSettings

    with LiveServer(create_app(tiny_backend, ServeSettings(api_key="k", max_new_tokens=8))) as server:
        yield server


def test_score_mode_over_http_matches_local_backend(live, tiny_backend):
    item = AbsoluteItem("1", "What is the capital of France?", "Paris.", preset("helpfulness"))
    remote = Judge(OpenAIBackend("judge", base_url=live.url + "/v1", api_key="k"), mode="score")
    local = Judge(tiny_backend, mode="score")
    [r], [loc] = remote.grade_absolute([item]), local.grade_absolute([item])
    assert set(r.probabilities) == set("12345")
    assert math.isclose(sum(r.probabilities.values()), 1.0, abs_tol=1e-6)
    # top_logprobs=20 covers the 5 labels in a 400-token vocabulary only if they rank there, so
    # compare on the labels the server returned.
    for k, p in r.probabilities.items():
        if p > 0:
            assert p == pytest.approx(loc.probabilities[k] / sum(loc.probabilities[j] for j, q in
                                                                 r.probabilities.items() if q > 0), abs=1e-3)


def test_generate_mode_over_http_never_raises(live):
    pair = PairwiseItem("p", "Which?", "good", "bad", preset("helpfulness"))
    v = Judge(OpenAIBackend("judge", base_url=live.url + "/v1", api_key="k"), max_new_tokens=8).grade_pairwise([pair])[0]
    assert v.id == "p" and isinstance(v.raw, str)
    assert v.parse_ok == (v.winner is not None)
