"""Feedback-Bench (hub: prometheus-eval/Feedback-Bench), absolute, Feedback Collection format."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="feedback_bench", title="Feedback-Bench (absolute)", kind="absolute", source="feedback_collection",
    default_path=None, gold="GPT-4 score; hub dataset prometheus-eval/Feedback-Bench", reported="feedback_bench",
)
