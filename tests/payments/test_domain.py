"""When an order may be paid, on its own: no server, no provider, no database."""

from __future__ import annotations

import pytest

from bus import OrderStatus
from modules.kernel import BadRequest, FieldError, Forbidden
from modules.payments.domain import PaymentRequest, ensure_payable, payment_request
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


class TestEnsurePayable:
    @pytest.mark.parametrize("status", ["created", "awaiting:payment"])
    def test_the_buyer_may_pay_an_order_awaiting_payment(self, status: OrderStatus) -> None:
        ensure_payable("buyer", "buyer", status)

    @pytest.mark.parametrize("status", ["created", "cancelled"])
    def test_anyone_else_is_forbidden_whatever_the_status(self, status: OrderStatus) -> None:
        with pytest.raises(Forbidden, match=r"^This order belongs to another user$"):
            ensure_payable("stranger", "buyer", status)

    def test_a_cancelled_order_cannot_be_paid(self) -> None:
        with pytest.raises(BadRequest, match=r"^Cannot pay for a cancelled order$"):
            ensure_payable("buyer", "buyer", "cancelled")
