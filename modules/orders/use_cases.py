"""Placing, reading and cancelling orders; each change commits with its event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo.errors import DuplicateKeyError

from bus import CancelReason, OrderCancelled, OrderCreated, PricedTicket, TicketRef
from modules.kernel import (
    BadRequest,
    CurrentUser,
    NotFound,
    PageRequest,
    Transactions,
    UnitOfWork,
)
from modules.orders.documents import Order, TicketReplica, TicketSnapshot
from modules.orders.domain import (
    ORDER_NOT_FOUND,
    OrderStatus,
    ensure_buyer,
    ensure_cancellable,
    ensure_not_own_ticket,
    is_awaiting_payment,
    order_id_or_404,
    ticket_id_to_order,
)

TICKET_TAKEN = "Ticket is already reserved"


async def place_order(
    transactions: Transactions, buyer: CurrentUser, ticket_id: str | None, window: timedelta
) -> Order:
    ticket = await TicketReplica.get(ticket_id_to_order(ticket_id))
    if ticket is None:
        raise NotFound("Ticket not found")
    ensure_not_own_ticket(buyer.id, ticket.user_id)
    canonical_id = str(ticket.id)  # one spelling per ticket: "ABC…" and "abc…" meet in the index

    async def work(unit: UnitOfWork) -> Order:
        order = Order(
            user_id=buyer.id,
            status=OrderStatus.CREATED,
            expires_at=_expiry(window),
            ticket=TicketSnapshot(
                id=canonical_id, title=ticket.title, price=ticket.price, version=ticket.version
            ),
        )
        await unit.insert(order)
        unit.publish(
            OrderCreated(
                id=str(order.id),
                version=order.version,
                status="created",
                user_id=order.user_id,
                expires_at=order.expires_at,
                ticket=PricedTicket(id=canonical_id, price=ticket.price),
            )
        )
        return order

    try:
        return await transactions.run(work)
    except DuplicateKeyError:  # the unique partial index: another active order holds it
        raise BadRequest(TICKET_TAKEN, "ticketId") from None


async def orders_of(buyer: CurrentUser, page: PageRequest) -> list[Order]:
    """The buyer's orders, newest first."""
    older = {} if page.cursor is None else {"_id": {"$lt": page.cursor}}
    mine = Order.find(Order.user_id == buyer.id, older)
    return await mine.sort("-_id").limit(page.limit).to_list()


async def order_of(buyer: CurrentUser, order_id: str) -> Order:
    order = await Order.get(order_id_or_404(order_id))
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    ensure_buyer(buyer.id, order.user_id)
    return order


async def cancel_order(transactions: Transactions, buyer: CurrentUser, order_id: str) -> Order:
    """The buyer gives up the reservation; cancelling twice is harmless and publishes once."""

    async def work(unit: UnitOfWork) -> Order:
        order = await _load(unit, order_id)
        ensure_buyer(buyer.id, order.user_id)
        ensure_cancellable(order.status)
        if order.status is not OrderStatus.CANCELLED:
            await _cancel(unit, order, "buyer")
        return order

    return await transactions.run(work)


async def expire_order(unit: UnitOfWork, order_id: str) -> None:
    """A late or repeated expiration is harmless: only an order awaiting payment is cancelled."""
    order = await _load(unit, order_id)
    if is_awaiting_payment(order.status):
        await _cancel(unit, order, "expired")


async def settle_payment(unit: UnitOfWork, order_id: str) -> None:
    """Paid in time: complete. Paid after cancellation: announce it again so payments refunds."""
    order = await _load(unit, order_id)
    if is_awaiting_payment(order.status):
        order.status = OrderStatus.COMPLETE
        await unit.save_if_unchanged(order)
    elif order.status is OrderStatus.CANCELLED:
        unit.publish(_cancellation(order))


async def _cancel(unit: UnitOfWork, order: Order, reason: CancelReason) -> None:
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason
    await unit.save_if_unchanged(order)
    unit.publish(_cancellation(order))


def _cancellation(order: Order) -> OrderCancelled:
    return OrderCancelled(
        id=str(order.id),
        version=order.version,
        ticket=TicketRef(id=order.ticket.id),
        reason=order.cancel_reason,
    )


async def _load(unit: UnitOfWork, order_id: str) -> Order:
    order = await unit.get(Order, order_id_or_404(order_id))
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    return order


def _expiry(window: timedelta) -> datetime:
    """Now + window, to the millisecond Mongo keeps: the answer, the stored order and the event
    agree."""
    expires_at = datetime.now(UTC) + window
    return expires_at.replace(microsecond=expires_at.microsecond // 1000 * 1000)
