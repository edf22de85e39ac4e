"""GET /api/orders in pages: newest first, a cursor from the `Link` header for the rest."""

from __future__ import annotations

import re

from tests.orders.support import fresh_order
from tests.support.api import sign_up
from tests.support.apps import AppClient

NEXT = re.compile(r'<(?P<url>[^>]+)>; rel="next"')


class TestOrderPages:
    async def test_pages_of_two_walk_three_orders_newest_first(self, client: AppClient) -> None:
        seller, buyer = await sign_up(client), await sign_up(client)
        placed = [(await fresh_order(client, seller, buyer))["id"] for _ in range(3)]

        first = await client.get("/api/orders?limit=2", headers=buyer.headers)
        link = NEXT.match(first.headers["link"])
        assert link is not None
        second = await client.get(link["url"], headers=buyer.headers)

        assert [order["id"] for order in first.json()] == placed[::-1][:2]
        assert [order["id"] for order in second.json()] == placed[:1]
        assert "link" not in second.headers
