"""Sessions seen open lately, remembered for a moment and forgotten when any process closes one."""

from __future__ import annotations

import asyncio
import logging
import time

from redis.asyncio import Redis

log = logging.getLogger(__name__)
RETRY_AFTER = 0.5  # seconds between attempts to subscribe again after Redis went away
POLL = 0.1  # seconds between looks at the stop flag (a stop waits up to this long)


class Liveness:
    """A local cache of open sessions, so a signed-in request usually costs no Redis call.

    Every close is published on a Redis channel that every process listens to, and the
    listener forgets the closed sessions at once; an entry is trusted for at most `bound`
    seconds, so a lost notification (Redis restarting, a slow subscriber) delays a
    sign-out that long and no longer. Nothing is cached while the subscription is down,
    and everything is forgotten when it comes back.
    """

    def __init__(self, redis: Redis, channel: str, bound: float):
        self._redis = redis
        self._channel = channel
        self._bound = bound
        self._open: dict[str, tuple[str, float]] = {}  # session id -> (owner, seen open at)
        self._listening = False
        self._closes_heard = 0
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def owner(self, session_id: str) -> str | None:
        """The session's owner if it was seen open less than `bound` seconds ago."""
        entry = self._open.get(session_id)
        if entry is None or time.monotonic() - entry[1] >= self._bound:
            return None
        return entry[0]

    def checkpoint(self) -> int:
        """Taken before reading Redis: a close heard meanwhile makes that reading unsafe."""
        return self._closes_heard

    def remember(self, session_id: str, owner: str, checkpoint: int) -> None:
        if self._listening and self._bound > 0 and checkpoint == self._closes_heard:
            if len(self._open) > 100_000:
                self._open.clear()  # a crude bound: entries live a second anyway
            self._open[session_id] = (owner, time.monotonic())

    async def announce_closed(self, session_ids: list[str]) -> None:
        """Forget them here at once; every other process forgets them when it hears."""
        self._forget(session_ids)
        if session_ids:
            await self._redis.publish(self._channel, " ".join(session_ids))

    async def start(self) -> None:
        if self._bound > 0:
            self._stopping = False
            self._task = asyncio.create_task(self._listen(), name="session-liveness")

    async def stop(self) -> None:
        """Cancels, and the loop also checks a flag every `POLL` seconds: redis-py's reads can
        swallow a cancellation."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=POLL * 3)
            self._task = None

    async def _listen(self) -> None:
        while not self._stopping:
            try:
                await self._follow()
            except Exception as error:
                log.warning("session liveness: subscription lost (%s); retrying", error)
            self._stop_trusting()
            await asyncio.sleep(RETRY_AFTER)

    async def _follow(self) -> None:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(self._channel)
            while not self._stopping:
                message = await pubsub.get_message(timeout=POLL)
                if message is None:
                    continue
                if message["type"] == "subscribe":  # first time, or again after a reconnection
                    self._open.clear()
                    self._listening = True
                elif message["type"] == "message":
                    self._forget(_text(message["data"]).split())
        finally:
            self._stop_trusting()
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    def _forget(self, session_ids: list[str]) -> None:
        self._closes_heard += 1
        for session_id in session_ids:
            self._open.pop(session_id, None)

    def _stop_trusting(self) -> None:
        self._listening = False
        self._open.clear()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
