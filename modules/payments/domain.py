"""When an order may be paid. Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from bus import OrderStatus
from modules.kernel import BadRequest, FieldError, Forbidden, ValidationFailed


@dataclass(frozen=True)
class PaymentRequest:
    order_id: str
    token: str


def payment_request(order_id: str | None, token: str | None) -> PaymentRequest:
    """Both fields present, or ValidationFailed listing every missing one."""
    errors = []
    if not (order_id or "").strip():
        errors.append(FieldError("orderId is required", "orderId"))
    if not (token or "").strip():
        errors.append(FieldError("token is required", "token"))
    if errors:
        raise ValidationFailed(*errors)
    return PaymentRequest((order_id or "").strip(), (token or "").strip())


def ensure_payable(buyer_id: str, order_user_id: str, order_status: OrderStatus) -> None:
    if buyer_id != order_user_id:
        raise Forbidden("This order belongs to another user")
    if order_status == "cancelled":
        raise BadRequest("Cannot pay for a cancelled order")
