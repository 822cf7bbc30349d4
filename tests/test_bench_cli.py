"""`judgesmith bench` and `judgesmith consistency` from the command line, tiny model, real data files."""

import json

import pytest

from judgesmith.cli import main


@pytest.fixture
def suite_file(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("JUDGESMITH_DATA", str(data_dir))
    f = tmp_path / "mini.yaml"
    f.write_text(
        "name: mini\n"
        "benchmarks:\n  - benchmark: vicuna\n    limit: 2\n  - benchmark: autoj_pairwise\n    limit: 2\n"
        "consistency:\n  - benchmark: vicuna\n    limit: 1\n"
    )
    return f


def test_cli_bench_then_consistency_tiny_model(tmp_path, suite_file, tiny_model_dir, capsys):
    out = tmp_path / "out"
    common = ["--model", f"tiny={tiny_model_dir}", "--suite", str(suite_file), "--out", str(out),
              "--mode", "score", "--threads", "2", "--resamples", "20"]
    assert main(["bench", *common]) == 0
    results = json.loads((out / "results.json").read_text())
    assert {e["benchmark"]: e["n_judged"] for e in results["results"]} == {"vicuna": 2, "autoj_pairwise": 2}
    printed = capsys.readouterr().out
    assert "reported, not measured here" in printed
    # the end-of-run summary names the engine and its speed
    last = printed.strip().splitlines()[-1]
    assert last.startswith("bench done (score mode); tiny: hf (transformers float32 on cpu, shared-prefix reuse)")
    assert "judgments/s" in last
    assert main(["consistency", *common]) == 0
    cons = json.loads((out / "consistency.json").read_text())
    assert cons["results"][0]["n_pairs"] == 6 and cons["results"][0]["n_responses"] == 4
    page = (out / "report.html").read_text()
    assert 'id="bench-vicuna"' in page and 'id="consistency"' in page


def test_cli_rejects_bad_arguments(tmp_path, suite_file):
    base = ["bench", "--suite", str(suite_file), "--out", str(tmp_path)]
    assert main([*base, "--model", "a=x", "--model", "a=y"]) == 2  # duplicate labels
    assert main([*base, "--model", "a=x", "--protocol", "prometheus", "--mode", "score"]) == 2
