"""The Stripe adapter against a local server in Stripe's API shape (never the real Stripe)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from modules.payments.providers import CardDeclined, StripeProvider
from tests.payments.fake_stripe import FakeStripe, fake_stripe
from tests.payments.support import announce, known_order, order_cancelled, pay, payment_of
from tests.support.api import sign_up
from tests.support.apps import build_app, running
from tests.support.quiet import until_quiet
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually


@pytest.fixture
def stripe_server() -> Iterator[FakeStripe]:
    with fake_stripe() as fake:
        yield fake


class TestStripeAdapter:
    async def test_a_charge_sends_cents_currency_token_and_the_idempotency_key(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider("sk_test_123", stripe_server.url)

        charge = await provider.charge(4250, "usd", "tok_visa", idempotency_key="order-1")

        sent = stripe_server.requests[-1]
        assert sent.path == "/v1/charges"
        assert sent.form == {"amount": "4250", "currency": "usd", "source": "tok_visa"}
        assert sent.idempotency_key == "order-1"
        assert sent.authorization == "Bearer sk_test_123"
        assert charge.amount == 4250 and charge.id.startswith("ch_")

    async def test_a_retried_charge_with_the_same_key_is_the_same_charge(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider("sk_test_123", stripe_server.url)

        first = await provider.charge(100, "usd", "tok_visa", idempotency_key="order-2")
        second = await provider.charge(100, "usd", "tok_visa", idempotency_key="order-2")

        assert first.id == second.id

    async def test_a_card_error_becomes_card_declined_with_stripes_message(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider("sk_test_123", stripe_server.url)

        with pytest.raises(CardDeclined) as declined:
            await provider.charge(100, "usd", "tok_chargeDeclined", idempotency_key="order-3")

        assert declined.value.status_code == 402
        assert declined.value.errors[0].message == "Your card was declined."

    async def test_a_refund_names_the_charge_and_its_own_idempotency_key(
        self, stripe_server: FakeStripe
    ) -> None:
        provider = StripeProvider("sk_test_123", stripe_server.url)

        refund = await provider.refund("ch_abc", idempotency_key="refund-order-4")

        sent = stripe_server.requests[-1]
        assert (sent.path, sent.form, sent.idempotency_key) == (
            "/v1/refunds",
            {"charge": "ch_abc"},
            "refund-order-4",
        )
        assert refund.charge_id == "ch_abc"


class TestStripeSelectedBySettings:
    async def test_the_app_charges_and_refunds_through_stripe_when_a_key_is_set(
        self, stripe_server: FakeStripe, servers: ServerUrls, prefix: str
    ) -> None:
        app = build_app(
            servers,
            prefix,
            modules="auth,payments",
            stripe_secret_key="sk_test_app",
            stripe_api_base=stripe_server.url,
        )
        async with running(app) as client:
            buyer = await sign_up(client)
            order_id = await known_order(client, buyer.id, price=999)

            response = await pay(client, buyer.headers, order_id)
            assert response.status_code == 201, response.text
            await announce(client, order_cancelled(order_id))
            await until_quiet(client.app)

            payment = await eventually(lambda: payment_of(client, order_id))
            assert payment["status"] == "refunded"
        paths = [request.path for request in stripe_server.requests]
        assert paths == ["/v1/charges", "/v1/refunds"]
        assert stripe_server.requests[0].form["amount"] == "999"
        assert stripe_server.requests[0].idempotency_key == order_id
