"""Placing, reading and cancelling orders; each change commits with its event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beanie import PydanticObjectId
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from bus import OrderCancelled, OrderCreated, TicketRef, Transactions, UnitOfWork
from modules.kernel import BadRequest, Conflict, CurrentUser, NotFound, object_id_or_404
from modules.orders.documents import Order, TicketReplica, TicketSnapshot
from modules.orders.domain import (
    OrderStatus,
    ensure_buyer,
    ensure_cancellable,
    ensure_not_own_ticket,
    is_awaiting_payment,
)

TICKET_TAKEN = "Ticket is already reserved"


async def place_order(
    transactions: Transactions, buyer: CurrentUser, ticket_id: str | None, ttl: timedelta
) -> Order:
    if not ticket_id or not ObjectId.is_valid(ticket_id):
        raise BadRequest("ticketId must be a valid ticket id", "ticketId")
    ticket = await TicketReplica.get(PydanticObjectId(ticket_id))
    if ticket is None:
        raise NotFound("Ticket not found")
    ensure_not_own_ticket(buyer.id, ticket.user_id)
    ticket_id = str(ticket.id)  # one spelling per ticket: "ABC…" and "abc…" must meet in the index

    async def work(unit: UnitOfWork) -> Order:
        order = Order(
            user_id=buyer.id,
            status=OrderStatus.CREATED,
            expires_at=_expiry(ttl),
            ticket=TicketSnapshot(
                id=ticket_id, title=ticket.title, price=ticket.price, version=ticket.version
            ),
        )
        await order.insert(session=unit.session)
        unit.publish(
            OrderCreated(
                id=str(order.id),
                version=order.version,
                status=order.status,
                user_id=order.user_id,
                expires_at=order.expires_at,
                ticket=TicketRef(id=ticket_id, price=ticket.price),
            )
        )
        return order

    try:
        return await transactions.run(work)
    except DuplicateKeyError:  # the unique partial index: another active order holds it
        raise BadRequest(TICKET_TAKEN, "ticketId") from None


async def orders_of(buyer: CurrentUser) -> list[Order]:
    return await Order.find(Order.user_id == buyer.id).sort("-_id").to_list()


async def order_of(buyer: CurrentUser, order_id: str) -> Order:
    order = await Order.get(_object_id(order_id))
    if order is None:
        raise NotFound("Order not found")
    ensure_buyer(buyer.id, order.user_id)
    return order


async def cancel_order(transactions: Transactions, buyer: CurrentUser, order_id: str) -> Order:
    """The buyer gives up the reservation; cancelling twice is harmless and publishes once."""

    async def work(unit: UnitOfWork) -> Order:
        order = await load_order(order_id, unit)
        ensure_buyer(buyer.id, order.user_id)
        ensure_cancellable(order.status)
        if order.status is not OrderStatus.CANCELLED:
            await _cancel(order, unit)
        return order

    return await transactions.run(work)


async def expire_order(unit: UnitOfWork, order_id: str) -> None:
    """A late or repeated expiration is harmless: only an order awaiting payment is cancelled."""
    order = await load_order(order_id, unit)
    if is_awaiting_payment(order.status):
        await _cancel(order, unit)


async def settle_payment(unit: UnitOfWork, order_id: str) -> None:
    """Paid in time: complete. Paid after cancellation: announce it again so payments refunds."""
    order = await load_order(order_id, unit)
    if is_awaiting_payment(order.status):
        await _save_status(order, OrderStatus.COMPLETE, unit)
    elif order.status is OrderStatus.CANCELLED:
        unit.publish(_announce_cancellation(order))


async def _cancel(order: Order, unit: UnitOfWork) -> None:
    await _save_status(order, OrderStatus.CANCELLED, unit)
    unit.publish(_announce_cancellation(order))


def _announce_cancellation(order: Order) -> OrderCancelled:
    return OrderCancelled(
        id=str(order.id), version=order.version, ticket=TicketRef(id=order.ticket.id)
    )


async def load_order(order_id: str, unit: UnitOfWork) -> Order:
    order = await Order.get(_object_id(order_id), session=unit.session)
    if order is None:
        raise NotFound("Order not found")
    return order


async def _save_status(order: Order, status: OrderStatus, unit: UnitOfWork) -> None:
    """Optimistic concurrency: write only if nobody changed the order since we read it."""
    read_version = order.version
    order.status, order.version = status, read_version + 1
    result = await Order.get_pymongo_collection().update_one(
        {"_id": order.id, "version": read_version},
        {"$set": {"status": order.status.value, "version": order.version}},
        session=unit.session,
    )
    if result.matched_count == 0:
        raise Conflict()


def _expiry(ttl: timedelta) -> datetime:
    """Now + ttl, to the millisecond Mongo keeps: the answer, the stored order and event agree."""
    expires_at = datetime.now(UTC) + ttl
    return expires_at.replace(microsecond=expires_at.microsecond // 1000 * 1000)


def _object_id(order_id: str) -> PydanticObjectId:
    return object_id_or_404(order_id, "Order not found")
