"""LLMBar Processed FairEval: 66 no-tie pairs."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="llmbar_faireval", title="LLMBar Processed FairEval (pairwise)", kind="pairwise", source="llmbar",
    default_path="llmbar/Processed_FairEval.json", gold="human A/B (ties removed)",
)
