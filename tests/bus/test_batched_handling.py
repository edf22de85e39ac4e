"""Events queued together are handled together: one transaction for many, all or none.

A module's `Inbox` takes a batch in one transaction; when anything in it fails (a
repeat, a listener's error), nothing of it stays and the bus (either of them)
delivers each event alone, so the good ones take effect once and the bad one is
retried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bus import Bus, Envelope, RetryPolicy, TicketCreated
from modules.kernel import Inbox, Transactions, UnitOfWork
from tests.bus.commands import CommandLog
from tests.bus.effects import running
from tests.bus.recording import ticket_created
from tests.support.buses import BusFactory
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

POISON = "t3"
QUICK_RETRIES = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)


class Failing(Exception):
    pass


def inbox_of(database: AsyncDatabase, calls: Counter[str] | None = None) -> Inbox:
    """The listener counts one effect per event, and fails on the poisoned one; `calls` counts
    its calls, undone or not."""

    async def record(event: TicketCreated, unit: UnitOfWork) -> None:
        if calls is not None:
            calls[event.id] += 1
        await database["effects"].update_one(
            {"_id": event.id}, {"$inc": {"times": 1}}, upsert=True, session=unit.session
        )
        if event.id == POISON:
            raise Failing(f"{event.id} cannot be handled")

    return Inbox(Transactions(database.client, database, "orders"), {TicketCreated: record})


@pytest.fixture
async def logged(servers: ServerUrls) -> AsyncIterator[tuple[AsyncMongoClient, CommandLog]]:
    log = CommandLog()
    client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True, event_listeners=[log])
    yield client, log
    await client.close()


async def effects(database: AsyncDatabase) -> dict[str, int]:
    return {doc["_id"]: doc["times"] async for doc in database["effects"].find()}


def commits(log: CommandLog) -> int:
    return sum(1 for sent in log.sent if sent.name == "commitTransaction")


def bus_on(make_bus: BusFactory, database: AsyncDatabase, calls: Counter[str] | None = None) -> Bus:
    bus = make_bus(retry=QUICK_RETRIES)
    bus.subscribe("orders", "ticket.created", inbox_of(database, calls).handler("ticket.created"))
    return bus


class TestTogether:
    async def test_a_batch_takes_effect_whole_in_one_transaction(
        self, logged: tuple[AsyncMongoClient, CommandLog], prefix: str
    ) -> None:
        mongo, log = logged
        database = mongo[f"{prefix}_orders"]
        envelopes = [ticket_created(number) for number in (1, 2, 4)]

        await inbox_of(database).together(envelopes)

        assert await effects(database) == {"t1": 1, "t2": 1, "t4": 1}
        assert await database["inbox"].count_documents({}) == 3
        assert commits(log) == 1

    async def test_a_failing_listener_undoes_the_whole_batch(
        self, logged: tuple[AsyncMongoClient, CommandLog], prefix: str
    ) -> None:
        mongo, _ = logged
        database = mongo[f"{prefix}_orders"]

        with pytest.raises(Failing):
            await inbox_of(database).together([ticket_created(n) for n in (1, 2, 3, 4)])

        assert await effects(database) == {}
        assert await database["inbox"].count_documents({}) == 0

    async def test_a_repeat_in_the_batch_undoes_it_and_changes_nothing(
        self, logged: tuple[AsyncMongoClient, CommandLog], prefix: str
    ) -> None:
        mongo, _ = logged
        database = mongo[f"{prefix}_orders"]
        inbox, seen = inbox_of(database), ticket_created(1)
        await inbox.handler("ticket.created")(seen)

        with pytest.raises(Exception, match="duplicate key"):
            await inbox.together([ticket_created(2), seen])

        assert await effects(database) == {"t1": 1}
        assert await database["inbox"].count_documents({}) == 1

    async def test_what_each_event_causes_carries_that_events_correlation_id(
        self, logged: tuple[AsyncMongoClient, CommandLog], prefix: str
    ) -> None:
        mongo, _ = logged
        database = mongo[f"{prefix}_orders"]

        async def announce(event: TicketCreated, unit: UnitOfWork) -> None:
            unit.publish(event.model_copy(update={"id": f"heard-{event.id}"}))

        inbox = Inbox(Transactions(database.client, database, "orders"), {TicketCreated: announce})
        first, second = (
            ticket_created(number).model_copy(update={"correlation_id": f"cid-{number}"})
            for number in (1, 2)
        )

        await inbox.together([first, second])

        caused = {
            entry["envelope"]["payload"]["id"]: entry["envelope"]["correlation_id"]
            async for entry in database["outbox"].find()
        }
        assert caused == {"heard-t1": "cid-1", "heard-t2": "cid-2"}


class TestEitherBusBatches:
    async def test_events_published_together_are_handled_in_fewer_transactions(
        self, logged: tuple[AsyncMongoClient, CommandLog], prefix: str, make_bus: BusFactory
    ) -> None:
        mongo, log = logged
        database = mongo[f"{prefix}_orders"]
        bus = bus_on(make_bus, database)
        envelopes = [ticket_created(number) for number in range(10, 30)]

        async with running(bus):
            log.sent.clear()
            await bus.publish_all(envelopes)
            await eventually(lambda: effects(database), until=lambda done: len(done) == 20)

        assert await effects(database) == {envelope_id(e): 1 for e in envelopes}
        assert commits(log) < len(envelopes) / 2

    async def test_a_poisoned_batch_is_handled_one_by_one_and_the_rest_take_effect_once(
        self, logged: tuple[AsyncMongoClient, CommandLog], prefix: str, make_bus: BusFactory
    ) -> None:
        mongo, _ = logged
        database = mongo[f"{prefix}_orders"]
        calls: Counter[str] = Counter()
        bus = bus_on(make_bus, database, calls)

        async with running(bus):
            await bus.publish_all([ticket_created(number) for number in range(1, 6)])
            await eventually(lambda: effects(database), until=lambda done: len(done) == 4)
            await eventually(
                lambda: bus.dead_letters("orders"),
                until=lambda dead: len(dead) == 1,
            )

        assert await effects(database) == {"t1": 1, "t2": 1, "t4": 1, "t5": 1}
        tried_twice = [event for event in ("t1", "t2", "t4", "t5") if calls[event] == 2]
        assert tried_twice, calls  # in the poisoned batch, undone, then alone
        assert [envelope_id(letter.envelope) for letter in await bus.dead_letters("orders")] == [
            POISON
        ]


def envelope_id(envelope: Envelope) -> str:
    return str(envelope.open().id)  # type: ignore[attr-defined]
