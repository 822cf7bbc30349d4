"""LLMBar Natural: 100 pairs where one output follows the instruction; no ties."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="llmbar_natural", title="LLMBar Natural (pairwise)", kind="pairwise", source="llmbar",
    default_path="llmbar/LLMBar_Natural.json", gold="expert A/B",
)
