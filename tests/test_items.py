"""One item schema at every edge: the CLI's JSONL reader, the server and the generic loader agree.

Each bad item goes through all three real entry points (`read_items`, `POST /v1/judge/...`,
`load_source("generic", ...)`); the reason each gives must be the same text, and the good
items must come out as the same records with the same gold label.
"""

from __future__ import annotations

import json

import pytest

from judgesmith.data.sources import load_source
from judgesmith.items import AbsoluteItemIn, PairwiseItemIn, lone_surrogate, validate_item
from judgesmith.jsonio import read_items
from judgesmith.rubrics import preset

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from judgesmith.judge.backends.scripted import ScriptedBackend  # noqa: E402
from judgesmith.serve.app import create_app  # noqa: E402
from judgesmith.serve.settings import ServeSettings  # noqa: E402

GOOD = {"absolute": {"instruction": "What is 2+2?", "response": "4"},
        "pairwise": {"instruction": "What is 2+2?", "response_a": "4", "response_b": "5"}}
PROBS = {"1": 0.1, "2": 0.1, "3": 0.1, "4": 0.6, "5": 0.1, "A": 0.7, "B": 0.3}

BAD = [  # (kind, fields over a good item, the reason every edge must give)
    ("absolute", {"instruction": None}, "missing field 'instruction'"),
    ("absolute", {"response": 5}, "'response' must be a string, got int 5"),
    ("absolute", {"response": ["a"]}, "'response' must be a string, got a JSON array"),
    ("absolute", {"response": " \n"}, "'response' is empty"),
    ("absolute", {"score": 7}, "'score' must be a number 1-5, got 7"),
    ("absolute", {"gold_score": 0}, "'gold_score' must be a number 1-5, got 0"),
    ("absolute", {"score": True}, "'score' must be a number 1-5, got True"),
    ("absolute", {"reference_answer": 3}, "'reference_answer' must be a string, got int 3"),
    ("absolute", {"id": 1.5}, "'id' must be a string or integer, got float 1.5"),
    ("absolute", {"rubric": {"criteria": "c", "colour": "red"}}, "rubric: unknown rubric fields ['colour']"),
    ("absolute", {"rubric": {"score1_description": "x"}}, "rubric: 'criteria' must be a non-empty string"),
    ("absolute", {"rubric": 5}, "rubric: expected a preset name, file path or mapping, got int"),
    ("pairwise", {"response_b": None}, "missing field 'response_b'"),
    ("pairwise", {"instruction": ""}, "'instruction' is empty"),
    ("pairwise", {"label": "C"}, "'label' must be 'A', 'B' or 'tie', got 'C'"),
    ("pairwise", {"gold": "a"}, "'gold' must be 'A', 'B' or 'tie', got 'a'"),
    ("pairwise", {"context": {"k": 1}}, "'context' must be a string, got a JSON object"),
]


def _item(kind: str, fields: dict) -> dict:
    return {k: v for k, v in {**GOOD[kind], **fields}.items() if v is not None}


def _cli_reason(tmp_path, kind: str, item: dict) -> str:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(item) + "\n")
    rows, bad = read_items(path, kind, preset("helpfulness"))
    assert rows == [] and len(bad) == 1
    assert bad[0].reason.startswith("line 1: ")
    return bad[0].reason.removeprefix("line 1: ")


def _server_reason(kind: str, item: dict) -> str:
    backend = ScriptedBackend(probs_fn=lambda p: PROBS)
    with TestClient(create_app(backend, ServeSettings(max_wait_ms=1))) as c:
        r = c.post(f"/v1/judge/{kind}", json={"items": [GOOD[kind], item], "mode": "score"})
    assert r.status_code == 422, r.text
    assert backend.calls == []
    message = r.json()["error"]["message"]
    assert message.startswith("items[1]: ")
    return message.removeprefix("items[1]: ")


def _loader_reason(tmp_path, kind: str, item: dict) -> str:
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps(item) + "\n")
    result = load_source("generic", path, kind=kind)
    assert result.count == 0 and len(result.skipped) == 1
    return result.skipped[0].reason


