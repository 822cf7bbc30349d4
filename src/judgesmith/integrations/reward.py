"""TRL reward functions backed by the judge (GRPO, RLOO and any trainer taking `reward_funcs`).

TRL calls `f(prompts=..., completions=..., completion_ids=..., **dataset_columns)` once per
generation batch and expects one float per completion, where None means "no reward here"
(TRL leaves it out of the weighted sum). A judge that fails (server down, unparsable
verdict) must not stop a training run, so failures become None (or `neutral`), are
counted in `failures`, and are reported through TRL's `log_metric` hook when it is given.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from judgesmith.integrations.client import JudgeClient
from judgesmith.integrations.inputs import absolute_items, column_values, pairwise_items
from judgesmith.judge.engine import Judge
from judgesmith.records import Rubric, Verdict
from judgesmith.rubrics import is_grounded, resolve_rubric

log = logging.getLogger(__name__)

REWARD_MODES = ("score", "pairwise")


def absolute_reward(verdict: Verdict) -> float | None:
    """Expected 1-5 score under the label distribution; the discrete score when there is none."""
    if verdict.expected_score is not None:
        return float(verdict.expected_score)
    return float(verdict.score) if verdict.score is not None else None


def win_probability(verdict: Verdict) -> float | None:
    """P(Response A wins): the (two-order) label distribution, else the discrete winner (tie = 0.5)."""
    probs = verdict.probabilities
    if probs and probs.get("A", 0.0) + probs.get("B", 0.0) > 0:
        return probs.get("A", 0.0) / (probs.get("A", 0.0) + probs.get("B", 0.0))
    return {"A": 1.0, "B": 0.0, "tie": 0.5}.get(verdict.winner or "")


def _placed(verdicts: Sequence[Verdict], indices: Sequence[int], size: int) -> list[Verdict | None]:
    """Verdicts of the judged items back at their positions; None where an item was not sent."""
    out: list[Verdict | None] = [None] * size
    for i, v in zip(indices, verdicts):
        out[i] = v
    return out


class JudgeReward:
    """A TRL reward function: the judge's score of each completion (or its win probability vs a baseline).

    `mode="score"`: the expected 1-5 score (`rescale=True` maps it to [-1, 1]).
    `mode="pairwise"`: P(completion beats the dataset column `baseline_column`), judged in both
    orders when `swap_baseline` (position bias cancels); `rescale=True` maps it to [-1, 1].
    `reference_column` names a dataset column with reference answers; `context_column` one with the
    documents each completion must be grounded in (a RAG policy's passages: use the `faithfulness`
    rubric for a grounded reward; a grounded rubric without `context_column` is refused at once, and a
    row whose context is empty gets no reward rather than an ungrounded one). `judge_or_url` is a local
    `Judge` (any backend, judging in its own mode) or the URL of a `judgesmith serve`; requests
    to a server carry `api_key` and `judge_mode` ("score" by default: one forward pass per item
    and a full label distribution; None means the server's `--mode`), at most `max_items` each
    (keep it <= the server's `--max-items`).
    """

    def __init__(self, judge_or_url: Judge | str, rubric: Any = "helpfulness", mode: str = "score",
                 reference_column: str | None = None, baseline_column: str | None = None,
                 swap_baseline: bool = True, rescale: bool = False, neutral: float | None = None, *,
                 context_column: str | None = None,
                 api_key: str | None = None, judge_mode: str | None = "score", max_items: int = 64,
                 timeout: float = 600.0, name: str | None = None):
        if mode not in REWARD_MODES:
            raise ValueError(f"mode must be one of {REWARD_MODES}, got {mode!r}")
        if mode == "pairwise" and not baseline_column:
            raise ValueError("mode='pairwise' compares each completion with a baseline: pass baseline_column, "
                             "the dataset column holding the baseline completion")
        self.client = JudgeClient(judge_or_url, api_key=api_key, judge_mode=judge_mode, max_items=max_items,
                                  timeout=timeout)
        self.rubric: Rubric = resolve_rubric(rubric)
        if is_grounded(self.rubric) and not context_column:
            raise ValueError("this rubric judges completions against a context: pass context_column, the dataset "
                             "column holding each prompt's documents")
        self.mode, self.reference_column, self.baseline_column = mode, reference_column, baseline_column
        self.context_column = context_column
        self.swap_baseline, self.rescale, self.neutral = swap_baseline, rescale, neutral
        # TRL names the reward after `__name__` (rewards/<name>/mean in the logs).
        self.__name__ = name or ("judge_score" if mode == "score" else "judge_pairwise")
        self.calls = self.judged = self.failures = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.client!r}, mode={self.mode!r}, rubric={self.rubric.criteria!r})"

    def _items(self, prompts: Sequence[Any], completions: Sequence[Any], kwargs: dict) -> list:
        if len(prompts) != len(completions):
            raise ValueError(f"{len(prompts)} prompts for {len(completions)} completions")
        references = column_values(kwargs, self.reference_column, len(completions))
        contexts = column_values(kwargs, self.context_column, len(completions))
        if self.mode == "score":
            return absolute_items(prompts, completions, self.rubric, references, contexts)
        baselines = column_values(kwargs, self.baseline_column, len(completions))
        return pairwise_items(prompts, completions, baselines, self.rubric, references, contexts)

    def _value(self, verdict: Verdict) -> float | None:
        if self.mode == "score":
            value = absolute_reward(verdict)
            return None if value is None else ((value - 3.0) / 2.0 if self.rescale else value)
        value = win_probability(verdict)
        return None if value is None else (2.0 * value - 1.0 if self.rescale else value)

    def _judgeable(self, items: list) -> list[int]:
        """Indices of the items to send: all, except those a grounded rubric cannot judge (no context)."""
        if not is_grounded(self.rubric):
            return list(range(len(items)))
        return [i for i, it in enumerate(items) if it.context and it.context.strip()]

    def _finish(self, verdicts: list[Verdict | None] | None, size: int, kwargs: dict) -> list[float | None]:
        values = [self._value(v) if v is not None else None for v in verdicts] if verdicts is not None else [None] * size
        failed = sum(v is None for v in values)
        self.calls, self.judged, self.failures = self.calls + 1, self.judged + size, self.failures + failed
        if failed:
            log.warning("%s: %d of %d completions got no verdict; rewarding them %s", self.__name__, failed, size,
                        "None (left out by TRL)" if self.neutral is None else self.neutral)
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            log_metric(f"{self.__name__}/failures", float(failed))
        return [self.neutral if v is None else v for v in values]

    def _grade_failed(self, exc: Exception) -> None:
        log.warning("%s: the judge failed (%s: %s); no rewards from it for this batch", self.__name__,
                    type(exc).__name__, exc)

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None,
                 **kwargs: Any) -> list[float | None]:
        """One reward per completion; a judge failure gives None (or `neutral`), never an exception."""
        items = self._items(prompts, completions, kwargs)
        kind = "absolute" if self.mode == "score" else "pairwise"
        todo = self._judgeable(items)
        try:
            got = self.client.grade(kind, [items[i] for i in todo], swap=self.swap_baseline) if todo else []
            verdicts = _placed(got, todo, len(items))
        except Exception as exc:  # noqa: BLE001 - a failing judge must not stop the training run
            self._grade_failed(exc)
            verdicts = None
        return self._finish(verdicts, len(items), kwargs)


class AsyncJudgeReward(JudgeReward):
    """`JudgeReward` as a coroutine: TRL awaits it alongside its other async reward functions.

    Made for the server path (requests go out concurrently while other rewards compute);
    a local judge runs in a worker thread.
    """

    async def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None,
                       **kwargs: Any) -> list[float | None]:
        items = self._items(prompts, completions, kwargs)
        kind = "absolute" if self.mode == "score" else "pairwise"
        todo = self._judgeable(items)
        try:
            got = await self.client.agrade(kind, [items[i] for i in todo], swap=self.swap_baseline) if todo else []
            verdicts = _placed(got, todo, len(items))
        except Exception as exc:  # noqa: BLE001 - a failing judge must not stop the training run
            self._grade_failed(exc)
            verdicts = None
        return self._finish(verdicts, len(items), kwargs)
