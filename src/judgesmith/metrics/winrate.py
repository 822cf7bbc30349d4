"""Win rates of a model against a baseline on the same prompts, raw and length-controlled.

Terms: an *outcome* is the judge's verdict on one prompt seen from the model's side: 1 the
model's output wins, 0 the baseline's wins, 0.5 a tie; `None` is a failed judgment (left out,
so n drops). A *preference* is the same in [0, 1] and may be soft (a probability).

The length-controlled win rate follows AlpacaEval 2.0 (Dubois et al. 2024, "Length-Controlled
AlpacaEval: A Simple Way to Debias Automatic Evaluators", arXiv:2404.04475), whose GLM is
`length_controlled_v1` in tatsu-lab/alpaca_eval, src/alpaca_eval/metrics/glm_winrate.py
(formula `np.tanh(std_delta_len) + instruction_difficulty + not_gamed_baseline.astype(float) - 1`,
`std_delta_len` = the character-length difference divided by its standard deviation over the
pairs, soft labels fitted as a weighted logistic regression without intercept column, and the
win rate predicted with `std_delta_len = 0`). Implemented here with numpy (Newton's method); see
`length_controlled_fit` for what is kept and what is left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from judgesmith.metrics.paired import paired_difference
from judgesmith.metrics.result import NAN, MetricResult, with_ci

OUTCOME = {"A": 1.0, "B": 0.0, "tie": 0.5}
RIDGE = 0.01  # 1/C with C = 100, alpaca_eval's `fit_LogisticRegressionCV` default C when it does not cross-validate


def outcome(winner: str | None, model_position: str = "A") -> float | None:
    """The verdict `winner` ("A", "B", "tie") as the model's outcome (1 win, 0.5 tie, 0 loss); None if failed."""
    if winner not in OUTCOME:
        return None
    value = OUTCOME[winner]
    return value if model_position == "A" else 1.0 - value


def _present(values: Sequence[float | None]) -> np.ndarray:
    return np.array([float(v) for v in values if v is not None and not math.isnan(float(v))], dtype=float)


def win_rate(outcomes: Sequence[float | None]) -> float:
    """Mean outcome over judged prompts: (wins + ties / 2) / n, ties counting half; NaN for none judged."""
    x = _present(outcomes)
    return float(x.mean()) if len(x) else NAN


def win_rate_ci(outcomes: Sequence[float | None], n_resamples: int = 1000, seed: int = 0) -> MetricResult:
    """`win_rate` with its percentile bootstrap interval over prompts (failures dropped first; n = judged)."""
    return with_ci(win_rate, _present(outcomes), n_resamples=n_resamples, seed=seed)


