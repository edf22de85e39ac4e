"""Each event takes effect once: its id is recorded in the listener's own transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from bus import BatchHandler, Envelope, Event, handling_event
from bus.failpoints import fail_if_armed
from modules.kernel.unit_of_work import Transactions, UnitOfWork

INBOX = "inbox"

Listener = Callable[[Any, UnitOfWork], Awaitable[None]]


class _AlreadyProcessed(Exception):
    pass


class Inbox:
    """A module's listeners behind its inbox: the inbox entry and the listener's writes
    commit together, so a re-delivery is a no-op.

    The entry goes first: a repeat fails on its unique id before any other work, and two
    concurrent deliveries of one event conflict, so only one proceeds. Several events can
    also go through one transaction (`together`), all or none: under load the module then
    commits once for many events instead of once for each.
    """

    def __init__(self, transactions: Transactions, listeners: Mapping[type[Event], Listener]):
        self._transactions = transactions
        self._inbox = transactions.database[INBOX]
        self._listeners = {
            event_type.subject: listener for event_type, listener in listeners.items()
        }

    @property
    def subjects(self) -> list[str]:
        return list(self._listeners)

    def handler(self, subject: str) -> BatchHandler:
        listener = self._listeners[subject]

        async def one(envelope: Envelope) -> None:
            self._fail_if_armed(envelope)
            event = envelope.open()

            async def work(unit: UnitOfWork) -> None:
                try:
                    await self._inbox.insert_one(_entry(envelope), session=unit.session)
                except DuplicateKeyError:
                    raise _AlreadyProcessed() from None
                await listener(event, unit)

            with contextlib.suppress(_AlreadyProcessed):
                await self._transactions.run(work)

        return BatchHandler(one, self.together)

    async def together(self, envelopes: Sequence[Envelope]) -> None:
        """All in one transaction; a repeat among them (its inbox entry exists) or any
        failure undoes them all, and the bus then delivers each alone."""
        for envelope in envelopes:
            self._fail_if_armed(envelope)
        events = [(envelope.open(), self._listeners[envelope.subject]) for envelope in envelopes]

        async def work(unit: UnitOfWork) -> None:
            entries = [_entry(envelope) for envelope in envelopes]
            await self._inbox.insert_many(entries, session=unit.session)
            for envelope, (event, listener) in zip(envelopes, events, strict=True):
                # Each event's own correlation id and trace, for what its listener publishes.
                with handling_event(envelope, self._transactions.producer):
                    await listener(event, unit)

        await self._transactions.run(work)

    def _fail_if_armed(self, envelope: Envelope) -> None:
        fail_if_armed(f"handler.{self._transactions.producer}.{envelope.subject}")


def _entry(envelope: Envelope) -> dict[str, Any]:
    return {"_id": envelope.event_id, "processed_at": datetime.now(UTC)}
