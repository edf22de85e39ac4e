"""Recording, cancelling and firing order expiries."""

from __future__ import annotations

from datetime import UTC, datetime

from beanie import PydanticObjectId

from bus import ExpirationComplete, Transactions, UnitOfWork
from modules.expiration.documents import Expiry, ExpiryState


async def record_expiry(unit: UnitOfWork, order_id: str, expires_at: datetime) -> bool:
    """True if newly scheduled; False if known already (a duplicate, or cancelled first)."""
    if await Expiry.get(PydanticObjectId(order_id), session=unit.session):
        return False
    expiry = Expiry(
        id=PydanticObjectId(order_id), expires_at=expires_at, state=ExpiryState.SCHEDULED
    )
    await expiry.insert(session=unit.session)
    return True


async def drop_expiry(unit: UnitOfWork, order_id: str) -> None:
    """The order ended before its window: its expiry need not fire (remembered if early)."""
    expiry = await Expiry.get(PydanticObjectId(order_id), session=unit.session)
    if expiry is None:
        cancelled = Expiry(
            id=PydanticObjectId(order_id), expires_at=datetime.now(UTC), state=ExpiryState.CANCELLED
        )
        await cancelled.insert(session=unit.session)
    elif expiry.state is ExpiryState.SCHEDULED:
        await expiry.set({Expiry.state: ExpiryState.CANCELLED}, session=unit.session)


async def fire_expiry(transactions: Transactions, order_id: str) -> bool:
    """Publish `expiration.complete` once per order, however often the message is delivered."""

    async def work(unit: UnitOfWork) -> bool:
        result = await Expiry.get_pymongo_collection().update_one(
            {"_id": PydanticObjectId(order_id), "state": ExpiryState.SCHEDULED.value},
            {"$set": {"state": ExpiryState.FIRED.value}},
            session=unit.session,
        )
        if result.modified_count:
            unit.publish(ExpirationComplete(order_id=order_id))
        return bool(result.modified_count)

    return await transactions.run(work)


async def overdue_order_ids(before: datetime, limit: int = 500) -> list[str]:
    overdue = Expiry.find(Expiry.state == ExpiryState.SCHEDULED, Expiry.expires_at < before)
    return [str(expiry.id) for expiry in await overdue.limit(limit).to_list()]
