"""Auto-J Eval pairwise: 1,392 human-labelled pairs, 373 ties; accuracy with and without ties."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="autoj_pairwise", title="Auto-J Eval (pairwise)", kind="pairwise", source="autoj_pairwise",
    default_path="prometheus/autoj_pairwise.jsonl", gold="human A/B/tie", reported="autoj_pairwise",
)
