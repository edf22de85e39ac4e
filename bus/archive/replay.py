"""Replaying history from the archive into one consumer group, through the bus."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bus.archive.store import ArchiveStore
from bus.interface import Bus


async def replay(
    store: ArchiveStore,
    bus: Bus,
    group: str,
    subjects: Collection[str],
    since: datetime | None = None,
) -> int:
    """Every archived event of `subjects` (since `since`), in archive order, to `group` alone.

    Safe to repeat: the group's inbox absorbs what it already took effect on.
    """
    replayed = position = 0
    while page := await store.after(position, subjects=subjects, since=since):
        for event in page:
            await bus.redeliver(group, event.envelope)
        position, replayed = page[-1].position, replayed + len(page)
    return replayed
