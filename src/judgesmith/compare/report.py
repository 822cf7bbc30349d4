"""The leaderboard as a report (`bench.report_model`): Markdown and the bench report's HTML style.

Sections: `leaderboard` (sorted table with CIs), `differences` (neighbours, paired), `length` (win rate
against mean output length, raw and length-controlled), `categories`, `absolute` (mean 1-5 scores),
`checkpoints` (a training run's evaluations in step order), `reference` (rank agreement with a
reference ranking such as GPT-4's). Written to `leaderboard.md`, `leaderboard.html`, `leaderboard.json`.
"""

from __future__ import annotations

import json
import logging
import math
from functools import partial
from pathlib import Path
from typing import Any

from judgesmith.bench import plots, report_html, report_md
from judgesmith.bench.report_model import Block, Paragraph, Plot, Plots, Report, Section, table
from judgesmith.bench.report_sections import fmt_mr
from judgesmith.metrics import MetricResult

log = logging.getLogger(__name__)

DEFINITIONS = (
    "Every pair is judged in both orders. Win rate: share of prompts whose verdict (the engine's two-order "
    "aggregation and tie rule) prefers the model's output, ties counting half. Soft win rate: the mean two-order "
    "averaged P(model's output wins) (AlpacaEval 2.0's weighted win rate; the verdict's outcome when the judge "
    "exposes no probabilities). LC win rate: AlpacaEval 2.0's length-controlled win rate, a logistic GLM of those "
    "same preferences on tanh(character-length difference / its sd), read off at zero difference "
    "(`judgesmith.metrics.winrate`). CIs: 95% percentile bootstrap over prompts. Swap consistency: share of "
    "pairs whose two orders pick the same response.")


def _mr(d: dict | None, percent: bool = True, signed: bool = False) -> str:
    """`value [low, high] (n=)`; percentages with 2 decimals (a small judge's win rates can differ by 0.1 points)."""
    if not d:
        return ""
    r = MetricResult.from_dict(d)
    if not percent or math.isnan(r.value):
        return fmt_mr(d, percent=percent, signed=signed)

    def pct(x: float) -> str:
        return "?" if math.isnan(x) else f"{x * 100:.2f}"

    return f"{'+' if signed and r.value > 0 else ''}{pct(r.value)}% [{pct(r.low)}, {pct(r.high)}] (n={r.n})"


def _num(x: float | None, digits: int = 0) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.2f}"


def leaderboard_section(board: dict[str, Any]) -> Section:
    rows = []
    absolute = any("absolute" in e for e in board["models"])
    for rank, e in enumerate(board["models"], start=1):
        p, a = e.get("pairwise") or {}, e.get("absolute") or {}
        base = p.get("baseline")
        wtl = "" if base or not p else f"{p['wins']}/{p['ties']}/{p['losses']}"
        judged = "baseline" if base else (f"{p['n'] - p['failures']}/{p['n']}" if p else "")
        swap = "" if p.get("swap_consistency") is None else f"{p['swap_consistency'] * 100:.1f}%"
        stats = [("50% (baseline)" if base else _mr(p.get(k))) if p else "" for k in ("lc_win_rate", "soft_win_rate",
                                                                                         "win_rate")]
        row = [str(rank), e["model"], *stats, wtl, swap, _num(e.get("avg_words")), judged]
        if absolute:
            row.append(_mr(a.get("mean_score"), percent=False))
        rows.append(row)
    header = ["#", "model", "LC win rate", "soft win rate", "win rate", "W/T/L", "swap consistency", "mean words",
              "judged"]
    if absolute:
        header.append("mean score (1-5)")
    warning = position_warning(board)
    return Section("leaderboard", f"Leaderboard (sorted by {board['sorted_by'].replace('_', ' ')})",
                   (Paragraph(DEFINITIONS), table(header, rows), *([warning] if warning else [])))


def position_warning(board: dict[str, Any], below: float = 0.5) -> Paragraph | None:
    """A warning when the judge's pick follows the position, not the response (swap consistency < 50%,
    what two independent coin flips agree on): its disagreeing orders become ties, so win rates sit near
    50% whatever the outputs, and the ranking says little."""
    low = [(e["model"], p["swap_consistency"]) for e in board["models"]
           if (p := e.get("pairwise")) and not p.get("baseline") and p.get("swap_consistency") is not None
           and p["swap_consistency"] < below]
    if not low:
        return None
    shown = ", ".join(f"{m} ({c * 100:.1f}%)" for m, c in low)
    log.warning("the judge mostly picks by position, not by response: swap consistency %s", shown)
    return Paragraph(f"**Warning: the judge picks by position more than by response** (swap consistency below "
                     f"{below * 100:.0f}%: {shown}). A pair whose two orders disagree counts as a tie, so these "
                     "win rates sit near 50% whatever the outputs; use a judge whose swap consistency is well "
                     "above 50% (a trained judgesmith judge, a larger model) before reading this ranking.")


def differences_section(board: dict[str, Any]) -> Section | None:
    if not board["differences"]:
        return None
    rows = [[d["model"], d["versus"], _mr(d["difference"], signed=True)] for d in board["differences"]]
    return Section("differences", "Neighbours in the table, paired", (
        Paragraph("Soft win rate of each model minus the next one's on the prompts both were judged on, with a paired "
                  "bootstrap CI (prompts drawn once for both): an interval containing 0 says the order of the two "
                  "is not settled by these prompts."),
        table(["model", "minus", "soft win-rate difference"], rows)))


