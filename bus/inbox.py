"""Wraps a module's listener so each event takes effect once, in the listener's own transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bus.envelope import Envelope
from bus.failpoints import fail_if_armed
from bus.interface import Handler
from bus.unit_of_work import Transactions, UnitOfWork

Listener = Callable[[Any, UnitOfWork], Awaitable[None]]


def inbox_guarded(transactions: Transactions, listener: Listener) -> Handler:
    """The inbox entry and the listener's writes commit together, so a re-delivery is a no-op."""

    async def handle(envelope: Envelope) -> None:
        fail_if_armed(f"handler.{transactions.producer}.{envelope.subject}")
        event = envelope.open()

        async def work(unit: UnitOfWork) -> None:
            if not await unit.already_processed(envelope.event_id):
                await listener(event, unit)

        await transactions.run(work)

    return handle
