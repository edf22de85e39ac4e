"""The Redis Streams bus: same semantics as the in-process bus, across processes and hosts."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import cast

import redis.asyncio as redis
from redis.exceptions import ResponseError

from bus.delivery import DEFAULT_RETRY
from bus.envelope import Envelope
from bus.interface import DeadLetter, GroupStatus, Handler, RetryPolicy
from bus.redis_streams.consumer import GroupConsumer
from bus.redis_streams.keys import Keys
from bus.stopping import CANCEL_DEADLINE

Entry = tuple[str, dict[str, str]]  # a stream entry's id and fields (decoded responses)


class RedisStreamsBus:
    """One stream per subject, one consumer group per module, `{module}-{instance}` consumers."""

    def __init__(
        self,
        url: str,
        *,
        namespace: str = "ticketing",
        instance: str | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        ack_wait: float = 30.0,
        block: float = 2.0,
        concurrency: int = 8,
        max_length: int = 100_000,
    ):
        self._url = url
        self._keys = Keys(namespace)
        self._instance = instance or socket.gethostname()
        self._retry = retry
        self._ack_wait_ms = int(ack_wait * 1000)
        self._block_ms = int(block * 1000)
        self._concurrency = concurrency
        self._max_length = max_length
        self._handlers: dict[str, dict[str, Handler]] = defaultdict(dict)
        self._client = redis.Redis.from_url(url, decode_responses=True)
        self._consumers: list[GroupConsumer] = []
        self._readers: list[redis.Redis] = []

    def subscribe(self, group: str, subject: str, handler: Handler) -> None:
        self._handlers[group][subject] = handler

    async def publish(self, envelope: Envelope) -> None:
        await self.publish_all([envelope])

    async def publish_all(self, envelopes: Sequence[Envelope]) -> None:
        """One round trip: the XADDs pipelined (not a transaction: each stands alone)."""
        async with self._client.pipeline(transaction=False) as pipe:
            for envelope in envelopes:
                pipe.xadd(
                    self._keys.stream(envelope.subject),
                    {"envelope": envelope.model_dump_json()},
                    maxlen=self._max_length,
                    approximate=True,
                )
            await pipe.execute()

    async def hand_over(self, envelopes: Sequence[Envelope]) -> None:
        """Stored in the streams like any publish: consumers are other processes."""
        await self.publish_all(envelopes)

    async def start(self) -> None:
        for group, handlers in self._handlers.items():
            # The blocking read gets its own connection, with a timeout beyond the block time.
            reader = redis.Redis.from_url(
                self._url, decode_responses=True, socket_timeout=self._block_ms / 1000 + 10
            )
            consumer = GroupConsumer(
                client=self._client,
                reader=reader,
                keys=self._keys,
                group=group,
                consumer=f"{group}-{self._instance}",
                handlers=dict(handlers),
                retry=self._retry,
                ack_wait_ms=self._ack_wait_ms,
                block_ms=self._block_ms,
                concurrency=self._concurrency,
            )
            self._readers.append(reader)
            await consumer.ensure_groups()
            self._consumers.append(consumer)
            consumer.start()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop reading; handlers still running after `grace` stay pending for a live consumer."""
        await asyncio.gather(*(consumer.stop(grace) for consumer in self._consumers))
        for connection in [*self._readers, self._client]:
            with contextlib.suppress(Exception):  # closing a dead connection must not block
                await asyncio.wait_for(connection.aclose(), CANCEL_DEADLINE)
        self._consumers.clear()
        self._readers.clear()

    async def dead_letters(self, group: str | None = None) -> list[DeadLetter]:
        groups = [group] if group else await self._dead_letter_groups()
        letters: list[DeadLetter] = []
        for name in groups:
            entries = cast(list[Entry], await self._client.xrange(self._keys.dead_letters(name)))
            letters.extend(_dead_letter(name, entry_id, fields) for entry_id, fields in entries)
        return sorted(letters, key=lambda letter: letter.dead_at)

    async def replay(self, dead_letter_id: str) -> bool:
        """Re-publish on its subject stream (other groups' inboxes absorb the repeat)."""
        group, _, entry_id = dead_letter_id.partition("/")
        key = self._keys.dead_letters(group)
        with contextlib.suppress(ResponseError):
            found = await self._client.xrange(key, entry_id, entry_id) if entry_id else []
            entries = cast(list[Entry], found)
            if entries:
                fields = entries[0][1]
                async with self._client.pipeline(transaction=True) as multi:
                    multi.xadd(fields["stream"], {"envelope": fields["envelope"]})
                    multi.xdel(key, entry_id)
                    await multi.execute()
                return True
        return False

    async def redeliver(self, group: str, envelope: Envelope) -> None:
        """On the group's own replay stream, so no other group handles it again."""
        await self._client.xadd(self._keys.replay(group), {"envelope": envelope.model_dump_json()})

    async def status(self) -> list[GroupStatus]:
        rows = []
        async for stream in self._client.scan_iter(self._keys.stream("*")):
            length = await self._client.xlen(stream)
            for info in await self._client.xinfo_groups(stream):
                group = info["name"]
                rows.append(
                    GroupStatus(
                        subject=self._keys.subject_of(stream),
                        group=group,
                        length=length,
                        pending=int(info["pending"]),
                        lag=None if info.get("lag") is None else int(info["lag"]),
                        oldest_pending_age=await self._oldest_pending_age(stream, group),
                        dead_letters=await self._client.xlen(self._keys.dead_letters(group)),
                    )
                )
        return sorted(rows, key=lambda row: (row.group, row.subject))

    async def _oldest_pending_age(self, stream: str, group: str) -> float | None:
        summary = await self._client.xpending(stream, group)
        if not summary or not summary.get("min"):
            return None
        created_ms = int(str(summary["min"]).split("-")[0])
        return max(0.0, time.time() - created_ms / 1000)

    async def _dead_letter_groups(self) -> list[str]:
        prefix = self._keys.dead_letters("")
        return [key.removeprefix(prefix) async for key in self._client.scan_iter(f"{prefix}*")]


def _dead_letter(group: str, entry_id: str, fields: dict[str, str]) -> DeadLetter:
    return DeadLetter(
        id=f"{group}/{entry_id}",
        group=group,
        envelope=Envelope.model_validate_json(fields["envelope"]),
        attempts=int(fields["attempts"]),
        error=fields["error"],
        dead_at=datetime.fromisoformat(fields["dead_at"]),
    )
