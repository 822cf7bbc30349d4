"""The learning-curve table: models ordered by training tokens, each cell its paired difference to the baseline."""

from __future__ import annotations

from judgesmith.bench.curve import curve_markdown, tokens_of


def _paired(model: str, bench: str, value: float, base: float, low: float, high: float) -> dict:
    return {"model": model, "benchmark": bench, "metric": "pearson", "value": value, "baseline_value": base,
            "difference": {"value": value - base, "low": low, "high": high, "n": 100}}


def test_tokens_of_reads_the_report_cell():
    assert tokens_of("268,479 (sum of 2 merged inputs: 119,296 + 149,183)") == 268479
    assert tokens_of("0 (pretrained)") == 0 and tokens_of("not recorded") is None


def test_rows_follow_training_tokens_and_cells_carry_the_paired_interval():
    results = {
        "models": [{"label": "merged", "training_tokens": "4,000 (sum of 2 merged inputs: 2,000 + 2,000)"},
                   {"label": "base", "training_tokens": "0 (pretrained)"},
                   {"label": "merged@25%", "training_tokens": "1,000 (sum of 2 merged inputs: 500 + 500)"},
                   {"label": "preference", "training_tokens": "2,000"}],
        "paired": {"baseline": "base", "rows": [_paired("merged", "vicuna", 0.5, 0.2, 0.1, 0.45),
                                                _paired("merged@25%", "vicuna", 0.25, 0.2, -0.1, 0.2),
                                                _paired("preference", "vicuna", 0.3, 0.2, 0.0, 0.2)]},
        "results": [{"model": "merged", "metrics": {"swap_consistency": {"value": 0.5, "n": 10}}},
                    {"model": "merged", "metrics": {"swap_consistency": {"value": 1.0, "n": 30}}}],
    }
    table = curve_markdown(results)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    # the specialist benched alone is not a point of the merged judge's curve
    assert [r.split(" | ")[0] for r in rows] == ["| base", "| merged@25%", "| merged"]
    assert rows[0].split(" | ")[2] == "0.200"
    assert "0.250 (+0.050 [-0.100, +0.200])" in rows[1] and "| 1,000 |" in rows[1]
    assert rows[2].endswith("| 87.5% (n=40) |"), rows[2]  # (0.5*10 + 1.0*30) / 40


def test_without_paired_rows_the_table_says_what_is_missing():
    assert "bench a baseline" in curve_markdown({"models": [], "paired": {}})
