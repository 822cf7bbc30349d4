"""Length guard and token-bounded batches: engine, HF backend, CLI and `/v1/judge/*`."""

from __future__ import annotations

import json

import pytest

from judgesmith.cli import main
from judgesmith.judge.backends.scripted import ScriptedBackend
from judgesmith.judge.engine import Judge, JudgeConfig
from judgesmith.judge.length import TRUNCATION_MARK, token_batches, Screened
from judgesmith.jsonio import read_jsonl
from judgesmith.prompts import build_prompt
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import preset

RUBRIC = preset("helpfulness")
PROBS = {"1": 0.1, "2": 0.1, "3": 0.2, "4": 0.4, "5": 0.2, "A": 0.7, "B": 0.3}


def absolute(i, words=3):
    return AbsoluteItem(f"i{i}", f"Question {i}?", " ".join(["word"] * words), RUBRIC)


class Recording(ScriptedBackend):
    def __init__(self, **kw):
        super().__init__(probs_fn=lambda p: PROBS, **kw)
        self.batches: list[list[str]] = []

    def score(self, prompts, **kw):
        self.batches.append([p.user for p in prompts])
        return super().score(prompts, **kw)


def words(backend, item, mode="score"):
    config = JudgeConfig()
    prefix = config.absolute_prefix if isinstance(item, AbsoluteItem) else config.pairwise_prefix
    prefix = prefix if mode == "score" else ""
    return backend.count_tokens([build_prompt(item)], suffix=prefix)[0]


def test_batches_are_bounded_by_padded_tokens_and_a_long_item_runs_alone():
    backend = Recording()
    items = [absolute(0), absolute(1), absolute(2, words=2000), absolute(3), absolute(4), absolute(5)]
    sizes = {it.id: words(backend, it) for it in items}
    budget = 2 * sizes["i2"] - 1  # the long item cannot share a call with anyone
    verdicts = Judge(backend, JudgeConfig(mode="score", batch_size=8, max_batch_tokens=budget)).grade_absolute(items)
    assert [v.id for v in verdicts] == [it.id for it in items] and all(v.parse_ok for v in verdicts)
    assert [len(b) for b in backend.batches] == [2, 1, 3]
    for batch in backend.batches:
        longest = max(len(f"{u}".split()) for u in batch)
        assert len(batch) * longest <= budget
    assert backend.batches[1][0].count("word") >= 2000


def test_token_batches_respect_count_and_let_rejected_items_ride_along():
    s = [Screened(absolute(0), 10), Screened(absolute(1), 10, reason="too long"), Screened(absolute(2), 10),
         Screened(absolute(3), 50), Screened(absolute(4), 10)]
    groups = [[x.item.id for x in g] for g in token_batches(s, batch_size=2, max_tokens=60)]
    assert groups == [["i0", "i1", "i2"], ["i3"], ["i4"]]
    assert sum(len(g) for g in groups) == len(s)


def test_over_long_item_is_rejected_and_its_neighbours_are_judged():
    backend = Recording()
    items = [absolute(0), absolute(1, words=5000), absolute(2)]
    limit = words(backend, items[0]) + 100
    verdicts = Judge(backend, JudgeConfig(mode="score", max_prompt_tokens=limit)).grade_absolute(items)
    assert [v.parse_ok for v in verdicts] == [True, False, True]
    assert verdicts[1].error.startswith("not judged: prompt is") and f"limit of {limit}" in verdicts[1].error
    assert verdicts[0].score == verdicts[2].score == 4
    assert all(len(u) < 5000 for b in backend.batches for u in b)  # the long prompt never reached the model


def test_context_length_less_max_new_tokens_is_the_generate_limit():
    backend = ScriptedBackend(context_length=400)
    short = absolute(0)
    n = words(backend, short, mode="generate")
    items = [short, absolute(1, words=400 - n - 50 + 3 + 1)]  # one word over 400 - 50 new tokens
    verdicts = Judge(backend, JudgeConfig(max_new_tokens=50)).grade_absolute(items)
    assert verdicts[0].parse_ok and not verdicts[1].parse_ok
    assert "context of 400 tokens less max_new_tokens" in verdicts[1].error
    assert Judge(backend, JudgeConfig(max_new_tokens=49)).grade_absolute(items[1:])[0].parse_ok


