"""After the retry limit an event is dead-lettered: visible, replayable, never silently dropped."""

from __future__ import annotations

from bus import RetryPolicy
from tests.bus.conftest import BusFactory, consuming
from tests.bus.recording import Recorder, ticket_created
from tests.support.waiting import eventually

LIMIT = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)


class TestDeadLetters:
    async def test_a_poison_event_is_dead_lettered_after_the_limit(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus(retry=LIMIT)
        poison = Recorder(failures=1_000)
        await consuming(bus, poison)
        envelope = ticket_created()

        await bus.publish(envelope)

        dead = await eventually(lambda: bus.dead_letters("orders"))
        assert [letter.envelope.event_id for letter in dead] == [envelope.event_id]
        assert dead[0].attempts == LIMIT.max_attempts
        assert "failed on purpose" in dead[0].error
        assert poison.seen[envelope.event_id] == LIMIT.max_attempts

    async def test_other_events_keep_flowing_past_a_poison_event(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus(retry=LIMIT)
        healthy = Recorder()
        bus.subscribe("orders", "ticket.created", Recorder(failures=1_000))
        bus.subscribe("orders", "ticket.updated", healthy)
        await bus.start()
        await bus.publish(ticket_created())
        follower = ticket_created(2).model_copy(update={"subject": "ticket.updated"})

        await bus.publish(follower)

        await eventually(lambda: healthy.handled(follower))

    async def test_a_replayed_dead_letter_is_delivered_again_once(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus(retry=LIMIT)
        flaky = Recorder(failures=LIMIT.max_attempts)
        await consuming(bus, flaky)
        envelope = ticket_created()
        await bus.publish(envelope)
        dead = await eventually(lambda: bus.dead_letters("orders"))

        assert await bus.replay(dead[0].id)

        await eventually(lambda: flaky.handled(envelope))
        assert await bus.dead_letters("orders") == []
        assert flaky.seen[envelope.event_id] == LIMIT.max_attempts + 1

    async def test_replaying_an_unknown_dead_letter_changes_nothing(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus()

        assert not await bus.replay("not-an-id")
        assert not await bus.replay("0123456789abcdef01234567")
