"""Helpers for orders tests: the orders database as tests read it, events played on the bus."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from tests.support.announced import announced as announced_by
from tests.support.api import Account, create_ticket
from tests.support.apps import AppClient
from tests.support.databases import database
from tests.support.events import payment_created, publish
from tests.support.waiting import eventually

ACTIVE_STATUSES = ("created", "awaiting:payment", "complete")
# Orders hears of tickets listed through the tickets API; tests play payments and expiration.
MODULES = "auth,tickets,orders"


async def replica_of(client: AppClient, ticket_id: str) -> dict[str, Any] | None:
    return await database(client, "orders")["ticket_replicas"].find_one(
        {"_id": ObjectId(ticket_id)}
    )


async def await_replica(client: AppClient, ticket_id: str, version: int = 0) -> dict[str, Any]:
    """Orders' replica of the ticket once it reached `version`."""
    return await eventually(
        lambda: replica_of(client, ticket_id),
        until=lambda replica: replica is not None and replica["version"] == version,
        timeout=15,
    )


async def known_ticket(client: AppClient, seller: Account, **listing: Any) -> dict[str, Any]:
    """A ticket listed through the API and already heard of by orders, so it can be ordered."""
    ticket = await create_ticket(client, seller, **listing)
    await await_replica(client, ticket["id"])
    return ticket


def place_order(client: AppClient, buyer: Account, ticket_id: Any) -> Any:
    return client.post("/api/orders", json={"ticketId": ticket_id}, headers=buyer.headers)


async def order_of(client: AppClient, buyer: Account, ticket_id: str) -> dict[str, Any]:
    """A placed order's JSON; fails the test if ordering did not succeed."""
    response = await place_order(client, buyer, ticket_id)
    assert response.status_code == 201, response.text
    return response.json()


async def fresh_order(client: AppClient, seller: Account, buyer: Account) -> dict[str, Any]:
    ticket = await known_ticket(client, seller)
    return await order_of(client, buyer, ticket["id"])


async def status_of(client: AppClient, order_id: str) -> str | None:
    stored = await database(client, "orders")["orders"].find_one({"_id": ObjectId(order_id)})
    return stored["status"] if stored else None


async def await_status(client: AppClient, order_id: str, status: str) -> None:
    await eventually(
        lambda: status_of(client, order_id), until=lambda now: now == status, timeout=15
    )


async def active_orders_on(client: AppClient, ticket_id: str) -> list[dict[str, Any]]:
    query = {"ticket.id": ticket_id, "status": {"$in": list(ACTIVE_STATUSES)}}
    return await database(client, "orders")["orders"].find(query).to_list()


async def announced(client: AppClient, subject: str, order_id: str) -> list[dict[str, Any]]:
    """Envelopes orders wrote to its outbox with `subject` about `order_id`."""
    return await announced_by(client, "orders", subject, id=order_id)


async def pay_for(client: AppClient, order_id: str) -> None:
    """Payments announces a successful charge, as it would after `POST /api/payments`."""
    await publish(client, payment_created(order_id))


async def complete_order(client: AppClient, seller: Account, buyer: Account) -> dict[str, Any]:
    """An order paid for: payments' event heard, the order complete."""
    order = await fresh_order(client, seller, buyer)
    await pay_for(client, order["id"])
    await await_status(client, order["id"], "complete")
    return order


def cancel(client: AppClient, account: Account, order_id: str) -> Any:
    return client.delete(f"/api/orders/{order_id}", headers=account.headers)


async def show(client: AppClient, account: Account, order_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/orders/{order_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()
