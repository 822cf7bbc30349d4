"""Trainer callbacks: a progress bar with loss, tokens/s and ETA, a JSONL metrics log, and a
token count that survives resumes.

The metrics log is appended to (never truncated), so a resumed run keeps the
history of the interrupted one; each line carries the step it belongs to.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Optional

from transformers import TrainerCallback

log = logging.getLogger(__name__)


TOTAL = "tokens_total"


class TokenCounter(TrainerCallback):
    """Training tokens of the whole run, across resumes: every log with TRL's `num_tokens` also gets
    `tokens_total`.

    TRL counts `num_tokens` from zero in each process, so after a resume it holds only the tokens
    since the checkpoint, and a run interrupted twice would report a fraction of its budget. The
    total is also written into the trainer's log history, which each checkpoint saves, so the count
    at the checkpoint a run resumes from is the offset of the next invocation. Add it before the
    callbacks that read `tokens_total` (they see the same `logs` dict).
    """

    def __init__(self) -> None:
        self.offset = 0
        self.total: Optional[int] = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        before = [e for e in state.log_history if e.get("step", 0) <= state.global_step]
        # a checkpoint written before this callback existed has only TRL's count since its start
        key = TOTAL if any(TOTAL in e for e in before) else "num_tokens"
        logged = [e for e in before if key in e]
        self.offset = int(logged[-1][key]) if logged and state.global_step > 0 else 0
        self.total = self.offset or None
        if logged and state.global_step > 0 and logged[-1].get("step") != state.global_step:
            log.warning("resuming at step %d, but tokens were last logged at step %d: the steps between are "
                        "not counted in tokens_total (make save_steps a multiple of logging_steps)",
                        state.global_step, logged[-1].get("step"))

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[dict] = None, **kw: Any) -> None:
        if not logs or "num_tokens" not in logs:
            return
        self.total = logs[TOTAL] = self.offset + int(logs["num_tokens"])
        last = state.log_history[-1] if state.log_history else None
        if last is not None and last.get("num_tokens") == logs["num_tokens"]:
            last[TOTAL] = self.total


class ProgressBar(TrainerCallback):
    """tqdm bar over optimizer steps; tqdm's own ETA, plus loss and tokens/s from the trainer's logs."""

    def __init__(self) -> None:
        self.bar: Any = None
        self._mark: Optional[tuple[float, float]] = None  # (time, tokens seen) at the last log
        self._postfix: dict[str, str] = {}

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        from tqdm.auto import tqdm

        if state.is_world_process_zero:
            self.bar = tqdm(total=state.max_steps, initial=state.global_step, desc="train", unit="step",
                            dynamic_ncols=True)
        self._mark = None

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if self.bar is not None:
            self.bar.update(state.global_step - self.bar.n)

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[dict] = None, **kw: Any) -> None:
        if self.bar is None or not logs:
            return
        now = time.monotonic()
        if "num_tokens" in logs:
            if self._mark is not None and now > self._mark[0] and logs["num_tokens"] >= self._mark[1]:
                self._postfix["tok/s"] = f"{(logs['num_tokens'] - self._mark[1]) / (now - self._mark[0]):.0f}"
            self._mark = (now, float(logs["num_tokens"]))
        for key, label in (("loss", "loss"), ("eval_loss", "eval")):
            if key in logs:
                self._postfix[label] = f"{logs[key]:.4f}"
        self.bar.set_postfix(self._postfix, refresh=False)

    def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class JsonlLogger(TrainerCallback):
    """Append every log event (train/eval metrics) as one JSON line: `{"step", "epoch", "time", ...}`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def write(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=float) + "\n")

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if state.is_world_process_zero:
            self.write({"event": "train_begin", "step": state.global_step, "max_steps": state.max_steps,
                        "world_size": args.world_size, "time": time.time()})

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[dict] = None, **kw: Any) -> None:
        if state.is_world_process_zero and logs:
            self.write({"step": state.global_step, "epoch": state.epoch, "time": time.time(), **logs})
