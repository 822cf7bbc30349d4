"""From a compare store to the leaderboard's numbers (`leaderboard.json`): pure reading, no judging.

Per model against the baseline: win rate (verdicts, ties half), soft win rate (the mean two-order P(model
wins), AlpacaEval 2.0's weighted win rate) and AlpacaEval 2.0's length-controlled win rate fitted on those
same preferences, each with a bootstrap CI over prompts; wins/ties/losses; swap consistency (both orders pick the same
response); mean output length; per-category soft win rates. Per model under the rubric: the mean 1-5 score
with its CI. Between neighbours of the sorted table: the paired difference of soft win rates on the
prompts both were judged on. Against a reference ranking (e.g. GPT-4's): Spearman and Kendall of the models'
order by each statistic. Only verdicts whose key matches the current outputs count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from judgesmith.bench.position import pair_view
from judgesmith.compare.inputs import ModelOutputs, Question
from judgesmith.compare.store import CompareStore, grade_key, pair_key
from judgesmith.metrics import kendall_tau, spearman, swap_consistency
from judgesmith.metrics.length import word_count
from judgesmith.metrics.winrate import (
    by_group,
    length_controlled_ci,
    length_controlled_fit,
    mean_score_ci,
    outcome,
    paired_win_rate_difference,
    win_rate_ci,
)
from judgesmith.records import Verdict

CHECKPOINT = re.compile(r"^(?P<run>.+)@step-(?P<step>\d+)$")
STATS = ("lc_win_rate", "soft_win_rate", "win_rate", "mean_score")


@dataclass(frozen=True)
class PairRow:
    """One judged pair from the model's side."""

    question: str
    category: str | None
    outcome: float | None
    preference: float | None
    first: str | None
    second: str | None
    model_chars: int
    baseline_chars: int


def _pick(argmax: str | None, parsed: str | None) -> str | None:
    return argmax if argmax is not None else parsed


def preference(v: Verdict) -> float | None:
    """P(the model, in position A, wins) from the two-order averaged distribution; the verdict's outcome without one."""
    if not v.parse_ok:
        return None
    probs = v.probabilities or {}
    a, b = float(probs.get("A", 0.0)), float(probs.get("B", 0.0))
    return a / (a + b) if a + b > 0 else outcome(v.winner)


def pair_rows(store: CompareStore, questions: Sequence[Question], model: ModelOutputs,
              baseline: ModelOutputs) -> list[PairRow]:
    """The stored verdicts of `model` vs `baseline` for the current outputs, in prompt order."""
    stored = store.verdicts(model.name, "pairwise")
    rows = []
    for q in questions:
        if q.id not in model.outputs or q.id not in baseline.outputs:
            continue
        out, base = model.outputs[q.id], baseline.outputs[q.id]
        v = stored.get(pair_key(q, out, base))
        if v is None:
            continue
        view = pair_view(q.id, None, v, v.winner if v.parse_ok else None)
        rows.append(PairRow(q.id, q.category, outcome(v.winner) if v.parse_ok else None, preference(v),
                            _pick(view.first_argmax, view.first_parsed), _pick(view.second_argmax, view.second_parsed),
                            len(out), len(base)))
    return rows


def pairwise_stats(rows: Sequence[PairRow], n_resamples: int, seed: int) -> dict[str, Any]:
    kw = {"n_resamples": n_resamples, "seed": seed}
    outcomes, prefs = [r.outcome for r in rows], [r.preference for r in rows]
    judged = [r for r in rows if r.preference is not None]
    fit = length_controlled_fit([r.preference for r in judged], [r.model_chars for r in judged],
                                [r.baseline_chars for r in judged])
    both = [r for r in rows if r.first is not None or r.second is not None]
    return {
        "n": len(rows), "failures": sum(o is None for o in outcomes),
        "wins": sum(o == 1.0 for o in outcomes), "ties": sum(o == 0.5 for o in outcomes),
        "losses": sum(o == 0.0 for o in outcomes),
        "win_rate": win_rate_ci(outcomes, **kw).to_dict(),
        "soft_win_rate": win_rate_ci(prefs, **kw).to_dict(),
        "lc_win_rate": length_controlled_ci(prefs, [r.model_chars for r in rows],
                                            [r.baseline_chars for r in rows], **kw).to_dict(),
        "length_coefficient": fit.phi,
        "swap_consistency": swap_consistency([r.first for r in both], [r.second for r in both]) if both else None,
        "categories": {k: m.to_dict() for k, m in by_group(prefs, [r.category for r in rows], **kw).items()},
    }


def _score(v: Verdict) -> float | None:
    if not v.parse_ok:
        return None
    return v.expected_score if v.expected_score is not None else (float(v.score) if v.score is not None else None)


def absolute_stats(store: CompareStore, questions: Sequence[Question], model: ModelOutputs, n_resamples: int,
                   seed: int) -> dict[str, Any] | None:
    stored = store.verdicts(model.name, "absolute")
    found = [(q, stored.get(grade_key(q, model.outputs[q.id]))) for q in questions if q.id in model.outputs]
    found = [(q, v) for q, v in found if v is not None]
    if not found:
        return None
    scores = [_score(v) for _, v in found]
    return {"n": len(found), "failures": sum(s is None for s in scores),
            "mean_score": mean_score_ci(scores, n_resamples, seed).to_dict(),
            "categories": {k: m.to_dict() for k, m in by_group(scores, [q.category for q, _ in found], mean_score_ci,
                                                                n_resamples, seed).items()}}


