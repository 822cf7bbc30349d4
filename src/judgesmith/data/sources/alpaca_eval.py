"""AlpacaEval pairwise annotations (`alpaca_eval_pairwise_subset.jsonl.gz`, gzip JSON lines).

Rows: `{source, annotator, dataset, instruction, response_a, response_b, generator_a, generator_b,
winner, strength, explanation, referenced_models}`; `winner` is "A", "B" or "tie" (ties skip).
Upstream `response_a` is ALWAYS the reference model's output, so positions are re-drawn with the
seed: exactly half of the rows put the winner at A (`data.swap.balance`).

Feedback: where an `explanation` exists (the chain-of-thought annotator) its outputs are named by
the symbols of `referenced_models`, e.g. `{"m": "output_1", "M": "output_2"}` (output_1 is
`response_a` upstream). Each mention ("Model 'm'", "model M", "'M's") becomes "Response A" / "Response B"
for the side it names, before positions are re-drawn, which then exchanges the mentions along with
the responses. An explanation with a symbol that cannot be mapped (a symbol missing from
`referenced_models`, a bare m/M outside "model m", another way of naming a side, or no side named
at all, as in "Both models ...") gives no feedback: that example trains label-only, as do the rows
without an explanation.

Question ids live in one namespace shared with `reward_bench` (`PROMPTS`): both files ask the same
553 prompts, so the split and decontamination treat a prompt as one question across the two.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field, text_qid
from judgesmith.data.swap import balance, exchange_mentions
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

PROMPTS = "alpaca_eval_prompts"  # the question-id namespace shared by alpaca_eval and reward_bench
SIDES = {"output_1": "A", "output_2": "B"}
_SYMBOL = re.compile(
    r"(?:\b[Mm]odels?\s+)?'(?P<q>[mM])'(?P<poss>(?=s\b))?"  # 'm' / model 'M' / 'M's
    r"|(?:\b[Mm]odels?\s+)?\"(?P<dq>[mM])\""  # "m"
    r"|\b[Mm]odels?\s+(?P<bare>[mM])\b"  # model m / Model M's
)
_LEFTOVER = re.compile(r"(?<![A-Za-z]')(?<!\w)[mM](?!\w)")  # a symbol still there ("I'm" is not one)


def map_symbols(text: str, referenced: Any) -> str | None:
    """The explanation with its model symbols written as "Response A"/"Response B" (upstream sides), or None."""
    if not isinstance(referenced, dict):
        return None
    sides = {sym: SIDES[out] for sym, out in referenced.items() if out in SIDES}
    if not sides or exchange_mentions(text) is None or "Response A" in text or "Response B" in text:
        return None
    unmapped: list[str] = []

    def repl(m: re.Match) -> str:
        sym = m.group("q") or m.group("dq") or m.group("bare")
        if sym not in sides:
            unmapped.append(sym)
            return m.group(0)
        return f"Response {sides[sym]}" + ("'" if m.group("poss") is not None else "")

    mapped = _SYMBOL.sub(repl, text)
    if unmapped or _LEFTOVER.search(mapped) or not re.search(r"\bResponse [AB]\b", mapped):
        return None  # a symbol left over, or no side named at all (nothing explains the verdict)
    return mapped.strip()


def load(path: str | Path, *, name: str = "alpaca_eval", rubric: Any = "helpfulness", seed: int = 0,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load AlpacaEval-format pairwise rows: ties skipped, positions balanced by `seed`, explanations mapped."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    file = Path(path).name

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        instruction = text_field(rec, "instruction")
        a, b = text_field(rec, "response_a"), text_field(rec, "response_b")
        winner = str(rec.get("winner") or "").strip()
        if winner.lower() == "tie":
            raise ValueError("tie")
        if winner not in ("A", "B"):
            raise ValueError(f"'winner' must be 'A', 'B' or 'tie', got {rec.get('winner')!r}")
        if a.strip() == b.strip():
            raise ValueError("the two responses are identical")
        explanation = text_field(rec, "explanation", required=False)
        feedback = map_symbols(explanation, rec.get("referenced_models")) if explanation else None
        item = PairwiseItem(id=f"{name}-{row}", instruction=instruction, response_a=a, response_b=b, rubric=rub)
        return PairwiseExample(item, winner, Provenance(name, file, row, text_qid(PROMPTS, instruction)),
                               gold_feedback=feedback)

    result = collect(name, path, read_rows(path), make, strict=strict, limit=limit)
    result.pairwise = balance(result.pairwise, seed)
    return result
