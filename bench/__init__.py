"""Benchmarks and the matcher evaluation (`python -m bench.evaluate`, `python -m bench.speed`)."""
