"""Handlers that record what they were given, for asserting on deliveries."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field

from bus import Envelope, TicketCreated, current_correlation_id


def ticket_created(number: int = 1) -> Envelope:
    event = TicketCreated(id=f"t{number}", version=0, title=f"T{number}", price=100, user_id="u")
    return Envelope.wrap(event, producer="tickets")


@dataclass
class Recorder:
    """Counts deliveries per event id; fails the first `failures` attempts of each event."""

    failures: int = 0
    seen: Counter[str] = field(default_factory=Counter)
    correlation_ids: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, envelope: Envelope) -> None:
        self.seen[envelope.event_id] += 1
        self.correlation_ids.append(current_correlation_id())
        self.arrived.set()
        if self.seen[envelope.event_id] <= self.failures:
            raise RuntimeError("handler failed on purpose")

    def handled(self, envelope: Envelope) -> bool:
        return self.seen[envelope.event_id] > self.failures


class Hanging:
    """A handler that never finishes, standing in for a consumer that died mid-event."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def __call__(self, envelope: Envelope) -> None:
        self.started.set()
        await asyncio.Event().wait()


class Stubborn:
    """A handler that ignores cancellation until released, as a driver call swallowing it would."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, envelope: Envelope) -> None:
        self.started.set()
        while not self.release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await self.release.wait()
