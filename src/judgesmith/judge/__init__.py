"""The judge: engine (modes, samples, swap aggregation) over pluggable backends."""

from judgesmith.judge.engine import Judge, JudgeConfig, aggregate_swap

__all__ = ["Judge", "JudgeConfig", "aggregate_swap"]
