"""Each event takes effect once: its id is recorded in the listener's own transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from bus import Envelope, Handler
from bus.failpoints import fail_if_armed
from modules.kernel.unit_of_work import Transactions, UnitOfWork

INBOX = "inbox"

Listener = Callable[[Any, UnitOfWork], Awaitable[None]]


class _AlreadyProcessed(Exception):
    pass


def inbox_guarded(transactions: Transactions, listener: Listener) -> Handler:
    """The inbox entry and the listener's writes commit together, so a re-delivery is a no-op.

    The entry goes first: a repeat fails on its unique id before any other work,
    and two concurrent deliveries of one event conflict, so only one proceeds.
    """

    async def handle(envelope: Envelope) -> None:
        fail_if_armed(f"handler.{transactions.producer}.{envelope.subject}")
        event = envelope.open()

        async def work(unit: UnitOfWork) -> None:
            entry = {"_id": envelope.event_id, "processed_at": datetime.now(UTC)}
            try:
                await transactions.database[INBOX].insert_one(entry, session=unit.session)
            except DuplicateKeyError:
                raise _AlreadyProcessed() from None
            await listener(event, unit)

        with contextlib.suppress(_AlreadyProcessed):
            await transactions.run(work)

    return handle
