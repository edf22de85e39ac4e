"""Paying for an order, and refunding a charge whose order was cancelled meanwhile."""

from __future__ import annotations

from beanie import PydanticObjectId
from pymongo.errors import DuplicateKeyError

from bus import PaymentCreated, Transactions, UnitOfWork
from modules.kernel import BadRequest, CurrentUser, NotFound, object_id_or_404
from modules.payments.documents import OrderReplica, Payment, PaymentStatus
from modules.payments.domain import ensure_payable
from modules.payments.providers import PaymentProvider

ALREADY_PAID = "Order already paid"


async def create_payment(
    transactions: Transactions,
    provider: PaymentProvider,
    buyer: CurrentUser,
    order_id: str,
    token: str,
) -> Payment:
    """Charge outside the transaction (the order id is the idempotency key), then record it.

    Two concurrent submits both reach the provider with the same key, so the
    card is charged once; the unique index lets one record it, the other 400s.
    """
    order = await OrderReplica.get(_object_id(order_id))
    if order is None:
        raise NotFound("Order not found")
    order_id = str(order.id)  # canonical: the unique index and the idempotency key compare text
    ensure_payable(buyer.id, order.user_id, order.status)
    if await Payment.find_one(Payment.order_id == order_id):
        raise BadRequest(ALREADY_PAID)
    charge = await provider.charge(order.price, "usd", token, idempotency_key=order_id)

    async def record(unit: UnitOfWork) -> Payment:
        payment = Payment(order_id=order_id, charge_id=charge.id)
        await payment.insert(session=unit.session)
        unit.publish(PaymentCreated(id=str(payment.id), order_id=order_id, charge_id=charge.id))
        return payment

    try:
        return await transactions.run(record)
    except DuplicateKeyError:
        raise BadRequest(ALREADY_PAID) from None


async def refund_if_paid(unit: UnitOfWork, provider: PaymentProvider, order_id: str) -> None:
    """The buyer is never charged without a ticket: a paid, cancelled order is refunded."""
    payment = await Payment.find_one(
        Payment.order_id == order_id,
        Payment.status == PaymentStatus.SUCCEEDED,
        session=unit.session,
    )
    if payment is None:
        return
    refund = await provider.refund(payment.charge_id, idempotency_key=f"refund-{order_id}")
    await payment.set(
        {Payment.status: PaymentStatus.REFUNDED, Payment.refund_id: refund.id},
        session=unit.session,
    )


def _object_id(order_id: str) -> PydanticObjectId:
    return object_id_or_404(order_id, "Order not found")
