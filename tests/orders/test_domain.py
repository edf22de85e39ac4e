"""Order rules on their own: who may act on an order, and in which status. No server, no I/O."""

from __future__ import annotations

import pytest
from bson import ObjectId

from modules.kernel import BadRequest, Forbidden, NotFound
from modules.orders.domain import (
    ACTIVE_STATUSES,
    PAYABLE_STATUSES,
    OrderStatus,
    ensure_buyer,
    ensure_cancellable,
    ensure_not_own_ticket,
    is_awaiting_payment,
    order_id_or_404,
    ticket_id_to_order,
)

VALID_ID = "0123456789abcdef01234567"
MALFORMED_IDS = [
    "not-an-id",
    "123",
    "0123456789abcdef0123456",
    "0" * 25,
    "zzzzzzzzzzzzzzzzzzzzzzzz",
]


class TestOrderStatuses:
    def test_they_are_the_node_apps_words(self) -> None:
        assert [status.value for status in OrderStatus] == [
            "created",
            "awaiting:payment",
            "complete",
            "cancelled",
        ]

    def test_every_status_but_cancelled_holds_the_ticket(self) -> None:
        assert set(ACTIVE_STATUSES) == set(OrderStatus) - {OrderStatus.CANCELLED}

    def test_only_an_order_not_yet_complete_nor_cancelled_awaits_payment(self) -> None:
        assert set(PAYABLE_STATUSES) == {OrderStatus.CREATED, OrderStatus.AWAITING_PAYMENT}
        assert [is_awaiting_payment(status) for status in OrderStatus] == [
            True,
            True,
            False,
            False,
        ]


class TestEnsureBuyer:
    def test_the_buyer_may_act_on_their_order(self) -> None:
        ensure_buyer("buyer", "buyer")

    def test_anyone_else_is_forbidden(self) -> None:
        with pytest.raises(Forbidden) as refused:
            ensure_buyer("stranger", "buyer")

        assert refused.value.errors[0].message == "This order belongs to another user"
        assert refused.value.status_code == 403


class TestEnsureNotOwnTicket:
    def test_a_buyer_may_order_someone_elses_ticket(self) -> None:
        ensure_not_own_ticket("buyer", "seller")

    def test_a_seller_cannot_buy_their_own_ticket_naming_the_ticket_id(self) -> None:
        with pytest.raises(BadRequest) as refused:
            ensure_not_own_ticket("seller", "seller")

        [error] = refused.value.errors
        assert (error.message, error.field) == ("You cannot buy your own ticket", "ticketId")


class TestEnsureCancellable:
    @pytest.mark.parametrize(
        "status", [OrderStatus.CREATED, OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED]
    )
    def test_an_order_not_complete_may_be_cancelled(self, status: OrderStatus) -> None:
        ensure_cancellable(status)

    def test_a_complete_order_cannot_be_cancelled(self) -> None:
        with pytest.raises(BadRequest, match=r"^Cannot cancel a complete order$"):
            ensure_cancellable(OrderStatus.COMPLETE)


class TestTicketIdToOrder:
    def test_a_valid_id_is_kept_in_its_canonical_form(self) -> None:
        assert ticket_id_to_order(VALID_ID.upper()) == ObjectId(VALID_ID)

    @pytest.mark.parametrize("ticket_id", [None, "", *MALFORMED_IDS])
    def test_a_missing_or_malformed_id_is_a_bad_request_naming_the_ticket_id(
        self, ticket_id: str | None
    ) -> None:
        with pytest.raises(BadRequest) as refused:
            ticket_id_to_order(ticket_id)

        [error] = refused.value.errors
        assert (error.message, error.field) == ("ticketId must be a valid ticket id", "ticketId")


class TestOrderIdOr404:
    def test_a_valid_id_is_kept_in_its_canonical_form(self) -> None:
        assert order_id_or_404(VALID_ID.upper()) == ObjectId(VALID_ID)

    @pytest.mark.parametrize("order_id", ["", *MALFORMED_IDS])
    def test_a_malformed_id_names_no_order(self, order_id: str) -> None:
        with pytest.raises(NotFound, match=r"^Order not found$"):
            order_id_or_404(order_id)
