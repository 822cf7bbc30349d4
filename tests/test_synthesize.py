"""`judgesmith data synthesize` against a scripted OpenAI-compatible stub: validation, retries, resume, budget."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

pytest.importorskip("httpx")
from synth_stub import GENERATED, USAGE, Kill, StubTeacher  # noqa: E402

from judgesmith.cli import main  # noqa: E402
from judgesmith.data.synthesize import Checks, SynthSpec, TeacherConfig, load_synth_rubric, synthesize  # noqa: E402
from judgesmith.data.synthesize.prompts import PROMPT_VERSION, parse_instructions, split_response  # noqa: E402
from judgesmith.parsing import parse_absolute  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "recipes" / "rubrics" / "sql-explanations.yaml"
SCRIPT = ["Explain what COUNT(*) returns for an empty table.", "Explain GROUP BY with two columns.",
          "WRONG: explain a self join on an employees table.", "ALWAYSWRONG: explain what NULL means in SQL.",
          "MALFORMED: explain a correlated subquery.", "COPY: explain what a primary key guarantees.",
          "TRUNC: explain ORDER BY with NULLS LAST.", "RATE: explain a CTE that sums monthly revenue.",
          "Explain what COUNT(*) returns for an empty table!"]  # near-duplicate of the first


def _teacher(**kw) -> TeacherConfig:
    return TeacherConfig("http://stub.test/v1", "stub-teacher", concurrency=kw.pop("concurrency", 4),
                         backoff_s=0.0, **kw)


def _spec(**kw) -> SynthSpec:
    rubric, seeds = load_synth_rubric(RUBRIC)
    instructions = tuple((f"q{i}", t) for i, t in enumerate(SCRIPT))
    return SynthSpec(rubric, str(RUBRIC), seeds, kw.pop("instructions", instructions), **kw)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _expected_kept() -> dict[str, set[int]]:
    """Which scores survive for each scripted instruction (the near-duplicate is never asked)."""
    drop = {"ALWAYSWRONG": 2, "MALFORMED": 1, "COPY": 5}
    out = {}
    for i, text in enumerate(SCRIPT[:-1]):
        gone = {s for key, s in drop.items() if text.startswith(key)}
        out[f"q{i}"] = {1, 2, 3, 4, 5} - gone
    return out


def test_scripted_run_counts_kept_retried_dropped(tmp_path):
    stub = StubTeacher()
    manifest = synthesize(_spec(), _teacher(), tmp_path, transport=stub.transport(), progress=False)
    kept = _rows(tmp_path / "absolute.jsonl")
    expected = _expected_kept()
    assert {(r["question_id"], r["score"]) for r in kept} == {(q, s) for q, ss in expected.items() for s in ss}
    for r in kept:  # the project's parser reads the intended score back from every kept feedback
        assert parse_absolute(f"{r['feedback']} [RESULT] {r['score']}").label == str(r["target_score"])
        assert "[RESULT]" not in r["feedback"] and r["response"] != r["reference_answer"]
    c = manifest["counts"]
    assert c["instructions"] == {"kept": 8, "dropped": 1, "retried": 0, "retries": 0,
                                 "dropped_reasons": {"near-duplicate": 1}}
    assert c["reference"]["kept"] == 8 and c["reference"]["dropped"] == 0
    assert c["response"]["kept"] == len(kept) == 37
    assert c["response"]["dropped_reasons"] == {"score mismatch": 1, "malformed": 1, "copied reference": 1}
    # WRONG and TRUNC needed a second try; the three dropped rows used all 3 attempts
    assert c["response"]["retried"] == 5 and c["response"]["retries"] == 1 + 1 + 3 * 2
    assert manifest["runs"][-1]["http_retries"] == 4  # RATE: 429, 429, 500, timeout
    assert stub.calls[("ref", SCRIPT[7], 0)] == 5
    assert manifest["complete"] and manifest["stopped"] is None
    # the copied reference was asked 3 times, the wrong score 3 times, so the stub saw every retry
    assert stub.calls[("resp", SCRIPT[3], 2)] == 3 and stub.calls[("resp", SCRIPT[5], 5)] == 3


def test_pairs_both_orders_and_manifest(tmp_path):
    stub = StubTeacher()
    manifest = synthesize(_spec(), _teacher(), tmp_path, transport=stub.transport(), progress=False)
    pairs = _rows(tmp_path / "pairwise.jsonl")
    assert len(pairs) == sum(len(s) * (len(s) - 1) for s in _expected_kept().values()) == manifest["rows"]["pairwise"]
    by_id = {p["id"]: p for p in pairs}
    for p in pairs:
        a, b = p["id"].split("~")
        twin = by_id[f"{b}~{a}"]
        assert twin["label"] == {"A": "B", "B": "A"}[p["label"]]
        assert (p["label"] == "A") == (p["score_a"] > p["score_b"])
        assert p["feedback"].endswith(f"Response {p['label']} is better.")
    assert Counter(p["label"] for p in pairs) == {"A": len(pairs) // 2, "B": len(pairs) // 2}
    assert manifest["prompt_version"] == PROMPT_VERSION and manifest["teacher"]["model"] == "stub-teacher"
    tokens = manifest["tokens"]
    assert tokens["in"] == stub.total * USAGE["prompt_tokens"] - 4 * USAGE["prompt_tokens"]  # failed HTTP calls
    assert tokens["out"] == (stub.total - 4) * USAGE["completion_tokens"]
    for name in ("instructions", "references", "absolute", "rejected", "pairwise"):
        for row in _rows(tmp_path / f"{name}.jsonl"):
            assert row["teacher"] == "stub-teacher" and row["prompt_version"] == PROMPT_VERSION
            assert row["seed"] == 0
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest


def test_killed_run_resumes_without_duplicates(tmp_path):
    full = tmp_path / "full"
    reference = StubTeacher()
    expected = synthesize(_spec(), _teacher(), full, transport=reference.transport(), progress=False)
    part = tmp_path / "part"
    with pytest.raises(Kill):
        synthesize(_spec(), _teacher(), part, transport=StubTeacher(kill_after=20).transport(), progress=False)
    assert not (part / "manifest.json").exists()
    before = {r["id"] for r in _rows(part / "absolute.jsonl")}
    assert 0 < len(before) < 37
    with open(part / "absolute.jsonl", "a") as fh:  # a kill in the middle of a write
        fh.write('{"id": "q0-s9", "instruction": "half a li')
    resumed = StubTeacher()
    manifest = synthesize(_spec(), _teacher(), part, transport=resumed.transport(), progress=False)
    rows = _rows(part / "absolute.jsonl")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 37
    assert set(ids) == {r["id"] for r in _rows(full / "absolute.jsonl")} and before <= set(ids)
    assert resumed.total < reference.total  # finished rows were not asked again
    for rid in before:
        question, score = rid.rsplit("-s", 1)
        assert resumed.calls[("resp", SCRIPT[int(question[1:])], int(score))] == 0, rid
    assert manifest["counts"] == expected["counts"] and manifest["complete"]
    assert len(manifest["runs"]) == 1  # the killed run never finished, so it wrote no run entry


def test_max_tokens_total_stops_then_resume_finishes(tmp_path):
    stub = StubTeacher()
    per_call = USAGE["prompt_tokens"] + USAGE["completion_tokens"]
    spec = _spec(instructions=tuple((f"q{i}", t) for i, t in enumerate(SCRIPT[:2])), max_tokens_total=5 * per_call)
    manifest = synthesize(spec, _teacher(concurrency=1), tmp_path, transport=stub.transport(), progress=False)
    assert stub.total == 5 and manifest["tokens"]["total"] == 5 * per_call
    assert not manifest["complete"] and "max_tokens_total" in manifest["stopped"]
    more = StubTeacher()
    spec = _spec(instructions=spec.instructions, max_tokens_total=100 * per_call)
    manifest = synthesize(spec, _teacher(concurrency=1), tmp_path, transport=more.transport(), progress=False)
    assert manifest["complete"] and manifest["rows"]["absolute"] == 10
    assert more.total == 12 - 5 and manifest["tokens"]["total"] == 12 * per_call


@pytest.mark.parametrize("concurrency", [2, 4])
def test_max_tokens_total_overshoots_by_at_most_the_calls_in_flight(tmp_path, concurrency):
    stub = StubTeacher()
    per_call = USAGE["prompt_tokens"] + USAGE["completion_tokens"]
    manifest = synthesize(_spec(max_tokens_total=6 * per_call), _teacher(concurrency=concurrency), tmp_path,
                          transport=stub.transport(), progress=False)
    run = manifest["runs"][0]
    assert 6 <= run["calls"] <= 6 + concurrency - 1 and manifest["stopped"]
    assert run["calls"] == stub.total - run["http_retries"]  # answered calls; 429/5xx/timeouts cost nothing
    assert run["tokens_in"] + run["tokens_out"] == run["calls"] * per_call
    assert manifest["tokens"]["total"] <= run["calls"] * per_call  # a row stopped between attempts is not written


def test_generated_instructions_are_deduplicated(tmp_path):
    stub = StubTeacher()
    spec = _spec(instructions=None, n_instructions=4, scores=(2, 4), per_request=3)
    manifest = synthesize(spec, _teacher(), tmp_path, transport=stub.transport(), progress=False)
    texts = [r["instruction"] for r in _rows(tmp_path / "instructions.jsonl")]
    assert texts == [GENERATED[0], GENERATED[1], GENERATED[3], GENERATED[4]]
    assert manifest["counts"]["instructions"]["dropped_reasons"] == {"near-duplicate": 1, "echoes the prompt": 1}
    assert manifest["rows"]["absolute"] == 8 and manifest["rows"]["pairwise"] == 8


@pytest.mark.parametrize("from_file", [True, False])
def test_teacher_outage_writes_nothing_then_a_rerun_finishes(tmp_path, from_file):
    import httpx

    down = httpx.MockTransport(lambda r: httpx.Response(503, text="down", headers={"Retry-After": "0"}))
    spec = _spec(instructions=tuple((f"q{i}", t) for i, t in enumerate(SCRIPT[:2])) if from_file else None,
                 n_instructions=0 if from_file else 3)
    manifest = synthesize(spec, _teacher(max_retries=2), tmp_path, transport=down, progress=False)
    assert not manifest["complete"] and manifest["rows"]["absolute"] == 0
    assert manifest["runs"][0]["failed_calls"] == (2 if from_file else 1)
    assert manifest["runs"][0]["http_retries"] == 2 * manifest["runs"][0]["failed_calls"]
    assert (manifest["stopped"] is None) == from_file  # generation cannot go on without the teacher
    manifest = synthesize(spec, _teacher(), tmp_path, transport=StubTeacher().transport(), progress=False)
    assert manifest["complete"] and manifest["rows"]["absolute"] == (10 if from_file else 15)


def test_other_http_errors_stop_the_run(tmp_path):
    import httpx

    transport = httpx.MockTransport(lambda r: httpx.Response(401, json={"error": "bad key"}))
    with pytest.raises(ValueError, match="answered 401"):
        synthesize(_spec(), _teacher(), tmp_path, transport=transport, progress=False)


def test_resume_refuses_another_teacher(tmp_path):
    spec = _spec(instructions=tuple((f"q{i}", t) for i, t in enumerate(SCRIPT[:1])))
    synthesize(spec, _teacher(), tmp_path, transport=StubTeacher().transport(), progress=False)
    other = TeacherConfig("http://stub.test/v1", "another-model", backoff_s=0.0)
    with pytest.raises(ValueError, match="another-model"):
        synthesize(spec, other, tmp_path, transport=StubTeacher().transport(), progress=False)


def test_parsers_never_raise_and_find_the_parts():
    assert parse_instructions("Here you go:\nInstruction 1: Explain a join please.\n2) Explain a view now.\nok") == \
        ["Explain a join please.", "Explain a view now. ok"]
    assert parse_instructions("") == [] and split_response("no marker here") is None
    assert split_response("###Response: It works.\n###Feedback: Good. [RESULT] 4") == ("It works.", "Good. [RESULT] 4")
    assert split_response("Response: x\n**Feedback:** y [RESULT] 2") == ("x", "y [RESULT] 2")


def test_data_build_reads_the_output(tmp_path):
    out = tmp_path / "synth"
    synthesize(_spec(), _teacher(), out, transport=StubTeacher().transport(), progress=False)
    recipe = {"seed": 0, "sources": [
        {"name": "synth", "loader": "generic", "path": str(out / "absolute.jsonl"), "pairwise": False,
         "options": {"kind": "absolute"}},
        {"name": "synth_pairs", "loader": "generic", "path": str(out / "pairwise.jsonl"), "absolute": False,
         "options": {"kind": "pairwise"}}],
        "split": {"eval_fraction": 0.25}, "decontamination": {"enabled": False}}
    (tmp_path / "data.yaml").write_text(yaml.safe_dump(recipe))
    assert main(["data", "build", "--recipe", str(tmp_path / "data.yaml"), "--out", str(tmp_path / "data")]) == 0
    manifest = json.loads((tmp_path / "data" / "manifest.json").read_text())
    counts = {s["name"]: (s["absolute"], s["pairwise"], s["skipped"]) for s in manifest["sources"]}
    assert counts == {"synth": (37, 0, 0), "synth_pairs": (0, 136, 0)}
    train = _rows(tmp_path / "data" / "absolute" / "train.jsonl")
    assert train and {r["question_id"] for r in train} <= set(_expected_kept())
    for r in train:
        target = r["completion"][-1]["content"]
        assert target.startswith("Feedback:") and parse_absolute(target).label == r["id"].rsplit("-s", 1)[1]
