"""A charge is never without its record: `ticketing serve` killed at each step of a payment."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.payments.fake_stripe import FakeStripe, fake_stripe
from tests.processes.serving import Launcher, Serving
from tests.support.waiting import wait_for

pytestmark = pytest.mark.processes

PASSWORD = "correct horse"


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    with fake_stripe() as fake:
        yield fake


def settings(stripe: FakeStripe, failpoint: str | None = None) -> dict[str, str]:
    values = {
        "TICKETING_STRIPE_SECRET_KEY": "sk_test_crash",
        "TICKETING_STRIPE_API_BASE": stripe.url,
        "TICKETING_PAYMENT_SETTLE_AFTER": "1",
        "TICKETING_PAYMENT_RECONCILE_EVERY": "0.5",
    }
    armed = {"TICKETING_FAILPOINTS": failpoint, "TICKETING_ALLOW_FAILPOINTS": "1"}
    return values | (armed if failpoint else {})


def session(serving: Serving) -> httpx.Client:
    http = serving.client()
    email = f"pay-{uuid.uuid4().hex[:8]}@example.com"
    response = http.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return http


def reserved_order(serving: Serving) -> tuple[httpx.Client, str]:
    """A buyer's session and an order of theirs, once every module has heard of it."""
    seller, buyer = session(serving), session(serving)
    ticket = seller.post("/api/tickets", json={"title": "Crash opera", "price": 12}).json()
    ordered = wait_for(
        lambda: buyer.post("/api/orders", json={"ticketId": ticket["id"]}),
        until=lambda response: response.status_code == 201,
    )
    return buyer, ordered.json()["id"]


def pay_until_heard(buyer: httpx.Client, order_id: str) -> Any:
    """Pay once payments has heard of the order; a transport error means the process died."""

    def attempt() -> Any:
        try:
            return buyer.post("/api/payments", json={"orderId": order_id, "token": "tok_visa"})
        except httpx.TransportError as error:
            return error

    return wait_for(attempt, until=lambda answer: getattr(answer, "status_code", 0) != 404)


def died(serving: Serving) -> None:
    """The process crashed at its failpoint; its embedded servers go with it, as a pod's would
    (their own stop after our death is tested in test_serve_lifecycle; here only the
    reconciler is under test, so a server slow to stop on a loaded machine is killed)."""
    assert serving.process.wait(10) == 137
    for child in serving.children:
        child.kill()
    wait_for(lambda: not any(child.alive for child in serving.children), timeout=30)


def status(serving: Serving, buyer: httpx.Client, order_id: str) -> str:
    buyer.base_url = httpx.URL(serving.url)
    return str(buyer.get(f"/api/orders/{order_id}").json()["status"])


class TestKilledAfterTheCharge:
    def test_the_reconciler_records_the_charge_and_the_order_completes(
        self, launcher: Launcher, stripe: FakeStripe
    ) -> None:
        first = launcher.start(**settings(stripe, "payments.after_charge"))
        buyer, order_id = reserved_order(first)

        assert isinstance(pay_until_heard(buyer, order_id), httpx.TransportError)
        died(first)
        assert len(stripe.sent("/v1/charges")) == 1

        second = launcher.start(**settings(stripe))
        wait_for(lambda: status(second, buyer, order_id), until="complete".__eq__)
        assert len(stripe.sent("/v1/charges")) == 1
        assert stripe.sent("/v1/refunds") == []


class TestKilledBeforeTheCharge:
    def test_the_attempt_fails_and_the_buyer_can_pay_again(
        self, launcher: Launcher, stripe: FakeStripe
    ) -> None:
        first = launcher.start(**settings(stripe, "payments.before_charge"))
        buyer, order_id = reserved_order(first)

        assert isinstance(pay_until_heard(buyer, order_id), httpx.TransportError)
        died(first)
        assert stripe.sent("/v1/charges") == []

        second = launcher.start(**settings(stripe))
        buyer.base_url = httpx.URL(second.url)
        paid = wait_for(
            lambda: buyer.post("/api/payments", json={"orderId": order_id, "token": "tok_visa"}),
            until=lambda response: response.status_code != 409,  # until the attempt is settled
        )
        assert paid.status_code == 201, paid.text
        wait_for(lambda: status(second, buyer, order_id), until="complete".__eq__)
        assert len(stripe.sent("/v1/charges")) == 1
