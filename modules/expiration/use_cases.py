"""Recording, dropping and firing order expiries, and sweeping for lost ones."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from beanie import PydanticObjectId

from bus import (
    ExpirationComplete,
    continuing_trace,
    current_correlation_id,
    current_trace_context,
    set_correlation_id,
)
from modules.expiration import metrics
from modules.expiration.documents import Expiry
from modules.expiration.domain import ExpiryState, after_cancellation, fires, sweep_cutoff
from modules.kernel import Transactions, UnitOfWork

log = logging.getLogger(__name__)
SWEEP_BATCH = 500


async def record_expiry(unit: UnitOfWork, order_id: str, expires_at: datetime) -> bool:
    """True if newly scheduled; False if known already (a duplicate, or cancelled first)."""
    expiry = Expiry(
        id=PydanticObjectId(order_id),
        expires_at=expires_at,
        state=ExpiryState.SCHEDULED,
        correlation_id=current_correlation_id(),
        trace=current_trace_context(),
    )
    return await unit.insert_if_absent(expiry)


async def drop_expiry(unit: UnitOfWork, order_id: str) -> None:
    """The order ended before its window: its expiry need not fire (remembered if early)."""
    expiry = await unit.get(Expiry, PydanticObjectId(order_id))
    state = after_cancellation(expiry.state if expiry else None)
    if state is None:
        return
    if expiry is None:
        await unit.insert(
            Expiry(id=PydanticObjectId(order_id), expires_at=datetime.now(UTC), state=state)
        )
    else:
        expiry.state = state
        await unit.save_if_unchanged(expiry)


async def fire_expiry(transactions: Transactions, order_id: str) -> bool:
    """Publish `expiration.complete` once per order, however often the message is delivered."""

    async def work(unit: UnitOfWork) -> bool:
        expiry = await unit.get(Expiry, PydanticObjectId(order_id))
        if expiry is None or not fires(expiry.state):
            return False
        set_correlation_id(expiry.correlation_id)  # for the event below, and the log line
        expiry.state = ExpiryState.FIRED
        await unit.save_if_unchanged(expiry)
        with continuing_trace(expiry.trace, "expire order"):
            unit.publish(ExpirationComplete(order_id=order_id))
        return True

    fired = await transactions.run(work)
    if fired:
        metrics.FIRED.inc()
        log.info("expiration: the window of order %s is over", order_id)
    return fired


async def sweep_overdue(transactions: Transactions) -> int:
    """Fire every expiry overdue by more than the grace period; returns how many fired."""
    fired = 0
    for order_id in await overdue_order_ids(sweep_cutoff(datetime.now(UTC))):
        fired += await fire_expiry(transactions, order_id)
    set_correlation_id(None)  # the sweep's own line belongs to no order
    if fired:
        metrics.SWEPT.inc(fired)
        log.warning("expiration sweep fired %d expiries whose message was lost", fired)
    return fired


async def overdue_order_ids(before: datetime, limit: int = SWEEP_BATCH) -> list[str]:
    overdue = Expiry.find(Expiry.state == ExpiryState.SCHEDULED, Expiry.expires_at < before)
    return [str(expiry.id) for expiry in await overdue.limit(limit).to_list()]
