"""Quality targets checked against a bench's results: the report says, per target, met or missed and by how much.

A target names a model (default `merged`), a benchmark and a metric, and one or more bars:
- `at_least`: the model's value (point estimate) is at least this (fractions for accuracies: 0.65);
- `over_baseline`: the paired difference to the baseline on the same items is at least this;
- `ci_above_zero`: the lower end of that difference's bootstrap interval is above zero.
`benchmark` is a benchmark key (`vicuna`), `pooled pairwise` (the paired rows pooled over the pairwise
sets) or `all pairwise` (the metric pooled over every pairwise set, weighted by pairs: swap
consistency). Targets are read only from `results.json`: changing them re-renders the report, it
does not rerun the bench.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, model_validator

ALL_PAIRWISE = "all pairwise"
PLAIN = {"pearson", "spearman", "kendall_tau", "mae", "auroc"}  # shown as numbers; the rest as percentages


class TargetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    benchmark: str
    metric: str
    model: str = "merged"
    at_least: Optional[float] = None
    over_baseline: Optional[float] = None
    ci_above_zero: bool = False

    @model_validator(mode="after")
    def _has_a_bar(self) -> "TargetSpec":
        if self.at_least is None and self.over_baseline is None and not self.ci_above_zero:
            raise ValueError(f"target {self.benchmark} {self.metric}: give at_least, over_baseline or "
                             "ci_above_zero")
        return self


@dataclass(frozen=True)
class Observed:
    value: Optional[float]
    baseline: Optional[float]
    diff: Optional[dict[str, Any]]  # the paired difference {value, low, high, n}, when the report has one


@dataclass(frozen=True)
class TargetCheck:
    spec: TargetSpec
    observed: Observed
    misses: tuple[str, ...]  # empty: met

    @property
    def met(self) -> bool:
        return self.observed.value is not None and not self.misses


def pooled(results: dict[str, Any], model: str, metric: str) -> tuple[Optional[float], float]:
    """(the metric over every pairwise set of the model, weighted by each set's n; that total n)."""
    hits = total = 0.0
    for entry in results.get("results", []):
        m = entry.get("metrics", {}).get(metric) if entry["model"] == model and entry.get("kind") != "absolute" else None
        if m and m.get("n") and m.get("value") is not None:
            hits, total = hits + m["value"] * m["n"], total + m["n"]
    return (hits / total if total else None), total


def _value(results: dict[str, Any], model: str, benchmark: str, metric: str) -> Optional[float]:
    if benchmark == ALL_PAIRWISE:
        return pooled(results, model, metric)[0]
    for entry in results.get("results", []):
        if entry["model"] == model and entry["benchmark"] == benchmark:
            return (entry.get("metrics", {}).get(metric) or {}).get("value")
    return None


def observe(results: dict[str, Any], spec: TargetSpec) -> Observed:
    """The model's value, the baseline's, and the paired difference where the report computed one."""
    paired = results.get("paired") or {}
    for row in paired.get("rows") or []:
        if (row["model"], row["benchmark"], row["metric"]) == (spec.model, spec.benchmark, spec.metric):
            return Observed(row.get("value"), row.get("baseline_value"), row.get("difference"))
    baseline = paired.get("baseline", "base")
    return Observed(_value(results, spec.model, spec.benchmark, spec.metric),
                    _value(results, baseline, spec.benchmark, spec.metric), None)


def check(results: dict[str, Any], spec: TargetSpec) -> TargetCheck:
    obs, misses = observe(results, spec), []
    if obs.value is None:
        misses.append("not measured")
    elif spec.at_least is not None and obs.value < spec.at_least:
        misses.append(f"{show(spec.metric, obs.value)} < {show(spec.metric, spec.at_least)}")
    gain = obs.diff.get("value") if obs.diff else (
        obs.value - obs.baseline if obs.value is not None and obs.baseline is not None else None)
    if spec.over_baseline is not None and (gain is None or gain < spec.over_baseline):
        misses.append("no baseline" if gain is None else
                      f"gain {show(spec.metric, gain, True)} < {show(spec.metric, spec.over_baseline, True)}")
    if spec.ci_above_zero:
        low = obs.diff.get("low") if obs.diff else None
        if low is None or low <= 0:
            misses.append("no paired interval" if low is None else f"CI lower end {show(spec.metric, low, True)} <= 0")
    return TargetCheck(spec, obs, tuple(misses))


def show(metric: str, x: Optional[float], signed: bool = False) -> str:
    if x is None:
        return "n/a"
    sign = "+" if signed else ""
    return f"{x:{sign}.3f}" if metric in PLAIN else f"{x * 100:{sign}.1f}%"


def bars(spec: TargetSpec) -> str:
    parts = [f">= {show(spec.metric, spec.at_least)}" if spec.at_least is not None else "",
             f"baseline {show(spec.metric, spec.over_baseline, True)}" if spec.over_baseline is not None else "",
             "paired CI above 0" if spec.ci_above_zero else ""]
    return "; ".join(p for p in parts if p)


def rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per target of `results["targets"]`: what, bar, value, baseline, difference, result."""
    out = []
    for raw in results.get("targets") or []:
        c = check(results, TargetSpec.model_validate(raw))
        s, d = c.spec, c.observed.diff
        diff = (f"{show(s.metric, d.get('value'), True)} [{show(s.metric, d.get('low'), True)}, "
                f"{show(s.metric, d.get('high'), True)}]") if d else ""
        out.append([f"{s.model}: {s.benchmark} {s.metric}", bars(s), show(s.metric, c.observed.value),
                     show(s.metric, c.observed.baseline), diff, "met" if c.met else "missed: " + "; ".join(c.misses)])
    return out
