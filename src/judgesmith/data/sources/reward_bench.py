"""reward-bench best-of-n pairs (`bon_pairwise.jsonl.gz`): the AlpacaEval annotation format.

tulu-2-dpo-13b samples against gpt-3.5-turbo (always `response_a` upstream), judged by GPT-4-turbo;
no explanations, so every example trains label-only. Read by the AlpacaEval loader: ties skip,
positions are balanced by the seed, and question ids share the AlpacaEval prompt namespace
(`alpaca_eval.PROMPTS`), since both files ask the same prompts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult
from judgesmith.data.sources import alpaca_eval


def load(path: str | Path, *, name: str = "reward_bench", rubric: Any = "helpfulness", seed: int = 0,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load reward-bench best-of-n pairs (see `alpaca_eval.load`)."""
    return alpaca_eval.load(path, name=name, rubric=rubric, seed=seed, strict=strict, limit=limit)
