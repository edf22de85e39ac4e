"""Flash sale: 1,000 buyers race for 100 tickets (10 per ticket), in one process and split.

Run `python -m tests.benchmarks.flash_sale` (`--buyers`, `--tickets`, `--only one|split`).
Prints, per deployment: orders placed (must be exactly one per ticket), server errors
(must be 0), the time from the first order to every ticket showing as reserved, the
order requests' p50/p99, and for one process its resident memory after the sale.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil

from app.split.deployment import SplitDeployment
from tests.benchmarks.report import CpuMeter, percentile
from tests.benchmarks.server import NO_ABUSE_LIMITS, running_stack
from tests.support.api import Account, create_ticket, sign_up

NOT_KNOWN_YET = 404  # orders answers 404 until it has heard of the ticket
SIGN_UPS_AT_ONCE = 16


async def flash_sale(
    base: str, buyers: int, tickets: int, watched: dict[str, psutil.Process] | None = None
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=buyers, max_keepalive_connections=buyers)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        seller = await sign_up(http)
        ticket_ids = [(await create_ticket(http, seller, "Sale", 25))["id"] for _ in range(tickets)]
        people = await _sign_up_many(http, buyers)
        latencies: list[float] = []

        async def buy(n: int, buyer: Account) -> httpx.Response:
            while True:
                started = time.perf_counter()
                response = await http.post(
                    "/api/orders", json={"ticketId": ticket_ids[n % tickets]}, headers=buyer.headers
                )
                if response.status_code != NOT_KNOWN_YET:
                    latencies.append(time.perf_counter() - started)
                    return response
                await asyncio.sleep(0.05)

        meter = CpuMeter(**(watched or {}))
        started = time.perf_counter()
        responses = await asyncio.gather(*(buy(n, buyer) for n, buyer in enumerate(people)))
        answered = time.perf_counter() - started
        await _all_reserved(http, set(ticket_ids))
        settled = time.perf_counter() - started
        cpu = meter.shares()
    statuses = Counter(response.status_code for response in responses)
    return {
        "buyers": buyers,
        "tickets": tickets,
        "orders": statuses[201],
        "refused": statuses[400],
        "server_errors": sum(n for status, n in statuses.items() if status >= 500),
        "statuses": dict(statuses),
        "answered_s": answered,
        "settled_s": settled,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "cpu": cpu,
    }


async def _sign_up_many(http: httpx.AsyncClient, count: int) -> list[Account]:
    accounts: list[Account] = []
    while len(accounts) < count:
        batch = min(SIGN_UPS_AT_ONCE, count - len(accounts))
        accounts += await asyncio.gather(*(sign_up(http) for _ in range(batch)))
    return accounts


async def _all_reserved(
    http: httpx.AsyncClient, ticket_ids: set[str], timeout: float = 120
) -> None:
    """Settled: none of the sale's tickets is listed on sale any more."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        listed = {ticket["id"] for ticket in (await http.get("/api/tickets")).json()}
        if not listed & ticket_ids:
            return
        await asyncio.sleep(0.02)
    raise RuntimeError(f"tickets still on sale after {timeout:g} s")


def in_one_process(buyers: int, tickets: int) -> dict[str, Any]:
    with running_stack() as stack:
        watched = {"app": stack.app, "database": stack.database}
        figures = asyncio.run(flash_sale(stack.base, buyers, tickets, watched))
        figures["app_rss_mb"] = stack.app.memory_info().rss / 2**20
    return figures


def split(buyers: int, tickets: int) -> dict[str, Any]:
    settings = {f"TICKETING_{key.upper()}": value for key, value in NO_ABUSE_LIMITS.items()}
    with tempfile.TemporaryDirectory(prefix="ticketing-bench-split-") as data_dir:
        deployment = SplitDeployment(Path(data_dir), settings=settings)
        deployment.start()
        try:
            return asyncio.run(flash_sale(deployment.base_url, buyers, tickets))
        finally:
            deployment.stop()


def report(label: str, figures: dict[str, Any]) -> None:
    verdict = (
        "OK"
        if figures["orders"] == figures["tickets"] and not figures["server_errors"]
        else "FAILED"
    )
    memory = f", app RSS after {figures['app_rss_mb']:.0f} MB" if "app_rss_mb" in figures else ""
    memory += "".join(f", {name} CPU {share:.0f}%" for name, share in figures["cpu"].items())
    print(
        f"{label}: {verdict}: {figures['orders']} orders for {figures['tickets']} tickets, "
        f"{figures['refused']} refused, {figures['server_errors']} server errors "
        f"(statuses {figures['statuses']}); all answered in {figures['answered_s']:.2f} s, "
        f"settled in {figures['settled_s']:.2f} s; order p50 {figures['p50_ms']:.0f} ms, "
        f"p99 {figures['p99_ms']:.0f} ms{memory}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="1,000 buyers race for 100 tickets")
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--only", choices=("one", "split"))
    args = parser.parse_args()
    if args.only != "split":
        report("one process", in_one_process(args.buyers, args.tickets))
    if args.only != "one":
        report("split deployment", split(args.buyers, args.tickets))


if __name__ == "__main__":
    main()
