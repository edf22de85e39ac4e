"""JSON API of orders, route-compatible with the original Node app."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from modules.kernel import (
    DEFAULT_PAGE,
    MAX_PAGE,
    CurrentUser,
    PageRequest,
    Transactions,
    error_responses,
    next_page_link,
)
from modules.orders.schemas import OrderBody, OrderOut
from modules.orders.use_cases import cancel_order, order_of, orders_of, place_order


class OrdersApi(Controller):
    path = "/api/orders"
    tags = ["orders"]

    @post("/", status_code=HTTP_201_CREATED, responses=error_responses(401, 404, body=True))
    async def create(
        self,
        data: JSONBody[OrderBody],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
        reservation_window: NamedDependency[timedelta],
    ) -> OrderOut:
        order = await place_order(transactions, user, data.ticket_id, reservation_window)
        return OrderOut.of(order)

    @get("/", responses=error_responses(401))
    async def list_mine(
        self,
        user: NamedDependency[CurrentUser],
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
        cursor: FromQuery[str | None] = None,
    ) -> Response[list[OrderOut]]:
        """My orders, newest first; a full page carries a `Link` to the next one."""
        page = PageRequest.of(limit, cursor)
        orders = await orders_of(user, page)
        links = next_page_link(self.path, page, [order.id for order in orders])
        return Response([OrderOut.of(order) for order in orders], headers=links)

    @get("/{order_id:str}", responses=error_responses(401, 404))
    async def show(self, order_id: FromPath[str], user: NamedDependency[CurrentUser]) -> OrderOut:
        return OrderOut.of(await order_of(user, order_id))

    @delete(
        "/{order_id:str}", status_code=HTTP_204_NO_CONTENT, responses=error_responses(401, 404, 409)
    )
    async def cancel(
        self,
        order_id: FromPath[str],
        user: NamedDependency[CurrentUser],
        transactions: NamedDependency[Transactions],
    ) -> None:
        await cancel_order(transactions, user, order_id)
