"""Duplicated and reordered events everywhere end in the same state as orderly delivery."""

from __future__ import annotations

from typing import Any

from bus.chaos import Chaos
from tests.flows.support import await_order_status, order_once_known, pay_once_known
from tests.support.api import create_ticket, sign_up
from tests.support.apps import AppClient, build_app, drop_databases, running, unique_prefix
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls

TTL = 4


async def marketplace_day(client: AppClient) -> dict[str, Any]:
    """A scripted day of trading; returns the final state with ids replaced by labels."""
    seller, ann, bob = [await sign_up(client) for _ in range(3)]
    tickets = {label: await create_ticket(client, seller, title=label) for label in "ABCD"}
    labels = {ticket["id"]: label for label, ticket in tickets.items()}
    for price in (30, 35):  # D changes twice before anyone buys it
        await client.put(
            f"/api/tickets/{tickets['D']['id']}",
            json={"title": "D", "price": price},
            headers=seller.headers,
        )
    orders = {
        "ann-A": (await order_once_known(client, ann, tickets["A"]["id"])).json(),
        "ann-B": (await order_once_known(client, ann, tickets["B"]["id"])).json(),
        "ann-C": (await order_once_known(client, ann, tickets["C"]["id"])).json(),
    }
    await pay_once_known(client, ann, orders["ann-A"]["id"])
    await client.delete(f"/api/orders/{orders['ann-B']['id']}", headers=ann.headers)
    orders["bob-B"] = (await order_once_known(client, bob, tickets["B"]["id"])).json()
    orders["bob-D"] = (await order_once_known(client, bob, tickets["D"]["id"])).json()
    for name in ("bob-B", "bob-D"):  # paid at once: only ann-C is left to expire
        await pay_once_known(client, bob, orders[name]["id"])
    await await_order_status(client, ann, orders["ann-C"]["id"], "cancelled")  # expired
    await until_quiet(client.app)

    labels |= {order["id"]: name for name, order in orders.items()}
    owners = {"ann": ann, "bob": bob}
    final_orders = {}
    for name, order in orders.items():
        response = await client.get(f"/api/orders/{order['id']}", headers=owners[name[:3]].headers)
        final_orders[name] = (response.json()["status"], response.json()["version"])
    final_tickets = {}
    for label, ticket in tickets.items():
        now = (await client.get(f"/api/tickets/{ticket['id']}")).json()
        final_tickets[label] = (now["version"], labels.get(now["orderId"]), now["price"])
    return {"orders": final_orders, "tickets": final_tickets}


async def run_day(servers: ServerUrls, chaos: Chaos | None) -> dict[str, Any]:
    prefix = unique_prefix()
    try:
        async with running(build_app(servers, prefix, order_ttl=TTL, chaos=chaos)) as client:
            return await marketplace_day(client)
    finally:
        await drop_databases(servers, prefix)


class TestChaosEquivalence:
    async def test_duplicates_and_reordering_change_nothing(self, servers: ServerUrls) -> None:
        orderly = await run_day(servers, chaos=None)
        chaotic = await run_day(servers, chaos=Chaos(copies=3, max_delay=0.1, seed=11))

        assert chaotic == orderly
        assert orderly["orders"] == {
            "ann-A": ("complete", 1),
            "ann-B": ("cancelled", 1),
            "ann-C": ("cancelled", 1),
            "bob-B": ("complete", 1),
            "bob-D": ("complete", 1),
        }
        assert orderly["tickets"] == {
            "A": (1, "ann-A", 20),
            "B": (3, "bob-B", 20),
            "C": (2, None, 20),
            "D": (3, "bob-D", 35),
        }
