"""The order page's Pay form lands here: Paid, or the form again with why not."""

from __future__ import annotations

from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId
from litestar import Controller, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel

from modules.kernel import AppError, Transactions, View, field_errors, redirect
from modules.payments.cards import token_for_card
from modules.payments.documents import OrderReplica
from modules.payments.providers import PaymentProvider
from modules.payments.use_cases import create_payment


class PayForm(BaseModel):
    """`card`: a local test card number; `token`: what Stripe's card element gave the page."""

    card: str = ""
    token: str = ""


class PaymentsPages(Controller):
    path = "/payments"
    include_in_schema = False

    @post("/{order_id:str}")
    async def pay(
        self,
        order_id: FromPath[str],
        data: URLEncodedBody[PayForm],
        view: NamedDependency[View],
        transactions: NamedDependency[Transactions],
        provider: NamedDependency[PaymentProvider],
    ) -> Response[Any]:
        """htmx swaps the answer into the page; without JavaScript it is a redirect back."""
        buyer = view.signed_in()
        back = f"/orders/{order_id}"
        try:
            token = data.token or token_for_card(data.card)
            await create_payment(transactions, provider, buyer, order_id, token)
        except AppError as error:
            if not view.htmx:
                return redirect(back, error=error.errors[0].message)
            errors = field_errors(error, {"token": "card", "orderId": ""})
            return view.fragment(
                "payments/_pay_form.html",
                status_code=error.status_code,
                order_id=order_id,
                price=await _price(order_id),
                pay_errors=errors,
            )
        if not view.htmx:
            return redirect(back, notice="Paid. The ticket is yours.")
        return view.fragment("payments/_paid.html")


async def _price(order_id: str) -> int:
    """For the button's label; payments' own replica of the order knows it."""
    if not ObjectId.is_valid(order_id):
        return 0
    order = await OrderReplica.get(PydanticObjectId(order_id))
    return order.price if order else 0