def _value(entry: dict[str, Any], stat: str) -> float | None:
    block = entry.get("absolute" if stat == "mean_score" else "pairwise") or {}
    value = (block.get(stat) or {}).get("value")
    return None if value is None else float(value)


def rank_agreement(entries: Sequence[dict[str, Any]], reference: dict[str, float]) -> dict[str, Any]:
    """Spearman and Kendall tau-b between each statistic's values and the reference scores, over shared models."""
    out = {}
    for stat in STATS:
        pairs = [(_value(e, stat), reference[e["model"]]) for e in entries if e["model"] in reference]
        pairs = [(v, r) for v, r in pairs if v is not None]
        if len(pairs) < 2:
            continue
        ours, ref = [p[0] for p in pairs], [p[1] for p in pairs]
        out[stat] = {"spearman": _none(spearman(ours, ref)), "kendall_tau": _none(kendall_tau(ours, ref)),
                     "n_models": len(pairs)}
    return out


def _none(x: float) -> float | None:
    return None if x != x else float(x)


def _entry(store: CompareStore, questions: Sequence[Question], model: ModelOutputs, baseline: ModelOutputs | None,
           n_resamples: int, seed: int) -> tuple[dict[str, Any], list[PairRow]]:
    answered = [q for q in questions if q.id in model.outputs]
    entry: dict[str, Any] = {
        "model": model.name, "n_outputs": len(answered),
        "avg_words": sum(word_count(model.outputs[q.id]) for q in answered) / len(answered) if answered else None,
        "avg_chars": sum(len(model.outputs[q.id]) for q in answered) / len(answered) if answered else None,
    }
    rows: list[PairRow] = []
    if baseline is not None and model.name == baseline.name:
        half = {"value": 0.5, "low": None, "high": None, "n": 0}
        entry["pairwise"] = {"baseline": True, "win_rate": half, "soft_win_rate": half, "lc_win_rate": half}
    elif baseline is not None:
        rows = pair_rows(store, questions, model, baseline)
        if rows:
            entry["pairwise"] = pairwise_stats(rows, n_resamples, seed)
    absolute = absolute_stats(store, questions, model, n_resamples, seed)
    if absolute:
        entry["absolute"] = absolute
    return entry, rows


def sort_key(entries: Sequence[dict[str, Any]]) -> str:
    """The statistic the table is sorted by: LC win rate when any model has one, else the mean score."""
    return "lc_win_rate" if any("pairwise" in e for e in entries) else "mean_score"


def leaderboard(store: CompareStore, n_resamples: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Every number of the leaderboard, JSON-ready (MetricResults as dicts)."""
    meta = store.meta()
    if not meta:
        raise FileNotFoundError(f"{store.root} is not a compare store (no compare.json); run `judgesmith compare` "
                                "with --outputs first")
    questions = list(store.questions().values())
    models = store.models()
    baseline = next((m for m in models if m.name == meta.get("baseline")), None)
    entries, rows = [], {}
    for m in models:
        entry, rows[m.name] = _entry(store, questions, m, baseline, n_resamples, seed)
        if "pairwise" in entry or "absolute" in entry:
            entries.append(entry)
    key = sort_key(entries)
    entries.sort(key=lambda e: -(_value(e, key) if _value(e, key) is not None else float("-inf")))
    out = {k: meta.get(k) for k in ("judge", "mode", "rubric", "baseline")}
    out.update({"n_prompts": len(questions), "sorted_by": key, "n_resamples": n_resamples, "models": entries,
                "differences": neighbour_differences(entries, rows, n_resamples, seed),
                "checkpoints": checkpoints(entries)})
    if meta.get("reference"):
        ref = meta["reference"]
        out["reference"] = {"name": ref.get("name"), "scores": ref["scores"],
                            "agreement": rank_agreement(entries, ref["scores"])}
    return out


def neighbour_differences(entries: Sequence[dict[str, Any]], rows: dict[str, list[PairRow]], n_resamples: int,
                          seed: int) -> list[dict[str, Any]]:
    """Soft win rate of each row minus the next one's, paired on the prompts both were judged on."""
    judged = [e["model"] for e in entries if rows.get(e["model"])]
    out = []
    for upper, lower in zip(judged, judged[1:]):
        a = {r.question: r.preference for r in rows[upper]}
        b = {r.question: r.preference for r in rows[lower]}
        shared = [q for q in a if q in b]
        diff = paired_win_rate_difference([a[q] for q in shared], [b[q] for q in shared], n_resamples, seed)
        out.append({"model": upper, "versus": lower, "difference": diff.to_dict()})
    return out


def checkpoints(entries: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Models named `<run>@step-<N>` (what `JudgeEvalCallback(store=...)` writes), per run in step order."""
    runs: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        m = CHECKPOINT.match(e["model"])
        if m:
            runs.setdefault(m["run"], []).append({"step": int(m["step"]), "model": e["model"],
                                                  **{s: _value(e, s) for s in STATS}})
    return {run: sorted(steps, key=lambda s: s["step"]) for run, steps in runs.items()}
