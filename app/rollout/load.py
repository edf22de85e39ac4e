"""A steady, bounded purchase load through the front: buyers who sell, order, pay or cancel, or
let an order expire, while a rival tries to order every ticket they hold.

Every answer is a success, a business refusal the step expects (a ticket held
by another order, a replica that has not heard of a ticket yet), or a failure;
a refused connection or a server error is a failure.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

PASSWORD = "rehearsal-horse-9"
CHARGEABLE = "tok_visa"
# The answers each step may get that are business refusals, not failures.
REFUSALS = {
    "sign up": frozenset(),
    "sell": frozenset(),
    "order": frozenset({404}),  # orders has not heard of the new ticket yet: ask again
    "rival order": frozenset({400, 409}),  # the ticket is held by the buyer's order
    # 404: payments has not heard of the new order yet (ask again); 400: it expired first,
    # when a slow moment outlasted the rehearsal's short reservation window.
    "pay": frozenset({400, 404}),
    "cancel": frozenset(),  # an expired order is cancelled already: that is a success too
}
NOT_YET = 404
RETRY_EVERY = 0.1
RETRY_FOR = 30.0
ENDINGS = ("pay", "pay", "cancel", "expire")  # what the buyer does with each order, in turn


@dataclass
class Tally:
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    orders: dict[str, str] = field(default_factory=dict)  # order id -> what the buyer did
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, step: str, response: httpx.Response | Exception) -> bool:
        """True when the step succeeded; a refusal or a failure is counted."""
        with self._lock:
            self.requests += 1
            if isinstance(response, Exception):
                self.failures.append(f"{step}: {type(response).__name__}: {response}")
                return False
            if response.is_success:
                return True
            if response.status_code in REFUSALS[step]:
                self.refusals[f"{step} {response.status_code}"] += 1
            else:
                self.failures.append(f"{step}: {response.status_code} {response.text[:200]}")
            return False

    def fail(self, why: str) -> None:
        with self._lock:
            self.failures.append(why)

    def ordered(self, order: str, end: str) -> None:
        with self._lock:
            self.orders[order] = end


class Buyer(threading.Thread):
    """A seller, a buyer and a rival, running purchase stories every `pace` seconds."""

    def __init__(self, base_url: str, tally: Tally, stopping: threading.Event, pace: float):
        super().__init__(name="buyer", daemon=True)
        self._base_url, self._tally, self._stopping, self._pace = base_url, tally, stopping, pace

    def run(self) -> None:
        seller, buyer, rival = self._user(), self._user(), self._user()
        try:
            story = 0
            while not self._stopping.is_set():
                self._story(seller, buyer, rival, ENDINGS[story % len(ENDINGS)])
                story += 1
                self._stopping.wait(self._pace)
        finally:
            for client in (seller, buyer, rival):
                client.close()

    def _story(
        self, seller: httpx.Client, buyer: httpx.Client, rival: httpx.Client, end: str
    ) -> None:
        sold = self._send(
            "sell", lambda: seller.post("/api/tickets", json={"title": "Rehearsal", "price": 12})
        )
        if sold is None:
            return
        ticket = {"ticketId": sold.json()["id"]}
        ordered = self._until_known("order", lambda: buyer.post("/api/orders", json=ticket))
        if ordered is None:
            return
        order = ordered.json()["id"]
        self._tally.ordered(order, end)
        second = self._send("rival order", lambda: rival.post("/api/orders", json=ticket))
        if second is not None:
            self._tally.fail(f"rival order: ticket {ticket['ticketId']} ordered twice")
            self._tally.ordered(second.json()["id"], "expire")
        if end == "pay":
            payment = {"orderId": order, "token": CHARGEABLE}
            self._until_known("pay", lambda: buyer.post("/api/payments", json=payment))
        elif end == "cancel":
            self._send("cancel", lambda: buyer.delete(f"/api/orders/{order}"))

    def _send(self, step: str, request: Callable[[], httpx.Response]) -> httpx.Response | None:
        try:
            response = request()
        except httpx.HTTPError as error:
            self._tally.record(step, error)
            return None
        return response if self._tally.record(step, response) else None

    def _until_known(
        self, step: str, request: Callable[[], httpx.Response]
    ) -> httpx.Response | None:
        """Ask again while the module answers that it has not heard of the thing yet."""
        deadline = time.monotonic() + RETRY_FOR
        while True:
            try:
                response = request()
            except httpx.HTTPError as error:
                self._tally.record(step, error)
                return None
            if self._tally.record(step, response):
                return response
            if response.status_code != NOT_YET:
                return None
            if time.monotonic() > deadline:  # an event that never arrived
                self._tally.fail(f"{step}: still {NOT_YET} after {RETRY_FOR:g} s")
                return None
            time.sleep(RETRY_EVERY)

    def _user(self) -> httpx.Client:
        client = httpx.Client(base_url=self._base_url, timeout=30)
        email = f"rehearsal-{secrets.token_hex(5)}@example.com"
        self._send(
            "sign up",
            lambda: client.post("/api/users/signup", json={"email": email, "password": PASSWORD}),
        )
        return client
