"""Settling a recorded payment attempt: charged, failed, or (if it lost a race) refunded.

Each step runs in its own transaction, after the provider answered, so a crash
anywhere leaves a pending attempt that the reconciler settles against the provider.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta

from beanie import PydanticObjectId
from pymongo.errors import DuplicateKeyError

from bus import PaymentCreated
from modules.kernel import BadRequest, Transactions, UnitOfWork
from modules.payments import metrics
from modules.payments.documents import Payment, PaymentStatus
from modules.payments.providers import Charge, PaymentProvider

log = logging.getLogger(__name__)
ALREADY_PAID = "Order already paid"
RECONCILE_BATCH = 100


async def record_charge(
    transactions: Transactions,
    provider: PaymentProvider,
    payment_id: PydanticObjectId,
    charge: Charge,
) -> Payment:
    """The charge is recorded and announced. Should another attempt hold the order's one
    payment meanwhile, this charge lost the race: it is refunded, never kept unrecorded."""

    async def work(unit: UnitOfWork) -> Payment:
        payment = await _load(unit, payment_id)
        payment.status, payment.charge_id = PaymentStatus.SUCCEEDED, charge.id
        await unit.save_if_unchanged(payment)
        unit.publish(
            PaymentCreated(id=str(payment.id), order_id=payment.order_id, charge_id=charge.id)
        )
        return payment

    try:
        payment = await transactions.run(work)
    except DuplicateKeyError:
        await refund_lost_race(transactions, provider, payment_id, charge)
        raise BadRequest(ALREADY_PAID) from None
    metrics.settled("succeeded")
    return payment


async def record_failure(
    transactions: Transactions, payment_id: PydanticObjectId, reason: str
) -> None:
    async def work(unit: UnitOfWork) -> bool:
        payment = await _load(unit, payment_id)
        if payment.status is not PaymentStatus.PENDING:
            return False
        payment.status, payment.failure = PaymentStatus.FAILED, reason
        await unit.save_if_unchanged(payment)
        return True

    if await transactions.run(work):
        metrics.settled("failed")


async def refund_lost_race(
    transactions: Transactions,
    provider: PaymentProvider,
    payment_id: PydanticObjectId,
    charge: Charge,
) -> None:
    refund = await provider.refund(charge.id, idempotency_key=f"refund-{charge.id}")

    async def work(unit: UnitOfWork) -> None:
        payment = await _load(unit, payment_id)
        payment.status, payment.charge_id, payment.refund_id = (
            PaymentStatus.REFUNDED,
            charge.id,
            refund.id,
        )
        await unit.save_if_unchanged(payment)

    await transactions.run(work)
    metrics.settled("refunded")


async def reconcile(
    transactions: Transactions, provider: PaymentProvider, settle_after: timedelta
) -> int:
    """Settle attempts left pending (by a crash, or a provider that never answered) for longer
    than `settle_after`: a charge the provider has is recorded; none means the attempt failed."""
    before = datetime.now(UTC) - settle_after
    stale = Payment.find(Payment.status == PaymentStatus.PENDING, Payment.created_at < before)
    settled = 0
    for payment in await stale.limit(RECONCILE_BATCH).to_list():
        assert payment.id is not None
        charge = await provider.find_charge(payment.attempt)
        if charge is None:
            await record_failure(transactions, payment.id, "the provider never received it")
        else:
            with contextlib.suppress(BadRequest):  # it lost a race and was refunded
                await record_charge(transactions, provider, payment.id, charge)
        settled += 1
    if settled:
        log.warning("payments reconciler settled %d pending payment(s)", settled)
    return settled


async def _load(unit: UnitOfWork, payment_id: PydanticObjectId) -> Payment:
    payment = await unit.get(Payment, payment_id)
    if payment is None:
        raise LookupError(f"payment {payment_id} vanished")
    return payment
