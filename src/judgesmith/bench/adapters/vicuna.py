"""Vicuna Bench, absolute: 80 questions x 4 responses; gold = mean of three GPT-4 scores."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="vicuna", title="Vicuna Bench (absolute)", kind="absolute", source="prometheus_absolute",
    default_path="prometheus/vicuna_eval.json", gold="mean of 3 GPT-4 scores (1-5)", reported="vicuna",
)
