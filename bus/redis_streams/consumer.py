"""One consumer group's loop: claim what dead peers left, read new entries, handle, ack."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any, cast

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bus.delivery import Ack, Bury, deliver_once
from bus.envelope import Envelope
from bus.failpoints import crash_if_armed
from bus.interface import Handler, RetryPolicy
from bus.redis_streams.keys import Keys
from bus.stopping import Background, drain

log = logging.getLogger(__name__)
RECONNECT_DELAY = 0.5
Entries = tuple[str, list[tuple[str, dict[str, str]]]]  # a stream and its (id, fields) entries


class GroupConsumer:
    def __init__(
        self,
        *,
        client: redis.Redis,
        reader: redis.Redis,
        keys: Keys,
        group: str,
        consumer: str,
        handlers: dict[str, Handler],
        retry: RetryPolicy,
        ack_wait_ms: int,
        block_ms: int,
        concurrency: int,
    ):
        self._client = client
        self._reader = reader  # its own connection: a blocking read must not stall other calls
        self._keys = keys
        self._group = group
        self._consumer = consumer
        self._handlers = handlers
        self._replay = keys.replay(group)  # its subject is in each entry's envelope
        self._streams: dict[str, str | None] = {keys.stream(s): s for s in handlers}
        self._streams[self._replay] = None
        self._retry = retry
        self._ack_wait_ms = ack_wait_ms
        self._block_ms = block_ms
        self._slots = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._in_flight: set[asyncio.Task[None]] = set()
        self._loops = Background()

    async def ensure_groups(self) -> None:
        """Create the group on every stream from its start: a new group reads retained history."""
        for stream in self._streams:
            with contextlib.suppress(ResponseError):  # BUSYGROUP: it exists already
                await self._client.xgroup_create(stream, self._group, id="0", mkstream=True)

    def start(self) -> None:
        self._loops.spawn(self._run(), f"bus-{self._group}")

    async def stop(self, grace: float) -> None:
        """Stop reading; handlers in flight get `grace` seconds, the rest stay pending in Redis.

        An interrupted read or claim leaves its entries pending, not lost: a
        live consumer claims them after the ack wait.
        """
        await self._loops.stop()
        await drain(self._in_flight, grace)

    async def _run(self) -> None:
        while self._loops.running:
            try:
                await self._claim_abandoned()
                await self._read_new()
            except ResponseError as error:
                if "NOGROUP" not in str(error):
                    raise
                log.warning("bus: group %s vanished; re-creating it", self._group)
                await self.ensure_groups()
            except (RedisConnectionError, RedisTimeoutError, OSError) as error:
                log.warning("bus: %s lost Redis (%s); reconnecting", self._group, error)
                await self._loops.pause(RECONNECT_DELAY)

    async def _claim_abandoned(self) -> None:
        for stream in self._streams:
            _, entries, _ = await self._client.xautoclaim(
                stream,
                self._group,
                self._consumer,
                self._ack_wait_ms,
                "0-0",
                count=self._concurrency,
            )
            for entry_id, fields in entries:
                if fields:  # a trimmed entry comes back empty: nothing left to deliver
                    await self._dispatch(stream, entry_id, fields, redelivered=True)

    async def _read_new(self) -> None:
        free = max(1, self._concurrency - len(self._in_flight))
        response = await self._reader.xreadgroup(
            self._group,
            self._consumer,
            {stream: ">" for stream in self._streams},
            count=free,
            block=self._block_ms,
        )
        for stream, entries in cast(list[Entries] | None, response) or []:
            for entry_id, fields in entries:
                await self._dispatch(stream, entry_id, fields, redelivered=False)

    async def _dispatch(
        self, stream: str, entry_id: str, fields: dict[str, str], *, redelivered: bool
    ) -> None:
        await self._slots.acquire()
        task = asyncio.create_task(self._deliver(stream, entry_id, fields, redelivered))
        self._in_flight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._slots.release()

    async def _deliver(
        self, stream: str, entry_id: str, fields: dict[str, str], redelivered: bool
    ) -> None:
        """Retry in place while keeping the claim fresh: Redis has no delayed re-delivery."""
        envelope = Envelope.model_validate_json(fields["envelope"])
        handler = self._handlers.get(self._streams[stream] or envelope.subject)
        if handler is None:
            log.warning("bus: %s does not handle replayed %s", self._group, envelope.subject)
            await self._acknowledge(stream, entry_id)
            return
        attempts = await self._times_delivered(stream, entry_id) if redelivered else 1
        while True:
            decision = await deliver_once(
                handler, envelope, group=self._group, attempts=attempts, policy=self._retry
            )
            if isinstance(decision, Ack):
                crash_if_armed("consumer.before_ack")
                await self._acknowledge(stream, entry_id)
                return
            if isinstance(decision, Bury):
                await self._bury(stream, entry_id, fields, attempts, decision.reason)
                return
            await asyncio.sleep(decision.delay)
            await self._keep_claim(stream, entry_id)
            attempts += 1

    async def _acknowledge(self, stream: str, entry_id: str) -> None:
        if stream != self._replay:
            await self._client.xack(stream, self._group, entry_id)
            return
        async with self._client.pipeline(transaction=True) as multi:
            multi.xack(stream, self._group, entry_id)
            multi.xdel(stream, entry_id)  # no other group reads it: done with, it is only memory
            await multi.execute()

    async def _times_delivered(self, stream: str, entry_id: str) -> int:
        pending = await self._client.xpending_range(stream, self._group, entry_id, entry_id, 1)
        return int(pending[0]["times_delivered"]) if pending else 1

    async def _keep_claim(self, stream: str, entry_id: str) -> None:
        """Reset the entry's idle time so peers do not claim it while we are still retrying."""
        await self._client.xclaim(stream, self._group, self._consumer, 0, [entry_id], justid=True)

    async def _bury(
        self, stream: str, entry_id: str, fields: dict[str, str], attempts: int, reason: str
    ) -> None:
        """Dead-letter and acknowledge in one MULTI: never both, never neither."""
        dead: dict[Any, Any] = {
            "envelope": fields["envelope"],
            "stream": stream,
            "entry_id": entry_id,
            "attempts": attempts,
            "error": reason,
            "dead_at": datetime.now(UTC).isoformat(),
        }
        async with self._client.pipeline(transaction=True) as multi:
            multi.xadd(self._keys.dead_letters(self._group), dead)
            multi.xack(stream, self._group, entry_id)
            await multi.execute()
