"""Paying for an order, and refunding a charge whose order was cancelled meanwhile."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from bus import PaymentCreated
from modules.kernel import (
    BadRequest,
    CurrentUser,
    NotFound,
    Transactions,
    UnitOfWork,
    object_id_or_404,
)
from modules.payments.documents import OrderReplica, Payment, PaymentStatus
from modules.payments.domain import ensure_payable, payment_request
from modules.payments.providers import PaymentProvider

ALREADY_PAID = "Order already paid"
ORDER_NOT_FOUND = "Order not found"


async def create_payment(
    transactions: Transactions,
    provider: PaymentProvider,
    buyer: CurrentUser,
    order_id: str | None,
    token: str | None,
) -> Payment:
    """Charge outside the transaction (the order id is the idempotency key), then record it.

    Two concurrent submits both reach the provider with the same key, so the
    card is charged once; the unique index lets one record it, the other 400s.
    """
    request = payment_request(order_id, token)
    order = await OrderReplica.get(object_id_or_404(request.order_id, ORDER_NOT_FOUND))
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    canonical_id = str(order.id)  # the unique index and the idempotency key compare text
    ensure_payable(buyer.id, order.user_id, order.status)
    if await Payment.find_one(Payment.order_id == canonical_id):
        raise BadRequest(ALREADY_PAID)
    charge = await provider.charge(order.price, "usd", request.token, idempotency_key=canonical_id)

    async def record(unit: UnitOfWork) -> Payment:
        payment = await unit.insert(Payment(order_id=canonical_id, charge_id=charge.id))
        unit.publish(PaymentCreated(id=str(payment.id), order_id=canonical_id, charge_id=charge.id))
        return payment

    try:
        return await transactions.run(record)
    except DuplicateKeyError:
        raise BadRequest(ALREADY_PAID) from None


async def refund_if_paid(unit: UnitOfWork, provider: PaymentProvider, order_id: str) -> None:
    """The buyer is never charged without a ticket: a paid, cancelled order is refunded."""
    payment = await unit.find_one(
        Payment, Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED
    )
    if payment is None:
        return
    refund = await provider.refund(payment.charge_id, idempotency_key=f"refund-{order_id}")
    payment.status, payment.refund_id = PaymentStatus.REFUNDED, refund.id
    await unit.save_if_unchanged(payment)
