"""Benchmarks: adapters (one file each in `adapters/`), suites, the resumable runner, reports."""
