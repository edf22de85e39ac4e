"""Steps of the purchase flow, as a buyer or seller would take them through the API."""

from __future__ import annotations

from typing import Any

from tests.support.api import Account
from tests.support.apps import AppClient
from tests.support.waiting import eventually


async def order_once_known(client: AppClient, buyer: Account, ticket_id: str) -> Any:
    """Orders answers 404 until it has heard `ticket.created`; then this places the order."""
    return await eventually(
        lambda: client.post("/api/orders", json={"ticketId": ticket_id}, headers=buyer.headers),
        until=lambda response: response.status_code != 404,
    )


async def pay_once_known(
    client: AppClient, buyer: Account, order_id: str, token: str = "tok_visa"
) -> Any:
    """Payments answers 404 until it has heard `order.created`; then this pays."""
    return await eventually(
        lambda: client.post(
            "/api/payments", json={"orderId": order_id, "token": token}, headers=buyer.headers
        ),
        until=lambda response: response.status_code != 404,
    )


async def order_status(client: AppClient, buyer: Account, order_id: str) -> str:
    response = await client.get(f"/api/orders/{order_id}", headers=buyer.headers)
    return response.json()["status"]


async def await_order_status(
    client: AppClient, buyer: Account, order_id: str, status: str, timeout: float = 15
) -> None:
    await eventually(
        lambda: order_status(client, buyer, order_id),
        until=lambda current: current == status,
        timeout=timeout,
    )
