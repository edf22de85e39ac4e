from __future__ import annotations

from enum import StrEnum

from pymongo import ASCENDING, IndexModel

from bus import OrderStatus
from modules.kernel import Versioned


class PaymentStatus(StrEnum):
    SUCCEEDED = "succeeded"
    REFUNDED = "refunded"


class OrderReplica(Versioned):
    """What payments knows of an order (same id), built from order events in version order."""

    status: OrderStatus
    user_id: str
    price: int  # cents

    class Settings:
        name = "order_replicas"


class Payment(Versioned):
    order_id: str
    charge_id: str
    status: PaymentStatus = PaymentStatus.SUCCEEDED
    refund_id: str | None = None

    class Settings:
        name = "payments"
        # One payment per order, decided by the database: a double submit charges once.
        indexes = [IndexModel([("order_id", ASCENDING)], unique=True, name="one_per_order")]
