"""After the load: did every order end, did every event arrive once, did the bus drain?

Read straight from the servers, as an auditor would: each module's documents
in Mongo, the archive's rows (every event the bus carried, kept once by event
id), and the bus's own status. An event lost leaves a replica behind its
source, a ticket holding a cancelled order, or a version missing from the
archive; an event applied twice leaves two events for one change.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from pymongo import MongoClient
from pymongo.collection import Collection

from bus.archive import ArchivedEvent, ArchiveStore
from bus.interface import GroupStatus
from bus.redis_streams import RedisStreamsBus

SETTLED = ("complete", "cancelled")
# Documents by id: "orders", "tickets", "ticket_replicas" (orders'), "order_replicas" (payments').
State = dict[str, dict[str, dict[str, Any]]]
PAGE = 500


@dataclass
class Audit:
    orders: int = 0
    unsettled: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    pending: dict[str, int] = field(default_factory=dict)  # "subject/group" -> pending
    dead_letters: int = 0
    archived: int = 0


def wait_settled(mongo_url: str, prefix: str, orders: Iterable[str], timeout: float) -> list[str]:
    """Poll until every order is complete or cancelled; those that are not, at the deadline."""
    wanted = list(orders)
    deadline = time.monotonic() + timeout
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongo_url) as client:
        collection: Collection[dict[str, Any]] = client[f"{prefix}_orders"]["orders"]
        while True:
            found = {str(d["_id"]): d["status"] for d in collection.find(_any_of(wanted))}
            unsettled = [o for o in wanted if found.get(o) not in SETTLED]
            if not unsettled or time.monotonic() > deadline:
                return unsettled
            time.sleep(0.5)


def wait_drained(redis_url: str, prefix: str, timeout: float) -> tuple[list[GroupStatus], int]:
    """Poll the bus until no group has anything pending or undelivered; its status then."""
    deadline = time.monotonic() + timeout
    while True:
        rows, dead = asyncio.run(_bus_status(redis_url, prefix))
        busy = [r for r in rows if r.pending or r.lag]
        if not busy or time.monotonic() > deadline:
            return rows, dead
        time.sleep(0.5)


def audit(mongo_url: str, prefix: str, archive_url: str, orders: Iterable[str]) -> Audit:
    ids = list(orders)
    events = asyncio.run(_archived(archive_url))
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongo_url) as client:
        state = _state(client, prefix, ids)
    return judge(state, events, ids)


def judge(state: State, events: list[ArchivedEvent], orders: list[str]) -> Audit:
    """The audit of each module's documents (`State`) against the archived events."""
    result = Audit(orders=len(orders), archived=len(events))
    result.lost += [
        f"order {o}: created, yet not in the orders database"
        for o in orders
        if o not in state["orders"]
    ]
    _check_tickets(state, events, result)
    _check_orders(state, events, result)
    return result


async def _bus_status(redis_url: str, prefix: str) -> tuple[list[GroupStatus], int]:
    bus = RedisStreamsBus(redis_url, namespace=prefix)
    try:
        return await bus.status(), len(await bus.dead_letters())
    finally:
        await bus.stop(grace=0)


async def _archived(url: str) -> list[ArchivedEvent]:
    store = ArchiveStore.open(url)
    events: list[ArchivedEvent] = []
    try:
        while page := await store.after(events[-1].position if events else 0, limit=PAGE):
            events += page
    finally:
        await store.close()
    return events


def _state(client: MongoClient[dict[str, Any]], prefix: str, ids: list[str]) -> State:
    """Each module's documents for the orders of the load and their tickets, by id."""

    def by_id(database: str, collection: str, wanted: list[str]) -> dict[str, dict[str, Any]]:
        found = client[f"{prefix}_{database}"][collection].find(_any_of(wanted))
        return {str(document["_id"]): document for document in found}

    orders = by_id("orders", "orders", ids)
    tickets = list({str(order["ticket"]["id"]) for order in orders.values()})
    return {
        "orders": orders,
        "tickets": by_id("tickets", "tickets", tickets),
        "ticket_replicas": by_id("orders", "ticket_replicas", tickets),
        "order_replicas": by_id("payments", "order_replicas", ids),
    }


def _any_of(ids: list[str]) -> dict[str, Any]:
    """Ids as the API shows them: ObjectIds in Mongo where they look like one."""
    return {"_id": {"$in": [*ids, *(ObjectId(i) for i in ids if ObjectId.is_valid(i))]}}


def _check_tickets(state: State, events: list[ArchivedEvent], audit: Audit) -> None:
    versions: dict[str, Counter[int]] = {}
    for event in events:
        if event.subject.startswith("ticket.") and event.aggregate_id is not None:
            versions.setdefault(event.aggregate_id, Counter())[event.aggregate_version or 0] += 1
    for ticket_id, ticket in state["tickets"].items():
        replica = state["ticket_replicas"].get(ticket_id)
        if replica is None or replica["version"] != ticket["version"]:
            audit.lost.append(f"ticket {ticket_id}: orders' replica is behind the ticket")
        seen = versions.get(ticket_id, Counter())
        first = min(seen, default=0)
        missing = set(range(first, ticket["version"] + 1)) - set(seen)
        audit.lost += [f"ticket {ticket_id}: version {v} never on the bus" for v in sorted(missing)]
        twice = [v for v, count in seen.items() if count > 1]
        audit.duplicated += [f"ticket {ticket_id}: version {v} announced twice" for v in twice]


def _check_orders(state: State, events: list[ArchivedEvent], audit: Audit) -> None:
    announced: Counter[tuple[str, str | None]] = Counter(
        (e.subject, e.order_id)
        for e in events
        if e.subject in ("order.created", "order.cancelled", "payment.created")
    )
    last_announced: dict[str, int] = {}  # order id -> version of its latest order event
    for e in events:
        if e.subject.startswith("order.") and e.order_id and e.aggregate_version is not None:
            last_announced[e.order_id] = max(last_announced.get(e.order_id, 0), e.aggregate_version)
    for order_id, order in state["orders"].items():
        status = order["status"]
        expected = {  # how many times each event of the order's story should be on the bus
            "order.created": (1, 1),
            "order.cancelled": (1, 1) if status == "cancelled" else (0, 0),
            # a charge that lands on an order cancelled meanwhile is announced, then refunded
            "payment.created": (1, 1) if status == "complete" else (0, 1),
        }
        for subject, (least, most) in expected.items():
            found = announced[(subject, order_id)]
            if found < least:
                audit.lost.append(f"order {order_id}: {subject} never on the bus")
            if found > most:
                audit.duplicated.append(f"order {order_id}: {subject} {found} times")
        # Paying completes an order without an event: the replica follows what was announced.
        replica = state["order_replicas"].get(order_id)
        if replica is None or replica["version"] != last_announced.get(order_id):
            audit.lost.append(f"order {order_id}: payments' replica is behind the order")
        holder = state["tickets"][str(order["ticket"]["id"])].get("order_id")
        if (holder == order_id) != (status == "complete"):
            audit.lost.append(f"order {order_id} is {status}; its ticket is held by {holder}")
