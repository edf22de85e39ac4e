"""Tickets locks a ticket for an order and unlocks it on cancellation, whatever the delivery order.

Every event reaches tickets twice, after random delays (the bus's Chaos switch is on).
"""

from __future__ import annotations

from itertools import permutations

import pytest

from bus import Envelope
from tests.support.api import await_ticket_holder, create_ticket, show_ticket, sign_up
from tests.support.apps import AppClient
from tests.support.databases import database
from tests.support.events import envelope, new_id, order_cancelled, order_created, publish
from tests.tickets.support import (
    all_published,
    announced,
    listed_ids,
    outbox_of,
    play_in_order,
    reserve,
    settled,
    stored,
)


async def listed_ticket(client: AppClient) -> dict:
    return await create_ticket(client, await sign_up(client), title="Opera", price=20)


def creation(ticket_id: str, order_id: str) -> Envelope:
    """Orders announcing `order_id` on the ticket."""
    return envelope(order_created(order_id, ticket_id=ticket_id))


def cancellation(ticket_id: str, order_id: str) -> Envelope:
    return envelope(order_cancelled(order_id, ticket_id=ticket_id))


async def processed(client: AppClient, event: Envelope) -> int:
    return await database(client, "tickets")["inbox"].count_documents({"_id": event.event_id})


class TestReserveTicket:
    async def test_an_order_created_locks_the_ticket_for_that_order(
        self, client: AppClient
    ) -> None:
        ticket = await listed_ticket(client)
        order_id = new_id()

        await publish(client, creation(ticket["id"], order_id))

        locked = await await_ticket_holder(client, ticket["id"], order_id)
        assert locked == ticket | {"orderId": order_id, "version": 1}
        document = await stored(client, ticket["id"])
        assert document is not None
        assert (document["order_id"], document["version"]) == (order_id, 1)

    async def test_the_lock_is_announced_as_ticket_updated(self, client: AppClient) -> None:
        ticket = await listed_ticket(client)
        created = creation(ticket["id"], new_id())

        await publish(client, created)
        await await_ticket_holder(client, ticket["id"], created.payload["id"])

        entries = await all_published(client, ticket["id"])
        assert announced(entries) == [("ticket.created", 0), ("ticket.updated", 1)]
        lock = entries[1]["envelope"]
        assert lock["correlation_id"] == created.correlation_id
        assert lock["payload"] == {
            "id": ticket["id"],
            "version": 1,
            "title": "Opera",
            "price": 2000,
            "user_id": ticket["userId"],
            "order_id": created.payload["id"],
        }

    async def test_a_reserved_ticket_leaves_the_listing_but_can_still_be_shown(
        self, client: AppClient
    ) -> None:
        ticket, other = await listed_ticket(client), await listed_ticket(client)

        order_id = await reserve(client, ticket["id"])

        assert await listed_ids(client) == [other["id"]]
        assert (await show_ticket(client, ticket["id"]))["orderId"] == order_id

    async def test_the_same_order_created_twice_locks_once(self, client: AppClient) -> None:
        ticket = await listed_ticket(client)
        created = creation(ticket["id"], new_id())

        await publish(client, created, created)
        await await_ticket_holder(client, ticket["id"], created.payload["id"])
        await settled(client)

        assert (await show_ticket(client, ticket["id"]))["version"] == 1
        assert announced(await outbox_of(client, ticket["id"])) == [
            ("ticket.created", 0),
            ("ticket.updated", 1),
        ]
        assert await processed(client, created) == 1


