"""A small module-like setup for outbox and inbox tests: a database, its transactions and relay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from bus import Bus, TicketCreated
from bus.relay import Relay
from modules.kernel import Inbox, Transactions, UnitOfWork

GRACE = 0.2  # a crash's leftovers are recovered this long after their commit


@dataclass
class Producer:
    """Writes a record and its `ticket.created` event in one unit of work."""

    transactions: Transactions
    relay: Relay

    async def create(self, number: int, *, fail_after_write: bool = False) -> None:
        async def work(unit: UnitOfWork) -> None:
            await unit.session.client[self.transactions.database.name]["records"].insert_one(
                {"_id": number}, session=unit.session
            )
            unit.publish(TicketCreated(id=str(number), version=0, title="T", price=1, user_id="u"))
            if fail_after_write:
                raise RuntimeError("crash after the state write")

        await self.transactions.run(work)


def producer(database: AsyncDatabase, bus: Bus, *, recovery_interval: float = 0.05) -> Producer:
    relay = Relay(database, bus, grace=GRACE, recovery_interval=recovery_interval)
    transactions = Transactions(database.client, database, "tickets", on_commit=relay.committed)
    return Producer(transactions, relay)


def consume_into_effects(database: AsyncDatabase, bus: Bus) -> None:
    """Subscribe a listener that counts each event's effect in `effects`, inbox-guarded."""
    transactions = Transactions(database.client, database, "orders")

    async def count_effect(event: TicketCreated, unit: UnitOfWork) -> None:
        await database["effects"].update_one(
            {"_id": event.id}, {"$inc": {"times": 1}}, upsert=True, session=unit.session
        )

    inbox = Inbox(transactions, {TicketCreated: count_effect})
    bus.subscribe("orders", "ticket.created", inbox.handler("ticket.created"))


async def effects(database: AsyncDatabase) -> dict[str, int]:
    return {doc["_id"]: doc["times"] async for doc in database["effects"].find()}


@asynccontextmanager
async def running(bus: Bus, *relays: Relay) -> AsyncIterator[None]:
    """The bus and relays started, and stopped again however the block ends."""
    await bus.start()
    for relay in relays:
        await relay.start()
    try:
        yield
    finally:
        for relay in relays:
            await relay.stop()
        await bus.stop()
