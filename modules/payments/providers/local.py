"""The default provider: Stripe's test-token semantics, no network, charges kept in memory."""

from __future__ import annotations

import uuid

from modules.kernel import BadRequest
from modules.payments.providers.port import CardDeclined, Charge, Refund

ACCEPTED = "tok_visa"
DECLINED = "tok_chargeDeclined"
INSUFFICIENT_FUNDS = "tok_chargeDeclinedInsufficientFunds"
DECLINES = {
    DECLINED: "Your card was declined.",
    INSUFFICIENT_FUNDS: "Your card has insufficient funds.",
}


class LocalProvider:
    """Idempotent by key within this process, as Stripe is across its API."""

    def __init__(self) -> None:
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, Refund] = {}

    async def charge(
        self, amount_cents: int, currency: str, token: str, idempotency_key: str
    ) -> Charge:
        if token in DECLINES:
            raise CardDeclined(DECLINES[token])
        if token != ACCEPTED:
            raise BadRequest("Invalid payment token", "token")
        if idempotency_key not in self.charges:
            charge_id = f"ch_local_{uuid.uuid4().hex}"
            self.charges[idempotency_key] = Charge(id=charge_id, amount=amount_cents)
        return self.charges[idempotency_key]

    async def find_charge(self, idempotency_key: str) -> Charge | None:
        return self.charges.get(idempotency_key)

    async def refund(self, charge_id: str, idempotency_key: str) -> Refund:
        if idempotency_key not in self.refunds:
            refund_id = f"re_local_{uuid.uuid4().hex}"
            self.refunds[idempotency_key] = Refund(id=refund_id, charge_id=charge_id)
        return self.refunds[idempotency_key]
