"""Driving a split deployment from a test: HTTP through the front, state read from the servers."""

from __future__ import annotations

import functools
import uuid
from typing import Any

import httpx

from tests.support import waiting

# A whole deployment on a loaded 2-core machine: allow it a minute.
wait_for = functools.partial(waiting.wait_for, timeout=60)


class User:
    """A signed-up user with their own cookie jar, talking to the front."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=30)
        email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
        response = self.http.post(
            "/api/users/signup", json={"email": email, "password": "secret123"}
        )
        assert response.status_code == 201, response.text
        self.id = response.json()["id"]

    def sell(self, title: str = "Show", price: float = 30) -> str:
        response = self.http.post("/api/tickets", json={"title": title, "price": price})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def order(self, ticket_id: str) -> httpx.Response:
        return self.http.post("/api/orders", json={"ticketId": ticket_id})

    def order_once_known(self, ticket_id: str) -> dict[str, Any]:
        response = wait_for(lambda: self.order(ticket_id), until=lambda r: r.status_code != 404)
        assert response.status_code == 201, response.text
        return response.json()

    def pay_once_known(self, order_id: str, token: str = "tok_visa") -> httpx.Response:
        return wait_for(
            lambda: self.http.post("/api/payments", json={"orderId": order_id, "token": token}),
            until=lambda r: r.status_code != 404,
        )

    def order_status(self, order_id: str) -> str:
        return self.http.get(f"/api/orders/{order_id}").json()["status"]

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        return self.http.get(f"/api/tickets/{ticket_id}").json()
