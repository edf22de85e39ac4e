"""Helpers for tickets tests: its database as stored, and order events played as orders would."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from bus import Envelope
from tests.support.announced import announced as announced_by
from tests.support.api import await_ticket_holder
from tests.support.apps import AppClient
from tests.support.databases import database, deliveries
from tests.support.events import new_id, order_created, publish
from tests.support.waiting import eventually

GROUP = "tickets"


async def stored(client: AppClient, ticket_id: str) -> dict[str, Any] | None:
    return await database(client, "tickets")["tickets"].find_one({"_id": ObjectId(ticket_id)})


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


async def listed_ids(client: AppClient) -> list[str]:
    response = await client.get("/api/tickets")
    assert response.status_code == 200, response.text
    return [ticket["id"] for ticket in response.json()]


async def tried(client: AppClient, envelope: Envelope) -> None:
    """Wait until tickets has tried every copy of `envelope` once: acknowledged or handed back."""
    query = {"group": GROUP, "envelope.event_id": envelope.event_id}
    await eventually(
        lambda: deliveries(client).find(query).to_list(),
        # An acknowledged copy is deleted; one handed back for later carries its error.
        until=lambda copies: all(copy.get("last_error") for copy in copies),
    )


async def play_in_order(client: AppClient, *envelopes: Envelope) -> None:
    """Publish one event at a time, each tried by tickets before the next goes out."""
    for envelope in envelopes:
        await publish(client, envelope)
        await tried(client, envelope)


async def settled(client: AppClient) -> None:
    """Wait until tickets has no event left to handle and nothing left in its outbox."""

    async def moving() -> list[str]:
        pending = deliveries(client).find({"group": GROUP})
        unpublished = database(client, "tickets")["outbox"].find({"published_at": None})
        return [f"<- {d['envelope']['subject']}: {d.get('last_error')}" async for d in pending] + [
            f"-> {e['envelope']['subject']}" async for e in unpublished
        ]

    await eventually(moving, until=lambda still: not still, timeout=20)


async def reserve(client: AppClient, ticket_id: str) -> str:
    """An order created on the ticket and heard by tickets: the ticket is locked for it."""
    order_id = new_id()
    await publish(client, order_created(order_id, ticket_id=ticket_id))
    await await_ticket_holder(client, ticket_id, order_id)
    return order_id
