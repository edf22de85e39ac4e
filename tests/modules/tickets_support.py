"""Helpers for tickets tests: its database as stored, and order events played as orders would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId

from bus import Envelope, OrderCancelled, OrderCreated, PricedTicket, TicketRef
from tests.support.announced import announced as announced_by
from tests.support.apps import AppClient
from tests.support.waiting import eventually

GROUP = "tickets"


def tickets_db(client: AppClient) -> Any:
    """The tickets module's own database, `{prefix}_tickets`."""
    settings = client.app.state.runtime.settings
    return client.app.state.runtime.client[settings.database_name("tickets")]


def _deliveries(client: AppClient) -> Any:
    settings = client.app.state.runtime.settings
    return client.app.state.runtime.client[settings.database_name("bus")]["deliveries"]


async def stored(client: AppClient, ticket_id: str) -> dict[str, Any] | None:
    return await tickets_db(client)["tickets"].find_one({"_id": ObjectId(ticket_id)})


async def outbox_of(client: AppClient, ticket_id: str) -> list[dict[str, Any]]:
    """Events tickets announced about `ticket_id`, as outbox entries, in version order."""
    envelopes = await announced_by(client, "tickets", id=ticket_id)
    ordered = sorted(envelopes, key=lambda envelope: envelope["payload"]["version"])
    return [{"envelope": envelope} for envelope in ordered]


def announced(entries: list[dict[str, Any]]) -> list[tuple[str, int]]:
    envelopes = [entry["envelope"] for entry in entries]
    return [(envelope["subject"], envelope["payload"]["version"]) for envelope in envelopes]


async def all_published(client: AppClient, ticket_id: str) -> list[dict[str, Any]]:
    """The ticket's outbox entries, once the relay has published every one of them."""
    return await eventually(
        lambda: outbox_of(client, ticket_id),
        until=lambda entries: (
            bool(entries)
            and all(entry["envelope"]["event_id"] in client.events.published for entry in entries)
        ),
    )


async def show(client: AppClient, ticket_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/tickets/{ticket_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def await_holder(client: AppClient, ticket_id: str, order_id: str | None) -> dict[str, Any]:
    """The ticket as the API shows it, once `order_id` holds it (None: once it is free)."""
    return await eventually(
        lambda: show(client, ticket_id), until=lambda ticket: ticket["orderId"] == order_id
    )


async def listed_ids(client: AppClient) -> list[str]:
    response = await client.get("/api/tickets")
    assert response.status_code == 200, response.text
    return [ticket["id"] for ticket in response.json()]


def new_order_id() -> str:
    return str(ObjectId())


def order_created(ticket_id: str, order_id: str) -> Envelope:
    event = OrderCreated(
        id=order_id,
        version=0,
        status="created",
        user_id=str(ObjectId()),
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
        ticket=PricedTicket(id=ticket_id, price=2000),
    )
    return Envelope.wrap(event, producer="orders")


def order_cancelled(ticket_id: str, order_id: str) -> Envelope:
    event = OrderCancelled(id=order_id, version=1, ticket=TicketRef(id=ticket_id))
    return Envelope.wrap(event, producer="orders")


async def publish(client: AppClient, *envelopes: Envelope) -> None:
    """Publish on the running bus, as the orders module's relay would."""
    for envelope in envelopes:
        await client.app.state.runtime.bus.publish(envelope)


async def tried(client: AppClient, envelope: Envelope) -> None:
    """Wait until tickets has tried every copy of `envelope` once: acknowledged or handed back."""
    query = {"group": GROUP, "envelope.event_id": envelope.event_id}
    await eventually(
        lambda: _deliveries(client).find(query).to_list(),
        until=lambda copies: all(copy["attempts"] >= 1 and not copy["leased"] for copy in copies),
    )


async def play_in_order(client: AppClient, *envelopes: Envelope) -> None:
    """Publish one event at a time, each tried by tickets before the next goes out."""
    for envelope in envelopes:
        await publish(client, envelope)
        await tried(client, envelope)


async def settled(client: AppClient) -> None:
    """Wait until tickets has no event left to handle and nothing left in its outbox."""

    async def moving() -> list[str]:
        pending = _deliveries(client).find({"group": GROUP})
        unpublished = tickets_db(client)["outbox"].find({"published_at": None})
        return [f"<- {d['envelope']['subject']}: {d.get('last_error')}" async for d in pending] + [
            f"-> {e['envelope']['subject']}" async for e in unpublished
        ]

    await eventually(moving, until=lambda still: not still, timeout=20)


async def reserve(client: AppClient, ticket_id: str) -> str:
    """An order created on the ticket and heard by tickets: the ticket is locked for it."""
    order_id = new_order_id()
    await publish(client, order_created(ticket_id, order_id))
    await await_holder(client, ticket_id, order_id)
    return order_id
