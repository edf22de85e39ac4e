from modules.kernel import Module
from modules.tickets.api import TicketsApi
from modules.tickets.documents import CancelledOrder, Ticket
from modules.tickets.listeners import LISTENERS

module = Module(
    name="tickets",
    documents=[Ticket, CancelledOrder],
    routes=[TicketsApi],
    listeners=LISTENERS,
)
