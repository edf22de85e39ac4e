"""Order statuses and the transitions between them. Pure, no I/O.

`awaiting:payment` is part of the vocabulary (the Node app's), but no step
sets it: an order is reserved by the database the moment it is created, so
`created` already means "reserved, awaiting payment". It counts as active.
"""

from __future__ import annotations

from enum import StrEnum

from beanie import PydanticObjectId
from bson import ObjectId

from bus import CancelReason
from modules.kernel import BadRequest, Forbidden, object_id_or_404

ORDER_NOT_FOUND = "Order not found"


class OrderStatus(StrEnum):
    CREATED = "created"
    AWAITING_PAYMENT = "awaiting:payment"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (OrderStatus.CREATED, OrderStatus.AWAITING_PAYMENT, OrderStatus.COMPLETE)
PAYABLE_STATUSES = (OrderStatus.CREATED, OrderStatus.AWAITING_PAYMENT)


def status_label(status: OrderStatus, reason: CancelReason | None, *, time_left: bool) -> str:
    """The status as a buyer reads it: a cancelled order says why. One cancelled before orders
    recorded the reason is taken as expired if its window had run out."""
    if status is OrderStatus.COMPLETE:
        return "Complete"
    if is_awaiting_payment(status):
        return "Awaiting payment" if time_left else "Expired"
    if reason is not None:
        return "Expired" if reason == "expired" else "Cancelled"
    return "Cancelled" if time_left else "Expired"


def ensure_buyer(buyer_id: str, order_user_id: str) -> None:
    if buyer_id != order_user_id:
        raise Forbidden("This order belongs to another user")


def ensure_not_own_ticket(buyer_id: str, seller_id: str) -> None:
    if buyer_id == seller_id:
        raise BadRequest("You cannot buy your own ticket", "ticketId")


def ensure_cancellable(status: OrderStatus) -> None:
    if status is OrderStatus.COMPLETE:
        raise BadRequest("Cannot cancel a complete order")


def is_awaiting_payment(status: OrderStatus) -> bool:
    return status in PAYABLE_STATUSES


def ticket_id_to_order(ticket_id: str | None) -> PydanticObjectId:
    """The ticket a buyer asks for: a malformed id is a bad request, not a missing ticket."""
    if not ticket_id or not ObjectId.is_valid(ticket_id):
        raise BadRequest("ticketId must be a valid ticket id", "ticketId")
    return PydanticObjectId(ticket_id)


def order_id_or_404(order_id: str) -> PydanticObjectId:
    return object_id_or_404(order_id, ORDER_NOT_FOUND)
