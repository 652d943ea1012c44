"""Benchmarks: `make bench-load` (bench/load.py) and the small apps it serves."""
