"""Stripe, through its official client; used when a Stripe secret key is configured."""

from __future__ import annotations

import asyncio

import stripe

from modules.kernel import BadRequest
from modules.payments.providers.port import CardDeclined, Charge, Refund


class StripeProvider:
    def __init__(self, secret_key: str, api_base: str | None = None):
        addresses: stripe.BaseAddresses = {"api": api_base} if api_base else {}
        self._client = stripe.StripeClient(secret_key, base_addresses=addresses)

    async def charge(self, amount: int, currency: str, token: str, idempotency_key: str) -> Charge:
        def create() -> stripe.Charge:
            return self._client.v1.charges.create(
                params={"amount": amount, "currency": currency, "source": token},
                options={"idempotency_key": idempotency_key},
            )

        try:
            charge = await asyncio.to_thread(create)
        except stripe.CardError as error:
            raise CardDeclined(error.user_message or "Your card was declined.") from None
        except stripe.InvalidRequestError as error:
            raise BadRequest(error.user_message or "Invalid payment token", "token") from None
        return Charge(id=charge.id, amount=charge.amount)

    async def refund(self, charge_id: str, idempotency_key: str) -> Refund:
        def create() -> stripe.Refund:
            return self._client.v1.refunds.create(
                params={"charge": charge_id}, options={"idempotency_key": idempotency_key}
            )

        refund = await asyncio.to_thread(create)
        return Refund(id=refund.id, charge_id=charge_id)
