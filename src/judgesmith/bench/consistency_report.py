"""Consistency metrics from stored verdicts (`consistency.json`), and the report section that shows them.

Variants compared (TrustJudge, arXiv 2509.21117):
- scores: `discrete` (the integer score) vs `distribution` (expectation over the 1-5 label probabilities);
- pairs: `discrete` (C from the two orders' winners) vs `likelihood` (bidirectional
  probabilities m[k] = p_order1[k] + p_order2[-k]).

Both orders are read as the engine stores them: in the pair's original positions.
`consistency_section` only builds the report model; `report_md`/`report_html` render it.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Sequence

from judgesmith.bench import plots
from judgesmith.bench.report_model import Block, Bullets, Heading, Plot, Plots, Section, Table, table
from judgesmith.bench.store import VerdictStore
from judgesmith.metrics.consistency import (
    bidirectional_outcome,
    conflict_ratio_result,
    non_transitivity_ratio,
    pair_outcome,
    score_preference_agreement,
)
from judgesmith.metrics.result import MetricResult
from judgesmith.records import Verdict

KS = (3, 4, 5)


def _pair_views(v: Verdict) -> tuple[int | None, int | None]:
    """(discrete C, likelihood-aware C) from a swapped pairwise verdict; None when unavailable."""
    if len(v.samples) != 2:
        return None, None
    first, second = v.samples  # both in the pair's original positions (the engine's convention)
    discrete = pair_outcome(first.winner if first.parse_ok else None, second.winner if second.parse_ok else None)
    likely = None
    if first.probabilities and second.probabilities:
        likely = bidirectional_outcome(first.probabilities, second.probabilities)
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
    return MetricResult.from_dict(d).format(percent=True)


def _pct(x: Any) -> str:
    return "n/a" if x is None or x != x else f"{100 * x:.2f}%"


def _tables(cons: dict[str, Any]) -> list[tuple[str, Table]]:
    """(title, table) for the CR, NTR and agreement tables."""
    res = cons["results"]
    cr_keys = ["discrete/discrete", "distribution/discrete", "discrete/likelihood", "distribution/likelihood"]
    cr_rows = [[e["model"], e["set"], *(_fmt(e["cr"][k]) for k in cr_keys)] for e in res]
    ntr_cols = [f"{p} NTR_{k}" for p in ("discrete", "likelihood") for k in KS]
    ntr_rows = [[e["model"], e["set"], *(_fmt(e["ntr"][p][str(k)]) for p in ("discrete", "likelihood") for k in KS)]
                for e in res]
    agr_rows = [[e["model"], e["set"], _pct(e["agreement"]["consistent"]), _pct(e["agreement"]["inconsistent"]),
                 _pct(e["agreement"]["tie"]), str(e["agreement"]["n"])] for e in res]
    return [("Score-comparison conflict ratio CR (scores/pairs; lower is better)",
             table(["model", "set", *cr_keys], cr_rows)),
            ("Non-transitivity NTR_k (pairs; lower is better)", table(["model", "set", *ntr_cols], ntr_rows)),
            ("Higher score vs pairwise winner (discrete scores, both-order verdict)",
             table(["model", "set", "consistent", "inconsistent", "tie (equal scores)", "n pairs"], agr_rows))]


def _intro(cons: dict[str, Any]) -> list[str]:
    lines = [f"protocol: {cons['protocol']['description']}; score tolerance delta = {cons['delta']}",
             "distribution = expectation over 1-5 label probabilities; likelihood = bidirectional "
             "aggregation m[k] = p_order1[k] + p_order2[-k]; n counts pairs (CR) or k-subsets (NTR)"]
    lines += list(cons.get("notes", []))
    lines += [f"set `{k}` skipped: {v}" for k, v in (cons.get("skipped") or {}).items()]
    return lines


def _plots(cons: dict[str, Any]) -> Plots:
    res = cons["results"]
    groups = [f"{e['model']}/{e['set']}" for e in res]
    cr = {k: [e["cr"][k]["value"] for e in res] for k in ("discrete/discrete", "distribution/likelihood")}
    ntr = {f"{p} NTR_3": [e["ntr"][p]["3"]["value"] for e in res] for p in ("discrete", "likelihood")}
    return Plots((Plot("consistency", "CR", partial(plots.grouped, "conflict ratio CR", groups, cr,
                                                    "share of pairs")),
                  Plot("consistency", "NTR", partial(plots.grouped, "non-transitivity NTR_3", groups, ntr,
                                                     "share of triples"))))


def consistency_section(cons: dict[str, Any]) -> Section:
    """The `consistency` report section: intro, the CR/NTR/agreement tables and (HTML) two plots."""
    blocks: list[Block] = [Bullets(tuple(_intro(cons)))]
    for title, tab in _tables(cons):
        blocks += [Heading(title), tab]
    if cons["results"]:
        blocks.append(_plots(cons))
    return Section("consistency", "Consistency (TrustJudge)", tuple(blocks))
