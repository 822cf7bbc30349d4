"""Consistency metrics from stored verdicts, and their Markdown/HTML sections.

Variants compared (TrustJudge, arXiv 2509.21117):
- scores: `discrete` (the integer score) vs `distribution` (expectation over the 1-5 label probabilities);
- pairs: `discrete` (C from the two orders' winners) vs `likelihood` (bidirectional
  probabilities m[k] = p_order1[k] + p_order2[-k]).
"""

from __future__ import annotations

import html
from typing import Any, Sequence

from judgesmith.bench.store import VerdictStore
from judgesmith.metrics.consistency import (
    bidirectional_outcome,
    conflict_ratio_result,
    non_transitivity_ratio,
    pair_outcome,
    score_preference_agreement,
)
from judgesmith.records import Verdict

KS = (3, 4, 5)


def _pair_views(v: Verdict) -> tuple[int | None, int | None]:
    """(discrete C, likelihood-aware C) from a swapped pairwise verdict; None when unavailable."""
    if len(v.samples) != 2:
        return None, None
    first, second = v.samples  # the engine stores the second order already mapped back to our positions
    discrete = pair_outcome(first.winner if first.parse_ok else None, second.winner if second.parse_ok else None)
    likely = None
    if first.probabilities and second.probabilities:
        as_judged = {"A": second.probabilities.get("B", 0.0), "B": second.probabilities.get("A", 0.0)}
        likely = bidirectional_outcome(first.probabilities, as_judged)
    return discrete, likely


def set_metrics(questions: Sequence[Any], abs_v: dict[str, Verdict], pair_v: dict[str, Verdict], delta: float,
                n_resamples: int, seed: int) -> dict[str, Any]:
    scores = {"discrete": {}, "distribution": {}}
    for q in questions:
        for r in q.responses:
            v = abs_v.get(r.id)
            if v is not None:
                scores["discrete"][r.id] = float(v.score) if v.score is not None else None
                scores["distribution"][r.id] = v.expected_score
    rows: dict[tuple[str, str], tuple[list, list, list]] = {}
    relations: dict[str, list] = {"discrete": [], "likelihood": []}
    agree = ([], [], [])
    for q in questions:
        rel = {"discrete": {}, "likelihood": {}}
        for i, j, item in q.pairs:
            v = pair_v.get(item.id)
            if v is None:
                continue
            views = dict(zip(("discrete", "likelihood"), _pair_views(v)))
            for pname, c in views.items():
                if c is None:
                    continue
                rel[pname][(i, j)] = c
                for sname, table in scores.items():
                    sx, sy = table.get(q.responses[i].id), table.get(q.responses[j].id)
                    if sx is not None and sy is not None:
                        bucket = rows.setdefault((sname, pname), ([], [], []))
                        bucket[0].append(sx), bucket[1].append(sy), bucket[2].append(c)
            agree[0].append(scores["discrete"].get(q.responses[i].id))
            agree[1].append(scores["discrete"].get(q.responses[j].id))
            agree[2].append(v.winner if v.parse_ok else None)
        for pname in relations:
            relations[pname].append((rel[pname], len(q.responses)))
    cr = {}
    for sname in scores:
        for pname in relations:
            sx, sy, c = rows.get((sname, pname), ([], [], []))
            cr[f"{sname}/{pname}"] = conflict_ratio_result(sx, sy, c, delta, n_resamples, seed).to_dict()
    ntr = {p: {str(k): non_transitivity_ratio(relations[p], k, n_resamples, seed).to_dict() for k in KS}
           for p in relations}
    return {"n_questions": len(questions), "n_responses": sum(len(q.responses) for q in questions),
            "n_pairs": sum(len(q.pairs) for q in questions), "cr": cr, "ntr": ntr,
            "agreement": score_preference_agreement(*agree)}


