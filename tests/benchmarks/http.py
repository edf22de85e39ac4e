"""`make bench`: each hot route against a ceiling measured in the same run, on the same servers.

One single-process server (one uvicorn worker, in-process bus) on embedded servers
started here. Per route: req/s, p50, p99, errors, the app's and the database's CPU
(% of one core), and the route's rate as a share of its ceiling (tests/benchmarks/
ceilings.py). POST /api/tickets runs in consecutive rounds, each counted until every
event it caused was handled downstream (outbox and deliveries empty), which shows both
a decay and the backlog's drain time. One table is printed; the figures also go to
.bench/latest.json (and a dated copy) for comparing runs.

    python -m tests.benchmarks.http --routes currentuser,listing --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pymongo import MongoClient

from tests.benchmarks import ceilings
from tests.benchmarks.load import Load, Request, run_load
from tests.benchmarks.orders import order_rush, reservation_delays, split_reservation_delays
from tests.benchmarks.report import CpuMeter, Row, print_table, save
from tests.benchmarks.server import Stack, running_stack
from tests.support.api import Account, create_ticket, sign_up

ROUTES = ("currentuser", "signup", "listing", "tickets", "orders", "latency")
WARM_UP = 3.0
LISTED = 100


@dataclass
class Bench:
    stack: Stack
    seconds: float
    rounds: int
    rows: list[Row] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    _ceilings: dict[str, Load] = field(default_factory=dict)
    _seller: Account | None = None

    def currentuser(self) -> None:
        self._steady("GET /api/users/currentuser", self._get("/api/users/currentuser"), "bare")

    def signup(self) -> None:
        body = '{"email":"bench-{n}-{run}@example.com","password":"secret123"}'
        request = Request(f"{self.stack.base}/api/users/signup", "POST", body)
        self._steady("POST /api/users/signup", request, "transaction")

    def listing(self) -> None:
        self._steady(f"GET /api/tickets ({LISTED} listed)", self._get("/api/tickets"), "find")

    def tickets(self) -> None:
        body = '{"title":"Show {n}","price":25}'
        request = Request(f"{self.stack.base}/api/tickets", "POST", body, self.seller.cookie)
        run_load(request, WARM_UP)
        self._drained()
        rounds = []
        for _ in range(self.rounds):
            meter = CpuMeter(app=self.stack.app, database=self.stack.database)
            load = run_load(request, self.seconds)
            drain = self._drained()
            rounds.append((load, drain, meter.shares()))
        handled = [load.requests / (load.seconds + drain) for load, drain, _ in rounds]
        self.extra["tickets_rounds"] = [
            {"requests": load.requests, "seconds": load.seconds, "drain_s": drain, "rate": rate}
            for (load, drain, _), rate in zip(rounds, handled, strict=True)
        ]
        total = sum(load.requests for load, _, _ in rounds)
        seconds = sum(load.seconds + drain for load, drain, _ in rounds)
        combined = Load(
            requests=total,
            seconds=seconds,
            p50_ms=sorted(load.p50_ms for load, _, _ in rounds)[len(rounds) // 2],
            p99_ms=max(load.p99_ms for load, _, _ in rounds),
            errors=sum(load.errors for load, _, _ in rounds),
            tool=rounds[0][0].tool,
        )
        shares = {key: sum(r[2][key] for r in rounds) / len(rounds) for key in rounds[0][2]}
        self._row("POST /api/tickets (all handled)", combined, shares, "transaction")

    def orders(self) -> None:
        meter = CpuMeter(app=self.stack.app, database=self.stack.database)
        load = asyncio.run(order_rush(self.stack.base, self.seller))
        self._row("POST /api/orders (32 buyers)", load, meter.shares(), "transaction")

    def latency(self) -> None:
        self._drained()
        self.extra["reserved_in_process_ms"] = asyncio.run(reservation_delays(self.stack.base))
        self.extra["reserved_on_redis_ms"] = split_reservation_delays()

    @property
    def seller(self) -> Account:
        if self._seller is None:
            self._seller = asyncio.run(self._list_tickets())
        return self._seller

    async def _list_tickets(self) -> Account:
        async with httpx.AsyncClient(base_url=self.stack.base, timeout=30) as http:
            seller = await sign_up(http)
            for number in range(LISTED):
                await create_ticket(http, seller, title=f"Show {number}", price=25)
        return seller

    def _get(self, path: str) -> Request:
        return Request(f"{self.stack.base}{path}", cookie=self.seller.cookie)

    def _steady(self, label: str, request: Request, ceiling: str) -> None:
        run_load(request, WARM_UP)
        meter = CpuMeter(app=self.stack.app, database=self.stack.database)
        load = run_load(request, self.seconds)
        self._row(label, load, meter.shares(), ceiling)

    def _row(self, label: str, load: Load, shares: dict[str, float], ceiling: str) -> None:
        self.rows.append(Row(label, load, shares, ceiling, self._ceiling(ceiling)))

    def _ceiling(self, name: str) -> Load:
        """Measured once per run, when a route first needs it."""
        if name not in self._ceilings:
            measure: dict[str, Callable[[], Load]] = {
                "bare": lambda: ceilings.bare_route(self.seconds, WARM_UP),
                "transaction": lambda: ceilings.two_document_transactions(
                    self.stack.mongo_url, self.seconds
                ),
                "find": lambda: ceilings.plain_finds(self.stack.mongo_url, self.seconds),
            }
            meter = CpuMeter(database=self.stack.database)
            self._ceilings[name] = measure[name]()
            self.extra[f"ceiling_{name}_database_cpu"] = meter.shares()["database"]
        return self._ceilings[name]

    def _drained(self, timeout: float = 120) -> float:
        """Seconds until no outbox entry and no delivery is left: every event handled."""
        client: MongoClient[dict[str, Any]] = MongoClient(self.stack.mongo_url)
        started = time.perf_counter()
        try:
            while time.perf_counter() - started < timeout:
                if _backlog(client) == 0:
                    return time.perf_counter() - started
                time.sleep(0.01)
            raise RuntimeError(f"backlog not drained within {timeout:g} s")
        finally:
            client.close()


def _backlog(client: MongoClient[dict[str, Any]]) -> int:
    """Outboxes first, then deliveries: an entry leaves the outbox after its deliveries exist."""
    names = [name for name in client.list_database_names() if name.startswith("ticketing_")]
    waiting = sum(client[name]["outbox"].count_documents({}) for name in names)
    return waiting + sum(client[name]["deliveries"].count_documents({}) for name in names)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--routes", default=",".join(ROUTES), help=f"any of {','.join(ROUTES)}")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement (10)")
    parser.add_argument("--rounds", type=int, default=5, help="of POST /api/tickets (5)")
    parser.add_argument("--json", default=".bench/latest.json", help="where to write results")
    args = parser.parse_args(argv)
    chosen = [route.strip() for route in args.routes.split(",") if route.strip()]
    if unknown := set(chosen) - set(ROUTES):
        parser.error(f"unknown routes: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    with running_stack() as stack:
        bench = Bench(stack, args.seconds, args.rounds)
        for route in ROUTES:
            if route in chosen:
                getattr(bench, route)()
    print_table(bench.rows, bench.extra, time.perf_counter() - started)
    print(f"written to {save(args.json, bench.rows, bench.extra)}")


if __name__ == "__main__":
    main()