@pytest.mark.parametrize("kind,fields,expected", BAD)
def test_every_edge_gives_the_same_reason(tmp_path, kind, fields, expected):
    item = _item(kind, fields)
    reasons = {"cli": _cli_reason(tmp_path, kind, item), "server": _server_reason(kind, item),
               "loader": _loader_reason(tmp_path, kind, item)}
    assert all(r.startswith(expected) for r in reasons.values()), reasons
    assert len(set(reasons.values())) == 1, reasons


def test_an_item_with_several_problems_names_the_same_first_one(tmp_path):
    item = {"id": ["x"], "response": "", "score": 9}
    expected = "'id' must be a string or integer, got a JSON array"
    assert _cli_reason(tmp_path, "absolute", item) == expected
    assert _loader_reason(tmp_path, "absolute", item) == expected


@pytest.mark.parametrize("kind,key,value", [
    ("absolute", "gold_score", 4), ("absolute", "score", 4.5), ("pairwise", "gold", "tie"), ("pairwise", "label", "B"),
])
def test_both_gold_names_are_read_by_the_cli_and_the_loader(tmp_path, kind, key, value):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "x", **GOOD[kind], key: value}) + "\n")
    rows, bad = read_items(path, kind, preset("helpfulness"))
    loaded = load_source("generic", path, kind=kind)
    examples = loaded.absolute if kind == "absolute" else loaded.pairwise
    assert bad == [] and loaded.skipped == []
    assert rows[0].gold == value
    assert (examples[0].gold_score if kind == "absolute" else examples[0].gold) == value
    assert rows[0].item == examples[0].item  # same record from both edges (same id, texts, default rubric)


def test_the_first_gold_name_wins():
    item = validate_item({**GOOD["absolute"], "gold_score": 2, "score": 5}, "absolute")
    pair = validate_item({**GOOD["pairwise"], "gold": "A", "label": "B"}, "pairwise")
    assert (item.gold_value, pair.gold_value) == (2, "A")


def test_the_server_accepts_what_the_cli_accepts():
    """Integer ids and gold labels (ignored by the judge) are valid items on the server too."""
    backend = ScriptedBackend(probs_fn=lambda p: PROBS)
    with TestClient(create_app(backend, ServeSettings(max_wait_ms=1))) as c:
        r = c.post("/v1/judge/absolute", json={"items": [{**GOOD["absolute"], "id": 7, "gold_score": 3}],
                                               "mode": "score"})
        extra = c.post("/v1/judge/absolute", json={"items": [{**GOOD["absolute"], "colour": "red"}]})
    assert r.status_code == 200, r.text
    assert [v["id"] for v in r.json()["verdicts"]] == ["7"]
    assert extra.status_code == 422 and "colour" in extra.json()["error"]["message"]  # the server stays strict


def test_lone_surrogates_are_worded_alike(tmp_path):
    """The server rejects them before the item schema (anywhere in the body); the problem reads the same."""
    raw = b'{"items": [{"instruction": "q", "response": "a\\ud800"}]}'
    with TestClient(create_app(ScriptedBackend(probs_fn=lambda p: PROBS), ServeSettings(max_wait_ms=1))) as c:
        message = c.post("/v1/judge/absolute", content=raw, headers={"content-type": "application/json"}
                         ).json()["error"]["message"]
    path = tmp_path / "in.jsonl"
    path.write_bytes(raw[len(b'{"items": ['):-2] + b"\n")
    _, bad = read_items(path, "absolute", preset("helpfulness"))
    problem = lone_surrogate("a\ud800")
    assert problem and "character 2" in problem
    assert message == f"items[0].response: {problem}"
    assert bad[0].reason == f"line 1: 'response' {problem}"


def test_openapi_keeps_the_texts_required():
    absolute, pairwise = AbsoluteItemIn.model_json_schema(), PairwiseItemIn.model_json_schema()
    assert absolute["required"] == ["instruction", "response"]
    assert pairwise["required"] == ["instruction", "response_a", "response_b"]
    assert "default" not in absolute["properties"]["response"]
    assert "criteria" in json.dumps(absolute["$defs"])  # inline rubric objects are documented


def test_reading_jsonl_does_not_import_pydantic_until_items_are_read():
    import subprocess
    import sys

    code = ("import sys, judgesmith.jsonio, judgesmith.cli as c; c.build_parser(); "
            "print('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
