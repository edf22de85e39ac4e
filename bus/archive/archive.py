"""The archive's consumer group: every event on the bus, stored once, in a relational store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bus.archive.migrate import upgrade
from bus.archive.rows import row_of
from bus.archive.settings import ArchiveSettings
from bus.archive.store import ArchiveStore
from bus.archive.writer import BatchWriter
from bus.envelope import Envelope
from bus.events import EVENT_TYPES
from bus.interface import BatchHandler, Bus

log = logging.getLogger(__name__)
GROUP = "archive"
PRUNE_INTERVAL = 3600.0
# Deliveries in flight for the archive's own process: they bound a batch, and a batch costs
# one commit (one fsync), so the archive keeps up with the bus only with many in flight.
CONCURRENCY = 64


class Archive:
    """Bus infrastructure, not a module: its failures only delay its own group.

    Subscribes to every subject in `EVENT_TYPES` as the `archive` group. The
    schema is migrated at start-up; if the store is unreachable then, start-up
    goes on and the first write migrates it.
    """

    def __init__(
        self,
        store: ArchiveStore,
        *,
        retention: timedelta | None = None,
        prune_interval: float = PRUNE_INTERVAL,
    ):
        self.store = store
        self.writer = BatchWriter(self._append, store.writable)
        self._retention = retention
        self._prune_interval = prune_interval
        self._schema_ready = False
        self._pruning: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: ArchiveSettings, data_dir: Path) -> Archive:
        retention = timedelta(days=settings.retention) if settings.retention else None
        return cls(ArchiveStore.open(settings.database_url(data_dir)), retention=retention)

    def subscribe(self, bus: Bus) -> None:
        """The `archive` group on every subject; before the bus starts."""
        handler = BatchHandler(self.handle, self.handle_all)
        for subject in EVENT_TYPES:
            bus.subscribe(GROUP, subject, handler)

    async def start(self) -> None:
        try:
            await self._ensure_schema()
        except Exception as error:
            if not isinstance(error, SQLAlchemyError | OSError):
                raise  # not an outage: a schema newer than this code, a bad migration
            log.warning("archive: store unreachable at start-up (%s); will retry", error)
        self.writer.start()
        if self._retention:
            self._pruning = asyncio.create_task(self._prune_forever(), name="archive-prune")

    async def stop(self) -> None:
        if self._pruning:
            self._pruning.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruning
        await self.writer.stop()
        await self.store.close()

    async def ready(self) -> bool:
        """For `/readyz`: the writer runs and the store takes writes."""
        return self.writer.running and await self.store.writable()

    async def handle(self, envelope: Envelope) -> None:
        await self.writer.write(row_of(envelope, datetime.now(UTC)))

    async def handle_all(self, envelopes: Sequence[Envelope]) -> None:
        """Several deliveries at once: one call, one acknowledgement on the bus."""
        now = datetime.now(UTC)
        await self.writer.write_all([row_of(envelope, now) for envelope in envelopes])

    async def _append(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._ensure_schema()
        await self.store.append(rows)

    async def _ensure_schema(self) -> None:
        if not self._schema_ready:
            await upgrade(self.store.engine)
            self._schema_ready = True

    async def _prune_forever(self) -> None:
        assert self._retention is not None
        while True:
            try:
                pruned = await self.store.prune(datetime.now(UTC) - self._retention)
                if pruned:
                    log.info("archive: pruned %d events past retention", pruned)
            except Exception as error:
                log.warning("archive: pruning failed (%s); will retry", error)
            await asyncio.sleep(self._prune_interval)
