"""MT-Bench, absolute: 80 questions x 4 responses; gold = mean of three GPT-4 scores."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="mt_bench", title="MT-Bench (absolute)", kind="absolute", source="prometheus_absolute",
    default_path="prometheus/mt_bench_eval.json", gold="mean of 3 GPT-4 scores (1-5)", reported="mt_bench",
)
