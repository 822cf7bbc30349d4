"""The judge in a TRL / transformers training loop.

- `JudgeReward` / `AsyncJudgeReward`: reward functions for `GRPOTrainer`, `RLOOTrainer` and any
  trainer taking `reward_funcs`.
- `JudgeEvalCallback`: judges the model's answers to a fixed prompt set while it trains.

`JudgeEvalCallback` subclasses transformers' `TrainerCallback`, so it is imported on first use:
`from judgesmith.integrations.trl import JudgeReward` does not load transformers.
"""

from __future__ import annotations

from typing import Any

from judgesmith.integrations.reward import AsyncJudgeReward, JudgeReward, absolute_reward, win_probability

__all__ = ["AsyncJudgeReward", "JudgeEvalCallback", "JudgeReward", "absolute_reward", "win_probability"]


def __getattr__(name: str) -> Any:
    if name == "JudgeEvalCallback":
        from judgesmith.integrations.callback import JudgeEvalCallback

        return JudgeEvalCallback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
