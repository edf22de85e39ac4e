"""Stripe, through its official client; used when a Stripe secret key is configured."""

from __future__ import annotations

import asyncio

import stripe
from stripe._base_address import BaseAddresses

from modules.kernel import AppError, BadRequest, Conflict
from modules.payments.providers.port import CardDeclined, Charge, Refund

# Network errors, 409s and 5xx are retried by the client with the same idempotency key: safe.
NETWORK_RETRIES = 2
KEY_IN_USE = "idempotency_key_in_use"
ATTEMPT = "ticketing_attempt"  # metadata naming our attempt, so a crashed one can be found


class StripeProvider:
    def __init__(self, secret_key: str, api_base: str | None = None):
        addresses: BaseAddresses = {"api": api_base} if api_base else {}
        self._client = stripe.StripeClient(
            secret_key, base_addresses=addresses, max_network_retries=NETWORK_RETRIES
        )

    async def charge(
        self, amount_cents: int, currency: str, token: str, idempotency_key: str
    ) -> Charge:
        def create() -> stripe.Charge:
            return self._client.v1.charges.create(
                params={
                    "amount": amount_cents,
                    "currency": currency,
                    "source": token,
                    "metadata": {ATTEMPT: idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )

        try:
            charge = await asyncio.to_thread(create)
        except stripe.CardError as error:
            raise CardDeclined(error.user_message or "Your card was declined.") from None
        except stripe.IdempotencyError as error:
            raise _idempotency_refusal(error) from None
        except stripe.InvalidRequestError as error:
            raise BadRequest(error.user_message or "Invalid payment token", "token") from None
        return Charge(id=charge.id, amount=charge.amount)

    async def find_charge(self, idempotency_key: str) -> Charge | None:
        """Stripe's search index lags writes by up to a minute: the reconciler waits longer."""

        def search() -> list[stripe.Charge]:
            query = f"metadata['{ATTEMPT}']:'{idempotency_key}'"
            return list(self._client.v1.charges.search(params={"query": query}).data)

        found = await asyncio.to_thread(search)
        return Charge(id=found[0].id, amount=found[0].amount) if found else None

    async def refund(self, charge_id: str, idempotency_key: str) -> Refund:
        def create() -> stripe.Refund:
            return self._client.v1.refunds.create(
                params={"charge": charge_id}, options={"idempotency_key": idempotency_key}
            )

        refund = await asyncio.to_thread(create)
        return Refund(id=refund.id, charge_id=charge_id)


def _idempotency_refusal(error: stripe.IdempotencyError) -> AppError:
    """Stripe keeps the first result per key (a decline included) and refuses other details."""
    if error.code == KEY_IN_USE:
        return Conflict("A payment for this order is in progress; please retry")
    return BadRequest("A payment with other details was already attempted for this order", "token")
