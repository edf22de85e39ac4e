"""Deliveries handed over in memory, for a publisher that keeps the events durable itself.

The relay publishes from its outbox and deletes the entries only once `hand_over`
returns, so an event handed to a consumer in this process needs no stored copy
while it is handled: if the process dies, the outbox entry is published again.
A delivery is written to the store only when it must outlive the wait: it failed
and waits for a retry, or its handler is still running when the publisher stops
waiting.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bus.inprocess.store import Delivery


@dataclass
class Queued:
    """A delivery waiting for a consumer. `claimed`: leased to this process already;
    `handover`: handed over in memory, its publisher waiting (None for a stored one)."""

    delivery: Delivery
    claimed: bool
    handover: Handover | None = None

    @property
    def stored(self) -> bool:
        return self.handover is None or self.handover.stored


@dataclass(eq=False)  # kept in sets: compared by identity
class Handover:
    """The publisher's side of a delivery handed over: `done` once it is handled, buried or
    stored for a retry. `stored` once someone writes it to the store after all: its
    consumer, for a retry, or the publisher, when the handler outlasts its wait (and then
    `written` tells the consumer when that write is over, so that its delete follows it)."""

    done: asyncio.Future[None] = field(default_factory=asyncio.Future)
    stored: bool = False
    written: asyncio.Future[None] = field(default_factory=asyncio.Future)

    async def write_finished(self) -> None:
        """Returns once a write of the publisher's is over (whatever its outcome)."""
        if self.stored:
            await asyncio.wait([self.written])

    def settle(self, error: BaseException | None = None) -> None:
        if not self.done.done():
            if error is None:
                self.done.set_result(None)
            else:
                self.done.set_exception(error)
