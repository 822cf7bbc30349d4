"""Benchmarks: the registry (`adapters`: the dataset catalogue's benchmark rows), suites, the resumable runner, reports."""
