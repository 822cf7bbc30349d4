"""Any user file of absolute items with gold scores, read by the generic loader (give `path:`)."""

from judgesmith.bench.benchmark import Benchmark

BENCHMARK = Benchmark(
    name="generic_absolute", title="User file (absolute)", kind="absolute", source="generic",
    default_path=None, options={"kind": "absolute"}, gold="the file's gold score",
)
