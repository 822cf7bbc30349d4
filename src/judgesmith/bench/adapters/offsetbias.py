"""OffsetBias EvalBiasBench: 80 bias probes (positions shuffled by the loader); no ties."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="offsetbias", title="OffsetBias EvalBiasBench (pairwise)", kind="pairwise", source="offsetbias",
    default_path="offsetbias/evalbiasbench.json", gold="the unbiased response",
)
