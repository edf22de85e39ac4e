"""Purchase, the order page (live countdown, pay form, Cancel order) and My Orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from pydantic import BaseModel, Field

from modules.kernel import (
    DEFAULT_PAGE,
    AppError,
    NotFound,
    Page,
    PageRequest,
    Transactions,
    View,
    redirect,
)
from modules.orders.documents import Order
from modules.orders.domain import status_label
from modules.orders.use_cases import cancel_order, order_of, orders_of, place_order


class PurchaseForm(BaseModel):
    ticket_id: str = Field(default="", alias="ticketId")


class OrdersPages(Controller):
    path = "/orders"
    include_in_schema = False

    @post("/")
    async def purchase(
        self,
        data: URLEncodedBody[PurchaseForm],
        view: NamedDependency[View],
        transactions: NamedDependency[Transactions],
        reservation_window: NamedDependency[timedelta],
    ) -> Response[Any]:
        """Purchase on a ticket's page: reserve it and go to the order, or back with why not."""
        buyer = view.signed_in()
        try:
            order = await place_order(transactions, buyer, data.ticket_id, reservation_window)
        except AppError as error:
            back = f"/tickets/{quote(data.ticket_id, safe='')}"
            return redirect(back, error=_purchase_refusal(error))
        return redirect(f"/orders/{order.id}")

    @get("/")
    async def mine(self, view: NamedDependency[View]) -> Page:
        orders = await orders_of(view.signed_in(), PageRequest(DEFAULT_PAGE, None))
        return view.render("orders/list.html", orders=[(o, label(o)) for o in orders])

    @get("/{order_id:str}")
    async def show(self, order_id: FromPath[str], view: NamedDependency[View]) -> Page:
        order = await order_of(view.signed_in(), order_id)
        return view.render("orders/show.html", **state_of(order))

    @get("/{order_id:str}/state")
    async def state(self, order_id: FromPath[str], view: NamedDependency[View]) -> Page:
        """The status and countdown, polled while the order is open; at the end it replaces
        the pay form with the outcome."""
        order = await order_of(view.signed_in(), order_id)
        return view.fragment("orders/_state.html", **state_of(order))

    @post("/{order_id:str}/cancel")
    async def cancel(
        self,
        order_id: FromPath[str],
        view: NamedDependency[View],
        transactions: NamedDependency[Transactions],
    ) -> Response[Any]:
        try:
            await cancel_order(transactions, view.signed_in(), order_id)
        except AppError as error:
            if error.status_code != 400:
                raise
            return redirect(f"/orders/{order_id}", error=error.errors[0].message)
        return redirect(f"/orders/{order_id}", notice="Your order is cancelled.")


def _purchase_refusal(error: AppError) -> str:
    """Orders hears of a new ticket a moment after it is listed; say so rather than 'not found'
    (a ticket that does not exist is a 404 on the page this leads back to)."""
    if isinstance(error, NotFound):
        return "This ticket cannot be ordered just yet. Please try again in a moment."
    return error.errors[0].message


def seconds_left(order: Order) -> int:
    return max(0, int((order.expires_at - datetime.now(UTC)).total_seconds()))


def label(order: Order) -> str:
    return status_label(order.status, order.cancel_reason, time_left=seconds_left(order) > 0)


CLOSINGS = {
    "Complete": "Paid. The ticket is yours.",
    "Expired": "Expired: the time to pay ran out and the ticket is back on sale.",
    "Cancelled": "This order is cancelled.",
}


def state_of(order: Order) -> dict[str, Any]:
    shown = label(order)
    return {
        "order": order,
        "label": shown,
        "open": shown == "Awaiting payment",
        "seconds_left": seconds_left(order),
        "closing": CLOSINGS.get(shown),
    }
