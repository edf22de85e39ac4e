"""Helpers for payments tests: orders made known to payments the way orders announces them."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from tests.support.apps import AppClient
from tests.support.databases import database
from tests.support.events import in_seconds, order_created, publish
from tests.support.waiting import eventually


async def replica(client: AppClient, order_id: str) -> dict[str, Any] | None:
    return await database(client, "payments")["order_replicas"].find_one(
        {"_id": ObjectId(order_id)}
    )


async def known_order(
    client: AppClient, buyer_id: str, price: int = 2500, window: float = 900
) -> str:
    """An order announced by orders and recorded in payments' replica."""
    event = order_created(buyer_id=buyer_id, price=price, expires_at=in_seconds(window))
    await publish(client, event)
    await eventually(lambda: replica(client, event.id))
    return event.id


async def payment_of(client: AppClient, order_id: str) -> dict[str, Any] | None:
    """The order's live payment; failed attempts (declined cards) are left out."""
    query = {"order_id": order_id, "status": {"$ne": "failed"}}
    return await database(client, "payments")["payments"].find_one(query)


def pay(client: AppClient, headers: dict[str, str], order_id: str, token: str = "tok_visa") -> Any:
    return client.post("/api/payments", json={"orderId": order_id, "token": token}, headers=headers)
