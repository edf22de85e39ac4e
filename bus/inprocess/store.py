"""Durable per-group delivery queues for the in-process bus, kept in Mongo.

Each published event becomes one delivery per subscribed group. Claiming a
delivery leases it for the ack wait; it is deleted only when its handler
succeeded. A consumer that dies holding it lets the lease run out and another
consumer (or the next run) claims it, as a Redis pending entry is re-claimed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from bus.envelope import Envelope
from bus.interface import DeadLetter, GroupStatus


class DeliveryStore:
    def __init__(self, database: AsyncDatabase):
        self._deliveries = database["deliveries"]
        self._dead_letters = database["dead_letters"]
        self._client = database.client

    async def ensure_indexes(self) -> None:
        await self._deliveries.create_index([("group", ASCENDING), ("due_at", ASCENDING)])
        await self._dead_letters.create_index([("group", ASCENDING), ("dead_at", ASCENDING)])

    async def add(self, group: str, envelope: Envelope, due_at: datetime) -> ObjectId:
        delivery = _delivery(group, envelope.to_document(), due_at)
        await self._deliveries.insert_one(delivery)
        return delivery["_id"]

    async def claim(self, delivery_id: ObjectId, lease: timedelta) -> dict[str, Any] | None:
        """Lease one delivery if it is due; None if another consumer holds it or it is done."""
        now = datetime.now(UTC)
        return await self._deliveries.find_one_and_update(
            {"_id": delivery_id, "due_at": {"$lte": now}},
            {"$set": {"due_at": now + lease, "leased": True}, "$inc": {"attempts": 1}},
            return_document=ReturnDocument.AFTER,
        )

    async def due(self, group: str, limit: int) -> list[ObjectId]:
        """Deliveries nobody holds: published elsewhere, left by a dead consumer or a past run."""
        cursor = self._deliveries.find(
            {"group": group, "due_at": {"$lte": datetime.now(UTC)}}, projection={"_id": 1}
        )
        return [document["_id"] async for document in cursor.limit(limit)]

    async def acknowledge(self, delivery_id: ObjectId) -> None:
        await self._deliveries.delete_one({"_id": delivery_id})

    async def retry_later(self, delivery_id: ObjectId, due_at: datetime, error: str) -> None:
        await self._deliveries.update_one(
            {"_id": delivery_id},
            {"$set": {"due_at": due_at, "leased": False, "last_error": error}},
        )

    async def bury(self, delivery: dict[str, Any], error: str) -> None:
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
        now = datetime.now(UTC)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for row in await _group_counts(
            self._deliveries,
            {
                "total": {"$sum": 1},
                "pending": {"$sum": {"$cond": ["$leased", 1, 0]}},
                "oldest": {"$min": "$_id"},
            },
        ):
            rows[(row["_id"]["group"], row["_id"]["subject"])] = row
        for row in await _group_counts(self._dead_letters, {"dead": {"$sum": 1}}):
            rows.setdefault((row["_id"]["group"], row["_id"]["subject"]), {}).update(row)
        return [
            GroupStatus(
                subject=subject,
                group=group,
                length=row.get("total", 0),
                pending=row.get("pending", 0),
                lag=row.get("total", 0) - row.get("pending", 0),
                oldest_pending_age=(
                    (now - row["oldest"].generation_time).total_seconds()
                    if row.get("oldest")
                    else None
                ),
                dead_letters=row.get("dead", 0),
            )
            for (group, subject), row in sorted(rows.items())
        ]

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
                delivery = _delivery(dead["group"], dead["envelope"], datetime.now(UTC))
                await self._deliveries.insert_one(delivery, session=session)
                replayed = True

        async with self._client.start_session() as session:
            await session.with_transaction(move)
        return replayed


async def _group_counts(collection: Any, extra: dict[str, Any]) -> list[dict[str, Any]]:
    pipeline = [
        {"$group": {"_id": {"group": "$group", "subject": "$envelope.subject"}, **extra}},
    ]
    return [row async for row in await collection.aggregate(pipeline)]


def _delivery(group: str, envelope: dict[str, Any], due_at: datetime) -> dict[str, Any]:
    return {"group": group, "envelope": envelope, "due_at": due_at, "attempts": 0, "leased": False}


def _dead_letter(document: dict[str, Any]) -> DeadLetter:
    return DeadLetter(
        id=str(document["_id"]),
        group=document["group"],
        envelope=Envelope.from_document(document["envelope"]),
        attempts=document["attempts"],
        error=document["error"],
        dead_at=document["dead_at"].replace(tzinfo=UTC),
    )
