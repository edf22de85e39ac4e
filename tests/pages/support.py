"""Driving the pages as a browser would: HTML accepted, cookies kept, forms posted with their
CSRF token read from the page."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote

import httpx
from litestar import Litestar

from tests.support.waiting import eventually

HTML = {"accept": "text/html,application/xhtml+xml"}
HTMX = {**HTML, "hx-request": "true"}
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Browser:
    """One person's browser on the app: its own cookie jar."""

    def __init__(self, app: Litestar):
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
        )
        self.email = ""

    async def close(self) -> None:
        await self.http.aclose()

    async def get(self, path: str, **headers: str) -> httpx.Response:
        return await self.http.get(path, headers={**HTML, **headers})

    async def submit(
        self, page: str, action: str, htmx: bool = False, **fields: str
    ) -> httpx.Response:
        """Open `page`, then post its form to `action` with `fields` and the page's token."""
        opened = await self.get(page)
        token = csrf_token(opened.text)
        headers = HTMX if htmx else HTML
        return await self.http.post(action, data={"_csrf_token": token, **fields}, headers=headers)

    async def sign_up(self, email: str | None = None, password: str = "secret123") -> None:
        self.email = email or f"page-{uuid.uuid4().hex[:8]}@example.com"
        response = await self.submit(
            "/auth/signup", "/auth/signup", email=self.email, password=password
        )
        assert response.status_code == 303, response.text

    async def sell(self, title: str = "Opera night", price: str = "25.5") -> str:
        response = await self.submit("/tickets/new", "/tickets/new", title=title, price=price)
        assert response.status_code == 303, response.text
        return response.headers["location"].rsplit("/", 1)[1]

    async def purchase(self, ticket_id: str) -> httpx.Response:
        return await self.submit(f"/tickets/{ticket_id}", "/orders", ticketId=ticket_id)

    async def purchase_once_known(self, ticket_id: str) -> str:
        """Purchase as soon as orders has heard of the ticket; the order's id."""
        response = await eventually(
            lambda: self.purchase(ticket_id),
            until=lambda r: r.headers.get("location", "").startswith("/orders/"),
        )
        return str(response.headers["location"]).rsplit("/", 1)[1]


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def text_of(response: Any) -> str:
    """The page's visible words, tags dropped and blanks folded, for plain assertions."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def flash_of(response: httpx.Response) -> str:
    """The one-time message a redirect leaves for the next page."""
    return unquote(response.cookies.get("flash") or "")
