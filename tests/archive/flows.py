"""Purchase steps through the API, all under one correlation id the caller chose."""

from __future__ import annotations

from typing import Any

from bus.envelope import new_id
from tests.support.api import Account
from tests.support.apps import AppClient
from tests.support.waiting import eventually


class Shopper:
    """One account's requests, each sent with the same `X-Correlation-Id`."""

    def __init__(self, client: AppClient, account: Account, correlation_id: str | None = None):
        self.client = client
        self.account = account
        self.correlation_id = correlation_id or new_id()

    @property
    def headers(self) -> dict[str, str]:
        return self.account.headers | {"x-correlation-id": self.correlation_id}

    async def sell(self, title: str = "Opera", price: float = 25) -> dict[str, Any]:
        response = await self.client.post(
            "/api/tickets", json={"title": title, "price": price}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def edit(self, ticket_id: str, title: str, price: float) -> None:
        response = await self.client.put(
            f"/api/tickets/{ticket_id}", json={"title": title, "price": price}, headers=self.headers
        )
        assert response.status_code == 200, response.text

    async def order(self, ticket_id: str) -> dict[str, Any]:
        """Orders answers 404 until it has heard of the ticket."""
        response = await eventually(
            lambda: self.client.post(
                "/api/orders", json={"ticketId": ticket_id}, headers=self.headers
            ),
            until=lambda response: response.status_code != 404,
            timeout=15,
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def pay(self, order_id: str) -> None:
        """Payments answers 404 until it has heard of the order."""
        response = await eventually(
            lambda: self.client.post(
                "/api/payments",
                json={"orderId": order_id, "token": "tok_visa"},
                headers=self.headers,
            ),
            until=lambda response: response.status_code != 404,
            timeout=15,
        )
        assert response.status_code == 201, response.text

    async def cancel(self, order_id: str) -> None:
        response = await self.client.delete(f"/api/orders/{order_id}", headers=self.headers)
        assert response.status_code == 204, response.text

    async def status_of(self, order_id: str) -> str:
        response = await self.client.get(f"/api/orders/{order_id}", headers=self.headers)
        status: str = response.json()["status"]
        return status

    async def until_status(self, order_id: str, status: str, timeout: float = 20) -> None:
        await eventually(
            lambda: self.status_of(order_id), until=lambda now: now == status, timeout=timeout
        )

    async def until_holder(self, ticket_id: str, order_id: str | None) -> None:
        async def holder() -> str | None:
            response = await self.client.get(f"/api/tickets/{ticket_id}")
            current: str | None = response.json()["orderId"]
            return current

        await eventually(holder, until=lambda now: now == order_id, timeout=20)