def length_section(board: dict[str, Any]) -> Section | None:
    judged = [e for e in board["models"] if (e.get("pairwise") or {}).get("win_rate") and e.get("avg_words")]
    if not judged:
        return None

    def points(stat: str) -> list[tuple]:
        return [(e["model"], e["avg_words"], e["pairwise"][stat]["value"], e["pairwise"][stat].get("low"),
                 e["pairwise"][stat].get("high")) for e in judged if e["pairwise"].get(stat)]

    coefs = [f"{e['model']} {e['pairwise']['length_coefficient']:+.2f}" for e in judged
             if e["pairwise"].get("length_coefficient") is not None]
    draw = partial(plots.labelled_scatter, "win rate vs mean output length",
                   {"soft win rate": points("soft_win_rate"), "LC win rate": points("lc_win_rate"),
                    "win rate": points("win_rate")},
                   "mean words per output", "win rate vs baseline")
    text = ("A judge that prefers longer answers lifts long-winded models; the length-controlled win rate removes "
            "that part. Length coefficient of each model's GLM (logit per unit of tanh(length difference / sd); "
            "positive: the judge favours the longer output): " + (", ".join(coefs) or "none") + ".")
    return Section("length", "Win rate and length", (Paragraph(text), Plots((Plot("scatter", "win rate vs length",
                                                                                    draw),))))


def _category_table(board: dict[str, Any], block: str, percent: bool) -> tuple[list, list, dict] | None:
    cats = list(dict.fromkeys(c for e in board["models"] for c in ((e.get(block) or {}).get("categories") or {})))
    if not cats:
        return None
    rows, series = [], {}
    for e in board["models"]:
        found = (e.get(block) or {}).get("categories") or {}
        if found:
            rows.append([e["model"], *(_mr(found.get(c), percent) for c in cats)])
            series[e["model"]] = [(found.get(c) or {}).get("value") for c in cats]
    return cats, rows, series


def categories_section(board: dict[str, Any]) -> Section | None:
    blocks: list[Block] = []
    for block, percent, label in (("pairwise", True, "soft win rate vs the baseline"),
                                  ("absolute", False, "mean score (1-5)")):
        found = _category_table(board, block, percent)
        if found:
            cats, rows, series = found
            draw = partial(plots.grouped, f"{label} by category", cats, series, label)
            blocks += [Paragraph(f"{label.capitalize()} per prompt category."), table(["model", *cats], rows),
                       Plots((Plot("bars", f"{label} by category", draw),))]
    return Section("categories", "By category", tuple(blocks)) if blocks else None


def checkpoints_section(board: dict[str, Any]) -> Section | None:
    if not board["checkpoints"]:
        return None
    blocks: list[Block] = [Paragraph("Evaluations a training run wrote with `JudgeEvalCallback(store=...)`, in step "
                                     "order: win rate against the run's step-0 answers, and the mean 1-5 score.")]
    for run, steps in board["checkpoints"].items():
        rows = [[str(s["step"]), _pct(s["lc_win_rate"]), _pct(s["soft_win_rate"]), _pct(s["win_rate"]),
                 _num(s["mean_score"], 3)] for s in steps]
        blocks.append(table([f"{run}: step", "LC win rate %", "soft win rate %", "win rate %", "mean score"], rows))
    return Section("checkpoints", "Training run checkpoints", tuple(blocks))


def reference_section(board: dict[str, Any]) -> Section | None:
    ref = board.get("reference")
    if not ref:
        return None
    rows = [[stat.replace("_", " "), _num(a["spearman"], 3), _num(a["kendall_tau"], 3), str(a["n_models"])]
            for stat, a in ref["agreement"].items()]
    order = sorted(ref["scores"], key=lambda m: -ref["scores"][m])
    ours = [e["model"] for e in board["models"]]
    ranks = [[m, _num(ref["scores"][m], 3), str(order.index(m) + 1), str(ours.index(m) + 1) if m in ours else ""]
             for m in order]
    return Section("reference", f"Against the reference ranking ({ref.get('name') or 'reference'})", (
        Paragraph("Rank correlation between the reference's scores and each statistic of this judge over the models "
                  "both rank (Spearman's rho, Kendall's tau-b; 1: the same order)."),
        table(["statistic", "Spearman", "Kendall tau", "models"], rows),
        table(["model", "reference score", "reference rank", f"rank here ({board['sorted_by'].replace('_', ' ')})"],
              ranks)))


def build(board: dict[str, Any]) -> Report:
    facts = [f"judge: `{board['judge']}` ({board['mode']} mode), rubric: {board['rubric']}",
             f"baseline: {board['baseline']}; {board['n_prompts']} prompts; {board['n_resamples']} bootstrap resamples",
             "regenerate without judging: `judgesmith compare --out DIR --report-only`"]
    builders = (leaderboard_section, differences_section, length_section, categories_section, checkpoints_section,
                reference_section)
    sections = [s for s in (b(board) for b in builders) if s is not None]
    return Report("judgesmith compare: leaderboard", tuple(facts), tuple(sections))


def write(board: dict[str, Any], out: str | Path, html: bool = True) -> list[Path]:
    """Write `leaderboard.json`, `leaderboard.md` and (with matplotlib) `leaderboard.html` into `out`."""
    out = Path(out)
    report = build(board)
    paths = [out / "leaderboard.json", out / "leaderboard.md"]
    paths[0].write_text(json.dumps(board, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(report_md.render(report), encoding="utf-8")
    if html:
        paths.append(out / "leaderboard.html")
        paths[2].write_text(report_html.render(report),
                            encoding="utf-8")
    return paths
