"""A background loop that a module runs while the app is up and that stops on a deadline."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    """Runs `work` every `period` seconds; a failure is logged and tried again next time.

    Stopping sets a flag and cancels, then waits at most `deadline` seconds: a call
    stuck in a driver that swallows cancellation cannot hold the shutdown.
    """

    def __init__(
        self,
        name: str,
        period: float,
        work: Callable[[], Awaitable[object]],
        *,
        immediately: bool = False,
        deadline: float = 5,
    ):
        self._name = name
        self._immediately = immediately
        self._period = period
        self._work = work
        self._deadline = deadline
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is None:
            return
        self._task.cancel()
        done, _ = await asyncio.wait({self._task}, timeout=self._deadline)
        if not done:
            log.warning("%s did not stop within %.0fs; abandoned", self._name, self._deadline)
        self._task = None

    async def _run(self) -> None:
        wait = 0.0 if self._immediately else self._period
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait)
            if self._stopping.is_set():
                return
            try:
                await self._work()
            except Exception:
                log.exception("%s failed; will retry", self._name)
            wait = self._period
