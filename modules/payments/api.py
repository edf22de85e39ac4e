"""JSON API of payments, route-compatible with the original Node app."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from bus import Transactions
from modules.kernel import CurrentUser
from modules.payments.domain import payment_request
from modules.payments.gateway import gateway
from modules.payments.schemas import PaymentBody, PaymentOut
from modules.payments.use_cases import create_payment


class PaymentsApi(Controller):
    path = "/api/payments"
    tags = ["payments"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        data: JSONBody[PaymentBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> PaymentOut:
        order_id, token = payment_request(data.order_id, data.token)
        payment = await create_payment(transactions, gateway.provider, user, order_id, token)
        return PaymentOut(id=str(payment.id))
