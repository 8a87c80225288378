"""Benchmarks of the harness pipeline against a bare floor and the official SDK accumulators.

Run ``python -m bench.run`` (see bench/README.md). Nothing here is imported by the harness itself.
"""
