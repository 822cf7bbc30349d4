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
    """Training tokens of the whole run, across resumes, from the trainer state: every log with TRL's
    `num_tokens` also gets `tokens_total`, and at the end of training `total` is the state's count.

    The trainer counts `num_input_tokens_seen` on every micro-batch (non-padding tokens, as TRL's
    `num_tokens`; `sft_config` turns it on) and saves it in each checkpoint, so a resumed run goes on
    from the exact count at its checkpoint, and the end count does not depend on which step was logged
    last. TRL's own `num_tokens` restarts from zero in each process. A checkpoint written before the
    state counted (0 there at a later step) takes its last logged total as the offset. Add this callback
    before the ones that read `tokens_total` (they see the same `logs` dict).
    """

    def __init__(self) -> None:
        self.offset = 0
        self.total: Optional[int] = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        self.offset = self._legacy_offset(state) if state.global_step > 0 and not state.num_input_tokens_seen else 0
        self.total = self._count(state) or None

    @staticmethod
    def _legacy_offset(state: Any) -> int:
        before = [e for e in state.log_history if e.get("step", 0) <= state.global_step]
        key = TOTAL if any(TOTAL in e for e in before) else "num_tokens"
        logged = [e for e in before if key in e]
        if logged and logged[-1].get("step") != state.global_step:
            log.warning("resuming at step %d from a checkpoint without a token count; tokens were last logged at "
                        "step %d, so the steps between are not counted in tokens_total", state.global_step,
                        logged[-1].get("step"))
        return int(logged[-1][key]) if logged else 0

    def _count(self, state: Any) -> int:
        return self.offset + int(state.num_input_tokens_seen or 0)

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[dict] = None, **kw: Any) -> None:
        if not logs or "num_tokens" not in logs:
            return
        self.total = logs[TOTAL] = self._count(state)
        last = state.log_history[-1] if state.log_history else None
        if last is not None and last.get("num_tokens") == logs["num_tokens"]:
            last[TOTAL] = self.total

    def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        self.total = self._count(state)


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
