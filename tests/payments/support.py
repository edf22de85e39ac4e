"""Helpers for payments tests: orders made known to payments the way orders announces them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from bus import Envelope, OrderCancelled, OrderCreated, PricedTicket, TicketRef
from tests.support.apps import AppClient
from tests.support.waiting import eventually


def order_created(
    buyer_id: str, price: int = 2500, order_id: str | None = None, window: float = 900
) -> OrderCreated:
    return OrderCreated(
        id=order_id or str(ObjectId()),
        version=0,
        status="created",
        user_id=buyer_id,
        expires_at=datetime.now(UTC) + timedelta(seconds=window),
        ticket=PricedTicket(id=str(ObjectId()), price=price),
    )


def order_cancelled(order_id: str, version: int = 1) -> OrderCancelled:
    return OrderCancelled(id=order_id, version=version, ticket=TicketRef(id=str(ObjectId())))


async def announce(client: AppClient, *events: Any) -> None:
    for event in events:
        await client.app.state.runtime.bus.publish(Envelope.wrap(event, producer="orders"))


def payments_db(client: AppClient) -> Any:
    runtime = client.app.state.runtime
    return runtime.transactions("payments").database


async def replica(client: AppClient, order_id: str) -> dict[str, Any] | None:
    return await payments_db(client)["order_replicas"].find_one({"_id": ObjectId(order_id)})


async def known_order(
    client: AppClient, buyer_id: str, price: int = 2500, window: float = 900
) -> str:
    """An order announced by orders and recorded in payments' replica."""
    event = order_created(buyer_id, price, window=window)
    await announce(client, event)
    await eventually(lambda: replica(client, event.id))
    return event.id


async def payment_of(client: AppClient, order_id: str) -> dict[str, Any] | None:
    """The order's live payment; failed attempts (declined cards) are left out."""
    query = {"order_id": order_id, "status": {"$ne": "failed"}}
    return await payments_db(client)["payments"].find_one(query)


def pay(client: AppClient, headers: dict[str, str], order_id: str, token: str = "tok_visa") -> Any:
    return client.post("/api/payments", json={"orderId": order_id, "token": token}, headers=headers)
