"""Small named helpers for driving the JSON API as different users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.apps import AppClient
from tests.support.waiting import eventually


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    cookie: str = field(repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"cookie": f"session={self.cookie}"}


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:8]}@example.com"


async def sign_up(client: httpx.AsyncClient, email: str | None = None) -> Account:
    """A fresh signed-up account; the client's own cookie jar is left empty."""
    response = await client.post(
        "/api/users/signup", json={"email": email or new_email(), "password": "secret123"}
    )
    assert response.status_code == 201, response.text
    cookie = response.cookies["session"]
    client.cookies.clear()
    body = response.json()
    return Account(id=body["id"], email=body["email"], cookie=cookie)


async def accounts(client: AppClient, count: int) -> list[Account]:
    return [await sign_up(client) for _ in range(count)]


async def create_ticket(
    client: httpx.AsyncClient, seller: Account, title: str = "Concert", price: Any = 20
) -> dict[str, Any]:
    response = await client.post(
        "/api/tickets", json={"title": title, "price": price}, headers=seller.headers
    )
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def show_ticket(client: AppClient, ticket_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/tickets/{ticket_id}")
    assert response.status_code == 200, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def ticket_holder(client: AppClient, ticket_id: str) -> str | None:
    """The order the tickets module says holds the ticket (None: on sale)."""
    holder: str | None = (await show_ticket(client, ticket_id))["orderId"]
    return holder


async def await_ticket_holder(
    client: AppClient, ticket_id: str, order_id: str | None, timeout: float = 15
) -> dict[str, Any]:
    """The ticket as the API shows it, once `order_id` holds it (None: once it is free)."""
    return await eventually(
        lambda: show_ticket(client, ticket_id),
        until=lambda ticket: ticket["orderId"] == order_id,
        timeout=timeout,
    )


def error_messages(response: Any) -> list[str]:
    return [error["message"] for error in response.json()["errors"]]


def error_fields(response: Any) -> set[str | None]:
    return {error.get("field") for error in response.json()["errors"]}
