"""Why an order was cancelled: recorded by orders, announced, and read as Expired or Cancelled."""

from __future__ import annotations

import pytest
from bson import ObjectId

from bus import OrderCancelled
from modules.orders.domain import OrderStatus, status_label
from tests.orders.support import cancel, fresh_order, show
from tests.support.api import accounts
from tests.support.apps import AppClient
from tests.support.databases import database

CANCELLED = OrderStatus.CANCELLED


class TestStatusLabel:
    @pytest.mark.parametrize("time_left", [True, False])
    def test_a_cancelled_order_says_why_whenever_it_is_read(self, time_left: bool) -> None:
        assert status_label(CANCELLED, "expired", time_left=time_left) == "Expired"
        assert status_label(CANCELLED, "buyer", time_left=time_left) == "Cancelled"

    def test_an_order_cancelled_before_reasons_were_recorded_is_told_by_its_window(self) -> None:
        assert status_label(CANCELLED, None, time_left=True) == "Cancelled"
        assert status_label(CANCELLED, None, time_left=False) == "Expired"

    def test_open_and_complete_orders_are_unchanged(self) -> None:
        assert status_label(OrderStatus.CREATED, None, time_left=True) == "Awaiting payment"
        assert status_label(OrderStatus.CREATED, None, time_left=False) == "Expired"
        assert status_label(OrderStatus.COMPLETE, None, time_left=False) == "Complete"


class TestTheContract:
    def test_an_envelope_published_before_the_reason_still_parses_without_one(self) -> None:
        old = {"id": "o1", "version": 1, "ticket": {"id": "t1"}}

        assert OrderCancelled.model_validate(old).reason is None
        assert OrderCancelled.model_validate(old | {"reason": "expired"}).reason == "expired"


class TestOldOrders:
    async def test_an_order_stored_without_a_reason_reads_as_none(self, client: AppClient) -> None:
        seller, buyer = await accounts(client, 2)
        order = await fresh_order(client, seller, buyer)
        assert (await cancel(client, buyer, order["id"])).status_code == 204
        orders = database(client, "orders")["orders"]
        await orders.update_one({"_id": ObjectId(order["id"])}, {"$unset": {"cancel_reason": ""}})

        shown = await show(client, buyer, order["id"])

        assert (shown["status"], shown["cancelReason"]) == ("cancelled", None)
