"""Judging protocols: how verdicts are produced and which number of a verdict the metrics read.

- `default`: greedy, one sample; pairwise judged in both orders (a tie when the
  orders disagree within the engine's tolerance). Correlations use the discrete
  score in generate mode and the distribution expectation (`expected_score`) in
  score mode.
- `prometheus`: as in the Prometheus 2 evaluation code: generate mode,
  temperature 1.0, 3 samples; correlations on the mean of the 3 scores
  (`Verdict.mean_score`), exact match on the first parsed sample; pairwise on the
  first sample, one order only.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgesmith.judge.engine import JudgeConfig
from judgesmith.records import Verdict

PROTOCOLS = ("default", "prometheus")


@dataclass(frozen=True)
class Protocol:
    name: str = "default"
    mode: str = "generate"
    batch_size: int = 8
    max_new_tokens: int = 256

    def __post_init__(self) -> None:
        if self.name not in PROTOCOLS:
            raise ValueError(f"protocol must be one of {PROTOCOLS}, got {self.name!r}")
        if self.name == "prometheus" and self.mode != "generate":
            raise ValueError("--protocol prometheus samples feedback at temperature 1.0: use --mode generate")

    def judge_config(self, kind: str) -> JudgeConfig:
        """The engine settings for absolute or pairwise items under this protocol."""
        if self.name == "prometheus":
            return JudgeConfig(mode="generate", n=3, temperature=1.0, swap=False,
                               batch_size=self.batch_size, max_new_tokens=self.max_new_tokens)
        return JudgeConfig(mode=self.mode, n=1, temperature=0.0, swap=kind == "pairwise",
                           batch_size=self.batch_size, max_new_tokens=self.max_new_tokens)

    def describe(self) -> str:
        if self.name == "prometheus":
            return ("prometheus: generate mode, temperature 1.0, 3 samples; correlations on the mean of the "
                    "3 scores, exact match on the first parsed sample; pairwise on the first sample, one order")
        what = "distribution expectation (one forward pass)" if self.mode == "score" else "discrete score"
        return (f"default: {self.mode} mode, greedy, 1 sample; correlations on the {what}; "
                "pairwise judged in both orders (tie when they disagree within tolerance)")

    def absolute_prediction(self, v: Verdict) -> tuple[float | None, int | None]:
        """(continuous value for correlations/MAE, integer score for exact match); None = failed."""
        if not v.parse_ok and v.score is None:
            return None, None
        if self.name == "prometheus":
            return v.mean_score, v.score
        if self.mode == "score":
            return v.expected_score, v.score
        return (float(v.score) if v.score is not None else None), v.score

    def pairwise_prediction(self, v: Verdict) -> str | None:
        """Predicted "A", "B", "tie" or None (parse failure)."""
        if self.name == "prometheus" and v.samples:
            first = v.samples[0]
            return first.winner if first.parse_ok else None
        return v.winner if v.parse_ok else None
