"""The reconciler settles attempts a crash left pending, against the provider's own record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from modules.payments.documents import Payment, PaymentStatus
from modules.payments.providers import LocalProvider
from modules.payments.settlement import reconcile
from tests.payments.support import known_order
from tests.support.announced import announced
from tests.support.api import sign_up
from tests.support.apps import AppClient
from tests.support.databases import database

NOW = timedelta(0)


async def pending(client: AppClient, order_id: str, age: timedelta = timedelta(minutes=5)) -> str:
    """A pending attempt as a crash between recording and settling leaves it."""
    attempt = Payment(
        order_id=order_id,
        attempt=uuid.uuid4().hex,
        amount=2500,
        status=PaymentStatus.PENDING,
        created_at=datetime.now(UTC) - age,
    )
    await database(client, "payments")["payments"].insert_one(attempt.model_dump(exclude={"id"}))
    return attempt.attempt


async def settle(client: AppClient, provider: LocalProvider, after: timedelta = NOW) -> int:
    return await reconcile(client.app.state.runtime.transactions("payments"), provider, after)


async def stored(client: AppClient, attempt: str) -> dict[str, object]:
    found = await database(client, "payments")["payments"].find_one({"attempt": attempt})
    assert found is not None
    return found


class TestReconcile:
    async def test_a_charge_the_provider_made_is_recorded_and_announced(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        order_id = await known_order(client, (await sign_up(client)).id)
        attempt = await pending(client, order_id)
        charge = await provider.charge(2500, "usd", "tok_visa", idempotency_key=attempt)

        assert await settle(client, provider) == 1

        payment = await stored(client, attempt)
        assert (payment["status"], payment["charge_id"]) == ("succeeded", charge.id)
        assert await announced(client, "payments", "payment.created", order_id=order_id)

    async def test_an_attempt_the_provider_never_saw_fails(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        order_id = await known_order(client, (await sign_up(client)).id)
        attempt = await pending(client, order_id)

        assert await settle(client, provider) == 1

        assert (await stored(client, attempt))["status"] == "failed"

    async def test_a_fresh_attempt_is_left_to_its_request(
        self, client: AppClient, provider: LocalProvider
    ) -> None:
        order_id = await known_order(client, (await sign_up(client)).id)
        attempt = await pending(client, order_id, age=timedelta(seconds=1))

        assert await settle(client, provider, after=timedelta(minutes=2)) == 0

        assert (await stored(client, attempt))["status"] == "pending"
