from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pymongo import ASCENDING, IndexModel


class PaymentStatus(StrEnum):
    SUCCEEDED = "succeeded"
    REFUNDED = "refunded"


class OrderReplica(Document):
    """What payments knows of an order (same id), built from order events in version order."""

    version: int
    status: str
    user_id: str
    price: int  # cents

    class Settings:
        name = "order_replicas"


class Payment(Document):
    order_id: str
    charge_id: str
    status: PaymentStatus = PaymentStatus.SUCCEEDED
    refund_id: str | None = None

    class Settings:
        name = "payments"
        # One payment per order, decided by the database: a double submit charges once.
        indexes = [IndexModel([("order_id", ASCENDING)], unique=True, name="one_per_order")]
