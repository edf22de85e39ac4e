"""A flash sale in small: many buyers race for a few tickets at once, ten buyers per ticket.

Exactly one order per ticket, every other buyer refused with a 400, no server error, and
every ticket ends held by its one order. (`python -m tests.benchmarks.flash_sale` is the
full-size version, timed, in one process and in the split deployment.)
"""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.orders.support import active_orders_on, known_ticket, place_order
from tests.support.api import await_ticket_holder, sign_up
from tests.support.apps import AppClient

TICKETS = 20
BUYERS_PER_TICKET = 10


class TestFlashSale:
    async def test_two_hundred_buyers_for_twenty_tickets_make_one_order_per_ticket(
        self, client: AppClient
    ) -> None:
        seller = await sign_up(client)
        tickets = [(await known_ticket(client, seller))["id"] for _ in range(TICKETS)]
        buyers = await asyncio.gather(
            *(sign_up(client) for _ in range(TICKETS * BUYERS_PER_TICKET))
        )

        responses = await asyncio.gather(
            *(place_order(client, buyer, tickets[n % TICKETS]) for n, buyer in enumerate(buyers))
        )

        statuses = Counter(response.status_code for response in responses)
        assert statuses == {201: TICKETS, 400: TICKETS * (BUYERS_PER_TICKET - 1)}, statuses
        winners = {
            r.json()["ticket"]["id"]: r.json()["id"] for r in responses if r.status_code == 201
        }
        assert sorted(winners) == sorted(tickets)
        for ticket_id, order_id in winners.items():
            assert [str(o["_id"]) for o in await active_orders_on(client, ticket_id)] == [order_id]
            await await_ticket_holder(client, ticket_id, order_id)
