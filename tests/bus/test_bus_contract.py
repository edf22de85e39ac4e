"""DESIGN §4 bus semantics, run against every Bus implementation via the `make_bus` fixture."""

from __future__ import annotations

import asyncio

from bus import NotReadyYet, RetryPolicy
from tests.bus.conftest import BusFactory, consuming
from tests.bus.recording import Hanging, Recorder, ticket_created
from tests.support.waiting import eventually

SUBJECT = "ticket.created"


async def delivered(recorder: Recorder, *envelopes: object) -> bool:
    return all(recorder.handled(envelope) for envelope in envelopes)  # type: ignore[arg-type]


class TestConsumerGroups:
    async def test_every_subscribed_group_gets_every_event(self, make_bus: BusFactory) -> None:
        bus = make_bus()
        orders, payments = Recorder(), Recorder()
        bus.subscribe("orders", SUBJECT, orders)
        bus.subscribe("payments", SUBJECT, payments)
        await bus.start()
        envelopes = [ticket_created(n) for n in range(5)]

        for envelope in envelopes:
            await bus.publish(envelope)

        await eventually(lambda: delivered(orders, *envelopes))
        await eventually(lambda: delivered(payments, *envelopes))
        assert set(orders.seen.values()) == {1}
        assert set(payments.seen.values()) == {1}

    async def test_replicas_of_a_group_share_its_events(self, make_bus: BusFactory) -> None:
        first, second = Recorder(), Recorder()
        replicas = [make_bus(), make_bus()]
        for replica, recorder in zip(replicas, (first, second), strict=True):
            await consuming(replica, recorder)
        envelopes = [ticket_created(n) for n in range(40)]

        for envelope in envelopes:
            await replicas[0].publish(envelope)

        async def all_handled_once() -> bool:
            total = first.seen + second.seen
            return all(total[e.event_id] == 1 for e in envelopes)

        await eventually(all_handled_once)
        assert sum((first.seen + second.seen).values()) == len(envelopes)

    async def test_events_wait_for_a_group_that_is_not_running(self, make_bus: BusFactory) -> None:
        publisher = make_bus()
        publisher.subscribe("orders", SUBJECT, Recorder())
        envelope = ticket_created()
        await publisher.publish(envelope)

        recorder = Recorder()
        consumer = make_bus()
        await consuming(consumer, recorder)

        await eventually(lambda: delivered(recorder, envelope))

    async def test_the_handler_sees_the_correlation_id_of_the_event(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus()
        recorder = Recorder()
        await consuming(bus, recorder)
        envelope = ticket_created()

        await bus.publish(envelope)

        await eventually(lambda: delivered(recorder, envelope))
        assert recorder.correlation_ids == [envelope.correlation_id]


class TestAcknowledgement:
    async def test_a_failing_handler_is_retried_until_it_succeeds(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus()
        recorder = Recorder(failures=2)
        await consuming(bus, recorder)
        envelope = ticket_created()

        await bus.publish(envelope)

        await eventually(lambda: delivered(recorder, envelope))
        assert recorder.seen[envelope.event_id] == 3
        assert await bus.dead_letters("orders") == []

    async def test_an_event_held_by_a_dead_consumer_goes_to_a_live_one(
        self, make_bus: BusFactory
    ) -> None:
        dying, survivor = make_bus(ack_wait=0.3), make_bus(ack_wait=0.3)
        hanging, recorder = Hanging(), Recorder()
        await consuming(dying, hanging)
        envelope = ticket_created()
        await dying.publish(envelope)
        await asyncio.wait_for(hanging.started.wait(), 5)

        await consuming(survivor, recorder)

        await eventually(lambda: delivered(recorder, envelope))

    async def test_stopping_leaves_unfinished_events_for_the_next_run(
        self, make_bus: BusFactory
    ) -> None:
        first_run, hanging = make_bus(ack_wait=0.3), Hanging()
        await consuming(first_run, hanging)
        envelope = ticket_created()
        await first_run.publish(envelope)
        await asyncio.wait_for(hanging.started.wait(), 5)
        await first_run.stop(grace=0.1)

        recorder, second_run = Recorder(), make_bus(ack_wait=0.3)
        await consuming(second_run, recorder)

        await eventually(lambda: delivered(recorder, envelope))

    async def test_an_early_event_comes_back_until_it_can_be_applied(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus(retry=RetryPolicy(max_attempts=50, base_delay=0.01, max_delay=0.02))
        ready, applied = asyncio.Event(), asyncio.Event()

        async def waits_for_ready(_: object) -> None:
            if not ready.is_set():
                raise NotReadyYet("predecessor not seen yet")
            applied.set()

        await consuming(bus, waits_for_ready)
        await bus.publish(ticket_created())
        await asyncio.sleep(0.05)
        assert not applied.is_set()

        ready.set()

        await asyncio.wait_for(applied.wait(), 5)
