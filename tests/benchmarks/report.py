"""Printing figures: latency percentiles and rates, the same way in every benchmark."""

from __future__ import annotations

import statistics


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_line(label: str, seconds: list[float]) -> str:
    millis = [s * 1000 for s in seconds]
    return (
        f"{label}: n={len(millis)} p50={percentile(millis, 0.50):.1f} ms "
        f"p90={percentile(millis, 0.90):.1f} ms p99={percentile(millis, 0.99):.1f} ms "
        f"max={max(millis):.1f} ms mean={statistics.fmean(millis):.1f} ms"
    )