class TestReleaseTicket:
    async def test_cancelling_the_holding_order_frees_the_ticket(self, client: AppClient) -> None:
        ticket = await listed_ticket(client)
        order_id = await reserve(client, ticket["id"])

        await publish(client, cancellation(ticket["id"], order_id))

        freed = await await_ticket_holder(client, ticket["id"], None)
        assert freed["version"] == 2
        assert ticket["id"] in await listed_ids(client)
        entries = await all_published(client, ticket["id"])
        assert announced(entries)[-1] == ("ticket.updated", 2)
        assert entries[-1]["envelope"]["payload"]["order_id"] is None

    async def test_once_freed_the_seller_can_edit_it_again(self, client: AppClient) -> None:
        seller = await sign_up(client)
        ticket = await create_ticket(client, seller)
        order_id = await reserve(client, ticket["id"])
        await publish(client, cancellation(ticket["id"], order_id))
        await await_ticket_holder(client, ticket["id"], None)

        edit = {"title": "Again", "price": 5}
        response = await client.put(
            f"/api/tickets/{ticket['id']}", json=edit, headers=seller.headers
        )

        assert response.status_code == 200, response.text
        assert response.json()["version"] == 3

    async def test_the_same_cancellation_twice_frees_once(self, client: AppClient) -> None:
        ticket = await listed_ticket(client)
        order_id = await reserve(client, ticket["id"])
        cancelled = cancellation(ticket["id"], order_id)

        await publish(client, cancelled, cancelled)
        await await_ticket_holder(client, ticket["id"], None)
        await settled(client)

        assert (await show_ticket(client, ticket["id"]))["version"] == 2
        assert [version for _, version in announced(await outbox_of(client, ticket["id"]))] == [
            0,
            1,
            2,
        ]
        assert await processed(client, cancelled) == 1

    async def test_a_stale_cancellation_leaves_another_orders_lock(self, client: AppClient) -> None:
        ticket = await listed_ticket(client)
        holder = await reserve(client, ticket["id"])

        await publish(client, cancellation(ticket["id"], new_id()))
        await settled(client)

        shown = await show_ticket(client, ticket["id"])
        assert (shown["orderId"], shown["version"]) == (holder, 1)
        assert ticket["id"] not in await listed_ids(client)


A_CREATED, A_CANCELLED, B_CREATED = "created(A)", "cancelled(A)", "created(B)"


def scripted(ticket_id: str, order_a: str, order_b: str) -> dict[str, Envelope]:
    return {
        A_CREATED: creation(ticket_id, order_a),
        A_CANCELLED: cancellation(ticket_id, order_a),
        B_CREATED: creation(ticket_id, order_b),
    }


class TestReorderedOrderEvents:
    @pytest.mark.parametrize(
        "script", list(permutations([A_CREATED, A_CANCELLED, B_CREATED])), ids=" ".join
    )
    async def test_a_cancelled_order_then_another_one_ends_held_by_the_other_in_any_order(
        self, client: AppClient, script: tuple[str, ...]
    ) -> None:
        ticket = await listed_ticket(client)
        order_a, order_b = new_id(), new_id()
        events = scripted(ticket["id"], order_a, order_b)

        await play_in_order(client, *(events[name] for name in script))

        await await_ticket_holder(client, ticket["id"], order_b)
        await settled(client)
        shown = await show_ticket(client, ticket["id"])
        assert shown["orderId"] == order_b
        # A locks (and later unlocks) only when its creation is heard before anything else.
        assert shown["version"] == (3 if script[0] == A_CREATED else 1)
        updates = announced(await all_published(client, ticket["id"]))[1:]
        assert updates == [("ticket.updated", v) for v in range(1, shown["version"] + 1)]

    @pytest.mark.parametrize(
        "script", [(A_CREATED, A_CANCELLED), (A_CANCELLED, A_CREATED)], ids=" ".join
    )
    async def test_a_created_and_cancelled_order_ends_with_the_ticket_free_in_any_order(
        self, client: AppClient, script: tuple[str, ...]
    ) -> None:
        ticket = await listed_ticket(client)
        events = scripted(ticket["id"], new_id(), new_id())

        await play_in_order(client, *(events[name] for name in script))

        await settled(client)
        shown = await show_ticket(client, ticket["id"])
        assert shown["orderId"] is None
        assert shown["version"] == (2 if script[0] == A_CREATED else 0)
        assert ticket["id"] in await listed_ids(client)

    async def test_all_three_at_once_end_held_by_the_order_still_standing(
        self, client: AppClient
    ) -> None:
        ticket = await listed_ticket(client)
        order_a, order_b = new_id(), new_id()
        events = scripted(ticket["id"], order_a, order_b)

        await publish(client, events[B_CREATED], events[A_CANCELLED], events[A_CREATED])

        await await_ticket_holder(client, ticket["id"], order_b)
        await settled(client)
        assert (await show_ticket(client, ticket["id"]))["orderId"] == order_b
