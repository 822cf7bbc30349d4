"""Published numbers of reference judges, shown as "reported, not measured here" rows.

Every number names its source. Where only a secondary transcription of a paper's
table was reachable, the `source` says so; numbers we could not find are left
out rather than guessed. Correlations are against the paper's reference judge
(GPT-4-1106 for Vicuna/MT Bench in Prometheus 2); accuracies are fractions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Reported:
    judge: str
    benchmark: str  # key used by the adapters' `reported` field
    metric: str  # same metric names as judgesmith.metrics ("pearson", "accuracy", ...)
    value: float
    source: str
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


_P2_DA = ("Prometheus 2 paper (Kim et al. 2024, arXiv 2405.01535), direct-assessment results table, "
          "reference evaluator GPT-4-1106; transcribed from the table reproduced in "
          "rasbt/LLMs-from-scratch (ch07 score-correlation notebook)")
_P2_PW = ("Prometheus 2 paper (arXiv 2405.01535), pairwise-ranking results; as quoted by two independent "
          "secondary summaries found via search; the prometheus-eval README states '72% to 85% agreement' "
          "across HHH, MT Bench Human Judgment and Auto-J Eval")
_P1_PW = ("Prometheus paper (Kim et al. 2023, arXiv 2310.08491), HHH Alignment / MT Bench Human Judgment table "
          "(Total Avg. / Human Preference), as reproduced in the llm-blender PairRM model card")
_P1_MT = ("all MT Bench human judgments, not LLMBar's 200 no-tie pairs; the same table's random baseline "
          "of 34.26% suggests agreement including ties")

# (judge, benchmark) -> (pearson, spearman, kendall_tau), GPT-4-1106 as reference.
_DA = {
    ("Prometheus-2-7B", "vicuna"): (0.642, 0.643, 0.515),
    ("Prometheus-2-8x7B", "vicuna"): (0.685, 0.660, 0.559),
    ("Prometheus-13B (v1)", "vicuna"): (0.492, 0.492, 0.397),
    ("Prometheus-2-7B", "mt_bench"): (0.543, 0.550, 0.458),
    ("Prometheus-2-8x7B", "mt_bench"): (0.665, 0.669, 0.535),
    ("Prometheus-13B (v1)", "mt_bench"): (0.404, 0.401, 0.299),
}

REPORTED: tuple[Reported, ...] = tuple(
    Reported(judge, bench, metric, value, _P2_DA)
    for (judge, bench), values in _DA.items()
    for metric, value in zip(("pearson", "spearman", "kendall_tau"), values)
) + (
    Reported("Prometheus-2-8x7B", "hhh", "accuracy", 0.8552, _P2_PW),
    Reported("Prometheus-2-8x7B", "mt_bench_human", "accuracy", 0.7196, _P2_PW,
             "paper: all MT Bench human judgments; here LLMBar's 200 no-tie pairs stand in; tie setting not "
             "stated in the secondary sources"),
    Reported("Prometheus-2-8x7B", "autoj_pairwise", "accuracy", 0.7998, _P2_PW,
             "tie setting not stated in the secondary sources"),
    Reported("Prometheus-13B (v1)", "hhh", "accuracy", 0.7919, _P1_PW),
    Reported("Prometheus-13B (v1)", "mt_bench_human", "accuracy_ties", 0.5772, _P1_PW, _P1_MT),
    Reported("GPT-4-0613", "hhh", "accuracy", 0.8869, _P1_PW),
    Reported("GPT-4-0613", "mt_bench_human", "accuracy_ties", 0.6387, _P1_PW, _P1_MT),
)


def reported_for(benchmark: str | None) -> list[Reported]:
    """The reported rows for an adapter's `reported` key (none when the key is None)."""
    return [r for r in REPORTED if benchmark is not None and r.benchmark == benchmark]
