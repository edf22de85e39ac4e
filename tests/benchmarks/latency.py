"""Order -> ticket-reserved latency when idle, in-process bus vs Redis Streams (split deployment).

Run `python -m tests.benchmarks.latency` (also part of `make bench`). Each sample:
POST /api/orders returns 201, then GET /api/tickets/{id} is polled until it shows the order.
"""

from __future__ import annotations

import asyncio

from tests.benchmarks.orders import reservation_delays, split_reservation_delays
from tests.benchmarks.server import running_server


def main() -> None:
    with running_server() as base:
        in_process = asyncio.run(reservation_delays(base))
    on_redis = split_reservation_delays()
    for label, figures in (("in-process bus", in_process), ("Redis Streams, split", on_redis)):
        print(
            f"{label}: order 201 -> ticket reserved p50 {figures['p50']:.1f} ms, "
            f"p99 {figures['p99']:.1f} ms ({figures['samples']:.0f} samples)"
        )


if __name__ == "__main__":
    main()
