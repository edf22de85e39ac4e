from modules.kernel import Module
from modules.orders.api import OrdersApi
from modules.orders.documents import Order, TicketReplica
from modules.orders.listeners import LISTENERS

module = Module(
    name="orders",
    documents=[Order, TicketReplica],
    routes=[OrdersApi],
    listeners=LISTENERS,
)
