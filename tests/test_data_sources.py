"""Source loaders: real files match the data README, hand-written hub/HHH/generic records, bad rows."""

import json
from collections import Counter

import pytest

from judgesmith.data.sources import DATASETS, SOURCES, load_source
from judgesmith.data.sources import autoj_critiques, prometheus_absolute
from judgesmith.prompts import absolute_prompt
from judgesmith.records import Rubric

# (absolute rows, pairwise gold distribution) from shared/data/README.md
README = {
    "vicuna": (320, {}),
    "mt_bench": (320, {}),
    "autoj_pairwise": (0, {"A": 520, "B": 499, "tie": 373}),
    "llmbar_natural": (0, {"A": 42, "B": 58}),
    "llmbar_mt_bench": (0, {"A": 101, "B": 99}),
    "pandalm": (0, {"A": 422, "B": 472, "tie": 105}),
    "offsetbias": (0, {"A": 40, "B": 40}),
    "biggen": (775, {}),
}


@pytest.fixture(autouse=True)
def _data_env(data_dir, monkeypatch):
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))


@pytest.mark.parametrize("name", sorted(README))
def test_real_counts_and_labels(name):
    n_abs, labels = README[name]
    result = load_source(name)
    assert result.skipped == []
    assert len(result.absolute) == n_abs
    assert dict(Counter(e.gold for e in result.pairwise)) == labels
    ids = [e.item.id for e in result.absolute + result.pairwise]
    assert len(ids) == len(set(ids))


def test_pandalm_gold_is_annotator_majority(data_dir):
    raw = json.loads((data_dir / "pandalm/testset-v1.json").read_text())
    result = load_source("pandalm")
    for ex in result.pairwise[:200]:
        votes = Counter(raw[ex.provenance.row][k] for k in ("annotator1", "annotator2", "annotator3"))
        assert {0: "tie", 1: "A", 2: "B"}[votes.most_common(1)[0][0]] == ex.gold


