"""A test switch around any Bus: duplicated, delayed deliveries.

No bus may be stronger than the Redis one across replicas, or tests lie: with
chaos on, every publish reaches each group `copies` times (as a relay that died
before deleting its outbox entry would) and every delivery waits a random
delay first, so handlers see duplicates and reordering.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass

from bus.envelope import Envelope
from bus.interface import Bus, DeadLetter, GroupStatus, Handler


@dataclass(frozen=True)
class Chaos:
    """Deliver each event `copies` times, each after a random delay <= `max_delay` seconds."""

    copies: int = 2
    max_delay: float = 0.05
    seed: int | None = None


class ChaosBus:
    def __init__(self, inner: Bus, chaos: Chaos):
        self._inner = inner
        self._chaos = chaos
        self._random = random.Random(chaos.seed)

    def subscribe(self, group: str, subject: str, handler: Handler) -> None:
        self._inner.subscribe(group, subject, self._delayed(handler))

    async def publish(self, envelope: Envelope) -> None:
        for _ in range(self._chaos.copies):
            await self._inner.publish(envelope)

    async def publish_all(self, envelopes: Sequence[Envelope]) -> None:
        for _ in range(self._chaos.copies):
            await self._inner.publish_all(envelopes)

    async def hand_over(self, envelopes: Sequence[Envelope]) -> None:
        for _ in range(self._chaos.copies):
            await self._inner.hand_over(envelopes)

    async def start(self) -> None:
        await self._inner.start()

    async def stop(self, grace: float = 10.0) -> None:
        await self._inner.stop(grace)

    async def dead_letters(self, group: str | None = None) -> list[DeadLetter]:
        return await self._inner.dead_letters(group)

    async def status(self) -> list[GroupStatus]:
        return await self._inner.status()

    async def replay(self, dead_letter_id: str) -> bool:
        return await self._inner.replay(dead_letter_id)

    async def redeliver(self, group: str, envelope: Envelope) -> None:
        await self._inner.redeliver(group, envelope)

    def _delayed(self, handler: Handler) -> Handler:
        async def delayed(envelope: Envelope) -> None:
            await asyncio.sleep(self._random.uniform(0, self._chaos.max_delay))
            await handler(envelope)

        return delayed
