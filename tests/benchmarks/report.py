"""Printing figures: latency percentiles and rates, the same way in every benchmark."""

from __future__ import annotations

import json
import os
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil

if TYPE_CHECKING:
    from tests.benchmarks.load import Load


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


class CpuMeter:
    """CPU used by some processes (and their children) over a stretch, as % of one core."""

    def __init__(self, **processes: psutil.Process):
        self._processes = processes
        self._start = {name: _cpu_seconds(p) for name, p in processes.items()}
        self._started = time.perf_counter()

    def shares(self) -> dict[str, float]:
        wall = time.perf_counter() - self._started
        return {
            name: 100 * (_cpu_seconds(process) - self._start[name]) / wall
            for name, process in self._processes.items()
        }


def _cpu_seconds(process: psutil.Process) -> float:
    total = 0.0
    for one in [process, *process.children(recursive=True)]:
        try:
            times = one.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


@dataclass(frozen=True)
class Row:
    route: str
    load: Load
    cpu: dict[str, float]  # % of one core: "app", "database"
    ceiling_name: str
    ceiling: Load

    def as_json(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "rate": self.load.rate,
            "p50_ms": self.load.p50_ms,
            "p99_ms": self.load.p99_ms,
            "errors": self.load.errors,
            "requests": self.load.requests,
            "tool": self.load.tool,
            "cpu": self.cpu,
            "ceiling": {"name": CEILINGS[self.ceiling_name], "rate": self.ceiling.rate},
            "of_ceiling": self.load.rate / self.ceiling.rate if self.ceiling.rate else None,
        }


CEILINGS = {
    "bare": "bare Litestar route",
    "transaction": "2-document transaction",
    "find": "plain find of 100",
}


def print_table(rows: list[Row], extra: dict[str, Any], elapsed: float) -> None:
    print(
        f"\n{'route':34} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'app CPU':>7} {'db CPU':>7}  {'ceiling':24} {'req/s':>7} {'ours':>5}"
    )
    for row in rows:
        ceiling = row.ceiling.rate
        print(
            f"{row.route:34} {row.load.rate:7.0f} {row.load.p50_ms:7.1f} {row.load.p99_ms:7.1f} "
            f"{row.load.errors:6d} {row.cpu['app']:6.0f}% {row.cpu['database']:6.0f}%  "
            f"{CEILINGS[row.ceiling_name]:24} {ceiling:7.0f} {row.load.rate / ceiling:5.0%}"
        )
    for number, one in enumerate(extra.get("tickets_rounds", []), start=1):
        print(
            f"  POST /api/tickets round {number}: {one['rate']:.0f} req/s handled "
            f"({one['requests']} in {one['seconds']:.1f} s, backlog drained {one['drain_s']:.2f} s "
            "after the load stopped)"
        )
    for key, label in (
        ("reserved_in_process_ms", "one process"),
        ("reserved_on_redis_ms", "Redis"),
    ):
        if key in extra:
            figures = extra[key]
            print(
                f"  order 201 -> ticket reserved, idle, {label}: "
                f"p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms"
            )
    print(f"  ({elapsed:.0f} s in all; load average {os.getloadavg()[0]:.1f} at the end)")


def save(path: str, rows: list[Row], extra: dict[str, Any]) -> Path:
    """The run's figures as JSON, at `path` and beside it with the time in the name."""
    figures = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "rows": [row.as_json() for row in rows],
        **extra,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2)
    target.write_text(text)
    target.with_name(f"{figures['at'].replace(':', '')}.json").write_text(text)
    return target
