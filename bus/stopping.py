"""Stopping background work on a deadline, whatever its dependencies are doing.

A task is asked first (a flag it checks between steps), then cancelled. A task
that swallows its cancellation (Python 3.11's `wait_for`, inside pymongo's
server-selection wait, can) is abandoned after a deadline instead of awaited;
its flag still ends it at its next step.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Coroutine
from typing import Any

log = logging.getLogger("bus.stopping")
CANCEL_DEADLINE = 1.0
LOOP_GRACE = 0.5


async def drain(
    tasks: Collection[asyncio.Task[Any]], grace: float, *, deadline: float = CANCEL_DEADLINE
) -> None:
    """Give `tasks` `grace` seconds to finish, cancel the rest, wait at most `deadline` more."""
    pending = {task for task in tasks if not task.done()}
    if pending and grace > 0:
        _, pending = await asyncio.wait(pending, timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        _, stuck = await asyncio.wait(pending, timeout=deadline)
        for task in stuck:
            log.warning("bus: %s ignored cancellation; abandoned", task.get_name())
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            log.error("bus: %s failed", task.get_name(), exc_info=task.exception())


class Background:
    """The loops of one bus part: each checks `running` between steps; `stop` keeps deadlines."""

    def __init__(self) -> None:
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()
        self._started = False
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return self._started and not self._stopping.is_set()

    def spawn(self, loop: Coroutine[Any, Any, None], name: str) -> None:
        self._started = True
        self._tasks.add(asyncio.create_task(loop, name=name))

    def wake(self) -> None:
        """End the current (or next) `pause` early: there is work."""
        self._woken.set()

    async def pause(self, seconds: float) -> None:
        """Sleep up to `seconds`, less if stopping or woken."""
        waiters = [asyncio.ensure_future(event.wait()) for event in (self._stopping, self._woken)]
        try:
            await asyncio.wait(
                waiters, timeout=max(0.0, seconds), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
            self._woken.clear()

    def request_stop(self) -> None:
        """Raise the flag (and end pauses) without waiting for the loops to notice."""
        self._stopping.set()

    async def stop(self, grace: float = LOOP_GRACE) -> None:
        self.request_stop()
        await drain(self._tasks, grace)
        self._tasks.clear()
