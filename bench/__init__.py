"""Benchmarks printed by `make bench` (figures, never timed tests)."""
