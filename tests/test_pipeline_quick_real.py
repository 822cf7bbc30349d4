"""The CPU recipe's `--quick` variant on the embedded Gemma 3 270M, end to end (slow: ~10 min on 2 cores)."""

from pathlib import Path

import pytest

from judgesmith.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_cpu_recipe_quick_build(tmp_path, capsys):
    out = tmp_path / "build"
    assert main(["build", str(ROOT / "recipes" / "gemma3-270m-cpu.yaml"), "--quick", "--out", str(out)]) == 0
    report = (out / "report" / "results.md").read_text()
    for label in ("base", "merged"):  # the recipe benches base and merged (bench.models)
        assert f"| {label} |" in report
    assert "| feedback |" not in report and "| preference |" not in report
    assert "## Paired differences vs `base`" in report and "## Position bias and tie tolerance" in report
    assert "reported, not measured here" in report
    assert (out / "report" / "report.html").is_file()
