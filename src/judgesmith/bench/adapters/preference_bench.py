"""Preference-Bench (hub: prometheus-eval/Preference-Bench), pairwise, Preference Collection format."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="preference_bench", title="Preference-Bench (pairwise)", kind="pairwise", source="preference_collection",
    default_path=None, gold="GPT-4 preference; hub dataset prometheus-eval/Preference-Bench",
)
