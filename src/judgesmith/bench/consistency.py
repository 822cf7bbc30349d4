"""`judgesmith consistency`: absolute scores and both-order pairwise verdicts on the same responses.

Absolute sets with several responses per question (Vicuna, MT-Bench: 4 each) give
every pair of a question's responses; pairwise sets give their pairs. Each
response is graded absolutely and each pair judged in both orders (`swap=True`);
the metrics (pure functions in `judgesmith.metrics.consistency`) then compare
discrete scoring and pairing with TrustJudge's remedies.
"""

from __future__ import annotations

import json
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from judgesmith.bench.consistency_report import consistency_results
from judgesmith.bench.models import BackendFactory, ModelSpec, release, training_data
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.report_html import write_html
from judgesmith.bench.report_md import write_markdown
from judgesmith.bench.runner import check_run, judge_missing
from judgesmith.bench.store import VerdictStore
from judgesmith.records import AbsoluteItem, PairwiseItem

log = logging.getLogger(__name__)

PERPLEXITY_NOTE = ("lower-perplexity order (TrustJudge's second aggregation) is not computed: the backend "
                   "contract exposes label distributions, not the perplexity of a judged order")


@dataclass
class Question:
    """One question's responses (as absolute items) and the judged pairs `(i, j, PairwiseItem)`."""

    qid: str
    responses: list[AbsoluteItem] = field(default_factory=list)
    pairs: list[tuple[int, int, PairwiseItem]] = field(default_factory=list)


def _pair_item(qid: str, a: AbsoluteItem, b: AbsoluteItem, i: int, j: int) -> PairwiseItem:
    return PairwiseItem(id=f"{qid}/{i}-{j}", instruction=a.instruction, response_a=a.response,
                        response_b=b.response, rubric=a.rubric, reference_answer=a.reference_answer,
                        context=a.context)


def questions_from_absolute(examples: Sequence[Any]) -> list[Question]:
    """Group absolute examples by question; every pair i < j of a question's responses."""
    groups: OrderedDict[str, list] = OrderedDict()
    for ex in examples:
        groups.setdefault(ex.provenance.question_id, []).append(ex.item)
    out = []
    for qid, items in groups.items():
        if len(items) < 2:
            continue
        resp = [replace(it, id=f"{qid}/{k}") for k, it in enumerate(items)]
        pairs = [(i, j, _pair_item(qid, resp[i], resp[j], i, j))
                 for i in range(len(resp)) for j in range(i + 1, len(resp))]
        out.append(Question(qid, resp, pairs))
    return out


def questions_from_pairwise(examples: Sequence[Any]) -> list[Question]:
    """Group pairs by question; distinct response texts become the responses, given pairs the pairs."""
    groups: OrderedDict[str, Question] = OrderedDict()
    for ex in examples:
        it = ex.item
        q = groups.setdefault(ex.provenance.question_id, Question(ex.provenance.question_id))
        idx = []
        for text in (it.response_a, it.response_b):
            found = next((k for k, r in enumerate(q.responses) if r.response == text), None)
            if found is None:
                found = len(q.responses)
                q.responses.append(AbsoluteItem(id=f"{q.qid}/{found}", instruction=it.instruction, response=text,
                                                rubric=it.rubric, reference_answer=it.reference_answer,
                                                context=it.context))
            idx.append(found)
        i, j = idx
        if i != j:
            q.pairs.append((i, j, replace(it, id=f"{q.qid}/{i}-{j}#{len(q.pairs)}")))
    return [q for q in groups.values() if q.pairs]


def sample_questions(questions: list[Question], limit: int | None, seed: int) -> list[Question]:
    if limit is None or limit >= len(questions):
        return questions
    keep = sorted(random.Random(seed).sample(range(len(questions)), limit))
    return [questions[k] for k in keep]


def load_questions(entry: Any, seed: int = 0, limit: int | None = None) -> list[Question]:
    bench = entry.resolve()
    cap = min(x for x in (entry.limit, limit) if x is not None) if (entry.limit or limit) else None
    result = bench.load(entry.path, **entry.options)
    if bench.kind == "absolute":
        qs = questions_from_absolute(result.absolute)
    else:
        qs = questions_from_pairwise(result.pairwise)
    return sample_questions(qs, cap, seed)


def judge_questions(backend: Any, key: str, questions: Sequence[Question], model: ModelSpec,
                    store: VerdictStore, protocol: Protocol) -> None:
    responses = [r for q in questions for r in q.responses]
    pairs = [p for q in questions for _, _, p in q.pairs]
    judge_missing(backend, responses, "absolute", protocol.judge_config("absolute"), store, model.label,
                  f"consistency-{key}-absolute")
    judge_missing(backend, pairs, "pairwise", replace(protocol.judge_config("pairwise"), swap=True), store,
                  model.label, f"consistency-{key}-pairwise")


def _all_judged(store: VerdictStore, label: str, key: str, questions: Sequence[Question]) -> bool:
    have_abs = store.load(label, f"consistency-{key}-absolute")
    have_pairs = store.load(label, f"consistency-{key}-pairwise")
    return (all(r.id in have_abs for q in questions for r in q.responses)
            and all(p.id in have_pairs for q in questions for _, _, p in q.pairs))


def run_consistency(models: Sequence[ModelSpec], entries: Sequence[Any], out_dir: str | Path, protocol: Protocol,
                    make_backend: BackendFactory, suite_name: str = "custom", seed: int = 0,
                    limit: int | None = None, delta: float = 0.0, n_resamples: int = 1000,
                    html: bool = True) -> dict[str, Any]:
    """Judge every question set with every model, then write `consistency.json` and refresh the reports.

    Refuses (ValueError) an `out_dir` whose `run.json` names another protocol, mode, max_new_tokens or
    another model under one of these labels: its stored verdicts would be reused as if they were these.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    check_run(out, suite_name, protocol, models)
    store = VerdictStore(out / "verdicts")
    sets: dict[str, list[Question]] = {}
    skipped: dict[str, str] = {}
    for entry in entries:
        try:
            sets[entry.key] = load_questions(entry, seed, limit)
        except (FileNotFoundError, ValueError) as exc:
            log.warning("consistency set %s skipped: %s", entry.key, exc)
            skipped[entry.key] = str(exc)
    for model in models:
        backend = None
        try:
            for key, qs in sets.items():
                if _all_judged(store, model.label, key, qs):
                    continue
                if backend is None:
                    backend = make_backend(model)
                judge_questions(backend, key, qs, model, store, protocol)
        finally:
            if backend is not None:
                release(backend)
    results = consistency_results(models, sets, store, protocol, delta, n_resamples, seed)
    results.update(suite=suite_name, skipped=skipped, notes=[PERPLEXITY_NOTE],
                   created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   models=[{"label": m.label, "name": m.name, "training_data": training_data(m)} for m in models])
    (out / "consistency.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    write_markdown(out)
    if html:
        write_html(out)
    return results
