"""Speed of the classifier: throughput, latency, load time, size and memory.

The machine is shared and noisy, so a plain TfidfVectorizer + LogisticRegression
fitted on the same texts is timed in the same run and ratios are printed
beside the absolute figures.

    python bench/speed.py [--model PATH] [--texts FILE.csv] [--batch 256]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

import models
from models.data import SEEDS_PATH, read_rows


def _single_latencies(score, texts: list[str], rounds: int) -> list[float]:
    latencies = []
    for i in range(rounds):
        text = texts[i % len(texts)]
        start = time.perf_counter()
        score([text])
        latencies.append(time.perf_counter() - start)
    return latencies


def _batch_rate(score, texts: list[str], batch: int, repeat: int) -> float:
    chunks = [texts[i : i + batch] for i in range(0, len(texts), batch)]
    start = time.perf_counter()
    for _ in range(repeat):
        for chunk in chunks:
            score(chunk)
    return repeat * len(texts) / (time.perf_counter() - start)


def _measure(score, texts: list[str], batch: int) -> dict[str, float]:
    score(texts[:batch])  # warm caches before timing
    latencies = _single_latencies(score, texts, rounds=2000)
    return {
        "single_per_s": len(latencies) / sum(latencies),
        "p50_ms": statistics.median(latencies) * 1e3,
        "p99_ms": float(np.percentile(latencies, 99)) * 1e3,
        "batch_per_s": _batch_rate(score, texts, batch, repeat=3),
    }


def _measure_explain(clf, texts: list[str]) -> dict[str, float]:
    """Explanation cost per comment on distinct texts of at most 300 chars, starting with an
    empty word cache (a cold start)."""
    typical = list(dict.fromkeys(t for t in texts if len(t) <= 300))
    clf.explain(typical[0])
    clf._scorer._unit_cache.clear()
    latencies = []
    for text in typical:
        start = time.perf_counter()
        clf.explain(text)
        latencies.append(time.perf_counter() - start)
    return {"single_ms": statistics.mean(latencies) * 1e3, "p99_ms": float(np.percentile(latencies, 99)) * 1e3}


def _load_in_fresh_process(path: Path) -> tuple[float, float]:
    """Load time and peak resident memory (MB) of a new process that loads the model."""
    code = (
        "import resource, time, models\n"
        f"t = time.perf_counter(); clf = models.load({str(path)!r}); clf.score(['x'])\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="artifact (default: the committed one)")
    parser.add_argument("--texts", type=Path, default=SEEDS_PATH, help="CSV whose text column is scored")
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args(argv)

    path = args.model or models.default_path()
    rows = read_rows(args.texts)
    texts = [r["text"] for r in rows]
    labels = [int(float(r["label"])) for r in rows]
    texts = (texts * (2048 // len(texts) + 1))[:2048]
    labels = (labels * (2048 // len(labels) + 1))[:2048]

    load_s, rss_mb = _load_in_fresh_process(path)
    clf = models.load(path)
    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)

    # One core, as the targets are stated per core.
    with threadpool_limits(1):
        ours = _measure(clf.score, texts, args.batch)
        base = _measure(baseline.predict_proba, texts, args.batch)

    print(f"model {path} version {clf.version}")
    print(f"texts: {len(texts)} from {args.texts.name}, mean length {np.mean([len(t) for t in texts]):.0f} chars")
    print(f"artifact size        {os.path.getsize(path) / 1e6:8.2f} MB   (target <= 100 MB)")
    print(f"load time            {load_s:8.2f} s    (target <= 3 s, fresh process)")
    print(f"resident memory      {rss_mb:8.1f} MB   (peak RSS of a process with the model loaded)")
    print(f"this process RSS     {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MB")
    with threadpool_limits(1):
        explain = _measure_explain(clf, texts)
    typical = set(t for t in texts if len(t) <= 300)
    print(f"explain one comment  {explain['single_ms']:8.3f} ms   (target <= 0.3 ms; mean of {len(typical)} texts <= 300 chars, p99 {explain['p99_ms']:.3f} ms)")
    print(f"{'':22}{'ours':>10}{'baseline':>10}{'ratio':>8}")
    for key, label, target in [
        ("single_per_s", "single comments/s", ""),
        ("p50_ms", "single p50 ms", ""),
        ("p99_ms", "single p99 ms", "  (target <= 2 ms)"),
        ("batch_per_s", f"batch {args.batch} comments/s", "  (target >= 5000/s)"),
    ]:
        print(f"{label:<22}{ours[key]:>10.2f}{base[key]:>10.2f}{ours[key] / base[key]:>8.2f}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
