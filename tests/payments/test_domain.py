"""When an order may be paid, on its own: no server, no provider, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bus import OrderStatus
from modules.kernel import BadRequest, FieldError, Forbidden
from modules.payments.domain import (
    PayableOrder,
    PaymentRequest,
    ensure_payable,
    payment_request,
)
from tests.support.refusals import refused

ORDER_ID_REQUIRED = FieldError("orderId is required", "orderId")
TOKEN_REQUIRED = FieldError("token is required", "token")


class TestPaymentRequest:
    def test_both_fields_are_kept_without_surrounding_blanks(self) -> None:
        assert payment_request(" order-1 ", "\ttok_visa\n") == PaymentRequest("order-1", "tok_visa")

    @pytest.mark.parametrize("order_id", [None, "", "   "])
    def test_a_missing_or_blank_order_id_is_required(self, order_id: str | None) -> None:
        assert refused(lambda: payment_request(order_id, "tok_visa")) == (ORDER_ID_REQUIRED,)

    @pytest.mark.parametrize("token", [None, "", "\t"])
    def test_a_missing_or_blank_token_is_required(self, token: str | None) -> None:
        assert refused(lambda: payment_request("order-1", token)) == (TOKEN_REQUIRED,)

    def test_both_missing_are_reported_at_once_order_id_first(self) -> None:
        assert refused(lambda: payment_request(None, None)) == (ORDER_ID_REQUIRED, TOKEN_REQUIRED)


NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def order(status: OrderStatus = "created", expires_in: float | None = 60) -> PayableOrder:
    expires_at = None if expires_in is None else NOW + timedelta(seconds=expires_in)
    return PayableOrder(user_id="buyer", status=status, expires_at=expires_at)


class TestEnsurePayable:
    @pytest.mark.parametrize("status", ["created", "awaiting:payment"])
    def test_the_buyer_may_pay_an_order_awaiting_payment(self, status: OrderStatus) -> None:
        ensure_payable("buyer", order(status), NOW)

    @pytest.mark.parametrize("status", ["created", "cancelled"])
    def test_anyone_else_is_forbidden_whatever_the_status(self, status: OrderStatus) -> None:
        with pytest.raises(Forbidden, match=r"^This order belongs to another user$"):
            ensure_payable("stranger", order(status), NOW)

    def test_a_cancelled_order_cannot_be_paid(self) -> None:
        with pytest.raises(BadRequest, match=r"^Cannot pay for a cancelled order$"):
            ensure_payable("buyer", order("cancelled"), NOW)

    @pytest.mark.parametrize("expires_in", [0, -1, -3600])
    def test_an_order_at_or_past_its_expiry_cannot_be_paid(self, expires_in: float) -> None:
        with pytest.raises(BadRequest, match=r"^Cannot pay for an expired order$"):
            ensure_payable("buyer", order(expires_in=expires_in), NOW)

    def test_an_order_recorded_before_expiry_times_were_kept_is_judged_by_status(self) -> None:
        ensure_payable("buyer", order(expires_in=None), NOW)


class TestTokenLength:
    def test_a_token_longer_than_any_provider_issues_is_refused(self) -> None:
        assert refused(lambda: payment_request("order-1", "t" * 256)) == (
            FieldError("token must be at most 255 characters", "token"),
        )
