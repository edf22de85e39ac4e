"""HTTP benchmark of a single-process server, one uvicorn worker: run `make bench`.

Reads with wrk (Debian's `wrk`, when installed) on GET /api/users/currentuser
and GET /api/tickets (100 tickets listed); then POST /api/orders throughput and
the time from an order's 201 to its ticket showing as reserved.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time

import httpx

from tests.benchmarks.report import latency_line
from tests.benchmarks.server import running_server
from tests.support.api import Account, create_ticket, sign_up

WRK_SECONDS = 10
CONNECTIONS = 32


def main() -> None:
    with running_server() as base:
        asyncio.run(_run(base))


async def _run(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        seller = await sign_up(http)
        for number in range(100):
            await _create_ticket(http, seller, number)
        _wrk(base, "/api/users/currentuser", seller.cookie)
        _wrk(base, "/api/tickets", seller.cookie)
        await _orders(http, seller)


def _wrk(base: str, path: str, cookie: str) -> None:
    if not shutil.which("wrk"):
        print(f"GET {path}: skipped, `wrk` is not installed (apt-get install wrk)")
        return
    command = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{WRK_SECONDS}s",
        "--latency",
        "-H",
        f"Cookie: session={cookie}",
        f"{base}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latencies = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE))
    print(
        f"GET {path}: {float(rate.group(1)) if rate else 0:.0f} req/s "
        f"(wrk, 1 thread, {CONNECTIONS} connections, {WRK_SECONDS}s) "
        f"p50={latencies.get('50')} p90={latencies.get('90')} p99={latencies.get('99')}"
    )


async def _orders(http: httpx.AsyncClient, seller: Account, count: int = 400) -> None:
    tickets = [await _create_ticket(http, seller, n) for n in range(count + 1)]
    buyers = [await sign_up(http) for _ in range(CONNECTIONS)]
    await _order_once_known(http, buyers[0], tickets.pop())  # the last one is replicated too
    latencies: list[float] = []

    async def buyer_loop(buyer: Account) -> None:
        while tickets:
            ticket_id = tickets.pop()
            started = time.perf_counter()
            response = await http.post(
                "/api/orders", json={"ticketId": ticket_id}, headers=buyer.headers
            )
            assert response.status_code == 201, response.text
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(buyer_loop(buyer) for buyer in buyers))
    elapsed = time.perf_counter() - started
    print(f"POST /api/orders: {count / elapsed:.0f} req/s ({CONNECTIONS} concurrent buyers)")
    print(latency_line("POST /api/orders latency", latencies))
    await reservation_delay(http, seller, buyers[0], 200, "order 201 -> ticket reserved")


async def reservation_delay(
    http: httpx.AsyncClient, seller: Account, buyer: Account, samples: int, label: str
) -> None:
    """One order at a time: from the 201 until GET /api/tickets/{id} shows the orderId.

    Samples start once a reservation shows within half a second, so a backlog
    left by an earlier run is not measured as latency.
    """
    while await _one_reservation(http, seller, buyer) > 0.5:
        pass
    delays = [await _one_reservation(http, seller, buyer) for _ in range(samples)]
    print(latency_line(label, delays))


async def _one_reservation(http: httpx.AsyncClient, seller: Account, buyer: Account) -> float:
    ticket_id = await _create_ticket(http, seller, 0)
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


async def _create_ticket(http: httpx.AsyncClient, seller: Account, number: int) -> str:
    return (await create_ticket(http, seller, title=f"Show {number}", price=25))["id"]


if __name__ == "__main__":
    main()