def paired_win_rate_difference(x: Sequence[float | None], y: Sequence[float | None], n_resamples: int = 1000,
                               seed: int = 0) -> MetricResult:
    """Win rate of model X minus model Y, both against the same baseline, on the prompts both were judged on.

    Row i of `x` and `y` is the same prompt. A paired bootstrap draws prompts once for both models, so what
    the prompts share (an easy prompt both win) cancels out; n is the number of prompts judged for both.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same prompts: {len(x)} vs {len(y)} outcomes")
    keep = [i for i in range(len(x)) if x[i] is not None and y[i] is not None]
    return paired_difference(win_rate, [float(x[i]) for i in keep], [float(y[i]) for i in keep],
                             n_resamples=n_resamples, seed=seed)


@dataclass(frozen=True)
class LengthControlledFit:
    """The fitted GLM: intercept `theta` (quality), `phi` (length), `psi` (difficulty) and the LC win rate."""

    theta: float
    phi: float
    psi: float
    win_rate: float


def _logistic(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def _objective(X: np.ndarray, p: np.ndarray, w: np.ndarray, ridge: float) -> float:
    eta = X @ w
    return float(np.sum(np.logaddexp(0.0, eta) - p * eta) + 0.5 * ridge * w @ w)


def _fit(X: np.ndarray, p: np.ndarray, ridge: float, tol: float = 1e-10) -> np.ndarray:
    """Weights minimizing sum_i [log(1 + e^(x_i w)) - p_i x_i w] + ridge/2 |w|^2 (the negative soft-label
    log-likelihood plus the ridge; convex), by Newton's method with step halving (a few cheap steps, so the
    bootstrap can refit a thousand times)."""
    w = np.zeros(X.shape[1])
    current = _objective(X, p, w, ridge)
    for _ in range(100):
        mu = _logistic(X @ w)
        grad = X.T @ (mu - p) + ridge * w
        hess = X.T @ (X * (mu * (1.0 - mu))[:, None]) + ridge * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        t, trial = 1.0, _objective(X, p, w - step, ridge)
        while trial > current and t > 1e-8:
            t /= 2
            trial = _objective(X, p, w - t * step, ridge)
        if trial > current:  # no descent left: at the optimum up to rounding
            break
        w, previous, current = w - t * step, current, trial
        if previous - current <= tol * (1.0 + abs(current)) and np.max(np.abs(t * step)) < 1e-9:
            break
    return w


def length_controlled_fit(preferences: Sequence[float], model_lengths: Sequence[float],
                          baseline_lengths: Sequence[float], difficulty: Sequence[float] | None = None,
                          ridge: float = RIDGE) -> LengthControlledFit:
    """AlpacaEval 2.0's length-controlled win rate (see the module doc for the source).

    Per prompt i with preference p_i (1: the model wins), d_i = len(model output) - len(baseline output)
    in characters and z_i = tanh(d_i / sd(d)) (sd with ddof=1 over the pairs), fit
        P(model wins on i) = logistic(theta + phi * z_i + psi * g_i)
    by maximizing sum_i p_i log P_i + (1 - p_i) log(1 - P_i) - ridge/2 * (theta^2 + phi^2 + psi^2): the
    soft-label likelihood alpaca_eval gets by duplicating each row with weights p_i and 1 - p_i. The LC win
    rate is the prediction with no length difference, mean_i logistic(theta + psi * g_i).

    g_i is AlpacaEval's instruction difficulty, a per-prompt value precomputed for its own 805 prompts;
    for other prompts pass one (e.g. from other models' verdicts) or leave it out (psi = 0). Also left
    out: AlpacaEval's regularization toward its baseline prompted to be verbose/concise (rows we do not
    have) and its L1 penalty chosen by 5-fold CV; here an L2 ridge of 1/100 keeps the fit finite when one
    side wins every pair. With no spread in d (sd 0 or under 2 pairs) the length term is dropped.
    Rows with a NaN preference are left out.
    """
    p = np.asarray(preferences, dtype=float)
    d = np.asarray(model_lengths, dtype=float) - np.asarray(baseline_lengths, dtype=float)
    g = np.zeros_like(p) if difficulty is None else np.asarray(difficulty, dtype=float)
    if not (len(p) == len(d) == len(g)):
        raise ValueError(f"preferences, lengths and difficulty differ in length: {len(p)}, {len(d)}, {len(g)}")
    keep = ~np.isnan(p)
    p, d, g = p[keep], d[keep], g[keep]
    if np.any((p < 0) | (p > 1)):
        raise ValueError("preferences must lie in [0, 1] (1: the model wins, 0.5: a tie)")
    if not len(p):
        return LengthControlledFit(NAN, NAN, NAN, NAN)
    sd = float(np.std(d, ddof=1)) if len(d) > 1 else 0.0
    z = np.tanh(d / sd) if sd > 0 else np.zeros_like(d)
    columns = [np.ones_like(p), z, g]
    used = [0] + [i for i in (1, 2) if np.any(columns[i] != 0)]
    w = np.zeros(3)
    w[used] = _fit(np.column_stack([columns[i] for i in used]), p, ridge)
    lc = float(np.mean(_logistic(w[0] + w[2] * g)))
    return LengthControlledFit(float(w[0]), float(w[1]), float(w[2]), lc)


def length_controlled_win_rate(preferences: Sequence[float], model_lengths: Sequence[float],
                               baseline_lengths: Sequence[float], difficulty: Sequence[float] | None = None) -> float:
    """The LC win rate of `length_controlled_fit` alone."""
    return length_controlled_fit(preferences, model_lengths, baseline_lengths, difficulty).win_rate


def length_controlled_ci(preferences: Sequence[float | None], model_lengths: Sequence[float],
                         baseline_lengths: Sequence[float], n_resamples: int = 1000, seed: int = 0) -> MetricResult:
    """LC win rate with a bootstrap interval: prompts resampled, the GLM (and sd of d) refitted each time.

    Failed judgments (`None`) are dropped first; n is the number of judged prompts.
    """
    rows = [(float(p), float(m), float(b)) for p, m, b in zip(preferences, model_lengths, baseline_lengths)
            if p is not None and not math.isnan(float(p))]
    if not rows:
        return MetricResult(NAN, NAN, NAN, 0)
    cols = [np.array(c) for c in zip(*rows)]
    return with_ci(length_controlled_win_rate, *cols, n_resamples=n_resamples, seed=seed)


def by_group(values: Sequence[float | None], groups: Sequence[str | None],
             metric: Callable[[Sequence[float | None], int, int], MetricResult] = win_rate_ci,
             n_resamples: int = 1000, seed: int = 0) -> dict[str, MetricResult]:
    """`metric` on the values of each group (e.g. prompt category), groups in first-seen order; None: no group."""
    if len(values) != len(groups):
        raise ValueError(f"values and groups differ in length: {len(values)} vs {len(groups)}")
    out: dict[str, MetricResult] = {}
    for name in dict.fromkeys(g for g in groups if g is not None):
        out[name] = metric([v for v, g in zip(values, groups) if g == name], n_resamples, seed)
    return out


def mean_score_ci(scores: Sequence[float | None], n_resamples: int = 1000, seed: int = 0) -> MetricResult:
    """Mean 1-5 score over the graded outputs (failures left out, n = graded) with its bootstrap interval."""
    x = _present(scores)
    return with_ci(lambda a: float(np.mean(a)) if len(a) else NAN, x, n_resamples=n_resamples, seed=seed)
