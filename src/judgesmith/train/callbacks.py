"""Trainer callbacks: a progress bar with loss, tokens/s and ETA, and a JSONL metrics log.

The metrics log is appended to (never truncated), so a resumed run keeps the
history of the interrupted one; each line carries the step it belongs to.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

from transformers import TrainerCallback


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
