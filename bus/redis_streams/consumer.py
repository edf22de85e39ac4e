"""One consumer group's loop: claim what dead peers left, read new entries, handle, ack.

New entries read together whose handlers share a `BatchHandler.together` are handled
in one call and acknowledged in one round trip (under load, one transaction for many
events in a module); when that call fails, each is delivered alone, with its retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any, cast

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bus.delivery import Ack, Bury, deliver_once, deliver_together, runs_by_batch_handler
from bus.envelope import Envelope
from bus.failpoints import crash_if_armed
from bus.interface import Handler, RetryPolicy, Together
from bus.redis_streams.keys import Keys
from bus.stopping import Background, drain

log = logging.getLogger(__name__)
RECONNECT_DELAY = 0.5
READ_LINGER = 0.002  # seconds
CLAIM_INTERVAL = 1.0  # seconds between looks for what dead peers left, at most
Entries = tuple[str, list[tuple[str, dict[str, str]]]]  # a stream and its (id, fields) entries
Entry = tuple[str, str, dict[str, str]]  # stream, entry id, fields


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
        # Nothing is claimable before it has been idle for the ack wait, so looking a few
        # times per ack wait is enough; looking before every read cost a round trip per
        # stream for every read.
        self._claim_interval = min(CLAIM_INTERVAL, ack_wait_ms / 4000)
        self._slots = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._in_flight: set[asyncio.Task[None]] = set()
        self._busy = 0  # slots held by deliveries in flight
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
        next_claim = 0.0
        while self._loops.running:
            try:
                if time.monotonic() >= next_claim:
                    more = await self._claim_abandoned()
                    next_claim = 0.0 if more else time.monotonic() + self._claim_interval
                await self._read_new()
            except ResponseError as error:
                if "NOGROUP" not in str(error):
                    raise
                log.warning("bus: group %s vanished; re-creating it", self._group)
                await self.ensure_groups()
            except (RedisConnectionError, RedisTimeoutError, OSError) as error:
                log.warning("bus: %s lost Redis (%s); reconnecting", self._group, error)
                await self._loops.pause(RECONNECT_DELAY)

    async def _claim_abandoned(self) -> bool:
        """Takes over entries idle past the ack wait; True if there may be more to take."""
        more = False
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
            more = more or len(entries) == self._concurrency
        return more

    async def _read_new(self) -> None:
        free = max(1, self._concurrency - self._busy)
        response = await self._reader.xreadgroup(
            self._group,
            self._consumer,
            {stream: ">" for stream in self._streams},
            count=free,
            block=self._block_ms,
        )
        read = [
            (stream, entry_id, fields)
            for stream, entries in cast(list[Entries] | None, response) or []
            for entry_id, fields in entries
        ]
        # Runs no longer than the slots free when read (COUNT applies per stream, so a read
        # may bring more): a run never waits for deliveries already in flight.
        for together, run in runs_by_batch_handler(read, self._handler_of, free):
            if together is not None and len(run) > 1:
                await self._start(self._deliver_together(together, run), len(run))
            else:
                for stream, entry_id, fields in run:
                    await self._dispatch(stream, entry_id, fields, redelivered=False)
        if 0 < len(read) < free:
            # Entries are arriving one by one: let a few gather before the next read, so
            # that under load a read (and a batch, and an ack) serves several. An idle
            # consumer's first event is not delayed; the cost is READ_LINGER at most.
            await asyncio.sleep(READ_LINGER)

    def _handler_of(self, entry: Entry) -> Handler | None:
        """A replayed entry names its subject only inside its envelope: it goes alone."""
        subject = self._streams[entry[0]]
        return self._handlers.get(subject) if subject else None

    async def _dispatch(
        self, stream: str, entry_id: str, fields: dict[str, str], *, redelivered: bool
    ) -> None:
        await self._start(self._deliver(stream, entry_id, fields, redelivered), 1)

    async def _start(self, delivery: Coroutine[Any, Any, None], entries: int) -> None:
        """Runs `delivery` as its own task once its `entries` have slots (a stop while it waits
        leaves the entries pending, and the delivery never started)."""
        taken = 0
        try:
            while taken < entries:
                await self._slots.acquire()
                taken += 1
        except BaseException:
            delivery.close()
            for _ in range(taken):
                self._slots.release()
            raise
        self._busy += entries
        task = asyncio.create_task(delivery)
        self._in_flight.add(task)
        task.add_done_callback(lambda done: self._finished(done, entries))

    def _finished(self, task: asyncio.Task[None], entries: int) -> None:
        self._in_flight.discard(task)
        self._busy -= entries
        for _ in range(entries):
            self._slots.release()

    async def _deliver_together(self, together: Together, run: list[Entry]) -> None:
        try:
            envelopes = [Envelope.model_validate_json(fields["envelope"]) for _, _, fields in run]
        except (KeyError, ValueError):
            envelopes = []  # each alone, so the bad one fails by itself
        if envelopes and await deliver_together(together, envelopes, group=self._group):
            crash_if_armed("consumer.before_ack")
            await self._acknowledge_run(run)
            return
        # Each alone, all within this task (and its slots) until the last is done.
        outcomes = await asyncio.gather(
            *(self._deliver(stream, entry_id, fields, False) for stream, entry_id, fields in run),
            return_exceptions=True,
        )
        for (_, entry_id, _), outcome in zip(run, outcomes, strict=True):
            if isinstance(outcome, Exception):  # left pending: claimed again after the ack wait
                log.error("bus: %s could not deliver %s: %r", self._group, entry_id, outcome)
            elif isinstance(outcome, BaseException):
                raise outcome

    async def _acknowledge_run(self, run: list[Entry]) -> None:
        """One round trip for the whole run (never the replay stream: see `_handler_of`)."""
        by_stream: dict[str, list[str]] = {}
        for stream, entry_id, _ in run:
            by_stream.setdefault(stream, []).append(entry_id)
        async with self._client.pipeline(transaction=False) as pipe:
            for stream, entry_ids in by_stream.items():
                pipe.xack(stream, self._group, *entry_ids)
            await pipe.execute()

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
