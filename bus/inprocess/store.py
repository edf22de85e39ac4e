"""Durable per-group delivery queues for the in-process bus, kept in Mongo.

Each published event becomes one delivery per subscribed group. A delivery is
leased (its `due_at` pushed past the ack wait) while a consumer handles it and
deleted once its handler succeeded. A consumer that dies holding it lets the
lease run out and another consumer (or the next run) claims it, as a Redis
pending entry is re-claimed. Every query is served by an index (the `_id` one
or `group, due_at, _id`), and finished deliveries are deleted: the cost of a
delivery does not grow with history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from bus.envelope import Envelope
from bus.inprocess.status import group_statuses
from bus.interface import DeadLetter, GroupStatus
from bus.timestamps import stored_now as now

Delivery = dict[str, Any]
DUE = [("group", ASCENDING), ("due_at", ASCENDING), ("_id", ASCENDING)]


class DeliveryStore:
    def __init__(self, database: AsyncDatabase[Delivery]):
        self._deliveries = database["deliveries"]
        self._dead_letters = database["dead_letters"]
        self._client = database.client

    async def ensure_indexes(self) -> None:
        await self._deliveries.create_index(DUE)
        await self._dead_letters.create_index([("group", ASCENDING), ("dead_at", ASCENDING)])

    async def add(
        self, batch: list[tuple[list[str], Envelope]], lease: timedelta | None
    ) -> list[Delivery]:
        """One delivery per group of each envelope, all in one write; with a `lease`, born
        claimed by the caller."""
        due_at, attempts = (now(), 0) if lease is None else (now(lease), 1)
        deliveries = [
            new_delivery(group, envelope.to_document(), due_at, attempts)
            for groups, envelope in batch
            for group in groups
        ]
        if deliveries:
            await self._deliveries.insert_many(deliveries)
        return deliveries

    async def claim(self, delivery: Delivery, lease: timedelta) -> Delivery | None:
        """Lease a delivery read earlier, if nobody touched it since; None if somebody did."""
        claimed = {**delivery, "due_at": now(lease), "attempts": delivery["attempts"] + 1}
        result = await self._deliveries.update_one(
            {"group": delivery["group"], "due_at": delivery["due_at"], "_id": delivery["_id"]},
            {"$set": {"due_at": claimed["due_at"], "attempts": claimed["attempts"]}},
        )
        return claimed if result.modified_count else None

    async def due(self, group: str, limit: int) -> list[Delivery]:
        """Deliveries nobody holds: published elsewhere, left by a dead consumer or a past run."""
        cursor = self._deliveries.find({"group": group, "due_at": {"$lte": now()}})
        return await cursor.limit(limit).to_list()

    async def acknowledge(self, delivery_ids: list[ObjectId]) -> None:
        await self._deliveries.delete_many({"_id": {"$in": delivery_ids}})

    async def retry_later(self, delivery: Delivery, delay: float, error: str) -> Delivery:
        waiting = {**delivery, "due_at": now(timedelta(seconds=delay)), "last_error": error}
        await self._deliveries.update_one(
            {"_id": delivery["_id"]},
            {"$set": {"due_at": waiting["due_at"], "last_error": error}},
        )
        return waiting

    async def store_for_retry(self, delivery: Delivery, delay: float, error: str) -> Delivery:
        """A delivery that was only in memory, written now to be retried after `delay`."""
        waiting = {**delivery, "due_at": now(timedelta(seconds=delay)), "last_error": error}
        await self._deliveries.insert_one(waiting)
        return waiting

    async def store_leased(self, deliveries: list[Delivery]) -> None:
        """Deliveries that were only in memory, written as they are: leased to this process."""
        if deliveries:
            await self._deliveries.insert_many(deliveries)

    async def release(self, deliveries: list[Delivery]) -> None:
        """Hand back deliveries claimed but never started, for the next run to take at once."""
        if deliveries:
            await self._deliveries.update_many(
                {"_id": {"$in": [delivery["_id"] for delivery in deliveries]}},
                {"$set": {"due_at": now()}, "$inc": {"attempts": -1}},
            )

    async def bury(self, delivery: Delivery, error: str) -> None:
        """Move a delivery to the dead letters in one transaction: never both, never neither."""
        dead = {
            "_id": delivery["_id"],
            "group": delivery["group"],
            "envelope": delivery["envelope"],
            "attempts": delivery["attempts"],
            "error": error,
            "dead_at": datetime.now(UTC),
        }

        async def move(session: Any) -> None:
            await self._dead_letters.insert_one(dead, session=session)
            await self._deliveries.delete_one({"_id": delivery["_id"]}, session=session)

        async with self._client.start_session() as session:
            await session.with_transaction(move)

    async def dead_letters(self, group: str | None) -> list[DeadLetter]:
        query = {"group": group} if group else {}
        cursor = self._dead_letters.find(query).sort("dead_at", ASCENDING)
        return [_dead_letter(document) async for document in cursor]

    async def status(self) -> list[GroupStatus]:
        return await group_statuses(self._deliveries, self._dead_letters, now())

    async def replay(self, dead_letter_id: str) -> bool:
        if not ObjectId.is_valid(dead_letter_id):
            return False
        replayed = False

        async def move(session: Any) -> None:
            nonlocal replayed
            dead = await self._dead_letters.find_one_and_delete(
                {"_id": ObjectId(dead_letter_id)}, session=session
            )
            if dead:
                delivery = new_delivery(dead["group"], dead["envelope"], now(), attempts=0)
                await self._deliveries.insert_one(delivery, session=session)
                replayed = True

        async with self._client.start_session() as session:
            await session.with_transaction(move)
        return replayed


def new_delivery(group: str, envelope: dict[str, Any], due_at: datetime, attempts: int) -> Delivery:
    return {
        "_id": ObjectId(),
        "group": group,
        "envelope": envelope,
        "due_at": due_at,
        "attempts": attempts,
    }


def _dead_letter(document: dict[str, Any]) -> DeadLetter:
    return DeadLetter(
        id=str(document["_id"]),
        group=document["group"],
        envelope=Envelope.from_document(document["envelope"]),
        attempts=document["attempts"],
        error=document["error"],
        dead_at=document["dead_at"].replace(tzinfo=UTC),
    )
