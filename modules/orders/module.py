"""The orders module's table: settings, documents, routes, and its composition root."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from modules.kernel import Module, ModuleContext, ModuleSettings, Wiring, provide
from modules.orders.api import OrdersApi
from modules.orders.documents import Order, TicketReplica
from modules.orders.listeners import LISTENERS
from modules.orders.pages import OrdersPages

WEEK = 7 * 24 * 3600


class OrdersSettings(ModuleSettings):
    order_ttl: int = Field(default=900, gt=0, le=WEEK)  # dramatiq delays cap at 7 days


def bootstrap(context: ModuleContext[OrdersSettings]) -> Wiring:
    window = timedelta(seconds=context.settings.order_ttl)
    return Wiring(dependencies={"reservation_window": provide(window)}, listeners=LISTENERS)


module = Module(
    name="orders",
    settings=OrdersSettings,
    bootstrap=bootstrap,
    documents=[Order, TicketReplica],
    routes=[OrdersApi, OrdersPages],
)
