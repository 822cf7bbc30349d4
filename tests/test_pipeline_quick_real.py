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
    for label in ("base", "feedback", "preference", "merged"):
        assert f"| {label} |" in report
    assert "reported, not measured here" in report
    assert (out / "report" / "report.html").is_file()
