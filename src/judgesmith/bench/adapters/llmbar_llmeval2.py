"""LLMBar Processed LLMEval^2: 200 no-tie pairs."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="llmbar_llmeval2", title="LLMBar Processed LLMEval^2 (pairwise)", kind="pairwise", source="llmbar",
    default_path="llmbar/Processed_LLMEval22.json", gold="human A/B (ties removed)",
)
