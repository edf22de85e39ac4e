"""Paying for an order, and refunding a charge whose order was cancelled meanwhile."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pymongo.errors import DuplicateKeyError

from bus.failpoints import crash_if_armed
from modules.kernel import (
    BadRequest,
    Conflict,
    CurrentUser,
    NotFound,
    Transactions,
    UnitOfWork,
    object_id_or_404,
)
from modules.payments import metrics
from modules.payments.documents import LIVE_STATUSES, OrderReplica, Payment, PaymentStatus
from modules.payments.domain import PayableOrder, ensure_payable, payment_request
from modules.payments.providers import CardDeclined, PaymentProvider
from modules.payments.settlement import ALREADY_PAID, record_charge, record_failure

ORDER_NOT_FOUND = "Order not found"
IN_PROGRESS = "A payment for this order is in progress; please retry"


async def create_payment(
    transactions: Transactions,
    provider: PaymentProvider,
    buyer: CurrentUser,
    order_id: str | None,
    token: str | None,
) -> Payment:
    """Record the attempt, charge, then settle it: a charge never exists without its record.

    The pending attempt holds the order's one live payment (a unique index), so a
    concurrent second submit is refused before it reaches the provider.
    """
    request = payment_request(order_id, token)
    order = await OrderReplica.get(object_id_or_404(request.order_id, ORDER_NOT_FOUND))
    if order is None or order.id is None:
        raise NotFound(ORDER_NOT_FOUND)
    payable = PayableOrder(order.user_id, order.status, order.expires_at)
    ensure_payable(buyer.id, payable, datetime.now(UTC))
    attempt = Payment(
        order_id=str(order.id),  # canonical: the unique index compares text
        attempt=uuid.uuid4().hex,
        amount=order.price,
        status=PaymentStatus.PENDING,
    )
    await _record_attempt(transactions, attempt)
    assert attempt.id is not None
    crash_if_armed("payments.before_charge")
    try:
        charge = await provider.charge(attempt.amount, "usd", request.token, attempt.attempt)
    except (CardDeclined, BadRequest) as refusal:
        await record_failure(transactions, attempt.id, str(refusal))
        raise
    crash_if_armed("payments.after_charge")
    return await record_charge(transactions, provider, attempt.id, charge)


async def refund_if_paid(unit: UnitOfWork, provider: PaymentProvider, order_id: str) -> None:
    """The buyer is never charged without a ticket: a paid, cancelled order is refunded."""
    payment = await unit.find_one(
        Payment, Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED
    )
    if payment is None or payment.charge_id is None:
        return
    refund = await provider.refund(payment.charge_id, idempotency_key=f"refund-{order_id}")
    payment.status, payment.refund_id = PaymentStatus.REFUNDED, refund.id
    await unit.save_if_unchanged(payment)
    metrics.settled("refunded")  # counted again in the rare case its transaction is retried


async def _record_attempt(transactions: Transactions, attempt: Payment) -> None:
    async def work(unit: UnitOfWork) -> None:
        await unit.insert(attempt)

    try:
        await transactions.run(work)
    except DuplicateKeyError:
        live = await Payment.find_one(
            Payment.order_id == attempt.order_id, {"status": {"$in": list(LIVE_STATUSES)}}
        )
        if live is not None and live.status is PaymentStatus.SUCCEEDED:
            raise BadRequest(ALREADY_PAID) from None
        raise Conflict(IN_PROGRESS) from None  # pending, or settled just now: try again
