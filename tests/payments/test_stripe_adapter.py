"""The Stripe adapter against a local server in Stripe's API shape (never the real Stripe)."""

from __future__ import annotations

import pytest

from modules.kernel import BadRequest
from modules.payments.providers import CardDeclined, StripeProvider
from tests.payments.fake_stripe import FakeStripe
from tests.payments.support import known_order, pay, payment_of
from tests.support.api import sign_up
from tests.support.apps import AppClient
from tests.support.events import order_cancelled, publish
from tests.support.quiet import until_quiet
from tests.support.waiting import eventually

SECRET = "sk_test_123"


class TestStripeCharge:
    async def test_a_charge_sends_cents_currency_token_and_the_idempotency_key(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)

        charge = await provider.charge(4250, "usd", "tok_visa", idempotency_key="order-1")

        sent = stripe_server.requests[-1]
        assert sent.path == "/v1/charges"
        assert sent.form == {
            "amount": "4250",
            "currency": "usd",
            "source": "tok_visa",
            "metadata[ticketing_attempt]": "order-1",
        }
        assert sent.idempotency_key == "order-1"
        assert sent.authorization == f"Bearer {SECRET}"
        assert charge.amount == 4250 and charge.id.startswith("ch_")

    async def test_a_retried_charge_with_the_same_key_is_the_same_charge(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)

        first = await provider.charge(100, "usd", "tok_visa", idempotency_key="order-2")
        second = await provider.charge(100, "usd", "tok_visa", idempotency_key="order-2")

        assert first.id == second.id

    async def test_a_key_busy_with_a_concurrent_request_is_retried_with_the_same_key(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)
        stripe_server.busy_answers = 1

        charge = await provider.charge(100, "usd", "tok_visa", idempotency_key="order-3")

        sent = stripe_server.sent("/v1/charges")
        assert [request.idempotency_key for request in sent] == ["order-3", "order-3"]
        assert charge.id.startswith("ch_")

    async def test_a_card_error_becomes_card_declined_with_stripes_message(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)

        with pytest.raises(CardDeclined) as declined:
            await provider.charge(100, "usd", "tok_chargeDeclined", idempotency_key="order-4")

        assert declined.value.status_code == 402
        assert declined.value.errors[0].message == "Your card was declined."

    async def test_a_key_reused_with_other_details_is_a_400_not_a_crash(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)
        with pytest.raises(CardDeclined):
            await provider.charge(100, "usd", "tok_chargeDeclined", idempotency_key="order-5")

        with pytest.raises(BadRequest) as refused:
            await provider.charge(100, "usd", "tok_visa", idempotency_key="order-5")

        assert refused.value.status_code == 400
        assert stripe_server.sent("/v1/charges")[-1].form["source"] == "tok_visa"


class TestStripeRefund:
    async def test_a_refund_names_the_charge_and_its_own_idempotency_key(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)

        refund = await provider.refund("ch_abc", idempotency_key="refund-order-6")

        sent = stripe_server.requests[-1]
        assert (sent.path, sent.form, sent.idempotency_key) == (
            "/v1/refunds",
            {"charge": "ch_abc"},
            "refund-order-6",
        )
        assert refund.charge_id == "ch_abc" and refund.id.startswith("re_")


class TestStripeFindCharge:
    async def test_a_charge_is_found_by_its_attempt_key(self, stripe_server: FakeStripe) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)
        charge = await provider.charge(700, "usd", "tok_visa", idempotency_key="attempt-1")

        assert await provider.find_charge("attempt-1") == charge
        assert await provider.find_charge("attempt-2") is None

    async def test_a_declined_attempt_is_not_found(self, stripe_server: FakeStripe) -> None:
        provider = StripeProvider(SECRET, stripe_server.url)
        with pytest.raises(CardDeclined):
            await provider.charge(700, "usd", "tok_chargeDeclined", idempotency_key="attempt-3")

        assert await provider.find_charge("attempt-3") is None


class TestStripeSelectedBySettings:
    async def test_the_app_charges_and_refunds_through_stripe_when_a_key_is_set(
        self, stripe_client: AppClient, stripe_server: FakeStripe
    ) -> None:
        client = stripe_client
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id, price=999)

        response = await pay(client, buyer.headers, order_id)
        assert response.status_code == 201, response.text
        await publish(client, order_cancelled(order_id))
        await until_quiet(client.app)

        payment = await eventually(lambda: payment_of(client, order_id))
        assert payment["status"] == "refunded"
        charge, refund = stripe_server.requests
        assert (charge.path, charge.form["amount"], charge.form["currency"]) == (
            "/v1/charges",
            "999",
            "usd",
        )
        assert charge.idempotency_key == payment["attempt"]
        assert charge.authorization == "Bearer sk_test_app"
        assert (refund.path, refund.idempotency_key) == ("/v1/refunds", f"refund-{order_id}")

    async def test_a_declined_card_does_not_block_the_next_one(
        self, stripe_client: AppClient, stripe_server: FakeStripe
    ) -> None:
        """Each attempt has its own idempotency key: Stripe would replay a decline for 24 h."""
        client = stripe_client
        buyer = await sign_up(client)
        order_id = await known_order(client, buyer.id)

        declined = await pay(client, buyer.headers, order_id, token="tok_chargeDeclined")
        paid = await pay(client, buyer.headers, order_id)

        assert (declined.status_code, paid.status_code) == (402, 201)
        first, second = stripe_server.sent("/v1/charges")
        assert first.idempotency_key != second.idempotency_key
