"""LLMBar Processed MT-Bench: 200 no-tie human-judged pairs, the stand-in for MT Bench Human Judgment."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="llmbar_mtbench", title="LLMBar Processed MT-Bench (pairwise)", kind="pairwise", source="llmbar",
    default_path="llmbar/Processed_MT-Bench.json", gold="human A/B (ties removed)", reported="mt_bench_human",
)
