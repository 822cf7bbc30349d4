"""The dataset catalogue against the real files, old names, and the layouts of the generic loader."""

import inspect
import json

import pytest

from judgesmith.data.catalogue import CATALOGUE, lookup
from judgesmith.data.sources import SOURCES, generic, load_source
from judgesmith.data.sources.layouts import LAYOUTS, llmbar_name
from judgesmith.rubrics import resolve_rubric

BUNDLED = [row for row in CATALOGUE if row.path is not None]


@pytest.fixture(autouse=True)
def _data(data_dir, monkeypatch):
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))


@pytest.mark.parametrize("row", BUNDLED, ids=lambda r: r.name)
def test_bundled_rows_describe_their_files(row, data_dir):
    """Kind, gold and default rubric in the table are what the loader really gives on the file (with the
    row's own loader options: a split, a held-out part)."""
    assert (data_dir / row.path).exists()
    result = SOURCES[row.loader](data_dir / row.path, limit=20, **row.options)
    examples = result.absolute + result.pairwise
    assert examples, f"{row.name}: no examples"
    kinds = {"absolute"} if result.absolute else set()
    kinds |= {"pairwise"} if result.pairwise else set()
    assert kinds == ({"absolute", "pairwise"} if row.kind == "both" else {row.kind})
    golds = [e.gold_score for e in result.absolute] + [e.gold for e in result.pairwise]
    assert all(g is not None for g in golds) or not row.may_bench  # a benchmark needs gold
    if row.rubric is not None:  # the table's preset is the loader's own default for this file
        assert {e.item.rubric for e in examples} == {resolve_rubric(row.rubric)}
    default = inspect.signature(SOURCES[row.loader]).parameters.get("rubric")
    if default is not None and row.rubric is not None:
        assert default.default == row.rubric


def test_every_row_names_a_loader_and_names_are_unique():
    names = [n for row in CATALOGUE for n in (row.name, *row.aliases)]
    assert len(names) == len(set(names))
    assert {row.loader for row in CATALOGUE} <= set(SOURCES)
    assert not [r.name for r in CATALOGUE if r.may_bench and r.kind == "both"]


def test_old_benchmark_name_still_works(tmp_path):
    from judgesmith.bench.adapters import get_benchmark
    from judgesmith.bench.suite import load_suite
    from judgesmith.data.recipe import SourceSpec

    assert get_benchmark("llmbar_mtbench") is get_benchmark("llmbar_mt_bench")
    assert lookup("llmbar_mtbench").name == "llmbar_mt_bench" and lookup("nope") is None
    old = load_source("llmbar_mtbench", limit=3)
    assert [e.item.id for e in old.pairwise] == [e.item.id for e in load_source("llmbar_mt_bench", limit=3).pairwise]
    with pytest.raises(ValueError, match="'llmbar_mtbench' is a benchmark"):  # the alias finds its row
        SourceSpec(name="llmbar_mtbench")
    suite = tmp_path / "old.yaml"
    suite.write_text("benchmarks:\n  - benchmark: llmbar_mtbench\n    limit: 2\n")
    entry = load_suite(suite).benchmarks[0]
    assert entry.key == "llmbar_mtbench" and entry.resolve().default_path == "llmbar/Processed_MT-Bench.json"
    with pytest.raises(ValueError, match="unknown benchmark"):
        get_benchmark("biggen")  # no gold: checked for contamination, never benchmarked


def test_hub_only_row_finds_its_loader_with_a_path(tmp_path):
    row = {"orig_instruction": "Q?", "orig_response": "A.", "orig_criteria": "Correct?", "orig_feedback": "ok",
           "orig_score": 4} | {f"orig_score{k}_description": f"level {k}" for k in range(1, 6)}
    path = tmp_path / "fb.jsonl"
    path.write_text(json.dumps(row) + "\n")
    result = load_source("feedback_bench", path)
    assert [e.gold_score for e in result.absolute] == [4.0]
    assert result.absolute[0].provenance.source == "feedback_bench"


@pytest.mark.parametrize("name", ["llmbar_natural", "llmbar_faireval"])
def test_llmbar_layout_matches_the_raw_file(name, data_dir):
    raw = json.loads((data_dir / lookup(name).path).read_text())
    result = load_source(name)
    assert len(result.pairwise) == len(raw) and not result.skipped
    for ex in result.pairwise:
        row = raw[ex.provenance.row]
        assert (ex.item.instruction, ex.item.response_a, ex.item.response_b) == (
            row["input"], row["output_1"], row["output_2"])
        assert ex.gold == {1: "A", 2: "B"}[row["label"]] and ex.item.id == f"{name}-{ex.provenance.row}"
    assert llmbar_name("Processed_MT-Bench.json") == "llmbar_mt_bench"


def _pandalm_row(idx, votes, instruction="Do it", text="", r1="one", r2="two"):
    return {"idx": idx, "instruction": instruction, "input": text, "response1": r1, "response2": r2,
            **{f"annotator{i + 1}": v for i, v in enumerate(votes)}}


def test_pandalm_layout_on_a_hand_written_file(tmp_path):
    rows = [_pandalm_row(7, [1, 1, 2]), _pandalm_row(8, [0, 2, 0], instruction=" ", text="Task in input"),
            _pandalm_row(9, [0, 1, 2]), _pandalm_row(10, [1, 1, 5]),
            _pandalm_row(11, [2, 2, 2], instruction=""), _pandalm_row(12, ["2", 2, 1], text="More", r2=3)]
    path = tmp_path / "panda.json"
    path.write_text(json.dumps(rows))
    result = load_source("pandalm", path)
    assert [(e.item.id, e.gold) for e in result.pairwise] == [("pandalm-7", "A"), ("pandalm-8", "tie"),
                                                              ("pandalm-12", "B")]
    assert result.pairwise[1].item.instruction == "Task in input"
    assert result.pairwise[2].item.instruction == "Do it\n\nMore" and result.pairwise[2].item.response_b == "3"
    reasons = {s.row: s.reason for s in result.skipped}
    assert set(reasons) == {2, 3, 4}
    assert "majority" in reasons[2] and "annotator3" in reasons[3] and "empty" in reasons[4]


def test_layout_options_are_generic_options_and_errors_name_the_column(tmp_path):
    assert all(set(cfg) <= set(inspect.signature(generic.load).parameters) for cfg in LAYOUTS.values())
    path = tmp_path / "autoj.jsonl"
    path.write_text(json.dumps({"label": 1, "prompt": "p", "response 1": "a"}) + "\n")
    result = load_source("autoj_pairwise", path)
    assert "'response 2'" in result.skipped[0].reason and "response_b" in result.skipped[0].reason
    mine = tmp_path / "mine.jsonl"  # a user's file without a mapping keeps the plain message
    mine.write_text(json.dumps({"instruction": "q", "response_a": "a", "label": "A"}) + "\n")
    reason = load_source("generic", mine, kind="pairwise").skipped[0].reason
    assert reason == "missing field 'response_b'"
