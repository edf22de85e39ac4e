"""The purchase flow through a split deployment: same expectations as in one process."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from app.split.deployment import SplitDeployment
from tests.e2e.support import User, wait_for

pytestmark = pytest.mark.e2e


class TestSplitPurchase:
    def test_sign_up_sell_buy_pay(self, deployment: SplitDeployment) -> None:
        seller, buyer = User(deployment.base_url), User(deployment.base_url)
        ticket_id = seller.sell(price=12.5)

        order = buyer.order_once_known(ticket_id)
        payment = buyer.pay_once_known(order["id"])

        assert payment.status_code == 201, payment.text
        wait_for(lambda: buyer.order_status(order["id"]), until=lambda s: s == "complete")
        wait_for(lambda: seller.ticket(ticket_id)["orderId"], until=lambda h: h == order["id"])
        edit = seller.http.put(f"/api/tickets/{ticket_id}", json={"title": "X", "price": 1})
        assert edit.status_code == 400

    def test_an_unpaid_order_expires_and_the_ticket_is_back(
        self, deployment: SplitDeployment
    ) -> None:
        seller, buyer = User(deployment.base_url), User(deployment.base_url)
        ticket_id = seller.sell()
        order = buyer.order_once_known(ticket_id)

        wait_for(lambda: buyer.order_status(order["id"]), until=lambda s: s == "cancelled")

        wait_for(lambda: seller.ticket(ticket_id)["orderId"], until=lambda h: h is None)
        assert User(deployment.base_url).order(ticket_id).status_code == 201

    def test_fifty_buyers_over_two_replicas_make_one_order(
        self, deployment: SplitDeployment
    ) -> None:
        seller = User(deployment.base_url)
        buyers = [User(deployment.base_url) for _ in range(50)]
        ticket_id = seller.sell()
        probe = buyers[0].order_once_known(ticket_id)
        buyers[0].http.delete(f"/api/orders/{probe['id']}")

        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(lambda b: b.order(ticket_id).status_code, buyers))

        assert sorted(statuses) == [201] + [400] * 49
