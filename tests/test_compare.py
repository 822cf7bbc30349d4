"""`judgesmith compare`: inputs, resumable judging into the store, the leaderboard and its report."""

from __future__ import annotations

import json
import re

import pytest
from scipy import stats

from judgesmith.cli import main
from judgesmith.compare.inputs import instruction_id, load_all, load_outputs, load_questions
from judgesmith.judge.backends.scripted import ScriptedBackend

PROMPTS = [{"id": f"q{i}", "instruction": f"Question number {i}?", "category": "xy"[i % 2]} for i in range(6)]
WORDS = {"base": 3, "long": 10, "short": 1, "mid": 5}


def between(text: str, start: str, end: str) -> str:
    return re.search(re.escape(start) + r"\n(.*?)\n\n" + re.escape(end), text, re.S).group(1)


def longer_wins(prompt) -> dict[str, float]:
    """A judge that reads only length: the longer response wins; a grade of 1 + words // 3 (at most 5)."""
    if "###Response A:" in prompt.user:
        a, b = between(prompt.user, "###Response A:", "###Response B:"), between(prompt.user, "###Response B:", "###")
        return {"A": 0.5, "B": 0.5} if len(a) == len(b) else ({"A": 0.9, "B": 0.1} if len(a) > len(b) else
                                                              {"A": 0.1, "B": 0.9})
    words = len(between(prompt.user, "###Response to evaluate:", "###").split())
    return {str(min(5, 1 + words // 3)): 1.0}


def always_a(prompt) -> dict[str, float]:
    return {"A": 0.8, "B": 0.2} if "###Response A:" in prompt.user else {"3": 1.0}


@pytest.fixture
def files(tmp_path):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(json.dumps(p) + "\n" for p in PROMPTS), encoding="utf-8")
    out = {}
    for name, n in WORDS.items():
        out[name] = tmp_path / f"{name}.jsonl"
        rows = [{"id": p["id"], "output": " ".join(["word"] * n) + f" {i}"} for i, p in enumerate(PROMPTS)]
        out[name].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return prompts, out


@pytest.fixture
def scripted(monkeypatch):
    """Every backend the CLI builds is this scripted one (`probs` picks the judge)."""
    holder = {"backend": ScriptedBackend(probs_fn=longer_wins)}
    monkeypatch.setattr("judgesmith.judge.backends.make_backend", lambda *a, **k: holder["backend"])
    return holder


def compare(files, out, *names, extra=()):
    prompts, paths = files
    return main(["compare", "--prompts", str(prompts), "--outputs", *(str(paths[n]) for n in names),
                 "--baseline", "base", "--out", str(out), "--batch-size", "2", "--resamples", "100", *extra])


def made(capsys) -> int:
    return int(re.search(r"judgments made this run: (\d+)", capsys.readouterr().out).group(1))


def test_a_model_added_later_judges_only_its_own_pairs(files, tmp_path, scripted, capsys):
    out = tmp_path / "store"
    backend = scripted["backend"]
    assert compare(files, out, "base", "long", "short") == 0
    assert made(capsys) == 2 * 6 * 2 and len(backend.calls) == 24  # 2 models x 6 prompts x both orders
    assert compare(files, out, "base", "long", "short") == 0
    assert made(capsys) == 0 and len(backend.calls) == 24
    assert compare(files, out, "base", "long", "short", "mid") == 0
    text = capsys.readouterr().out
    assert "mid pairwise: 6 pairs (12 judgments, both orders) to judge, 0 already in" in text
    assert "long pairwise: 0 pairs (0 judgments, both orders) to judge, 6 already in" in text
    assert "judgments made this run: 12" in text and len(backend.calls) == 36

    board = json.loads((out / "leaderboard.json").read_text())
    assert [m["model"] for m in board["models"]] == ["long", "mid", "base", "short"]
    by = {m["model"]: m["pairwise"] for m in board["models"]}
    assert by["long"]["win_rate"]["value"] == 1.0 and by["short"]["win_rate"]["value"] == 0.0
    # soft: the mean two-order P(model wins), 0.9 in both orders for the longer output
    assert by["long"]["soft_win_rate"]["value"] == pytest.approx(0.9)
    assert by["short"]["soft_win_rate"]["value"] == pytest.approx(0.1)
    assert (by["long"]["wins"], by["long"]["ties"], by["long"]["losses"], by["long"]["n"]) == (6, 0, 0, 6)
    assert by["long"]["swap_consistency"] == 1.0 and by["base"]["baseline"]
    assert set(by["mid"]["categories"]) == {"x", "y"} and by["mid"]["categories"]["x"]["n"] == 3
    # neighbours judged against the baseline (the baseline row has no pairs of its own)
    assert [(d["model"], d["versus"]) for d in board["differences"]] == [("long", "mid"), ("mid", "short")]
    assert [d["difference"]["value"] for d in board["differences"]] == pytest.approx([0.0, 0.8])  # soft: 0.9, 0.9, 0.1


def test_a_changed_output_is_judged_again_and_stale_verdicts_are_ignored(files, tmp_path, scripted, capsys):
    out = tmp_path / "store"
    compare(files, out, "base", "long")
    capsys.readouterr()
    prompts, paths = files
    rows = [json.loads(line) for line in paths["long"].read_text().splitlines()]
    rows[0]["output"] = "x"  # now shorter than the baseline's
    paths["long"].write_text("".join(json.dumps(r) + "\n" for r in rows))
    compare(files, out, "base", "long")
    assert made(capsys) == 2
    board = json.loads((out / "leaderboard.json").read_text())
    long = next(m for m in board["models"] if m["model"] == "long")["pairwise"]
    assert (long["n"], long["wins"], long["losses"]) == (6, 5, 1)


def test_report_only_redraws_without_a_judge_and_ranks_against_a_reference(files, tmp_path, scripted, capsys,
                                                                          monkeypatch):
    out = tmp_path / "store"
    compare(files, out, "base", "long", "short", "mid")
    first = json.loads((out / "leaderboard.json").read_text())
    capsys.readouterr()

    def no_judge(*a, **k):
        raise AssertionError("--report-only must not build a backend")

    monkeypatch.setattr("judgesmith.judge.backends.make_backend", no_judge)
    ref = tmp_path / "gpt4.json"
    ref.write_text(json.dumps({"long": 2.0, "mid": 9.0, "base": 5.0, "short": 1.0}))
    assert main(["compare", "--out", str(out), "--report-only", "--resamples", "100",
                 "--reference", f"GPT-4={ref}"]) == 0
    board = json.loads((out / "leaderboard.json").read_text())
    assert board["models"] == first["models"]
    agree = board["reference"]["agreement"]["win_rate"]
    ours = [m["pairwise"]["win_rate"]["value"] for m in board["models"]]
    theirs = [{"long": 2.0, "mid": 9.0, "base": 5.0, "short": 1.0}[m["model"]] for m in board["models"]]
    assert agree["spearman"] == pytest.approx(stats.spearmanr(ours, theirs)[0])
    assert agree["kendall_tau"] == pytest.approx(stats.kendalltau(ours, theirs)[0]) and agree["n_models"] == 4
    text = capsys.readouterr().out
    assert "Against the reference ranking (GPT-4)" in text and "judgments made" not in text
    md = (out / "leaderboard.md").read_text()
    assert "| 1 | long |" in md and "## Win rate and length" in md and "## By category" in md
    html = (out / "leaderboard.html").read_text()
    assert 'data-plot="scatter"' in html and 'data-plot="bars"' in html
    # a later run keeps the reference
    main(["compare", "--out", str(out), "--report-only", "--resamples", "100", "--no-html"])
    assert json.loads((out / "leaderboard.json").read_text())["reference"]["name"] == "GPT-4"


def test_the_store_refuses_another_judge_or_baseline(files, tmp_path, scripted, capsys):
    out = tmp_path / "store"
    compare(files, out, "base", "long")
    assert compare(files, out, "base", "long", extra=("--model", "other-judge")) == 2
    prompts, paths = files
    assert main(["compare", "--prompts", str(prompts), "--outputs", str(paths["base"]), str(paths["long"]),
                 "--baseline", "long", "--out", str(out)]) == 2
    assert main(["compare", "--out", str(tmp_path / "empty"), "--report-only"]) == 2


def test_a_position_biased_judge_gets_ties_and_zero_swap_consistency(files, tmp_path, scripted):
    scripted["backend"] = ScriptedBackend(probs_fn=always_a)
    compare(files, tmp_path / "store", "base", "long")
    board = json.loads((tmp_path / "store" / "leaderboard.json").read_text())
    long = next(m for m in board["models"] if m["model"] == "long")["pairwise"]
    assert long["ties"] == 6 and long["win_rate"]["value"] == 0.5 and long["swap_consistency"] == 0.0
    assert long["soft_win_rate"]["value"] == pytest.approx(0.5)  # P(A) 0.8 in both orders averages out
    report = (tmp_path / "store" / "leaderboard.md").read_text()
    assert "Warning: the judge picks by position" in report and "long (0.0%)" in report


def test_a_judge_that_reads_the_responses_gets_no_position_warning(files, tmp_path, scripted):
    compare(files, tmp_path / "store", "base", "long", "short")
    board = json.loads((tmp_path / "store" / "leaderboard.json").read_text())
    assert all(m["pairwise"]["swap_consistency"] == 1.0 for m in board["models"] if m["model"] != "base")
    assert "Warning" not in (tmp_path / "store" / "leaderboard.md").read_text()


def test_absolute_mode_grades_every_model_including_the_baseline(files, tmp_path, scripted, capsys):
    out = tmp_path / "store"
    compare(files, out, "base", "long", "short", extra=("--kind", "both"))
    assert made(capsys) == 2 * 6 * 2 + 3 * 6
    board = json.loads((out / "leaderboard.json").read_text())
    scores = {m["model"]: m["absolute"]["mean_score"]["value"] for m in board["models"]}
    # words + the index token: long 11 -> 4, base 4 -> 2, short 2 -> 1
    assert scores == {"long": 4.0, "base": 2.0, "short": 1.0}
    assert "mean score (1-5)" in (out / "leaderboard.md").read_text()


def test_alpaca_eval_shaped_outputs_join_by_instruction(tmp_path):
    def outputs(name, n, generator):
        rows = [{"instruction": p["instruction"], "output": "w " * n, "generator": generator, "dataset": "helpful"}
                for p in PROMPTS[:4]]
        path = tmp_path / name
        path.write_text(json.dumps(rows))
        return str(path)

    questions, models = load_all([outputs("ref.json", 2, "gpt4_1106_preview"), outputs("m.json", 5, "mine")], None)
    assert [m.name for m in models] == ["gpt4_1106_preview", "mine"]
    assert [q.id for q in questions] == [instruction_id(p["instruction"]) for p in PROMPTS[:4]]
    assert {q.category for q in questions} == {"helpful"}
    prompts = tmp_path / "p.jsonl"
    prompts.write_text("".join(json.dumps(p) + "\n" for p in PROMPTS))
    model, _ = load_outputs("renamed=" + outputs("m2.json", 3, "x"), load_questions(prompts))
    assert model.name == "renamed" and sorted(model.outputs) == ["q0", "q1", "q2", "q3"]


@pytest.mark.parametrize("rows, message", [
    ([{"id": "nope", "output": "a"}], "not in the prompts file"),
    ([{"id": "q0", "output": "a"}, {"id": "q0", "output": "b"}], "a second output"),
    ([{"id": "q0"}], "'output' must be a string"),
    ([{"output": "a"}], "needs 'id'"),
    ([{"instruction": "unknown?", "output": "a"}], "not in the prompts file"),
])
def test_bad_outputs_name_the_line_to_fix(tmp_path, rows, message):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text("".join(json.dumps(p) + "\n" for p in PROMPTS))
    path = tmp_path / "o.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValueError, match=rf"o.jsonl:\d+: .*{re.escape(message)}"):
        load_outputs(str(path), load_questions(prompts))


def test_id_outputs_need_prompts_and_one_generator_per_file(tmp_path):
    path = tmp_path / "o.jsonl"
    path.write_text(json.dumps({"id": "q0", "output": "a"}) + "\n")
    with pytest.raises(ValueError, match="need --prompts"):
        load_outputs(str(path), None)
    two = tmp_path / "two.json"
    two.write_text(json.dumps([{"instruction": "a", "output": "x", "generator": "g1"},
                               {"instruction": "b", "output": "y", "generator": "g2"}]))
    with pytest.raises(ValueError, match="several generators"):
        load_outputs(str(two), None)


def test_a_url_judge_means_the_openai_backend():
    from argparse import Namespace

    from judgesmith.cli.compare_cmd import judge_label, resolve_backend

    args = Namespace(model="http://127.0.0.1:8000", backend=None, base_url=None)
    resolve_backend(args)
    assert (args.backend, args.base_url) == ("openai", "http://127.0.0.1:8000/v1")
    assert judge_label(args) == "openai:http://127.0.0.1:8000@http://127.0.0.1:8000/v1"
    local = Namespace(model="gemma-3-270m", backend=None, base_url=None)
    resolve_backend(local)
    assert judge_label(local) == "hf:gemma-3-270m"


def test_tiny_model_judges_both_kinds_locally_and_through_judgesmith_serve(files, tmp_path, tiny_model_dir,
                                                                          tiny_backend, capsys):
    from judgesmith.serve.app import create_app
    from judgesmith.serve.live import LiveServer
    from judgesmith.serve.settings import ServeSettings

    local = tmp_path / "local"
    assert compare(files, local, "base", "long", extra=("--model", str(tiny_model_dir), "--kind", "both",
                                                        "--limit", "3", "--no-html")) == 0
    text = capsys.readouterr().out
    assert "judgments made this run: 12" in text and re.search(r"engine hf \(.*score mode: 12 judgments", text)
    board = json.loads((local / "leaderboard.json").read_text())
    long = next(m for m in board["models"] if m["model"] == "long")
    assert long["pairwise"]["n"] == 3 and long["pairwise"]["failures"] == 0 and long["absolute"]["n"] == 3
    with LiveServer(create_app(tiny_backend, ServeSettings(api_key="k"))) as server:
        served = tmp_path / "served"
        assert compare(files, served, "base", "long", extra=("--judge", server.url, "--api-key", "k",
                                                             "--limit", "2", "--no-html")) == 0
    text = capsys.readouterr().out
    assert "judgments made this run: 4" in text and "engine openai" in text
    board = json.loads((served / "leaderboard.json").read_text())
    long = next(m for m in board["models"] if m["model"] == "long")
    # both pairs stored; the random tiny model may rank no label in the server's top-20 logprobs (a failure)
    assert board["judge"].startswith("openai:") and long["pairwise"]["n"] == 2
