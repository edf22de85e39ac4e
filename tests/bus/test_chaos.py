"""The chaos switch wraps any bus: duplicates and reordering, so no bus is stronger than Redis."""

from __future__ import annotations

from collections import Counter

from bus import Envelope
from bus.chaos import Chaos, ChaosBus
from tests.bus.conftest import BusFactory, consuming
from tests.bus.recording import ticket_created
from tests.support.waiting import eventually


class TestChaosSwitch:
    async def test_every_event_is_delivered_twice_and_out_of_order(
        self, make_bus: BusFactory
    ) -> None:
        bus = ChaosBus(make_bus(), Chaos(copies=2, max_delay=0.05, seed=7))
        arrivals: list[str] = []

        async def record(envelope: Envelope) -> None:
            arrivals.append(envelope.event_id)

        await consuming(bus, record)
        published = [ticket_created(n) for n in range(30)]

        for envelope in published:
            await bus.publish(envelope)

        await eventually(lambda: len(arrivals) == 60)
        assert Counter(arrivals) == {envelope.event_id: 2 for envelope in published}
        first_arrivals = list(dict.fromkeys(arrivals))
        assert first_arrivals != [envelope.event_id for envelope in published]
