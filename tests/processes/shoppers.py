"""Sellers and buyers hammering one server, remembering every write it acknowledged (2xx).

A request cut short by a crash has no known outcome and is not remembered; one answered
2xx is a promise the server must keep across the crash.
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass, field

import httpx

PASSWORD = "crash-test-pass1"


@dataclass(frozen=True)
class Sale:
    ticket_id: str
    title: str
    price: float
    seller: str  # the seller's session cookie


@dataclass(frozen=True)
class Purchase:
    order_id: str
    ticket_id: str
    buyer: str  # the buyer's session cookie


@dataclass
class Acknowledged:
    """Everything the server answered 2xx, shared by the shoppers' threads."""

    users: list[str] = field(default_factory=list)
    sales: list[Sale] = field(default_factory=list)
    purchases: list[Purchase] = field(default_factory=list)
    paid: set[str] = field(default_factory=set)  # order ids
    paying: set[str] = field(default_factory=set)  # payment sent: maybe paid, if no answer came
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_sale(self, buyer: str) -> Sale | None:
        """A ticket of somebody else's that nobody has ordered yet."""
        with self.lock:
            ordered = {purchase.ticket_id for purchase in self.purchases}
            choices = [s for s in self.sales if s.seller != buyer and s.ticket_id not in ordered]
        return random.choice(choices) if choices else None


class Shopper(threading.Thread):
    """Signs up, then sells, buys and pays in a loop until told to stop or the server dies."""

    def __init__(self, base_url: str, acknowledged: Acknowledged, stop: threading.Event):
        super().__init__(daemon=True)
        self._http = httpx.Client(base_url=base_url, timeout=10)
        self._ack = acknowledged
        self._quit = stop
        self._unpaid: list[str] = []

    def run(self) -> None:
        try:
            self._shop()
        except httpx.HTTPError:
            pass  # the server was killed under us: whatever was in flight has no outcome
        finally:
            self._http.close()

    def _shop(self) -> None:
        email = f"crash-{uuid.uuid4().hex[:10]}@example.com"
        if self._post("/api/users/signup", {"email": email, "password": PASSWORD}) is None:
            return
        session = self._http.cookies["session"]
        with self._ack.lock:
            self._ack.users.append(email)
        while not self._quit.is_set():
            self._sell(session)
            self._buy(session)
            self._pay()

    def _sell(self, session: str) -> None:
        title, price = f"Show {uuid.uuid4().hex[:6]}", random.randint(100, 9999) / 100
        if answer := self._post("/api/tickets", {"title": title, "price": price}):
            with self._ack.lock:
                self._ack.sales.append(Sale(str(answer["id"]), title, price, session))

    def _buy(self, session: str) -> None:
        sale = self._ack.on_sale(session)
        if sale is None or not (answer := self._post("/api/orders", {"ticketId": sale.ticket_id})):
            return
        with self._ack.lock:
            self._ack.purchases.append(Purchase(str(answer["id"]), sale.ticket_id, session))
        if random.random() < 0.6:
            self._unpaid.append(str(answer["id"]))

    def _pay(self) -> None:
        """Pays an earlier order: payments may not have heard of the newest one yet (404)."""
        if not self._unpaid:
            return
        order_id = self._unpaid[0]
        with self._ack.lock:
            self._ack.paying.add(order_id)
        response = self._http.post("/api/payments", json={"orderId": order_id, "token": "tok_visa"})
        self._count()
        if response.status_code != 404:
            self._unpaid.pop(0)
        if response.is_success:
            with self._ack.lock:
                self._ack.paid.add(order_id)

    def _count(self) -> None:
        with self._ack.lock:
            self._ack.requests += 1

    def _post(self, path: str, body: dict[str, object]) -> dict[str, object] | None:
        """The answer's body if it is 2xx, else None (a 404 for a replica not caught up yet)."""
        response = self._http.post(path, json=body)
        self._count()
        return response.json() if response.is_success else None
