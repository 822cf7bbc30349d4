"""Judge the model while it trains: a transformers `TrainerCallback` for any Trainer (TRL's included).

At the start of training the callback answers a fixed prompt set with the model and keeps
those answers; every `every_n_steps` it answers again and logs the mean judge score, the
score distribution, the win rate of the current answers against the start-of-training
answers (judged in both orders), and the number of verdicts that failed.

The metrics join the trainer's own log of that step (the callback asks for one), added in
`on_log` by a callback placed first in the trainer's list, so TensorBoard, W&B and
`state.log_history` see them in the same record as the loss. Calling `trainer.log` from a
step instead would flush TRL trainers' accumulated metrics early; only the step-0 record,
when nothing has accumulated yet, goes through `trainer.log`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

from judgesmith.integrations.client import JudgeClient
from judgesmith.integrations.evalset import EvalPrompt, generate_answers, load_eval_prompts
from judgesmith.integrations.reward import absolute_reward, win_probability
from judgesmith.judge.engine import Judge
from judgesmith.records import SCORE_LABELS, AbsoluteItem, PairwiseItem, Rubric, Verdict
from judgesmith.rubrics import resolve_rubric

log = logging.getLogger(__name__)


def eval_metrics(scored: Sequence[Verdict], versus: Sequence[Verdict] | None, prefix: str = "judge") -> dict:
    """Mean expected score, fraction of each discrete score, win rate (mean P(current wins)), failures."""
    values = [absolute_reward(v) for v in scored]
    ok = [x for x in values if x is not None]
    discrete = [v.score for v in scored if v.score is not None]
    metrics = {f"{prefix}/mean_score": sum(ok) / len(ok) if ok else float("nan")}
    for label in SCORE_LABELS:
        share = sum(s == int(label) for s in discrete) / len(discrete) if discrete else 0.0
        metrics[f"{prefix}/score_{label}"] = share
    failures = len(values) - len(ok)
    if versus is not None:
        wins = [w for w in (win_probability(v) for v in versus) if w is not None]
        metrics[f"{prefix}/win_rate"] = sum(wins) / len(wins) if wins else float("nan")
        failures += len(versus) - len(wins)
    metrics[f"{prefix}/parse_failures"] = float(failures)
    return metrics


def _trainer_callback_base() -> type:
    from transformers import TrainerCallback

    return TrainerCallback


class JudgeEvalCallback(_trainer_callback_base()):  # type: ignore[misc]
    """Generate, judge and log on a fixed prompt set during training.

    `judge` is a `Judge` or a `judgesmith serve` URL (`judge_mode` and `api_key` go with each
    request); `prompts_file` a .jsonl/.txt file or a list of prompts. Register it with
    `callback.attach(trainer)` once the trainer is built (it moves itself first in the trainer's
    callbacks so the reporters see its metrics).
    """

    def __init__(self, judge: Judge | str, prompts_file: str | Path | Sequence[Any], every_n_steps: int = 100,
                 max_new_tokens: int = 128, rubric: Any = "helpfulness", *, tokenizer: Any = None,
                 batch_size: int = 8, prefix: str = "judge", api_key: str | None = None,
                 judge_mode: str | None = None):
        if every_n_steps < 1:
            raise ValueError(f"every_n_steps must be >= 1, got {every_n_steps}")
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
        self.client = JudgeClient(judge, api_key=api_key, judge_mode=judge_mode)
        self.prompts: list[EvalPrompt] = load_eval_prompts(prompts_file)
        self.rubric: Rubric = resolve_rubric(rubric)
        self.every_n_steps, self.max_new_tokens, self.batch_size = every_n_steps, max_new_tokens, batch_size
        self.trainer: Any = None
        self.tokenizer, self.prefix = tokenizer, prefix
        self._pending: dict[str, float] = {}
        self.baseline: list[str] | None = None  # the answers at the start of training
        self.answers: list[str] | None = None  # the latest answers
        self.history: list[dict] = []

    def attach(self, trainer: Any) -> "JudgeEvalCallback":
        """Register with `trainer`, first in its callbacks: the metrics must be in the logs before reporters run."""
        self.trainer = trainer
        callbacks = trainer.callback_handler.callbacks
        if any(cb is self for cb in callbacks):
            callbacks.remove(self)
        callbacks.insert(0, self)
        return self

    def _answers(self, kwargs: dict) -> list[str]:
        tokenizer = self.tokenizer or kwargs.get("processing_class")
        tokenizer = getattr(tokenizer, "tokenizer", tokenizer)  # a multimodal processor wraps its tokenizer
        if tokenizer is None:
            raise ValueError("JudgeEvalCallback needs a tokenizer: the trainer has none, pass tokenizer=")
        return generate_answers(kwargs["model"], tokenizer, self.prompts, self.max_new_tokens, self.batch_size)

    def _judge(self, answers: list[str]) -> dict:
        scored_items = [AbsoluteItem(p.id, p.instruction, a, self.rubric, p.reference_answer)
                        for p, a in zip(self.prompts, answers)]
        try:
            scored = self.client.grade("absolute", scored_items)
            versus = None
            if self.baseline is not None:
                pairs = [PairwiseItem(p.id, p.instruction, a, b, self.rubric, p.reference_answer)
                         for p, a, b in zip(self.prompts, answers, self.baseline)]
                versus = self.client.grade("pairwise", pairs, swap=True)
        except Exception as exc:  # noqa: BLE001 - a failing judge must not stop the training run
            log.warning("JudgeEvalCallback: the judge failed (%s: %s); nothing logged this time",
                        type(exc).__name__, exc)
            return {}
        return eval_metrics(scored, versus, self.prefix)

    def _evaluate(self, state: Any, kwargs: dict) -> dict[str, float]:
        self.answers = answers = self._answers(kwargs)
        metrics = self._judge(answers)
        if self.baseline is None:
            self.baseline = answers
        if metrics:
            self.history.append({"step": state.global_step, **metrics})
        return metrics

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.trainer is None:
            raise ValueError("JudgeEvalCallback must be registered with callback.attach(trainer) after the trainer "
                             "is built (it logs through the trainer, ahead of TensorBoard/W&B)")
        self.baseline, self._pending = None, {}
        metrics = self._evaluate(state, kwargs)
        if metrics:
            self.trainer.log(dict(metrics))

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.global_step > 0 and state.global_step % self.every_n_steps == 0:
            self._pending = self._evaluate(state, kwargs)
            control.should_log = bool(self._pending) or control.should_log

    def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None, **kwargs: Any) -> None:
        """Add the pending metrics to the trainer's log record of this step (and to its history entry)."""
        if not self._pending or logs is None:
            return
        logs.update(self._pending)
        if state.log_history and state.log_history[-1].get("step") == state.global_step:
            state.log_history[-1].update(self._pending)
        self._pending = {}
