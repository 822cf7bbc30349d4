"""Any user file of pairwise items with gold winners, read by the generic loader (give `path:`)."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="generic_pairwise", title="User file (pairwise)", kind="pairwise", source="generic",
    default_path=None, options={"kind": "pairwise"}, gold="the file's gold winner",
)
