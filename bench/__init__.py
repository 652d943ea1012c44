"""Benchmarks: `make bench-load` (bench/load.py), `make bench-moderation` (bench/reports_and_queues.py) and the small apps they serve."""
