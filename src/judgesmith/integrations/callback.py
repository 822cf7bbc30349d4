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

With `store=DIR` every evaluation is also written into a `judgesmith compare` store
(`judgesmith.compare.store`): the answers as model `<run_name>@step-<N>`, its 1-5 grades, and its
pairs against the first evaluation's answers (the store's baseline), and the leaderboard in DIR is
redrawn, so `judgesmith compare --out DIR --report-only` (or DIR/leaderboard.md) shows the run's
checkpoints as they arrive.
"""

from __future__ import annotations

import logging
from dataclasses import replace
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
    callbacks so the reporters see its metrics). `store=DIR` also writes each evaluation into a
    `judgesmith compare` store as model `<run_name>@step-<N>` (`store_judge` names the judge there;
    default: its backend and model, or the URL).
    """

    def __init__(self, judge: Judge | str, prompts_file: str | Path | Sequence[Any], every_n_steps: int = 100,
                 max_new_tokens: int = 128, rubric: Any = "helpfulness", *, tokenizer: Any = None,
                 batch_size: int = 8, prefix: str = "judge", api_key: str | None = None,
                 judge_mode: str | None = None, store: str | Path | None = None, run_name: str = "run",
                 store_judge: str | None = None):
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
        mode = judge.config.mode if isinstance(judge, Judge) else (judge_mode or "server default")
        self.recorder = StoreRecorder(store, run_name, store_judge or _judge_name(judge), self.rubric, mode,
                                      self.prompts) if store is not None else None

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

    def _judge(self, answers: list[str], step: int = 0) -> dict:
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
        if self.recorder is not None:
            self.recorder.record(step, answers, scored, versus)
        return eval_metrics(scored, versus, self.prefix)

    def _evaluate(self, state: Any, kwargs: dict) -> dict[str, float]:
        self.answers = answers = self._answers(kwargs)
        if self.baseline is None and self.recorder is not None:
            self.recorder.start(state.global_step)
        metrics = self._judge(answers, state.global_step)
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


def _judge_name(judge: Judge | str) -> str:
    """The judge as a compare store records it: the server's URL, or backend and model."""
    if isinstance(judge, str):
        return f"serve:{judge}"
    model = getattr(getattr(judge.backend, "model", None), "name_or_path", None)
    return f"{judge.backend.name}:{model}" if model else judge.backend.name


class StoreRecorder:
    """Writes each evaluation of a training run into a `judgesmith compare` store and redraws its leaderboard."""

    def __init__(self, root: str | Path, run_name: str, judge: str, rubric: Rubric, mode: str,
                 prompts: Sequence[EvalPrompt]):
        from judgesmith.compare.inputs import Question
        from judgesmith.compare.store import CompareStore

        self.store, self.run_name, self.judge = CompareStore(root), run_name, judge
        self.rubric, self.mode = rubric, mode
        self.questions = [Question(p.id, p.instruction, None, p.reference_answer) for p in prompts]
        self.baseline: list[str] | None = None

    def name(self, step: int) -> str:
        return f"{self.run_name}@step-{step}"

    def start(self, step: int) -> None:
        """Open the store with this run's first evaluation as the baseline (a store with another one is refused)."""
        self.store.open(judge=self.judge, mode=self.mode, rubric=self.rubric.criteria, baseline=self.name(step))
        self.store.save_questions(self.questions)
        self.baseline = None

    def record(self, step: int, answers: Sequence[str], scored: Sequence[Verdict],
               versus: Sequence[Verdict] | None) -> None:
        """Answers, grades and pairs of this step, keyed like `judgesmith compare`'s; never raises."""
        from judgesmith.compare.inputs import ModelOutputs
        from judgesmith.compare.leaderboard import leaderboard
        from judgesmith.compare.report import write
        from judgesmith.compare.store import grade_key, pair_key

        try:
            name, qs = self.name(step), self.questions
            self.store.save_outputs(ModelOutputs(name, {q.id: a for q, a in zip(qs, answers)}))
            self.store.append(name, "absolute", [replace(v, id=grade_key(q, a))
                                                 for q, a, v in zip(qs, answers, scored)])
            if versus is not None and self.baseline is not None:
                self.store.append(name, "pairwise", [replace(v, id=pair_key(q, a, b))
                                                     for q, a, b, v in zip(qs, answers, self.baseline, versus)])
            self.baseline = self.baseline if self.baseline is not None else list(answers)
            write(leaderboard(self.store, n_resamples=200), self.store.root)
        except Exception as exc:  # noqa: BLE001 - a full disk or a plotting error must not stop training
            log.warning("JudgeEvalCallback: could not write the compare store %s (%s: %s)", self.store.root,
                        type(exc).__name__, exc)