def test_truncate_cuts_every_response_to_one_cap_that_fits():
    backend = Recording()
    base = words(backend, PairwiseItem("p", "Q?", "", "", RUBRIC), mode="score")
    limit = base + 300
    pair = PairwiseItem("p", "Q?", "long " * 2000, "short answer", RUBRIC)
    judge = Judge(backend, JudgeConfig(mode="score", max_prompt_tokens=limit, overlong="truncate"))
    (s,) = judge.screen([pair])
    assert s.ok and s.note and "shortened" in s.note
    assert s.item.response_a.endswith(TRUNCATION_MARK) and s.item.response_b == "short answer"
    assert s.tokens <= limit and s.tokens == words(backend, s.item)
    longer = PairwiseItem("p", "Q?", pair.response_a[: len(s.item.response_a) - len(TRUNCATION_MARK) + 5]
                          + TRUNCATION_MARK, "short answer", RUBRIC)
    assert words(backend, longer) > limit  # the cap is the largest that fits (5 more characters do not)
    (v,) = judge.grade_pairwise([pair])
    assert v.parse_ok and TRUNCATION_MARK.strip() in backend.batches[-1][0]


def test_truncate_rejects_when_even_an_empty_response_does_not_fit():
    backend = Recording()
    item = AbsoluteItem("x", "long instruction " * 500, "response " * 500, RUBRIC)
    (s,) = Judge(backend, JudgeConfig(mode="score", max_prompt_tokens=400, overlong="truncate")).screen([item])
    assert not s.ok and "cut to nothing" in s.reason


def test_untokenizable_item_is_rejected_not_raised():
    class Picky(Recording):
        def count_tokens(self, prompts, *, suffix=""):
            if any("\ud800" in p.user for p in prompts):
                raise TypeError("TextEncodeInput must be Union[...]")
            return super().count_tokens(prompts, suffix=suffix)

    items = [absolute(0), AbsoluteItem("bad", "Q?", "x \ud800 y", RUBRIC), absolute(2)]
    verdicts = Judge(Picky(), JudgeConfig(mode="score")).grade_absolute(items)
    assert [v.parse_ok for v in verdicts] == [True, False, True]
    assert "cannot tokenize" in verdicts[1].error


# --- the HF backend on the tiny model -------------------------------------------------------


@pytest.fixture()
def shapes(tiny_backend):
    seen: list[tuple[int, int]] = []

    def hook(module, args, kwargs):
        seen.append(tuple(kwargs["input_ids"].shape))

    handle = tiny_backend.model.register_forward_pre_hook(hook, with_kwargs=True)
    yield seen
    handle.remove()


def test_hf_counts_what_it_feeds_and_knows_its_context(tiny_backend, shapes, monkeypatch):
    monkeypatch.setattr(tiny_backend, "prefix_reuse", False)  # one forward per batch: its shape is what is fed
    assert tiny_backend.context_length == 2048
    items = [absolute(0), absolute(1, words=40)]
    prompts = [build_prompt(it) for it in items]
    counts = tiny_backend.count_tokens(prompts, suffix="Feedback: [RESULT]")
    tiny_backend.score(prompts, prefix="Feedback: [RESULT]", labels=("1", "2", "3", "4", "5"))
    (batch, width), = shapes
    joiner = len(tiny_backend._plans[("Feedback: [RESULT]", ("1", "2", "3", "4", "5"))][0])
    assert batch == 2 and width == max(counts) + joiner


