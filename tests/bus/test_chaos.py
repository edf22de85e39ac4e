"""The in-process bus's test switch: duplicates and reorders, so it is never stronger than Redis."""

from __future__ import annotations

from pymongo import AsyncMongoClient

from bus import Envelope
from bus.inprocess import Chaos, InProcessBus
from tests.bus.recording import ticket_created
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


class TestChaosSwitch:
    async def test_every_event_is_delivered_twice_and_out_of_order(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        client: AsyncMongoClient = AsyncMongoClient(servers.mongo, tz_aware=True)
        bus = InProcessBus(client[f"{prefix}_bus"], chaos=Chaos(copies=2, max_delay=0.05, seed=7))
        arrivals: list[str] = []

        async def record(envelope: Envelope) -> None:
            arrivals.append(envelope.event_id)

        bus.subscribe("orders", "ticket.created", record)
        await bus.start()
        published = [ticket_created(n) for n in range(30)]
        try:
            for envelope in published:
                await bus.publish(envelope)

            await eventually(lambda: len(arrivals) == 60)
        finally:
            await bus.stop()
            await client.close()

        assert {event_id: arrivals.count(event_id) for event_id in set(arrivals)} == {
            envelope.event_id: 2 for envelope in published
        }
        first_arrivals = list(dict.fromkeys(arrivals))
        assert first_arrivals != [envelope.event_id for envelope in published]
