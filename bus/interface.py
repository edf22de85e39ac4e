"""The Bus every implementation provides, and the errors handlers use to steer it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bus.envelope import Envelope

Handler = Callable[[Envelope], Awaitable[None]]
Together = Callable[[Sequence[Envelope]], Awaitable[None]]


@dataclass(frozen=True)
class BatchHandler:
    """A handler that can also take several events of its group at once, all or nothing.

    `together` makes every envelope it is given take effect, or none and raises. A bus
    holding several deliveries whose handlers share one `together` may call it once
    instead (both buses do: under load, one transaction for many events); when it raises,
    the bus delivers them one at a time, each with its own retries. `together` takes each
    event under `bus.handling_event`, so what it causes carries that event's correlation
    id and trace.
    """

    one: Handler
    together: Together

    async def __call__(self, envelope: Envelope) -> None:
        await self.one(envelope)


class NotReadyYet(Exception):
    """Raised by a handler for an event that arrived before the one it depends on.

    The bus treats it like a failure (not acknowledged, delivered again later),
    but logs it quietly: it is expected under reordering.
    """


@dataclass(frozen=True)
class DeadLetter:
    id: str
    group: str
    envelope: Envelope
    attempts: int
    error: str
    dead_at: datetime


@dataclass(frozen=True)
class GroupStatus:
    """How one consumer group is doing on one subject, for `ticketing bus status`."""

    subject: str
    group: str
    length: int  # entries kept for the subject
    pending: int  # delivered to a consumer, not yet acknowledged
    lag: int | None  # not yet delivered to the group (None: the server cannot tell)
    oldest_pending_age: float | None  # seconds
    dead_letters: int


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between attempts; after `max_attempts` the event is dead-lettered."""

    max_attempts: int = 10
    base_delay: float = 0.05
    max_delay: float = 5.0

    def delay(self, attempts: int) -> float:
        return min(self.max_delay, self.base_delay * 2.0 ** max(0, attempts - 1))


class Bus(Protocol):
    def subscribe(self, group: str, subject: str, handler: Handler) -> None:
        """Register `handler` for `subject` in a durable consumer `group` (one per module)."""

    async def publish(self, envelope: Envelope) -> None:
        """Durably hand `envelope` to every group subscribed to its subject."""

    async def publish_all(self, envelopes: Sequence[Envelope]) -> None:
        """`publish` for several at once, in as few round trips as the bus allows."""

    async def hand_over(self, envelopes: Sequence[Envelope]) -> None:
        """`publish_all` for a caller that keeps the envelopes durable until this returns (the
        relay, in its outbox) and publishes them again if it raises: a bus may deliver them
        to consumers in this process before, or instead of, storing them."""

    async def start(self) -> None: ...

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking new deliveries; those in flight get `grace` seconds, else stay pending."""

    async def dead_letters(self, group: str | None = None) -> list[DeadLetter]: ...

    async def status(self) -> list[GroupStatus]: ...

    async def replay(self, dead_letter_id: str) -> bool:
        """Put a dead letter back for delivery; False if there is no such dead letter."""

    async def redeliver(self, group: str, envelope: Envelope) -> None:
        """Deliver `envelope` again to `group` alone (a replay from the archive)."""
