"""Orders learns tickets from events that may come twice and out of order; versions sort it out."""

from __future__ import annotations

from typing import Any

from bus import Envelope
from tests.orders.support import await_replica, known_ticket, order_of, replica_of
from tests.support.api import accounts
from tests.support.apps import AppClient
from tests.support.databases import deliveries
from tests.support.events import envelope, new_id, publish, ticket_created, ticket_updated
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually


def updated(ticket: dict[str, Any], version: int, title: str, price: int = 1000) -> Envelope:
    return envelope(
        ticket_updated(ticket["id"], ticket["userId"], version, title=title, price=price)
    )


def created(ticket_id: str, seller_id: str, title: str) -> Envelope:
    return envelope(ticket_created(ticket_id, seller_id, title=title))


async def refused_by_orders(client: AppClient, event: Envelope) -> dict[str, Any] | None:
    """The orders delivery of `event`, once orders has tried it and handed it back."""
    return await deliveries(client).find_one(
        {
            "group": "orders",
            "envelope.event_id": event.event_id,
            "last_error": {"$regex": "^NotReadyYet"},
        }
    )


def shape(replica: dict[str, Any] | None) -> tuple[int, str, int] | None:
    return (replica["version"], replica["title"], replica["price"]) if replica else None


class TestRecordTicket:
    async def test_a_listed_ticket_is_recorded_as_listed(self, client: AppClient) -> None:
        [seller] = await accounts(client, 1)

        ticket = await known_ticket(client, seller, title="Opera", price=12.5)

        replica = await replica_of(client, ticket["id"])
        assert replica is not None
        assert shape(replica) == (0, "Opera", 1250)
        assert replica["user_id"] == seller.id

    async def test_a_repeated_ticket_created_does_not_undo_later_updates(
        self, client: AppClient
    ) -> None:
        [seller] = await accounts(client, 1)
        ticket = await known_ticket(client, seller, title="Opera")
        await publish(client, updated(ticket, 1, "Ballet"))
        await await_replica(client, ticket["id"], 1)

        await publish(client, created(ticket["id"], seller.id, "Opera"))
        await until_quiet(client.app)

        assert shape(await replica_of(client, ticket["id"])) == (1, "Ballet", 1000)


class TestApplyTicketUpdate:
    async def test_updates_out_of_order_and_repeated_end_at_the_last_version(
        self, client: AppClient
    ) -> None:
        seller, buyer = await accounts(client, 2)
        ticket = await known_ticket(client, seller, title="v0")
        v1, v2, v3 = (updated(ticket, n, f"v{n}", price=1000 * n) for n in (1, 2, 3))

        await publish(client, v3, v2, v2, updated(ticket, 2, "v2"), v1, v1, v3)

        await await_replica(client, ticket["id"], 3)
        await until_quiet(client.app)
        assert shape(await replica_of(client, ticket["id"])) == (3, "v3", 3000)
        assert await client.app.state.runtime.bus.dead_letters("orders") == []
        order = await order_of(client, buyer, ticket["id"])
        assert order["ticket"] == {"id": ticket["id"], "title": "v3", "price": 30, "version": 3}

    async def test_a_stale_update_changes_nothing(self, client: AppClient) -> None:
        [seller] = await accounts(client, 1)
        ticket = await known_ticket(client, seller, title="v0")
        await publish(client, updated(ticket, 1, "v1"), updated(ticket, 2, "v2"))
        await await_replica(client, ticket["id"], 2)

        await publish(client, updated(ticket, 1, "stale"), updated(ticket, 2, "stale too"))
        await until_quiet(client.app)

        assert shape(await replica_of(client, ticket["id"])) == (2, "v2", 1000)

    async def test_an_update_of_an_unknown_ticket_waits_for_its_creation(
        self, client: AppClient
    ) -> None:
        [seller] = await accounts(client, 1)
        ticket = {"id": new_id(), "userId": seller.id}
        early = updated(ticket, 1, "Renamed", price=900)
        await publish(client, early)
        await eventually(lambda: refused_by_orders(client, early), timeout=15)
        assert await replica_of(client, ticket["id"]) is None

        await publish(client, created(ticket["id"], seller.id, "Original"))

        replica = await await_replica(client, ticket["id"], 1)
        assert shape(replica) == (1, "Renamed", 900)
        assert replica["user_id"] == seller.id
