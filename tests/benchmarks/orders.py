"""Orders under load, and the time from an order's 201 until its ticket shows as reserved."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from app.split.deployment import SplitDeployment
from tests.benchmarks.load import Load
from tests.benchmarks.report import percentile
from tests.benchmarks.server import NO_ABUSE_LIMITS
from tests.support.api import Account, create_ticket, sign_up

BUYERS = 32
ORDERS = 400
SAMPLES = 100


async def order_rush(base: str, seller: Account) -> Load:
    """BUYERS buyers at once, each ordering one ticket after another until ORDERS are placed."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        tickets = [await _ticket(http, seller) for _ in range(ORDERS + 1)]
        buyers = [await sign_up(http) for _ in range(BUYERS)]
        await _order_once_known(http, buyers[0], tickets.pop())  # the last one is replicated too
        latencies: list[float] = []
        errors = 0

        async def buyer_loop(buyer: Account) -> None:
            nonlocal errors
            while tickets:
                ticket_id = tickets.pop()
                started = time.perf_counter()
                response = await http.post(
                    "/api/orders", json={"ticketId": ticket_id}, headers=buyer.headers
                )
                errors += response.status_code != 201
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(buyer_loop(buyer) for buyer in buyers))
        elapsed = time.perf_counter() - started
    return Load(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.5) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        errors=errors,
        tool="httpx",
    )


async def reservation_delays(base: str, samples: int = SAMPLES) -> dict[str, float]:
    """One order at a time, idle otherwise: from the 201 until GET /api/tickets/{id} shows it.

    Samples start once a reservation shows within half a second, so a backlog left by
    an earlier run is not measured as latency.
    """
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        seller, buyer = await sign_up(http), await sign_up(http)
        while await _one_reservation(http, seller, buyer) > 0.5:
            pass
        delays = [await _one_reservation(http, seller, buyer) for _ in range(samples)]
    return {
        "p50": percentile(delays, 0.5) * 1000,
        "p99": percentile(delays, 0.99) * 1000,
        "samples": samples,
    }


def split_reservation_delays(samples: int = SAMPLES) -> dict[str, float]:
    """The same on the Redis Streams bus: every module its own process, two orders replicas."""
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-split-") as data_dir:
        settings = {"TICKETING_LOG_LEVEL": "WARNING"}
        settings |= {f"TICKETING_{key.upper()}": value for key, value in NO_ABUSE_LIMITS.items()}
        split = SplitDeployment(Path(data_dir), settings=settings)
        split.start()
        try:
            return asyncio.run(reservation_delays(split.base_url, samples))
        finally:
            split.stop()


async def _one_reservation(http: httpx.AsyncClient, seller: Account, buyer: Account) -> float:
    ticket_id = await _ticket(http, seller)
    response = await _order_once_known(http, buyer, ticket_id)
    returned = time.perf_counter()
    order_id = response.json()["id"]
    while (await http.get(f"/api/tickets/{ticket_id}")).json()["orderId"] != order_id:
        await asyncio.sleep(0.001)
    return time.perf_counter() - returned


async def _order_once_known(
    http: httpx.AsyncClient, buyer: Account, ticket_id: str
) -> httpx.Response:
    """Orders answers 404 until it has heard ticket.created; retry until it knows the ticket."""
    while True:
        response = await http.post(
            "/api/orders", json={"ticketId": ticket_id}, headers=buyer.headers
        )
        if response.status_code != 404:
            assert response.status_code == 201, response.text
            return response
        await asyncio.sleep(0.001)


async def _ticket(http: httpx.AsyncClient, seller: Account) -> str:
    return (await create_ticket(http, seller, title="Show", price=25))["id"]
