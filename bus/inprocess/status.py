"""`ticketing bus status` for the in-process bus: counts per group and subject, off the hot path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from bus.interface import GroupStatus

Collection = AsyncCollection[dict[str, Any]]


async def group_statuses(
    deliveries: Collection, dead_letters: Collection, now: datetime
) -> list[GroupStatus]:
    """Held (leased or waiting for a retry) counts as pending, like a Redis pending entry; the
    dead letters are the group's, on each of its rows, as the Redis bus keeps them."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    counts = {
        "total": {"$sum": 1},
        "pending": {"$sum": {"$cond": [{"$gt": ["$due_at", now]}, 1, 0]}},
        "oldest": {"$min": "$_id"},
    }
    for row in await _group_counts(deliveries, counts):
        rows[(row["_id"]["group"], row["_id"]["subject"])] = row
    for row in await _group_counts(dead_letters, {"dead": {"$sum": 1}}):
        rows.setdefault((row["_id"]["group"], row["_id"]["subject"]), {}).update(row)
    dead: dict[str, int] = {}
    for (group, _), row in rows.items():
        dead[group] = dead.get(group, 0) + row.get("dead", 0)
    return [
        GroupStatus(
            subject=subject,
            group=group,
            length=row.get("total", 0),
            pending=row.get("pending", 0),
            lag=row.get("total", 0) - row.get("pending", 0),
            oldest_pending_age=(
                (now - row["oldest"].generation_time).total_seconds() if row.get("oldest") else None
            ),
            dead_letters=dead[group],
        )
        for (group, subject), row in sorted(rows.items())
    ]


async def _group_counts(collection: Collection, extra: dict[str, Any]) -> list[dict[str, Any]]:
    pipeline = [{"$group": {"_id": {"group": "$group", "subject": "$envelope.subject"}, **extra}}]
    return [row async for row in await collection.aggregate(pipeline)]
