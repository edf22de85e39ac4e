"""Small named helpers for driving the JSON API as different users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.support.apps import AppClient


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


async def sign_up(client: AppClient, email: str | None = None) -> Account:
    """A fresh signed-up account; the client's own cookie jar is left empty."""
    response = await client.post(
        "/api/users/signup", json={"email": email or new_email(), "password": "secret123"}
    )
    assert response.status_code == 201, response.text
    cookie = response.cookies["session"]
    client.cookies.clear()
    body = response.json()
    return Account(id=body["id"], email=body["email"], cookie=cookie)


async def create_ticket(
    client: AppClient, seller: Account, title: str = "Concert", price: Any = 20
) -> dict[str, Any]:
    response = await client.post(
        "/api/tickets", json={"title": title, "price": price}, headers=seller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def error_messages(response: Any) -> list[str]:
    return [error["message"] for error in response.json()["errors"]]


def error_fields(response: Any) -> set[str | None]:
    return {error.get("field") for error in response.json()["errors"]}
