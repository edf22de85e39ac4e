from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field
from pymongo import ASCENDING, IndexModel

from bus import OrderStatus
from modules.kernel import Versioned


class PaymentStatus(StrEnum):
    PENDING = "pending"  # recorded before the provider is called; settled after
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # declined, or never reached the provider
    REFUNDED = "refunded"


LIVE_STATUSES = (PaymentStatus.PENDING, PaymentStatus.SUCCEEDED)


class OrderReplica(Versioned):
    """What payments knows of an order (same id), built from order events in version order."""

    status: OrderStatus
    user_id: str
    price: int  # cents
    expires_at: datetime | None = None  # None only for replicas recorded before it was kept

    class Settings:
        name = "order_replicas"


class Payment(Versioned):
    """One attempt to pay an order, recorded before the provider is called.

    `attempt` is the provider's idempotency key: one per attempt, so a declined
    card does not block the next one; our own index keeps one live payment per order.
    """

    order_id: str
    attempt: str = ""
    amount: int = 0  # cents
    status: PaymentStatus = PaymentStatus.SUCCEEDED
    charge_id: str | None = None
    refund_id: str | None = None
    failure: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    class Settings:
        name = "payments"
        indexes = [
            # One payment per order, decided by the database: a double submit charges once.
            IndexModel(
                [("order_id", ASCENDING)],
                unique=True,
                name="one_live_per_order",
                partialFilterExpression={"status": {"$in": [s.value for s in LIVE_STATUSES]}},
            ),
            IndexModel([("status", ASCENDING), ("created_at", ASCENDING)], name="by_status"),
        ]