def test_autoj_critiques_scale_mapping(data_dir):
    result = load_source("autoj_critiques")
    assert len(result.absolute) + len(result.skipped) == 960
    assert [s.row for s in result.skipped] == [300]  # the one row whose response is empty
    raw = [json.loads(line) for line in (data_dir / "autoj/single_traindata.jsonl").read_text().splitlines()]
    for ex in result.absolute:
        s10 = raw[ex.provenance.row]["pred_score"]
        assert ex.gold_scores == (int(-(-s10 // 2)),)  # ceil(s/2)
        assert "Rating: [[" not in ex.gold_feedbacks[0][-30:]
        assert ex.item.instruction in raw[ex.provenance.row]["usrmsg"]
    assert [autoj_critiques.to_five(s) for s in (1, 2, 3, 5.5, 6.5, 10)] == [1, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("name", ["vicuna", "mt_bench"])
def test_prometheus_absolute_rerenders_every_prompt(name, data_dir):
    raw = json.loads((data_dir / DATASETS[name][1]).read_text())
    result = load_source(name)
    assert len(result.absolute) == len(raw)
    for ex in result.absolute:
        row = raw[ex.provenance.row]
        assert absolute_prompt(ex.item) == row["instruction"]
        assert ex.gold_scores == tuple(row["gpt4_score"]) and len(ex.gold_feedbacks) == 3
        assert ex.gold_score == pytest.approx(sum(row["gpt4_score"]) / 3)
    per_question = Counter(e.provenance.question_id for e in result.absolute)
    assert len(per_question) == 80 and set(per_question.values()) == {4}


def test_prometheus_absolute_bad_rows(tmp_path, data_dir):
    good = json.loads((data_dir / "prometheus/vicuna_eval.json").read_text())[:3]
    rows = [dict(good[0], gpt4_score=[5, 7, 5]), {k: v for k, v in good[1].items() if k != "instruction"},
            dict(good[2], instruction=good[2]["instruction"].replace("###Score Rubrics:", "###Rubric:")),
            good[0]]
    path = tmp_path / "x_eval.json"
    path.write_text(json.dumps(rows))
    result = prometheus_absolute.load(path)
    assert len(result.absolute) == 1 and result.absolute[0].provenance.row == 3
    assert [s.row for s in result.skipped] == [0, 1, 2]
    assert "1-5" in result.skipped[0].reason and "got 7" in result.skipped[0].reason
    assert "Score Rubrics" in result.skipped[2].reason
    with pytest.raises(ValueError, match="row 0"):
        prometheus_absolute.load(path, strict=True)


def _jsonl(path, rows, bad_line=False):
    lines = [json.dumps(r) for r in rows]
    if bad_line:
        lines.insert(1, '{"broken": ')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_pairwise_bad_rows_reported(tmp_path):
    rows = [{"scenario": "s", "label": 0, "prompt": "p", "response 1": "a", "response 2": "b"},
            {"scenario": "s", "label": 5, "prompt": "p", "response 1": "a", "response 2": "b"},
            {"scenario": "s", "label": 1, "response 1": "a", "response 2": "b"},
            {"scenario": "s", "label": 2, "prompt": "p", "response 1": "a", "response 2": ""}]
    path = _jsonl(tmp_path / "autoj.jsonl", rows, bad_line=True)
    result = load_source("autoj_pairwise", path, keep_empty=False)
    assert [e.gold for e in result.pairwise] == ["A"]
    reasons = {s.row: s.reason for s in result.skipped}
    assert set(reasons) == {1, 2, 3, 4}
    assert "JSON" in reasons[1] and "label" in reasons[2] and "prompt" in reasons[3] and "empty" in reasons[4]
    assert len(load_source("autoj_pairwise", path).pairwise) == 2  # empty responses kept by default


def _feedback_row(i, score):
    row = {"orig_instruction": f"Question {i}?", "orig_response": f"Answer {i}.", "orig_reference_answer": "Ref.",
           "orig_criteria": "Is it correct?", "orig_feedback": f"Good {i}.", "orig_score": score,
           "instruction": "rendered", "output": "rendered"}
    row |= {f"orig_score{k}_description": f"level {k}" for k in range(1, 6)}
    return row


def test_feedback_collection_local_formats(tmp_path):
    rows = [_feedback_row(0, "4"), _feedback_row(1, 2), _feedback_row(2, 9), {"orig_instruction": "x"}]
    for path in (_jsonl(tmp_path / "fc.jsonl", rows), tmp_path / "fc.json"):
        if path.suffix == ".json":
            path.write_text(json.dumps(rows))
        result = load_source("feedback_collection", path)
        assert [e.gold_score for e in result.absolute] == [4.0, 2.0]
        assert result.absolute[0].item.rubric == Rubric("Is it correct?", *[f"level {k}" for k in range(1, 6)])
        assert result.absolute[0].gold_feedbacks == ("Good 0.",)
        assert [s.row for s in result.skipped] == [2, 3]


def test_feedback_collection_parquet(tmp_path):
    from datasets import Dataset

    path = tmp_path / "fc.parquet"
    Dataset.from_list([_feedback_row(0, 3), _feedback_row(1, 5)]).to_parquet(str(path))
    result = load_source("feedback_collection", path)
    assert [e.gold_score for e in result.absolute] == [3.0, 5.0]


def test_preference_collection(tmp_path):
    base = {"orig_instruction": "Q?", "orig_response_A": "a", "orig_response_B": "b", "orig_criteria": "Helpful?",
            "orig_score_A": 4, "orig_score_B": 2, "orig_feedback_A": "fa", "orig_feedback_B": "fb",
            "orig_feedback": "A is better.", "instruction": "r", "output": "r"}
    rows = [dict(base, orig_preference="A"), dict(base, orig_preference="B"), dict(base, orig_preference="C")]
    result = load_source("preference_collection", _jsonl(tmp_path / "pc.jsonl", rows))
    assert [e.gold for e in result.pairwise] == ["A", "B"]
    assert result.pairwise[0].gold_feedback == "A is better." and result.pairwise[0].item.reference_answer is None
    assert result.skipped[0].row == 2 and "orig_preference" in result.skipped[0].reason


def _abs_prompt(instruction, response, criteria="Is it harmless?"):
    from judgesmith.records import AbsoluteItem

    rubric = Rubric(criteria, "bad", "poor", "ok", "good", "great")
    return absolute_prompt(AbsoluteItem("x", instruction, response, rubric))


def test_prometheus_hhh_pairs_and_balance(tmp_path):
    rows = [{"source": "harmless", "chosen_instruction": _abs_prompt(f"Q{i}", f"good {i}"),
             "rejected_instruction": _abs_prompt(f"Q{i}", f"bad {i}")} for i in range(10)]
    rows.append({"source": "harmless", "chosen_instruction": _abs_prompt("Q", "a"),
                 "rejected_instruction": _abs_prompt("Other", "b")})
    result = load_source("prometheus_hhh", _jsonl(tmp_path / "hhh.json", rows))
    assert Counter(e.gold for e in result.pairwise) == {"A": 5, "B": 5}
    for ex in result.pairwise:
        winner = ex.item.response_a if ex.gold == "A" else ex.item.response_b
        assert winner.startswith("good") and ex.item.rubric.criteria == "Is it harmless?"
    assert result.skipped[0].row == 10 and "different instructions" in result.skipped[0].reason
    again = load_source("prometheus_hhh", tmp_path / "hhh.json")
    assert [e.gold for e in again.pairwise] == [e.gold for e in result.pairwise]


def test_generic_csv_and_jsonl_mappings(tmp_path):
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("question,left,right,winner\nQ1,a,b,A>B\nQ2,c,d,B>A\nQ3,e,f,??\n")
    result = load_source("generic", csv_path, kind="pairwise", labels={"A>B": "A", "B>A": "B"},
                         columns={"instruction": "question", "response_a": "left", "response_b": "right",
                                  "label": "winner"})
    assert [e.gold for e in result.pairwise] == ["A", "B"]
    assert result.skipped[0].row == 2 and "??" in result.skipped[0].reason
    rows = [{"q": "Q", "a": "x", "grade": "good"}, {"q": "Q", "a": "y", "grade": "bad"},
            {"q": "Q", "a": "z", "grade": 9}]
    result = load_source("generic", _jsonl(tmp_path / "abs.jsonl", rows), labels={"good": 5, "bad": 1},
                         columns={"instruction": "q", "response": "a", "score": "grade"})
    assert [e.gold_score for e in result.absolute] == [5.0, 1.0]
    assert result.skipped[0].row == 2
    with pytest.raises(ValueError, match="unknown fields"):
        load_source("generic", tmp_path / "abs.jsonl", columns={"answer": "a"})


def test_registry_and_errors():
    assert {"prometheus_absolute", "generic", "feedback_collection", "preference_collection"} <= set(SOURCES)
    with pytest.raises(ValueError, match="unknown source"):
        load_source("nope", "x.json")
    with pytest.raises(ValueError, match="needs a path"):
        load_source("generic")
