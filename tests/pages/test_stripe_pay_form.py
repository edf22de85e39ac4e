"""With Stripe's publishable key the pay form is Stripe's card element and only a token is posted.

What runs in Stripe's own script (the element, the card to token exchange) needs Stripe's
servers and is not tested here; the page, the policy and our side of the token are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.settings import SettingsError, load_settings
from tests.pages.support import Browser, text_of
from tests.payments.fake_stripe import FakeStripe, fake_stripe
from tests.support.apps import AppClient, build_app, running
from tests.support.servers import ServerUrls
from tests.support.waiting import eventually

PUBLISHABLE_KEY = "pk_test_51Ticketing"
STRIPE_JS = '<script src="https://js.stripe.com/v3/"'


@pytest.fixture
async def stripe() -> AsyncIterator[FakeStripe]:
    with fake_stripe() as fake:
        yield fake


@pytest.fixture
async def client(servers: ServerUrls, prefix: str, stripe: FakeStripe) -> AsyncIterator[AppClient]:
    """Every module, charging through Stripe (the local fake of its API) with its card element."""
    app = build_app(
        servers,
        prefix,
        stripe_publishable_key=PUBLISHABLE_KEY,
        stripe_secret_key="sk_test_app",
        stripe_api_base=stripe.url,
    )
    async with running(app) as app_client:
        yield app_client


async def open_order(seller: Browser, buyer: Browser) -> str:
    return await buyer.purchase_once_known(await seller.sell("Opera night", "25.5"))


async def pay_with_token(buyer: Browser, order_id: str, token: str) -> str:
    """What the page posts once Stripe's element gave it a token; payments hears of the order
    through the bus."""
    response = await eventually(
        lambda: buyer.submit(f"/orders/{order_id}", f"/payments/{order_id}", True, token=token),
        until=lambda r: "Order not found" not in r.text,
    )
    return text_of(response)


class TestThePayFormWithStripe:
    async def test_is_stripes_card_element_and_its_script_instead_of_the_card_number(
        self, seller: Browser, buyer: Browser
    ) -> None:
        page = await buyer.get(f"/orders/{await open_order(seller, buyer)}")

        assert 'id="card-element"' in page.text
        assert f'data-stripe-key="{PUBLISHABLE_KEY}"' in page.text
        assert STRIPE_JS in page.text and '<script src="/static/stripe-card.js"' in page.text
        assert 'name="token"' in page.text and 'name="card"' not in page.text
        assert "Test cards" not in text_of(page)

    async def test_the_policy_lets_stripe_js_its_frames_and_its_api_in(
        self, seller: Browser, buyer: Browser
    ) -> None:
        page = await buyer.get(f"/orders/{await open_order(seller, buyer)}")

        policy = dict(
            directive.strip().split(" ", 1)
            for directive in page.headers["content-security-policy"].split(";")
        )
        assert policy["script-src"] == "'self' https://js.stripe.com"
        assert policy["frame-src"] == "'self' https://js.stripe.com https://hooks.stripe.com"
        assert policy["connect-src"] == "'self' https://api.stripe.com"
        assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"

    async def test_the_token_posted_is_the_one_charged(
        self, seller: Browser, buyer: Browser, stripe: FakeStripe
    ) -> None:
        order_id = await open_order(seller, buyer)

        declined = await pay_with_token(buyer, order_id, "tok_chargeDeclined")
        paid = await pay_with_token(buyer, order_id, "tok_visa")

        assert "Your card was declined." in declined and "Paid." in paid
        charges = [r.form["source"] for r in stripe.requests if r.path == "/v1/charges"]
        assert charges == ["tok_chargeDeclined", "tok_visa"]


class TestThePayFormWithoutStripe:
    async def test_keeps_the_local_card_number_and_no_stripe_anywhere(
        self, servers: ServerUrls, prefix: str
    ) -> None:
        async with running(build_app(servers, prefix)) as local:
            seller, buyer = Browser(local.app), Browser(local.app)
            try:
                await seller.sign_up()
                await buyer.sign_up()
                page = await buyer.get(f"/orders/{await open_order(seller, buyer)}")
            finally:
                await seller.close()
                await buyer.close()

        assert '<label for="card">Card number</label>' in page.text
        assert "stripe" not in page.text.lower()
        assert "stripe" not in page.headers["content-security-policy"]


class TestThePublishableKeySetting:
    def test_a_secret_key_in_its_place_is_refused_naming_the_variable(self) -> None:
        with pytest.raises(SettingsError, match="TICKETING_STRIPE_PUBLISHABLE_KEY"):
            load_settings(stripe_publishable_key="sk_test_oops")
