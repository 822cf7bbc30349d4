"""PandaLM test set: 999 pairs, majority of three annotators, ties included."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="pandalm", title="PandaLM test set (pairwise)", kind="pairwise", source="pandalm",
    default_path="pandalm/testset-v1.json", gold="majority of 3 annotators, A/B/tie",
)
