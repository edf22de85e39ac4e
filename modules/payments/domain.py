"""When an order may be paid. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bus import OrderStatus
from modules.kernel import BadRequest, FieldError, Forbidden, ValidationFailed

MAX_TOKEN_LENGTH = 255


@dataclass(frozen=True)
class PaymentRequest:
    order_id: str
    token: str


@dataclass(frozen=True)
class PayableOrder:
    user_id: str
    status: OrderStatus
    expires_at: datetime | None


def payment_request(order_id: str | None, token: str | None) -> PaymentRequest:
    """Both fields present, or ValidationFailed listing every missing one."""
    errors = []
    if not (order_id or "").strip():
        errors.append(FieldError("orderId is required", "orderId"))
    if not (token or "").strip():
        errors.append(FieldError("token is required", "token"))
    elif len(token or "") > MAX_TOKEN_LENGTH:
        errors.append(FieldError(f"token must be at most {MAX_TOKEN_LENGTH} characters", "token"))
    if errors:
        raise ValidationFailed(*errors)
    return PaymentRequest((order_id or "").strip(), (token or "").strip())


def ensure_payable(buyer_id: str, order: PayableOrder, now: datetime) -> None:
    """The buyer's own order, not cancelled, and still inside its window, even if the expiry
    has not been heard yet (say, right after the servers were down past it)."""
    if buyer_id != order.user_id:
        raise Forbidden("This order belongs to another user")
    if order.status == "cancelled":
        raise BadRequest("Cannot pay for a cancelled order")
    if order.expires_at is not None and now >= order.expires_at:
        raise BadRequest("Cannot pay for an expired order")
