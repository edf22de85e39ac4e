"""`status()`: what an operator sees per subject and group, on every implementation."""

from __future__ import annotations

from tests.bus.conftest import BusFactory
from tests.bus.recording import Hanging, Recorder, ticket_created
from tests.support.waiting import eventually


class TestBusStatus:
    async def test_status_shows_pending_and_dead_letters_per_group(
        self, make_bus: BusFactory
    ) -> None:
        bus = make_bus()  # a short retry limit: the failing group dead-letters quickly
        hanging = Hanging()
        bus.subscribe("orders", "ticket.created", hanging)
        bus.subscribe("payments", "ticket.updated", Recorder(failures=1_000))
        await bus.start()
        await bus.publish(ticket_created(1))
        await bus.publish(ticket_created(2).model_copy(update={"subject": "ticket.updated"}))

        await eventually(lambda: bus.dead_letters("payments"))
        await hanging.started.wait()
        rows = {(row.group, row.subject): row for row in await bus.status()}

        held = rows[("orders", "ticket.created")]
        assert held.pending == 1
        assert held.oldest_pending_age is not None and held.oldest_pending_age >= 0
        assert rows[("payments", "ticket.updated")].dead_letters == 1
        assert rows[("payments", "ticket.updated")].pending == 0
