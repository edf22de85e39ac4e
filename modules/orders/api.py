"""JSON API of orders, route-compatible with the original Node app."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from modules.kernel import CurrentUser, Transactions
from modules.orders.schemas import OrderBody, OrderOut
from modules.orders.use_cases import cancel_order, order_of, orders_of, place_order


class OrdersApi(Controller):
    path = "/api/orders"
    tags = ["orders"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        data: JSONBody[OrderBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
        reservation_window: NamedDependency[timedelta],
    ) -> OrderOut:
        order = await place_order(transactions, user, data.ticket_id, reservation_window)
        return OrderOut.of(order)

    @get("/")
    async def list_mine(self, user: NamedDependency[CurrentUser]) -> list[OrderOut]:
        return [OrderOut.of(order) for order in await orders_of(user)]

    @get("/{order_id:str}")
    async def show(self, order_id: FromPath[str], user: NamedDependency[CurrentUser]) -> OrderOut:
        return OrderOut.of(await order_of(user, order_id))

    @delete("/{order_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def cancel(
        self,
        order_id: FromPath[str],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> None:
        await cancel_order(transactions, user, order_id)
