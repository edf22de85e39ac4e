"""Order -> ticket-reserved latency, in-process bus vs Redis Streams (split deployment).

Run `python -m tests.benchmarks.latency`. Each sample: POST /api/orders returns
201, then GET /api/tickets/{id} is polled until it shows the order.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import httpx

from app.split.deployment import SplitDeployment
from tests.benchmarks.http import reservation_delay
from tests.benchmarks.server import running_server
from tests.support.api import sign_up

SAMPLES = 200


async def _measure(base: str, label: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        seller, buyer = await sign_up(http), await sign_up(http)
        await reservation_delay(http, seller, buyer, SAMPLES, label)


def main() -> None:
    with running_server() as base:
        asyncio.run(_measure(base, "in-process bus: order 201 -> ticket reserved"))
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-") as data_dir:
        split = SplitDeployment(Path(data_dir), settings={"TICKETING_LOG_LEVEL": "WARNING"})
        split.start()
        try:
            label = "Redis Streams bus (split, 2 orders replicas): order 201 -> ticket reserved"
            asyncio.run(_measure(split.base_url, label))
        finally:
            split.stop()


if __name__ == "__main__":
    main()
