"""JSON API of payments, route-compatible with the original Node app."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from modules.kernel import CurrentUser, Transactions, error_responses
from modules.payments.providers import PaymentProvider
from modules.payments.schemas import PaymentBody, PaymentOut
from modules.payments.use_cases import create_payment


class PaymentsApi(Controller):
    path = "/api/payments"
    tags = ["payments"]

    @post(
        "/", status_code=HTTP_201_CREATED, responses=error_responses(401, 402, 404, 409, body=True)
    )
    async def create(
        self,
        data: JSONBody[PaymentBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
        provider: NamedDependency[PaymentProvider],
    ) -> PaymentOut:
        payment = await create_payment(transactions, provider, user, data.order_id, data.token)
        return PaymentOut(id=str(payment.id))
