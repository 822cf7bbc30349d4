"""HHH Alignment in the Prometheus eval format (not in the bundled data: give its path)."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="hhh", title="HHH Alignment (pairwise)", kind="pairwise", source="prometheus_hhh",
    default_path=None, gold="human A/B; file hhh_alignment_eval.json from prometheus-eval", reported="hhh",
)
