"""Benchmark cases, one module per area; each exposes CASES = [(name, limit, make)]."""
