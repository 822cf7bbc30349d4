"""README's serving section against a live server on a tiny model: each curl request is answered, with
the fields the README shows in its recorded response, and the GRPO reward function snippet works as shown."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytest.importorskip("fastapi")
import httpx  # noqa: E402

from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.live import LiveServer  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Serving the judge"):README.index("## The pipeline, stage by stage")]
EXAMPLE = re.compile(r"```bash\n(curl [^`]*?)```\n```json\n(.*?)```", re.S)
ENDPOINTS = {"/v1/judge/absolute", "/v1/judge/pairwise", "/get_reward", "/score"}


def _examples() -> list[tuple[str, dict, dict]]:
    out = []
    for command, shown in EXAMPLE.findall(SECTION):
        tokens = shlex.split(command.replace("\\\n", " "))
        url = next(t for t in tokens if t.startswith("http"))
        out.append((urlparse(url).path, json.loads(tokens[tokens.index("-d") + 1]), json.loads(shown)))
    return out


def _shape(value):
    """Keys (recursively) and value types, not the values: the recorded model's numbers differ from a tiny one's."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in ("raw", "error")}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


@pytest.fixture(scope="module")
def live(tiny_backend):
    with LiveServer(create_app(tiny_backend, ServeSettings(max_wait_ms=5, default_mode="score",
                                                           model_name="gemma-3-270m"))) as server:
        yield server


def test_every_endpoint_has_a_curl_example_with_its_response():
    assert {path for path, _, _ in _examples()} == ENDPOINTS


@pytest.mark.parametrize("path,body,shown", _examples(), ids=[e[0] for e in _examples()])
def test_curl_example_is_answered_with_the_fields_shown(live, path, body, shown):
    reply = httpx.post(live.url + path, json=body, timeout=120)
    assert reply.status_code == 200, reply.text
    got = reply.json()
    for volatile in ("id", "created"):  # differ per call
        got.pop(volatile, None), shown.pop(volatile, None)
    assert _shape(got) == _shape(shown)
    if path == "/get_reward":
        assert len(got["rewards"]) == len(body["query"]) and all(1 <= r <= 5 for r in got["rewards"])


def test_grpo_reward_function_snippet(live, tiny_backend):
    code = next(block for block in re.findall(r"```python\n(.*?)```", SECTION, re.S) if "def judge_reward" in block)
    scope: dict = {}
    exec(compile(code.replace("http://127.0.0.1:8000", live.url), "README.md", "exec"), scope)
    plain = scope["judge_reward"](["What is the capital of France?"] * 2, ["Paris.", "Lyon."])
    chat = scope["judge_reward"]([[{"role": "user", "content": "What is the capital of France?"}]] * 2,
                                 [[{"role": "assistant", "content": "Paris."}], [{"role": "assistant", "content": "Lyon."}]])
    from judgesmith.judge import Judge
    from judgesmith.records import AbsoluteItem
    from judgesmith.rubrics import preset

    items = [AbsoluteItem(str(i), "What is the capital of France?", a, preset("helpfulness")) for i, a in
             enumerate(["Paris.", "Lyon."])]
    local = [v.expected_score for v in Judge(tiny_backend, mode="score").grade_absolute(items)]
    assert plain == pytest.approx(local, abs=1e-4) and chat == pytest.approx(local, abs=1e-4)
