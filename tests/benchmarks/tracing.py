"""What tracing costs: `python -m tests.benchmarks.tracing`.

The same routes on `ticketing serve` with tracing off (the default), on
(`TICKETING_TRACING=otlp`, every trace, exported to a stand-in collector in this
process) and on with one trace in ten sampled (OpenTelemetry's own
`OTEL_TRACES_SAMPLER=parentbased_traceidratio`), one stack after the other on
fresh embedded servers: GET /api/users/currentuser (a request span only) and
POST /api/tickets, counted until every event it caused was handled (a request
span and a consumer span per group that hears of it).
"""

from __future__ import annotations

import os

from tests.benchmarks.http import Bench
from tests.benchmarks.server import running_stack
from tests.support.collector import collector

SECONDS = 8.0
SAMPLED = {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"}


def measure(tracing: str, **environment: str) -> dict[str, float]:
    os.environ |= environment
    try:
        with running_stack(tracing=tracing) as stack:
            bench = Bench(stack, SECONDS, rounds=1)
            bench.currentuser()
            bench.tickets()
    finally:
        for name in environment:
            del os.environ[name]
    return {row.route: row.load.rate for row in bench.rows}


def main() -> None:
    with collector() as (collected, endpoint):
        os.environ |= {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "500"}
        off, every, tenth = measure("off"), measure("otlp"), measure("otlp", **SAMPLED)
    print(f"{'':<34} {'off':>10} {'on':>16} {'on, 1 in 10':>16}")
    for route, rate in off.items():
        print(
            f"{route:<34} {rate:6.0f} req/s {every[route]:6.0f} req/s {every[route] / rate:4.0%}"
            f" {tenth[route]:6.0f} req/s {tenth[route] / rate:4.0%}"
        )
    print(f"spans exported: {len(collected.spans)}")


if __name__ == "__main__":
    main()
