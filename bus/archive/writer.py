"""One writer for the archive: concurrent deliveries are committed together, in batches.

A handler hands its row to the writer and waits for the commit, so the bus
acknowledges a delivery only once its row is stored. Whatever queued up while
one batch was being committed goes into the next: under load batches grow by
themselves, and an idle archive commits each event at once.

When a batch fails, a probe write tells an outage from bad data (drivers raise
all sorts of types for both). While the store cannot take writes (down,
locked) the writer keeps retrying the batch and the handlers keep waiting: the
archive's group is delayed, its events stay unacknowledged on the bus, nothing
is dead-lettered for an outage. A row the working store refuses fails its own
handler alone, so the bus retries it and dead-letters it in the end, visibly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
Row = dict[str, Any]
Pending = tuple[Row, asyncio.Future[None]]
LOG_EVERY = 50  # failed attempts between two warnings while the store stays down


@dataclass(frozen=True)
class Backoff:
    first: float = 0.1
    most: float = 5.0

    def after(self, failures: int) -> float:
        return min(self.most, self.first * 2.0 ** max(0, failures - 1))


class BatchWriter:
    def __init__(
        self,
        append: Callable[[Sequence[Row]], Awaitable[None]],
        writable: Callable[[], Awaitable[bool]],
        *,
        max_batch: int = 500,
        backoff: Backoff = Backoff(),
    ):
        self._append = append
        self._writable = writable
        self._max_batch = max_batch
        self._backoff = backoff
        self._queue: asyncio.Queue[Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # committed, for benchmarks and tests

    async def write(self, row: Row) -> None:
        """Returns once `row` is committed (or was already there)."""
        await self.write_all([row])

    async def write_all(self, rows: Sequence[Row]) -> None:
        """Returns once every row is committed; raises if any could not be."""
        loop = asyncio.get_running_loop()
        waiting: list[asyncio.Future[None]] = []
        for row in rows:
            done: asyncio.Future[None] = loop.create_future()
            self._queue.put_nowait((row, done))
            waiting.append(done)
        await asyncio.gather(*waiting)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="archive-writer")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Rows not yet committed fail their handlers: unacknowledged, the bus keeps them."""
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        while not self._queue.empty():
            _, done = self._queue.get_nowait()
            done.cancel()

    async def _run(self) -> None:
        batch: list[Pending] = []
        try:
            while True:
                batch = [await self._queue.get()]
                while len(batch) < self._max_batch and not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                await self._commit(batch)
                batch = []
        finally:
            for _, done in batch:
                done.cancel()

    async def _commit(self, batch: list[Pending]) -> None:
        failures = 0
        while True:
            try:
                await self._append(_unique([row for row, _ in batch]))
            except Exception as error:
                if await self._writable():
                    await self._one_by_one(batch)
                    return
                failures += 1
                if failures % LOG_EVERY == 1:
                    log.warning("archive: store unavailable (%s); retrying", error)
                await asyncio.sleep(self._backoff.after(failures))
            else:
                if failures:
                    log.warning("archive: store available again after %d attempts", failures)
                self.batches += 1
                _settle(batch, None)
                return

    async def _one_by_one(self, batch: list[Pending]) -> None:
        """The store works but refused the batch: commit each row alone, fail only culprits."""
        for row, done in batch:
            try:
                await self._append([row])
            except Exception as error:
                log.error("archive: cannot store %s: %s", row["event_id"], error)
                _settle([(row, done)], error)
            else:
                _settle([(row, done)], None)


def _unique(rows: list[Row]) -> list[Row]:
    """One row per event id: a duplicate delivered concurrently lands in the same batch."""
    return list({row["event_id"]: row for row in rows}.values())


def _settle(batch: Sequence[Pending], error: Exception | None) -> None:
    for _, done in batch:
        if not done.done():
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)
