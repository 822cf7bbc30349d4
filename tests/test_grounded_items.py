"""A grounded rubric needs a context: a per-line error in `judgesmith judge`, a 422 from the server, never a
silent ungrounded judgment; grounded items reach the prompt with their context."""

import json

import pytest

from judgesmith.cli import main
from judgesmith.items import validate_item
from judgesmith.prompts import build_prompt
from judgesmith.rubrics import is_grounded, preset

ITEM = {"instruction": "Summarize.", "response": "The cat sat.", "rubric": "faithfulness"}


@pytest.mark.parametrize("context", [None, "", "   \n\t"])
def test_faithfulness_without_a_context_is_refused(context):
    data = ITEM if context is None else {**ITEM, "context": context}
    checked = validate_item(data, "absolute")
    with pytest.raises(ValueError, match="judges the response against a context") as err:
        checked.to_record(preset("faithfulness"), "0")
    assert ("'context' is empty" in str(err.value)) == (context is not None)


def test_grounded_items_carry_their_context_into_the_prompt():
    checked = validate_item({**ITEM, "context": "A cat sat on the mat.", "language": "EN"}, "absolute")
    item = checked.to_record(preset("faithfulness"), "0")
    assert item.language == "en"
    user = build_prompt(item).user
    assert "###Context:\nA cat sat on the mat." in user and "a context document the response must be grounded" in user
    assert is_grounded(item.rubric) and not is_grounded(preset("factual_validity"))
    with pytest.raises(ValueError, match="ISO 639-1"):
        validate_item({**ITEM, "context": "x", "language": "english"}, "absolute")


def test_cli_lists_grounded_items_without_context_as_bad_lines(tmp_path, tiny_model_dir):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{**ITEM, "id": "ok", "context": "The cat sat on the mat."}, {**ITEM, "id": "none"},
            {**ITEM, "id": "blank", "context": "  "}, {"id": "plain", "instruction": "Hi?", "response": "Hello."}]
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    code = main(["judge", "absolute", "--input", str(inp), "--output", str(out), "--model", str(tiny_model_dir),
                 "--mode", "score", "--rubric", "faithfulness"])
    assert code == 0
    judged = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert judged == ["ok"]  # the run's default rubric is grounded too: the item without one is refused
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert [e["reason"].split(":")[0] for e in errors] == ["line 2", "line 3", "line 4"]
    assert all("judges the response against a context" in e["reason"] for e in errors)


def test_server_answers_422_naming_the_item():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from judgesmith.judge.backends.scripted import ScriptedBackend
    from judgesmith.serve.app import create_app
    from judgesmith.serve.settings import ServeSettings

    backend = ScriptedBackend(probs_fn=lambda p: {"5": 1.0} if "###Context:\nThe cat" in p.user else {"1": 1.0})
    with TestClient(create_app(backend, ServeSettings(max_wait_ms=5))) as c:
        bad = c.post("/v1/judge/absolute", json={"items": [{**ITEM, "context": "The cat sat."}, ITEM]})
        good = c.post("/v1/judge/absolute", json={"items": [{**ITEM, "context": "The cat sat."}], "mode": "score"})
    assert bad.status_code == 422 and "items[1]" in bad.json()["detail"] and "context" in bad.json()["detail"]
    assert good.status_code == 200 and good.json()["verdicts"][0]["score"] == 5
