"""The payment-provider port: what payments needs from Stripe or its local stand-in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from modules.kernel import AppError, FieldError


@dataclass(frozen=True)
class Charge:
    id: str
    amount: int  # cents


@dataclass(frozen=True)
class Refund:
    id: str
    charge_id: str


class CardDeclined(AppError):
    status_code = 402

    def __init__(self, message: str):
        super().__init__(FieldError(message, "token"))


@runtime_checkable
class PaymentProvider(Protocol):
    async def charge(
        self, amount_cents: int, currency: str, token: str, idempotency_key: str
    ) -> Charge:
        """Charge `amount_cents`; the same idempotency key never charges twice."""

    async def refund(self, charge_id: str, idempotency_key: str) -> Refund: ...

    async def find_charge(self, idempotency_key: str) -> Charge | None:
        """The charge made with this key, if the provider has one (to settle a crashed attempt)."""