def test_hf_one_long_item_does_not_take_its_neighbours_down(tiny_backend, shapes, monkeypatch):
    monkeypatch.setattr(tiny_backend, "prefix_reuse", False)  # one forward per batch: its shape is what is fed
    items = [absolute(0), absolute(1, words=3000), absolute(2), absolute(3, words=150), absolute(4)]
    config = JudgeConfig(mode="score", batch_size=4, max_batch_tokens=2000)
    verdicts = Judge(tiny_backend, config).grade_absolute(items)
    assert [v.parse_ok for v in verdicts] == [True, False, True, True, True]
    assert "context of 2048 tokens" in verdicts[1].error
    assert all(b * w <= 2000 for b, w in shapes) and max(w for _, w in shapes) < 2048
    assert sorted(b for b, _ in shapes) == [1, 1, 2]  # the two first short ones share a call; the long one is alone
    alone = [Judge(tiny_backend, config).grade_absolute([it])[0] for it in (items[0], items[2], items[4])]
    for v, ref in zip([verdicts[0], verdicts[2], verdicts[4]], alone):
        assert v.probabilities == pytest.approx(ref.probabilities, abs=1e-4)


# --- CLI -------------------------------------------------------------------------------------


def test_cli_truncate_judges_the_shortened_item_and_says_so(tmp_path, tiny_model_dir):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": "a", "instruction": "Q?", "response": "fine"},
            {"id": "b", "instruction": "Q?", "response": "word " * 3000}]
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ["judge", "absolute", "--input", str(inp), "--output", str(out), "--model", str(tiny_model_dir),
            "--mode", "score", "--max-prompt-tokens", "1000"]
    assert main(args) == 0
    assert [v["id"] for v in read_jsonl(out)] == ["a"]
    (e,) = read_jsonl(str(out) + ".errors.jsonl")
    assert (e["line"], e["id"], e["action"]) == (2, "b", "skipped") and "over the limit of 1000" in e["reason"]
    assert main(args + ["--overlong", "truncate"]) == 0
    assert sorted(v["id"] for v in read_jsonl(out)) == ["a", "b"]
    (e,) = read_jsonl(str(out) + ".errors.jsonl")
    assert e["action"] == "shortened" and e["reason"].startswith("line 2: response shortened")


# --- server ----------------------------------------------------------------------------------


def test_server_judge_endpoints_answer_400_for_an_over_long_item(tiny_backend, shapes):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from judgesmith.serve.app import create_app
    from judgesmith.serve.settings import ServeSettings

    app = create_app(tiny_backend, ServeSettings(max_wait_ms=1, default_mode="score", max_body_bytes=2_000_000))
    ok = {"instruction": "Q?", "response": "fine"}
    with TestClient(app) as c:
        r = c.post("/v1/judge/absolute", json={"items": [ok, {**ok, "response": "word " * 12000}]})
        assert r.status_code == 400 and "items[1]" in r.json()["detail"] and "over the limit" in r.json()["detail"]
        assert shapes == []  # no model call for a rejected request
        pair = {"instruction": "Q?", "response_a": "word " * 5000, "response_b": "ok"}
        r = c.post("/v1/judge/pairwise", json=pair)
        assert r.status_code == 400 and "items[0]" in r.json()["detail"]
        r = c.post("/v1/judge/absolute", json={"items": [ok]})
        assert r.status_code == 200 and r.json()["verdicts"][0]["parse_ok"]
        r = c.post("/v1/judge/absolute", content='{"instruction": "Q?", "response": "a \\ud800 b"}',
                   headers={"content-type": "application/json"})
        assert 400 <= r.status_code < 500


def test_server_max_prompt_tokens_setting():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from judgesmith.serve.app import create_app
    from judgesmith.serve.settings import ServeSettings

    backend = ScriptedBackend(probs_fn=lambda p: PROBS)
    app = create_app(backend, ServeSettings(max_wait_ms=1, max_prompt_tokens=400, default_mode="score"))
    with TestClient(app) as c:
        r = c.post("/v1/judge/absolute", json={"instruction": "Q?", "response": "word " * 300})
        assert r.status_code == 400 and "max_prompt_tokens=400" in r.json()["detail"]
        assert c.post("/v1/judge/absolute", json={"instruction": "Q?", "response": "ok"}).status_code == 200