def consistency_results(models: Sequence[Any], sets: dict[str, list], store: VerdictStore, protocol: Any,
                        delta: float, n_resamples: int, seed: int) -> dict[str, Any]:
    entries = []
    for m in models:
        for key, qs in sets.items():
            abs_v = store.load(m.label, f"consistency-{key}-absolute")
            pair_v = store.load(m.label, f"consistency-{key}-pairwise")
            entries.append({"model": m.label, "set": key, **set_metrics(qs, abs_v, pair_v, delta, n_resamples, seed)})
    return {"protocol": {"name": protocol.name, "mode": protocol.mode, "description": protocol.describe()},
            "delta": delta, "results": entries}


def _fmt(d: dict) -> str:
    from judgesmith.metrics import MetricResult

    return MetricResult.from_dict(d).format(percent=True)


def _tables(cons: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for the CR, NTR and agreement tables."""
    res = cons["results"]
    cr_keys = ["discrete/discrete", "distribution/discrete", "discrete/likelihood", "distribution/likelihood"]
    cr = ("Score-comparison conflict ratio CR (scores/pairs; lower is better)", ["model", "set", *cr_keys],
          [[e["model"], e["set"], *(_fmt(e["cr"][k]) for k in cr_keys)] for e in res])
    ntr_cols = [f"{p} NTR_{k}" for p in ("discrete", "likelihood") for k in KS]
    ntr = ("Non-transitivity NTR_k (pairs; lower is better)", ["model", "set", *ntr_cols],
           [[e["model"], e["set"], *(_fmt(e["ntr"][p][str(k)]) for p in ("discrete", "likelihood") for k in KS)]
            for e in res])

    def pct(x: Any) -> str:
        return "n/a" if x is None or x != x else f"{100 * x:.2f}%"

    agr = ("Higher score vs pairwise winner (discrete scores, both-order verdict)",
           ["model", "set", "consistent", "inconsistent", "tie (equal scores)", "n pairs"],
           [[e["model"], e["set"], pct(e["agreement"]["consistent"]), pct(e["agreement"]["inconsistent"]),
             pct(e["agreement"]["tie"]), str(e["agreement"]["n"])] for e in res])
    return [cr, ntr, agr]


def _intro(cons: dict[str, Any]) -> list[str]:
    lines = [f"protocol: {cons['protocol']['description']}; score tolerance delta = {cons['delta']}",
             "distribution = expectation over 1-5 label probabilities; likelihood = bidirectional "
             "aggregation m[k] = p_order1[k] + p_order2[-k]; n counts pairs (CR) or k-subsets (NTR)"]
    lines += list(cons.get("notes", []))
    lines += [f"set `{k}` skipped: {v}" for k, v in (cons.get("skipped") or {}).items()]
    return lines


def consistency_markdown(cons: dict[str, Any]) -> list[str]:
    lines = ["## Consistency (TrustJudge)", ""] + [f"- {x}" for x in _intro(cons)] + [""]
    for title, header, rows in _tables(cons):
        lines += [f"### {title}", "", "| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows] + [""]
    return lines


def consistency_html(cons: dict[str, Any]) -> str:
    from judgesmith.bench import plots
    from judgesmith.bench.report_html import html_table, img

    parts = ['<section id="consistency"><h2>Consistency (TrustJudge)</h2><ul>']
    parts += [f"<li>{html.escape(x)}</li>" for x in _intro(cons)] + ["</ul>"]
    for title, header, rows in _tables(cons):
        parts += [f"<h3>{html.escape(title)}</h3>", html_table(header, rows)]
    res = cons["results"]
    if res:
        groups = [f"{e['model']}/{e['set']}" for e in res]
        cr = {k: [e["cr"][k]["value"] for e in res] for k in ("discrete/discrete", "distribution/likelihood")}
        ntr = {f"{p} NTR_3": [e["ntr"][p]["3"]["value"] for e in res] for p in ("discrete", "likelihood")}
        parts.append('<div class="plots">'
                     + img(plots.grouped("conflict ratio CR", groups, cr, "share of pairs"), "consistency", "CR")
                     + img(plots.grouped("non-transitivity NTR_3", groups, ntr, "share of triples"), "consistency",
                           "NTR") + "</div>")
    return "\n".join(parts) + "</section>"
