"""The closing summary of `judgesmith judge`: never formats a value of the wrong type, and every
correlation it prints is computed from the column it names."""

from __future__ import annotations

import json
import re

import numpy as np

from judgesmith.cli.judge_cmd import print_summary
from judgesmith.jsonio import InputRow
from judgesmith.records import AbsoluteItem, PairwiseItem, Verdict
from judgesmith.rubrics import preset

RUBRIC = preset("helpfulness")


def _write(path, verdicts):
    path.write_text("".join(json.dumps(v.to_dict()) + "\n" for v in verdicts))


def test_pairwise_summary_over_an_output_holding_absolute_verdicts_does_not_crash(tmp_path, capsys):
    """README's old examples wrote both kinds to one verdicts.jsonl with the same ids: the pairwise summary
    formatted the gold "A" with `:.2f` and died ("Unknown format code 'f' for object of type 'str'")."""
    out = tmp_path / "verdicts.jsonl"
    _write(out, [Verdict(f"p{i}", "absolute", score=1, expected_score=1.2) for i in range(5)])
    rows = [InputRow(PairwiseItem(f"p{i}", "Q?", "a", "b", RUBRIC), gold="A", line=i + 1) for i in range(5)]
    print_summary(str(out), "pairwise", rows, 0)
    printed = capsys.readouterr().out
    assert "0 verdicts in" in printed and "label distribution: none" in printed
    assert "gold" not in printed.split("label distribution")[1]  # no absolute gold table for pairwise rows


def test_pairwise_summary_reports_agreement_with_gold(tmp_path, capsys):
    out = tmp_path / "pairs.jsonl"
    winners = ["A", "B", "A", "tie"]
    _write(out, [Verdict(f"p{i}", "pairwise", winner=w, p_a=0.5) for i, w in enumerate(winners)])
    rows = [InputRow(PairwiseItem(f"p{i}", "Q?", "a", "b", RUBRIC), gold="A", line=i + 1) for i in range(4)]
    print_summary(str(out), "pairwise", rows, 0)
    printed = capsys.readouterr().out
    assert "label distribution: A: 2, B: 1, tie: 1" in printed
    assert "agreement with gold: 2 of 4 (50.0%)" in printed


def test_each_pearson_r_is_computed_from_the_column_it_names(tmp_path, capsys):
    """The argmax `pred` and the `expected` score rank items differently here, so one r cannot pass for the other."""
    gold = [1, 2, 3, 4, 5, 3]
    pred = [2, 2, 3, 3, 5, 1]
    expected = [4.1, 1.5, 2.9, 3.6, 4.8, 2.0]
    out = tmp_path / "abs.jsonl"
    _write(out, [Verdict(f"q{i}", "absolute", score=p, expected_score=e) for i, (p, e) in enumerate(zip(pred, expected))])
    rows = [InputRow(AbsoluteItem(f"q{i}", "Q?", "r", RUBRIC), gold=g, line=i + 1) for i, g in enumerate(gold)]
    print_summary(str(out), "absolute", rows, 0)
    printed = capsys.readouterr().out
    shown = {m[0]: float(m[1]) for m in re.findall(r"Pearson r \((\w+) vs gold\) = (-?\d\.\d{3}) on n=6", printed)}
    assert shown["pred"] == round(np.corrcoef(pred, gold)[0, 1], 3)
    assert shown["expected"] == round(np.corrcoef(expected, gold)[0, 1], 3)
    assert shown["pred"] != shown["expected"]
    assert re.search(r"q0\s+1\.00\s+2\s+4\.10", printed)  # the printed columns are the ones correlated
