"""Pairwise rows from two graded responses to one instruction, in both orders (as the Preference Collection).

The feedback joins the two absolute feedbacks with the same template `data build`
uses for pairs derived from absolute rows (`judgesmith.data.pairs.DEFAULT_TEMPLATE`).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Iterable

from judgesmith.data.pairs import DEFAULT_TEMPLATE

CARRIED = ("teacher", "prompt_version", "seed")


def pair_rows(absolute: Iterable[dict[str, Any]], margin: int = 1) -> list[dict[str, Any]]:
    """Every two kept responses of a question whose scores differ by >= margin, as A/B and as B/A."""
    by_q: dict[str, list[dict[str, Any]]] = {}
    for row in absolute:
        by_q.setdefault(str(row["question_id"]), []).append(row)
    out = []
    for qid in sorted(by_q):
        rows = sorted(by_q[qid], key=lambda r: str(r["id"]))
        for x, y in combinations(rows, 2):
            if abs(int(x["score"]) - int(y["score"])) < margin:
                continue
            for a, b in ((x, y), (y, x)):
                label = "A" if int(a["score"]) > int(b["score"]) else "B"
                out.append({
                    "id": f"{a['id']}~{b['id']}", "question_id": qid, "instruction": a["instruction"],
                    "response_a": a["response"], "response_b": b["response"],
                    "reference_answer": a.get("reference_answer"), "rubric": a["rubric"], "label": label,
                    "feedback": DEFAULT_TEMPLATE.format(feedback_a=a["feedback"], feedback_b=b["feedback"],
                                                        winner=label),
                    "score_a": a["score"], "score_b": b["score"], **{k: a.get(k) for k in CARRIED}})
    return out
