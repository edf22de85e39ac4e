"""GET /api/tickets in pages: a cursor from the `Link` header walks every ticket once."""

from __future__ import annotations

import re

import pytest

from tests.support.api import create_ticket, error_fields, sign_up
from tests.support.apps import AppClient

NEXT = re.compile(r'<(?P<url>[^>]+)>; rel="next"')


async def walk(client: AppClient, url: str) -> list[list[str]]:
    """Every page's ticket ids, following `Link: rel="next"` until a page comes without one."""
    pages = []
    while True:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        pages.append([ticket["id"] for ticket in response.json()])
        link = NEXT.match(response.headers.get("link", ""))
        if link is None:
            return pages
        url = link["url"]


class TestTicketPages:
    async def test_pages_of_two_walk_five_tickets_in_order_once(self, client: AppClient) -> None:
        seller = await sign_up(client)
        listed = [(await create_ticket(client, seller, title=f"T{n}"))["id"] for n in range(5)]

        pages = await walk(client, "/api/tickets?limit=2")

        assert [len(page) for page in pages] == [2, 2, 1]
        assert [ticket for page in pages for ticket in page] == listed

    async def test_without_a_limit_every_ticket_comes_in_one_page(self, client: AppClient) -> None:
        seller = await sign_up(client)
        for n in range(3):
            await create_ticket(client, seller, title=f"T{n}")

        response = await client.get("/api/tickets")

        assert len(response.json()) == 3 and "link" not in response.headers

    @pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=x", "cursor=nope"])
    async def test_a_bad_limit_or_cursor_gets_400(self, client: AppClient, query: str) -> None:
        response = await client.get(f"/api/tickets?{query}")

        assert response.status_code == 400
        assert error_fields(response) <= {"limit", "cursor", None}
